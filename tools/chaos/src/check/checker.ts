import { checkCrashes, type CrashSummary } from './durability.js';
import type { CrashRecord, Entry, FaultRecord, FinalRecord, HistoryRecord, OpRecord, Outcome } from './history.js';
import { compareVersions, wallOf } from './version.js';

/**
 * The history checker: decides, per key, from every operation's outcome and version and every
 * node's state after healing, whether the cluster kept the promises of docs/CONSISTENCY.md.
 *
 * It must never cry wolf. Versions are HLC stamps whose wall part is this machine's clock (all
 * nodes run here), so an operation's real-time interval bounds the stamp it could have received,
 * give or take `clockToleranceMs`. Where an outcome is unknown (timeout), the operation may have
 * been applied at any time later, so it may explain anything. A node under a clock fault may drop
 * writes it acknowledged while skewed (CONSISTENCY.md, "Clock faults"): its operations from the
 * fault's start until `clockSettleMs` after its end are not held against it.
 */

export const ANOMALY_KINDS = [
  'not-converged',
  'slow-convergence',
  'lost-write',
  'resurrected-delete',
  'unwritten-value',
  'refused-write-applied',
  'stale-read',
  'applied-after-deadline',
  'lost-on-disk',
  'power-loss-beyond-bound',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface Anomaly {
  kind: AnomalyKind;
  key?: string;
  node?: string;
  /** Ids of the operations that show it. */
  ops: string[];
  detail: string;
}

/** Observations that break no documented promise today but are worth a reader's attention. */
export interface Finding {
  kind: 'applied-after-timeout';
  key: string;
  ops: string[];
  detail: string;
}

export interface CheckOptions {
  clockToleranceMs: number;
  /**
   * The nodes refuse a write once its X-Deadline-Ms has passed (docs/CONSISTENCY.md): a write
   * stamped after its deadline is then an anomaly; otherwise it is reported as a finding.
   */
  deadlinesPromised?: boolean;
  clockSettleMs: number;
  /** When the last fault healed and when every node first held the same state (null: never). */
  convergence: { healedAt: number; convergedAt: number | null; boundMs: number };
  /**
   * Oldest acknowledgement (ms before the cut) an emulated power cut may take from the crashed
   * node (APPEND_FSYNC always: 0; everysec: about a second). Such a write is then not held
   * against the cluster either: where it should have been its key's final value and no node
   * holds it, it is counted in `crashes[].lostEverywhere` instead. Default 0.
   */
  powerLossBoundMs?: number;
}

export interface CheckResult {
  valid: boolean;
  anomalies: Anomaly[];
  findings: Finding[];
  keys: number;
  ops: Record<Outcome, number>;
  /** Milliseconds from the last heal to convergence, null when it never converged. */
  convergeMs: number | null;
  /**
   * Per crash (kill -9, power cut): what the node's disk held; of the writes a cut took, how many
   * should have been their key's final value and are missing (a later write hides the others).
   */
  crashes: Array<CrashSummary & { lostEverywhere: number }>;
}

interface Write {
  op: OpRecord;
  key: string;
  value: string;
  outcome: Outcome;
  version?: string;
}

interface Window {
  node: string;
  from: number;
  to: number;
}

const isSet = (w: Write): boolean => w.outcome === 'ok';

/** Writes of one key, from sets and bulk items; each value is written once (the workload makes them unique). */
function writesOf(ops: readonly OpRecord[]): Map<string, Write[]> {
  const byKey = new Map<string, Write[]>();
  const add = (w: Write) => {
    const list = byKey.get(w.key) ?? [];
    list.push(w);
    byKey.set(w.key, list);
  };
  for (const op of ops) {
    if (op.type === 'set' && op.key !== undefined && op.value !== undefined) add({ op, key: op.key, value: op.value, outcome: op.outcome, version: op.version });
    if (op.type === 'bulk') for (const item of op.items ?? []) add({ op, key: item.key, value: item.value, outcome: item.failed ? 'failed' : op.outcome });
  }
  return byKey;
}

/** Clock-fault windows, from the fault records: when a node's own acknowledgements may be dropped. */
function skewWindows(faults: readonly FaultRecord[], settleMs: number, end: number): Window[] {
  const windows: Window[] = [];
  for (const start of faults.filter((f) => f.group === 'clock' && f.phase === 'start')) {
    const stop = faults.find((f) => f.id === start.id && f.phase === 'end');
    for (const node of start.targets) windows.push({ node, from: start.at, to: (stop?.at ?? end) + settleMs });
  }
  return windows;
}

export function check(records: readonly HistoryRecord[], options: CheckOptions): CheckResult {
  const ops = records.filter((r): r is OpRecord => r.kind === 'op');
  const faults = records.filter((r): r is FaultRecord => r.kind === 'fault');
  const finals = records.filter((r): r is FinalRecord => r.kind === 'final');
  const tol = options.clockToleranceMs;
  const lastTime = Math.max(0, ...ops.map((o) => o.end), ...faults.map((f) => f.at));
  const windows = skewWindows(faults, options.clockSettleMs, lastTime);
  const exempt = (op: OpRecord) => windows.some((w) => w.node === op.node && op.end >= w.from && op.start <= w.to);
  const crashed = records.filter((r): r is CrashRecord => r.kind === 'crash');
  const durability = checkCrashes(ops, crashed, { clockToleranceMs: tol, powerLossBoundMs: options.powerLossBoundMs ?? 0, exempt });
  /** Writes a power cut was allowed to take: lost or stale everywhere is then no anomaly, only counted. */
  const lostByCut = new Set<string>();
  const cutAway = (w: Write) => durability.excusedValues.has(w.value);
  /** True (and counted) when a power cut was allowed to take this write or removal. */
  const excuse = (id: string, allowed: boolean): boolean => {
    if (allowed) lostByCut.add(id);
    return allowed;
  };

  const writes = writesOf(ops);
  const removals = ops.filter((o) => (o.type === 'delete' || o.type === 'clear') && o.outcome !== 'failed');
  // Once per key: the checker asks for every acknowledged write and every read (a filter per call made 36,000-operation runs take minutes).
  const removalsByKey = new Map<string, OpRecord[]>();
  const removalsOf = (key: string) => {
    let list = removalsByKey.get(key);
    if (!list) removalsByKey.set(key, (list = removals.filter((o) => o.type === 'clear' || o.key === key)));
    return list;
  };
  /** Greatest wall its stamp could have: an unknown removal may still be applied later. */
  const removalUpper = (d: OpRecord) => (d.outcome === 'unknown' ? Infinity : d.end + tol);
  /** Least wall a write's stamp can have. */
  const writeLower = (w: Write) => (w.version ? wallOf(w.version) : w.op.start - tol);
  /** A write stands above an observed version (or the observed version cannot be its winner). */
  const beats = (w: Write, observed: string) => (w.version ? compareVersions(w.version, observed) > 0 : wallOf(observed) < w.op.start - tol);
  /** Some removal that was not refused could carry a stamp above the write's. */
  const removable = (w: Write, before = Infinity) => removalsOf(w.key).some((d) => d.start < before && removalUpper(d) >= writeLower(w));

  const anomalies: Anomaly[] = [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (a: Anomaly) => {
    // One report per anomaly and its operations, not one per node that shows it.
    const id = `${a.kind}|${a.key}|${a.ops.length ? '' : a.node}|${a.ops.join(',')}`;
    if (seen.has(id)) return;
    seen.add(id);
    anomalies.push(a);
  };

  const keys = new Set<string>([...writes.keys(), ...finals.flatMap((f) => Object.keys(f.entries))]);
  for (const op of ops) if (op.key !== undefined) keys.add(op.key);

  /** Where an observed value came from, or an anomaly if nobody wrote it (or it was refused). */
  const origin = (key: string, entry: Entry, node: string, opId?: string): Write | undefined => {
    const w = (writes.get(key) ?? []).find((x) => x.value === entry.value);
    const ids = opId ? [opId] : [];
    if (!w) report({ kind: 'unwritten-value', key, node, ops: ids, detail: `${node} holds ${JSON.stringify(entry.value)} (version ${entry.version}), which no client wrote to ${key}` });
    else if (w.version && w.version !== entry.version)
      report({ kind: 'unwritten-value', key, node, ops: [w.op.id, ...ids], detail: `${node} holds ${JSON.stringify(entry.value)} as version ${entry.version}; the write that made it was answered version ${w.version}` });
    else if (w.outcome === 'failed') report({ kind: 'refused-write-applied', key, node, ops: [w.op.id, ...ids], detail: `${node} holds ${JSON.stringify(entry.value)}, a write answered ${w.op.status ?? w.op.error ?? 'failed'} (not applied)` });
    return w;
  };

  for (const key of [...keys].sort()) {
    const ws = writes.get(key) ?? [];
    const acked = ws.filter((w) => isSet(w) && !exempt(w.op));

    // Convergence: every node holds the same entry (or none).
    const states = finals.map((f) => ({ node: f.node, entry: f.entries[key] }));
    const shown = new Set(states.map((s) => (s.entry ? `${s.entry.value}@${s.entry.version}` : '(absent)')));
    if (shown.size > 1)
      report({ kind: 'not-converged', key, ops: [], detail: `after healing the nodes disagree: ${states.map((s) => `${s.node}=${s.entry ? `${JSON.stringify(s.entry.value)}@${s.entry.version}` : 'absent'}`).join(', ')}` });

    for (const { node, entry } of states) {
      if (entry) {
        const from = origin(key, entry, node);
        for (const w of acked)
          if (w !== from && beats(w, entry.version) && !excuse(w.value, cutAway(w)))
            report({ kind: 'lost-write', key, node, ops: [w.op.id], detail: `${w.op.id} (${JSON.stringify(w.value)}${w.version ? ` @${w.version}` : ''}, acknowledged by ${w.op.node}) lost to the older ${JSON.stringify(entry.value)}@${entry.version} on ${node}` });
        for (const d of removalsOf(key))
          if (d.outcome === 'ok' && (d.type === 'clear' || d.status === 200) && !exempt(d) && d.start - tol > wallOf(entry.version) && !excuse(d.id, durability.excusedOps.has(d.id)))
            report({ kind: 'resurrected-delete', key, node, ops: [d.id], detail: `${d.id} (${d.type} acknowledged by ${d.node} at ${d.start}) should have removed ${JSON.stringify(entry.value)}@${entry.version}, which ${node} still holds` });
        const gaveUp = from ? (from.op.deadline ?? from.op.end) : 0;
        if (from && !exempt(from.op) && wallOf(entry.version) > gaveUp + tol) {
          const detail = `${from.op.id} (${from.outcome}, client gave up at ${gaveUp}) was stamped ${wallOf(entry.version) - gaveUp} ms after its deadline and is the final value on ${node}`;
          if (options.deadlinesPromised && from.op.deadline !== undefined) report({ kind: 'applied-after-deadline', key, node, ops: [from.op.id], detail });
          else if (from.outcome === 'unknown' && !findings.some((f) => f.ops[0] === from.op.id)) findings.push({ kind: 'applied-after-timeout', key, ops: [from.op.id], detail });
        }
      } else {
        for (const w of acked)
          if (!removable(w) && !excuse(w.value, cutAway(w)))
            report({ kind: 'lost-write', key, node, ops: [w.op.id], detail: `${w.op.id} (${JSON.stringify(w.value)}${w.version ? ` @${w.version}` : ''}, acknowledged by ${w.op.node}) is gone from ${node} and no delete or clear could have removed it` });
      }
    }

    // Reads: only values somebody wrote; read-your-writes on one node (guarantee 1).
    for (const r of ops.filter((o) => o.type === 'read' && o.key === key && o.outcome === 'ok')) {
      if (r.read !== null && r.read !== undefined) origin(key, { value: r.read, version: r.readVersion ?? '' }, r.node, r.id);
      if (exempt(r)) continue;
      for (const w of acked) {
        if (w.op.node !== r.node || w.op.end >= r.start || cutAway(w)) continue;
        const stale = r.read === null || r.read === undefined ? !removable(w, r.end) : r.readVersion !== undefined && beats(w, r.readVersion);
        if (stale)
          report({ kind: 'stale-read', key, node: r.node, ops: [w.op.id, r.id], detail: `${r.id} on ${r.node} read ${r.read === null ? 'nothing' : `${JSON.stringify(r.read)}@${r.readVersion}`} after ${w.op.id} (${JSON.stringify(w.value)}) was acknowledged by the same node` });
      }
    }
  }

  const { healedAt, convergedAt, boundMs } = options.convergence;
  const convergeMs = convergedAt === null ? null : Math.max(0, convergedAt - healedAt);
  if (convergeMs === null) report({ kind: 'slow-convergence', ops: [], detail: 'the nodes never held the same state after healing' });
  else if (convergeMs > boundMs) report({ kind: 'slow-convergence', ops: [], detail: `converged ${convergeMs} ms after healing (bound ${boundMs} ms)` });

  for (const a of durability.anomalies) report(a);
  const crashes = durability.crashes.map((c) => ({ ...c, lostEverywhere: c.excused.filter((x) => lostByCut.has(x)).length }));
  const count = (o: Outcome) => ops.filter((x) => x.outcome === o).length;
  return { valid: anomalies.length === 0, anomalies, findings, keys: keys.size, ops: { ok: count('ok'), failed: count('failed'), unknown: count('unknown') }, convergeMs, crashes };
}
