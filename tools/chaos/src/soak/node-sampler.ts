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

/**
 * A node's counters so far: GETs of an item it answered and how many of them within 10 ms (its
 * own latency histogram), and the CPU time its process used (user + system, prom-client's
 * `process_cpu_seconds_total`): over a run, the nodes' CPU per request is what the 2 cores give.
 */
export interface NodeCounters {
  within10Ms: number;
  count: number;
  cpuSeconds: number;
}

const ITEM_GETS = { method: 'GET', route: '/api/cache/:key' };

export async function nodeCounters(url: string): Promise<NodeCounters> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return {
    within10Ms: promSeries(text, 'meshcache_http_request_duration_seconds_bucket', { ...ITEM_GETS, le: '0.01' }) ?? 0,
    count: promSeries(text, 'meshcache_http_request_duration_seconds_count', ITEM_GETS) ?? 0,
    cpuSeconds: promValue(text, 'process_cpu_seconds_total') ?? 0,
  };
}

/**
 * The sampling interval of the nodes' event-loop delay: prom-client's `nodejs_eventloop_lag_*`
 * come from `monitorEventLoopDelay` at its default resolution (`eventLoopMonitoringPrecision`,
 * 10 ms; apps/api does not change it).
 */
export const NODE_LAG_RESOLUTION_MS = 10;

/**
 * How late the event loop ran a timer, from what `monitorEventLoopDelay` records: Node's
 * histogram holds the interval between two callbacks of its repeating timer, so an idle process
 * reads the resolution itself (idle, 2026-12-01: p50 10.3 ms at resolution 10, 1.1 ms at
 * resolution 1), and a loop blocked for B ms reads B plus the resolution. The delay is the
 * interval less the resolution (as Elastic's APM agent computes it; see
 * open-telemetry/opentelemetry-js-contrib#2794). `node-sampler.spec.ts` checks the premise.
 */
export function delayFromInterval(intervalMs: number, resolutionMs: number): number {
  return Math.max(0, intervalMs - resolutionMs);
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
    eventLoopLagMaxMs: delayFromInterval((promValue(metrics, 'nodejs_eventloop_lag_max_seconds') ?? 0) * 1000, NODE_LAG_RESOLUTION_MS),
    lastSnapshotAt: lastSnapshotAt === undefined ? undefined : Math.round(lastSnapshotAt * 1000),
  };
}
