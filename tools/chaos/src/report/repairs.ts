/**
 * Which repair a fault caused, from what an operator can read: the sync counters of
 * /api/sync/status before the fault and after recovery, and the /api/sync/history events in
 * between. Pure, so the classification is unit tested.
 */
export interface StatusCounters {
  partialSyncs: number;
  fullSyncs: number;
  snapshotsSent: number;
  forceSyncs: number;
  repairedKeys: number;
  rejectedMessages: number;
  /**
   * Whole-state snapshots this node sent (`repairs.snapshot.count` of /api/sync/status), absent
   * on nodes without it. A snapshot message carrying only what the peer missed (the tail of a
   * restarted node's earlier incarnation) counts as a partial repair there, while the receiver
   * still counts it in `fullSyncs`.
   */
  snapshotRepairs?: number;
}

export interface HistoryEvent {
  timestamp: number;
  type: string;
  peer?: string;
  count?: number;
}

export interface RepairSummary {
  partial: number;
  snapshot: number;
  antiEntropy: number;
  rejected: number;
  /** History event counts by type within the window (peer-down, state-replaced, clock-skew...). */
  events: Record<string, number>;
  bytes: number;
  /** partial / snapshot / anti-entropy / none, from the counters. */
  kind: string;
}

const COUNTERS: ReadonlyArray<keyof StatusCounters> = ['partialSyncs', 'fullSyncs', 'snapshotsSent', 'forceSyncs', 'repairedKeys', 'rejectedMessages'];

/** Sum over nodes of counter growth; a node that restarted counts from zero (its counters reset). */
function growth(before: ReadonlyMap<string, StatusCounters>, after: ReadonlyMap<string, StatusCounters>, key: keyof StatusCounters): number {
  let sum = 0;
  for (const [node, a] of after) {
    const now = a[key] ?? 0;
    const then = before.get(node)?.[key];
    sum += then !== undefined && now >= then ? now - then : now;
  }
  return sum;
}

export function summarizeRepair(
  before: ReadonlyMap<string, StatusCounters>,
  after: ReadonlyMap<string, StatusCounters>,
  events: readonly HistoryEvent[],
  window: { from: number; to: number },
  bytes: number,
): RepairSummary {
  const counted: Record<string, number> = {};
  const seen = new Set<string>();
  for (const e of events) {
    if (e.timestamp < window.from || e.timestamp > window.to || e.type === 'ops-sent' || e.type === 'ops-received') continue;
    const id = `${e.timestamp}|${e.type}|${e.peer ?? ''}|${e.count ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    counted[e.type] = (counted[e.type] ?? 0) + 1;
  }
  const received = growth(before, after, 'fullSyncs');
  // Whole-state snapshots by the senders' count when every node reports it; the other received
  // snapshot messages carried only what was missed.
  const senderCounts = after.size > 0 && [...after.values()].every((c) => c.snapshotRepairs !== undefined);
  const snapshot = senderCounts ? Math.min(received, growth(before, after, 'snapshotRepairs')) : received;
  const partial = growth(before, after, 'partialSyncs') + (received - snapshot);
  const antiEntropy = growth(before, after, 'forceSyncs');
  const kind = [snapshot && `snapshot ×${snapshot}`, partial && `partial ×${partial}`, antiEntropy && `anti-entropy ×${antiEntropy}`].filter(Boolean).join(', ') || 'none (live stream only)';
  return { partial, snapshot, antiEntropy, rejected: growth(before, after, 'rejectedMessages'), events: counted, bytes, kind };
}

export const countersOf = (status: unknown): StatusCounters | undefined => {
  const s = status as Partial<Record<keyof StatusCounters, unknown>> | undefined;
  if (!s || typeof s.partialSyncs !== 'number') return undefined;
  const counters = Object.fromEntries(COUNTERS.map((k) => [k, typeof s[k] === 'number' ? s[k] : 0])) as unknown as StatusCounters;
  const sent = (status as { repairs?: { snapshot?: { count?: unknown } } }).repairs?.snapshot?.count;
  return typeof sent === 'number' ? { ...counters, snapshotRepairs: sent } : counters;
};
