// Event-loop stalls while a DATA_DIR snapshot of many keys is taken and written.
// Usage: npm run bench:snapshot -- [keys=1000000] [--whole]
// Prints the longest event-loop block (perf_hooks.monitorEventLoopDelay, 1 ms resolution, and a
// 1 ms interval timer's worst lateness) from the moment the snapshot starts until it is on disk.
import { ReplicaNode } from '@meshcache/sync-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DiskStore } from '../src/persistence/disk-store.js';
import { batchedSnapshot } from '../src/persistence/open-persistence.js';

const keys = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-stall-'));
  const node = new ReplicaNode({ nodeId: 'stall', cache: { capacity: keys + 10, strategy: 'lru' } });
  for (let i = 0; i < keys; i++) node.set(`user:${i}`, { id: i, name: `name-${i}`, tags: ['a', 'b'] });
  const store = new DiskStore({ dir, fsync: 'everysec', snapshotIntervalMs: 3_600_000, snapshotAfterOps: 1e9, warn: (m) => console.warn(m) });
  await store.load();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let worstLateness = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstLateness = Math.max(worstLateness, now - last - 1);
    last = now;
  }, 1);
  histogram.enable();
  const started = performance.now();
  // `--whole` measures the former way: the whole state exported in one synchronous step.
  const take = process.argv.includes('--whole') ? () => node.snapshot() : () => batchedSnapshot(node);
  let takeMs = 0;
  await store.start(() => {
    const t = performance.now();
    const state = take();
    takeMs = performance.now() - t;
    return state;
  });
  const took = performance.now() - started;
  histogram.disable();
  clearInterval(ticker);
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    JSON.stringify({
      date: new Date().toISOString(),
      keys,
      snapshotMs: Math.round(took),
      // The one synchronous step: the log switch and what the snapshot takes at once.
      synchronousTakeMs: Number(takeMs.toFixed(1)),
      eventLoopDelayMaxMs: Number(ms(histogram.max)),
      eventLoopDelayP99Ms: Number(ms(histogram.percentile(99))),
      timerWorstLatenessMs: Number(worstLateness.toFixed(1)),
    }),
  );
  await store.close();
  await node.close();
  rmSync(dir, { recursive: true, force: true });
};

void main();
