import { parseArgs } from 'node:util';
import { replayCommand, runSchedule, runSchedules } from './simulation.js';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
    'trace-key': { type: 'string' },
  },
});
const schedules = Number(values.schedules);
const seed = Number(values.seed);
if (!Number.isInteger(schedules) || schedules < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run sim -- [--schedules N] [--seed S] [--verbose [--trace-key K]]');
  process.exit(2);
}

const started = Date.now();
if (values.verbose && schedules === 1) {
  const result = runSchedule(seed, (line) => console.log(line), values['trace-key']);
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.ok ? 0 : 1);
}
let done = 0;
const totals = { writes: 0, crashes: 0, partitions: 0, clockJumps: 0, vanished: 0, fullSyncs: 0, partialSyncs: 0, delivered: 0, dropped: 0, attacks: 0, twins: 0, duplicatesReported: 0, folds: 0, snapshotRepeats: 0 };
const results = runSchedules({
  seed,
  schedules,
  onResult: (r) => {
    done++;
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    if (!r.ok) console.error(`seed ${r.seed} FAILED: ${r.failure}\nreplay: ${replayCommand(r.seed)}`);
    else if (done % 100 === 0) console.log(`${done}/${schedules} schedules converged (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  },
});
const failed = results.filter((r) => !r.ok);
console.log(
  `${results.length - failed.length} of ${schedules} schedules converged from seed ${seed} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
    `${totals.writes} writes, ${totals.crashes} crashes, ${totals.partitions} partitions, ${totals.clockJumps} clock jumps, ${totals.vanished} vanished nodes, ${totals.fullSyncs} full and ${totals.partialSyncs} partial syncs, ` +
    `${totals.delivered} messages delivered, ${totals.dropped} dropped, ${totals.attacks} non-member attack steps (none applied), ` +
    `${totals.twins} duplicate-id twins (${totals.duplicatesReported} duplicate-node-id reports), ${totals.folds} fold markers, ${totals.snapshotRepeats} repeated snapshots`,
);
process.exit(failed.length === 0 ? 0 : 1);
