import { healthProblemCodeSchema, LATENCY_BUCKETS_MS, type HealthProblem, type LatencyHistogram, type SyncStats } from '@meshcache/api-contract';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { HttpSeries, registerHttpSeries } from './http-series.js';

/** What the exporter reads at scrape time; kept abstract so scraping never touches the hot path. */
export interface PrometheusSource {
  cache(): { hits: number; misses: number; sets: number; deletes: number; evictions: number; expirations: number; size: number; capacity: number; bytes: number };
  /** Undefined without DATA_DIR. */
  persistence(): { writable: boolean; opLogBytes: number; lastSnapshotAt: number | null } | undefined;
  /** What `/health` reports as problems right now. */
  problems(): HealthProblem[];
  sync(): {
    lag: number;
    fullSyncs: number;
    partialSyncs: number;
    opsSent: number;
    opsReceived: number;
    rejectedMessages: number;
    peersUp: number;
    syncEnabled: boolean;
    tombstones: number;
    tombstoneBytes: number;
    backlogSize: number;
    backlogBytes: number;
    repairs?: SyncStats['repairs'];
    /** Each known peer: its id, state and how many of this node's operations it has not acknowledged. */
    nodeList: readonly { id: string; state: string; lag: number }[];
  };
}

export interface HttpMetrics {
  readonly registry: Registry;
  /** Records one finished request; `route` is the route pattern, never the raw URL (bounded labels). */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** Every request so far in one histogram (all routes), for `/api/metrics` and the dashboard's latency chart. */
  latency(): LatencyHistogram;
}

/**
 * A registry per server (not the global one) so several nodes can live in one process (tests).
 * Cache and sync figures are cumulative counters owned by the libraries: they are copied in at
 * scrape time instead of being counted twice.
 */
