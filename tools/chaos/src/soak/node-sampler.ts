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

/** One value of a Prometheus text exposition: the series of `name` whose labels include every one of `labels`. */
export function promSeries(text: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(name + '{') && wanted.every((w) => l.slice(0, l.indexOf('}')).includes(w)));
  if (line === undefined) return undefined;
  const value = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(value) ? value : undefined;
}

/** GETs of an item a node has answered so far, and how many of them within 10 ms (its own latency histogram). */
export interface NodeGets {
  within10Ms: number;
  count: number;
}

const ITEM_GETS = { method: 'GET', route: '/api/cache/:key' };

export async function nodeGets(url: string): Promise<NodeGets> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return {
    within10Ms: promSeries(text, 'meshcache_http_request_duration_seconds_bucket', { ...ITEM_GETS, le: '0.01' }) ?? 0,
    count: promSeries(text, 'meshcache_http_request_duration_seconds_count', ITEM_GETS) ?? 0,
  };
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
