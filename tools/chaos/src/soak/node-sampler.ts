import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { Sample } from './soak-verdict.js';

/** RSS, open fds and sockets of a process, from /proc (Linux). */
export function procStats(pid: number): { rssBytes: number; openFds: number; sockets: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  let openFds = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    openFds++;
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // closed between the listing and the read
    }
  }
  return { rssBytes: rssKb * 1024, openFds, sockets };
}

/** One value of a Prometheus text exposition (the first series of `name`). */
export function promValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  if (line === undefined) return undefined;
  const value = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(value) ? value : undefined;
}

/** Samples one node: /proc for memory and handles, its /metrics for the heap and event-loop delay. */
export async function sampleNode(node: string, pid: number, url: string, t: number): Promise<Sample> {
  const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const proc = procStats(pid);
  const lastSnapshotAt = promValue(metrics, 'meshcache_last_snapshot_timestamp_seconds');
  return {
    node,
    t,
    ...proc,
    heapUsedBytes: promValue(metrics, 'nodejs_heap_size_used_bytes') ?? 0,
    eventLoopLagMaxMs: (promValue(metrics, 'nodejs_eventloop_lag_max_seconds') ?? 0) * 1000,
    lastSnapshotAt: lastSnapshotAt === undefined ? undefined : Math.round(lastSnapshotAt * 1000),
  };
}
