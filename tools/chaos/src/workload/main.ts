// The clients' process (run on the client host by the harness): N concurrent clients against
// random nodes, every operation appended to a JSONL file. Stops on SIGTERM (after the operations
// in flight are answered or timed out) or by itself after maxMs.
import { appendFileSync } from 'node:fs';
import type { OpRecord } from '../check/history.js';
import { seededRandom } from '../prng.js';
import { runClient } from './client.js';
import { WorkloadConfigSchema } from './config.js';

const parsed = WorkloadConfigSchema.safeParse(JSON.parse(process.env.CHAOS_WORKLOAD ?? 'null'));
if (!parsed.success) {
  console.error(`CHAOS_WORKLOAD: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const config = parsed.data;
const started = Date.now();
let stop = false;
process.on('SIGTERM', () => (stop = true));
process.on('SIGINT', () => (stop = true));
let buffer: string[] = [];
const flush = () => {
  if (buffer.length) appendFileSync(config.out, buffer.join(''));
  buffer = [];
};
const timer = setInterval(flush, 250);
const record = (op: OpRecord) => buffer.push(JSON.stringify(op) + '\n');
const stopped = () => stop || Date.now() - started > config.maxMs;

void Promise.all(Array.from({ length: config.clients }, (_, i) => runClient(i + 1, config, seededRandom(config.seed * 1000 + i), record, stopped))).then(() => {
  clearInterval(timer);
  flush();
  process.exit(0);
});
