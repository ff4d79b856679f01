// Event-loop stalls while a DATA_DIR snapshot of many keys is taken and written.
// Usage: NODE_OPTIONS=--expose-gc npm run bench:snapshot -- [keys=1000000] [--whole]
// Prints the longest event-loop block (perf_hooks.monitorEventLoopDelay, 1 ms resolution, and a
// 1 ms interval timer's worst lateness) from the moment the snapshot starts until it is on disk,
// the most CPU the process used between two ticks of that timer (the longest step measured in
// CPU time, which a loaded machine inflates far less than wall time: descheduled time is not
// counted), and the garbage collections meanwhile (PerformanceObserver 'gc').
import { ReplicaNode } from '@meshcache/sync-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { DiskStore } from '../src/persistence/disk-store.js';
import { batchedSnapshot } from '../src/persistence/open-persistence.js';

const keys = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-stall-'));
  const node = new ReplicaNode({ nodeId: 'stall', cache: { capacity: keys + 10, strategy: 'lru' } });
  for (let i = 0; i < keys; i++) node.set(`user:${i}`, { id: i, name: `name-${i}`, tags: ['a', 'b'] });
  // With --expose-gc (NODE_OPTIONS=--expose-gc), the entries are settled in the old generation
  // first, as in a server that has held them for a while: otherwise the first scavenge during
  // the snapshot copies the whole freshly filled cache and is the figure.
  (globalThis as { gc?: () => void }).gc?.();
  const store = new DiskStore({ dir, fsync: 'everysec', snapshotIntervalMs: 3_600_000, snapshotAfterOps: 1e9, warn: (m) => console.warn(m) });
  await store.load();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let worstLateness = 0;
  let worstStepCpu = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstLateness = Math.max(worstLateness, now - last - 1);
    last = now;
    const cpu = process.cpuUsage(lastCpu);
    worstStepCpu = Math.max(worstStepCpu, (cpu.user + cpu.system) / 1000);
    lastCpu = process.cpuUsage();
  }, 1);
  const gc = { count: 0, totalMs: 0, maxMs: 0, markCompacts: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.markCompacts++;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
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
  gcObserver.disconnect();
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
      worstStepCpuMs: Number(worstStepCpu.toFixed(1)),
      gc: { count: gc.count, markCompacts: gc.markCompacts, totalMs: Number(gc.totalMs.toFixed(1)), maxMs: Number(gc.maxMs.toFixed(1)) },
    }),
  );
  await store.close();
  await node.close();
  rmSync(dir, { recursive: true, force: true });
};

void main();