export const createPrometheus = (source: PrometheusSource, nodeId: string): HttpMetrics => {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry });

  const mirrorCounter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });

  mirrorCounter('meshcache_cache_hits_total', 'Reads that found a live entry', () => source.cache().hits);
  mirrorCounter('meshcache_cache_misses_total', 'Reads that found nothing', () => source.cache().misses);
  mirrorCounter('meshcache_cache_sets_total', 'Entries written', () => source.cache().sets);
  mirrorCounter('meshcache_cache_deletes_total', 'Entries deleted', () => source.cache().deletes);
  new Counter({
    name: 'meshcache_cache_evictions_total',
    help: 'Entries removed by the cache itself, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const stats = source.cache();
      this.reset();
      // The library's onEvict reasons, so one word means one thing everywhere.
      this.inc({ reason: 'evict' }, stats.evictions);
      this.inc({ reason: 'expire' }, stats.expirations);
    },
  });
  gauge('meshcache_cache_size', 'Entries in the cache', () => source.cache().size);
  gauge('meshcache_cache_capacity', 'Most entries the cache holds', () => source.cache().capacity);
  gauge('meshcache_cache_bytes', 'Bytes accounted by the cache (0 without a byte limit)', () => source.cache().bytes);
  gauge('meshcache_replication_lag_ops', "Largest count of this node's operations a connected peer has not acknowledged (a down peer: meshcache_peer_lag_ops and the /health problem peer-unreachable)", () => source.sync().lag);
  // Per peer, down ones included: the largest figure above leaves a down peer out (its count only
  // grows, and it is a /health problem of its own), so an alert on it alone cleared just when the
  // peer went down.
  new Gauge({
    name: 'meshcache_peer_lag_ops',
    help: "Count of this node's operations each known peer has not acknowledged, by peer and state (up, suspect, down)",
    labelNames: ['peer', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const peer of source.sync().nodeList) this.set({ peer: peer.id, state: peer.state }, peer.lag);
    },
  });
  mirrorCounter('meshcache_sync_full_total', 'Full (snapshot) synchronizations', () => source.sync().fullSyncs);
  mirrorCounter('meshcache_sync_partial_total', 'Partial (backlog) synchronizations', () => source.sync().partialSyncs);
  // Repairs this node sent, by kind: what healing a fault cost (a snapshot where the backlog reached back is a defect).
  const repairCounter = (name: string, help: string, field: 'count' | 'items' | 'bytes') =>
    new Counter({
      name,
      help,
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        const repairs = source.sync().repairs;
        this.reset();
        if (repairs === undefined) return;
        this.inc({ kind: 'partial' }, repairs.partial[field]);
        this.inc({ kind: 'snapshot' }, repairs.snapshot[field]);
        this.inc({ kind: 'anti_entropy' }, repairs.antiEntropy[field]);
      },
    });
  repairCounter('meshcache_sync_repairs_total', 'Repairs sent to peers, by kind (partial resync, snapshot, anti-entropy)', 'count');
  repairCounter('meshcache_sync_repair_items_total', 'Operations (partial) or entries and tombstones (snapshot, anti-entropy) the repairs carried', 'items');
  repairCounter('meshcache_sync_repair_bytes_total', 'Approximate bytes the repairs moved, by kind', 'bytes');
  mirrorCounter('meshcache_sync_ops_sent_total', 'Operations sent to peers', () => source.sync().opsSent);
  mirrorCounter('meshcache_sync_ops_received_total', 'Operations received from peers', () => source.sync().opsReceived);
  mirrorCounter('meshcache_sync_rejected_messages_total', 'Peer messages dropped by validation', () => source.sync().rejectedMessages);
  gauge('meshcache_peers_up', 'Peers currently connected', () => source.sync().peersUp);
  gauge('meshcache_tombstones', 'Tombstones kept to beat older writes (collected after tombstoneGraceMs, capped by maxTombstones)', () => source.sync().tombstones);
  gauge('meshcache_tombstone_bytes', 'Approximate bytes of the tombstones', () => source.sync().tombstoneBytes);
  gauge('meshcache_backlog_ops', "This node's operations kept for partial resync", () => source.sync().backlogSize);
  gauge('meshcache_backlog_bytes', 'Approximate bytes of the backlog (capped by backlogMaxBytes)', () => source.sync().backlogBytes);
  new Gauge({
    name: 'meshcache_health_problems',
    help: 'Current /health problems by code (0 for every code not present)',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      const problems = source.problems();
      for (const code of healthProblemCodeSchema.options) this.set({ code }, problems.filter((p) => p.code === code).length);
    },
  });
  gauge('meshcache_sync_enabled', '1 when replication is on', () => (source.sync().syncEnabled ? 1 : 0));
  // Without DATA_DIR nothing can fill up: the node always takes writes.
  gauge('meshcache_disk_writable', '0 while the disk refuses writes (node read-only, writes answer 507), else 1', () => (source.persistence()?.writable === false ? 0 : 1));
  gauge('meshcache_oplog_bytes', 'Bytes in the current operation log (0 without DATA_DIR)', () => source.persistence()?.opLogBytes ?? 0);
  gauge('meshcache_last_snapshot_timestamp_seconds', 'When the newest verified snapshot was taken (0: none yet)', () => (source.persistence()?.lastSnapshotAt ?? 0) / 1000);

  const http = new HttpSeries(LATENCY_BUCKETS_MS.map((ms) => ms / 1000));
  registerHttpSeries(
    registry,
    http,
    { name: 'meshcache_http_requests_total', help: 'HTTP requests by route, method and status' },
    { name: 'meshcache_http_request_duration_seconds', help: 'HTTP request latency by route' },
  );

  return {
    registry,
    observe(method, route, status, seconds) {
      http.record(method, route, status, seconds);
    },
    latency() {
      // The same buckets summed over every method and route.
      const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
      let sumMs = 0;
      for (const s of http.latencySeries()) {
        s.perBucket.forEach((n, i) => (counts[i] += n));
        sumMs += s.sum * 1000;
      }
      let running = 0;
      return { counts: counts.map((n) => (running += n)), sumMs };
    },
  };
};
