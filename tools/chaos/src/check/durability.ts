import type { CrashRecord, LoggedWrite, OpRecord } from './history.js';

/**
 * The node-level durability check of docs/CONSISTENCY.md, "Durability: what a 2xx means": after
 * a crash, the crashed node's own DATA_DIR must hold every write it acknowledged (log, then
 * apply, then answer). A `kill -9` must lose none of them (the OS keeps what was written, whatever
 * APPEND_FSYNC says); the emulated power cut may take only writes no fsync covered yet, and only
 * those acknowledged within the policy's window before the cut (`always`: none). Peers may still
 * hold such a write, so the cluster-wide check excuses only what this one allowed.
 */

export interface DurabilityOptions {
  clockToleranceMs: number;
  /** Oldest acknowledgement (ms before the cut) a power cut may take: 0 for always, about 1 s for everysec. */
  powerLossBoundMs: number;
  /** Operations a clock fault lets the node drop (the history checker's windows). */
  exempt: (op: OpRecord) => boolean;
}

export interface DurabilityAnomaly {
  kind: 'lost-on-disk' | 'power-loss-beyond-bound';
  key?: string;
  node: string;
  ops: string[];
  detail: string;
}

export interface CrashSummary {
  id: string;
  node: string;
  mode: CrashRecord['mode'];
  at: number;
  /** Acknowledged writes the node's logs had to hold (started after its newest snapshot). */
  checked: number;
  /** Of those, how many the power cut removed, and the oldest one's age at the cut. */
  cut: number;
  oldestCutMs: number | null;
  cutBytes: number;
  /** Time from the last completed fsync to the cut, and the longest gap between fsyncs before it. */
  sinceFsyncMs: number | null;
  longestFsyncGapMs: number | null;
  /** The writes the cut was allowed to take: values of sets and bulk items, ids of deletes and clears. */
  excused: string[];
}

export interface DurabilityResult {
  anomalies: DurabilityAnomaly[];
  crashes: CrashSummary[];
  /** Writes a power cut was allowed to take (values of sets and bulk items, ids of deletes and clears). */
  excusedValues: Set<string>;
  excusedOps: Set<string>;
}

interface Expected {
  op: OpRecord;
  type: LoggedWrite['type'];
  key?: string;
  value?: string;
}

/** What an acknowledged operation must have left in its node's log. */
function expectedWrites(op: OpRecord): Expected[] {
  if (op.outcome !== 'ok') return [];
  if (op.type === 'set' && op.key !== undefined && op.value !== undefined) return [{ op, type: 'set', key: op.key, value: op.value }];
  if (op.type === 'bulk') return (op.items ?? []).filter((i) => !i.failed).map((i) => ({ op, type: 'set' as const, key: i.key, value: i.value }));
  // A 404 delete removed nothing, so it logged nothing.
  if (op.type === 'delete' && op.status === 200 && op.key !== undefined) return [{ op, type: 'delete', key: op.key }];
  if (op.type === 'clear') return [{ op, type: 'clear' }];
  return [];
}

/** Sets by their unique value; deletes and clears by key and a stamp inside the operation's interval. */
const matches = (e: Expected, w: LoggedWrite, tol: number): boolean =>
  e.type === w.type && (e.type === 'set' ? w.key === e.key && w.value === e.value : w.key === e.key && w.wall >= e.op.start - tol && w.wall <= e.op.end + tol);

export function checkCrashes(ops: readonly OpRecord[], crashes: readonly CrashRecord[], options: DurabilityOptions): DurabilityResult {
  const result: DurabilityResult = { anomalies: [], crashes: [], excusedValues: new Set(), excusedOps: new Set() };
  const tol = options.clockToleranceMs;
  for (const crash of crashes) {
    const owed = ops
      .filter((o) => o.node === crash.node && o.start >= crash.coverFrom && o.start < crash.at && !options.exempt(o))
      .flatMap(expectedWrites);
    const summary: CrashSummary = {
      id: crash.id,
      node: crash.node,
      mode: crash.mode,
      at: crash.at,
      checked: owed.length,
      cut: 0,
      oldestCutMs: null,
      cutBytes: crash.cutBytes,
      sinceFsyncMs: crash.lastFsyncAt === null ? null : crash.at - crash.lastFsyncAt,
      longestFsyncGapMs: crash.longestFsyncGapMs,
      excused: [],
    };
    for (const e of owed) {
      if (crash.kept.some((w) => matches(e, w, tol))) continue;
      const what = `${e.op.id} (${e.type}${e.key !== undefined ? ` ${e.key}` : ''}${e.value !== undefined ? `=${JSON.stringify(e.value)}` : ''}, acknowledged by ${crash.node} at ${e.op.end})`;
      if (!crash.cut.some((w) => matches(e, w, tol))) {
        result.anomalies.push({ kind: 'lost-on-disk', key: e.key, node: crash.node, ops: [e.op.id], detail: `${what} is not in ${crash.node}'s operation log after the ${crash.mode === 'kill' ? 'kill -9' : 'power cut'} of fault ${crash.id}` });
        continue;
      }
      const age = Math.max(0, crash.at - e.op.end);
      summary.cut++;
      summary.oldestCutMs = Math.max(summary.oldestCutMs ?? 0, age);
      if (age > options.powerLossBoundMs) {
        result.anomalies.push({ kind: 'power-loss-beyond-bound', key: e.key, node: crash.node, ops: [e.op.id], detail: `${what} was lost by the power cut of fault ${crash.id}, ${age} ms after it was acknowledged (bound ${options.powerLossBoundMs} ms)` });
      } else if (e.value !== undefined) {
        result.excusedValues.add(e.value);
        summary.excused.push(e.value);
      } else {
        result.excusedOps.add(e.op.id);
        summary.excused.push(e.op.id);
      }
    }
    result.crashes.push(summary);
  }
  return result;
}
