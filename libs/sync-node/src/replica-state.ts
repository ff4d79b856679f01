import { compareHlc, type Hlc, type Operation, type SnapshotEntry, type Stamp, type Strategy, type StrategyState, type Tombstone } from '@meshcache/sync-protocol';
import type { EntryRecord, EntryStore } from './entry-store.js';

/**
 * Why a key is absent though a write for it was applied: a replicated delete (a tombstone) or a
 * set whose TTL ran out. Both must keep beating older writes that arrive later, and both are
 * part of the replicated state (every node agrees on them). Evictions leave no grave: they only
 * raise the absent-key floor (see `ReplicaState.floor`).
 */
export interface Grave {
  hlc: Hlc;
  seq: number;
  kind: 'delete' | 'expired';
  expiresAt?: number;
  /** Local monotonic time the grave was dug, for the grace period. */
  at: number;
}

/** What applying one operation or piece of state did. */
export type ApplyOutcome = 'applied' | 'superseded' | 'seen';

export type ChangeKind = 'set' | 'delete' | 'clear' | 'strategy';

/**
 * Told of every change: its kind, the key (for `set` and `delete`) and, for `set`, whether the
 * key was not live here before (an insertion, not an overwrite). Arguments, not a record: it is
 * called on every write.
 */
export type ChangeListener = (kind: ChangeKind, key: string | undefined, created: boolean | undefined) => void;

/**
 * A local write checked against the state that decides it, with the live entry that lookup
 * found: `applyChecked` reuses it instead of looking the key up a second time.
 */
export interface CheckedWrite {
  readonly operation: Operation;
  /** State stamped at or above the operation already decides: applying it would change nothing. */
  readonly loses: boolean;
  readonly current: EntryRecord | undefined;
}

export interface ReplicaStateExport {
  entries: SnapshotEntry[];
  tombstones: Tombstone[];
  watermark: Stamp | null;
  strategy: StrategyState;
}

/** One step of a streamed export. */
export interface StatePiece {
  entries: SnapshotEntry[];
  tombstones: Tombstone[];
}

const entryOf = (key: string, r: EntryRecord): SnapshotEntry => {
  const entry: SnapshotEntry = { key, value: r.value, hlc: r.hlc, seq: r.seq };
  if (r.expiresAt !== undefined) entry.expiresAt = r.expiresAt;
  return entry;
};

const tombstoneOf = (key: string, g: Grave): Tombstone => ({ key, hlc: g.hlc, seq: g.seq });

const newer = (a: Hlc, b: Hlc | undefined): boolean => b === undefined || compareHlc(a, b) > 0;

/** Bytes a grave takes in memory, roughly: the key (UTF-16) plus the stamp and map overhead. */
const graveSize = (key: string): number => 2 * key.length + 96;

/** What one pass of `collectGraves` did: graves collected, and of those how many before their time. */
export interface GraveCollection {
  dropped: number;
  /** Collected only because `maxGraves` was reached: before their grace ended, or kept for a paused peer. */
  early: number;
}

/**
 * The merge rules of meshcache, independent of transport and storage:
 * - per key, the write with the greatest HLC wins (ties impossible: the origin is part of it);
 * - a delete leaves a tombstone so that an older set arriving later loses;
 * - a clear is a watermark: every write at or below it is gone, now and when it arrives later;
 * - the strategy is one more last-writer-wins register.
 * Applying the same operations in any order, any number of times, gives the same state.
 */
export class ReplicaState {
  /** In the order they were dug (a re-dug key moves to the end), so the oldest go first. */
  readonly graves = new Map<string, Grave>();
  watermark: Stamp | null = null;
  strategy: StrategyState;
  /**
   * A write for a key absent here, stamped at or below this, is treated as already beaten: it
   * could be older than a grave collected since. Only collection raises it, so it trails real
   * time by at least the tombstone grace (or less at the hard cap of graves).
   */
  floor: Hlc | null = null;
  private graveBytes = 0;
  /** At or above the stamp of every grave (raised by each one dug, never lowered but by a clear). */
  private newestGrave: Hlc | null = null;

  constructor(
    readonly store: EntryStore,
    initialStrategy: Strategy,
    private readonly onChange?: ChangeListener,
    private readonly clock: () => number = () => 0,
  ) {
    this.strategy = { strategy: initialStrategy, stamp: null };
  }

  /** Applies one operation at physical time `now` (used only to tell whether a TTL already ran out). */
  applyOperation(operation: Operation, now: number): ApplyOutcome {
    const { op, hlc, seq } = operation;
    switch (op.type) {
      case 'set':
        return this.applyWrite(op.key, hlc, seq, true, op.value, op.ttlMs === undefined ? undefined : hlc.wall + op.ttlMs, now);
      case 'delete':
        return this.applyWrite(op.key, hlc, seq, false, undefined, undefined, now);
      case 'clear':
        return this.applyClear({ hlc, seq });
      case 'strategy':
        return this.applyStrategy({ strategy: op.strategy, stamp: { hlc, seq } });
    }
  }

  /** True when applying `operation` would change nothing: state stamped at or above it already decides. */
  wouldLose(operation: Operation): boolean {
    return this.check(operation).loses;
  }

  /**
   * `wouldLose` for a write that is then applied with `applyChecked`, one lookup of its key for
   * both. Nothing may change the state in between (the node only journals the write there).
   */
  check(operation: Operation): CheckedWrite {
    const { op, hlc } = operation;
    if (op.type === 'strategy') return { operation, loses: this.strategy.stamp !== null && !newer(hlc, this.strategy.stamp.hlc), current: undefined };
    if (this.watermark !== null && compareHlc(hlc, this.watermark.hlc) <= 0) return { operation, loses: true, current: undefined };
    if (op.type === 'clear') return { operation, loses: false, current: undefined };
    const current = this.store.peek(op.key);
    return { operation, loses: !newer(hlc, current !== undefined ? current.hlc : this.absentStamp(op.key)), current };
  }

  /** Applies a write `check` found winning (its `loses` false) at physical time `now`. */
  applyChecked(checked: CheckedWrite, now: number): ApplyOutcome {
    const { op, hlc, seq } = checked.operation;
    if (op.type === 'set') return this.applyWrite(op.key, hlc, seq, true, op.value, op.ttlMs === undefined ? undefined : hlc.wall + op.ttlMs, now, checked);
    if (op.type === 'delete') return this.applyWrite(op.key, hlc, seq, false, undefined, undefined, now, checked);
    return this.applyOperation(checked.operation, now);
  }

  applyEntry(entry: SnapshotEntry, now: number): ApplyOutcome {
    return this.applyWrite(entry.key, entry.hlc, entry.seq, true, entry.value, entry.expiresAt, now);
  }

  applyTombstone(tombstone: Tombstone, now: number): ApplyOutcome {
    return this.applyWrite(tombstone.key, tombstone.hlc, tombstone.seq, false, undefined, undefined, now);
  }

  /**
   * The watermark rises to `stamp`; entries and graves older than it go. Bounded in the common
   * case (see docs/CONSISTENCY.md, "Clear"): the store drops its entries wholesale and keeps the
   * few its recent writes name as newer (`EntryStore.clearOlderThan`), and when no grave is newer
   * than the clear the graves go at once. When the store cannot tell which entries are newer (a
   * clear older than writes past the store's memory of recent writes) it sweeps them in steps
   * (`EntryStore.sweepOlderThan`; no read sees them meanwhile), and graves go grave by grave
   * when some grave is newer (at most `maxTombstones` of them).
   */
  applyClear(stamp: Stamp): ApplyOutcome {
    if (this.watermark !== null && !newer(stamp.hlc, this.watermark.hlc)) return 'superseded';
    this.watermark = stamp;
    if (!this.store.clearOlderThan(stamp.hlc)) this.store.sweepOlderThan(stamp.hlc);
    if (this.newestGrave === null || compareHlc(this.newestGrave, stamp.hlc) < 0) {
      this.graves.clear();
      this.graveBytes = 0;
      this.newestGrave = null;
    } else {
      for (const [key, grave] of this.graves) {
        if (compareHlc(grave.hlc, stamp.hlc) < 0) this.dropGrave(key, grave);
      }
    }
    this.onChange?.('clear', undefined, undefined);
    return 'applied';
  }

  applyStrategy(state: StrategyState): ApplyOutcome {
    if (state.stamp === null) return 'superseded';
    if (this.strategy.stamp !== null && !newer(state.stamp.hlc, this.strategy.stamp.hlc)) return 'superseded';
    this.strategy = state;
    this.onChange?.('strategy', undefined, undefined);
    return 'applied';
  }

  /**
   * Records that `key` left the store without a delete. An expired write stays a grave (every
   * node agrees it expired). An eviction is this node's own business and leaves nothing: the
   * version vector already keeps replication from bringing the entry back (see `merge`); an
   * older concurrent write that arrives only after the eviction is stored, as it would be had
   * the key never been here, and `forceSync` repairs it.
   */
  markLocalRemoval(key: string, record: EntryRecord, kind: 'expired' | 'evicted'): void {
    if (kind === 'evicted') return;
    // A write the watermark removed needs no grave (the watermark beats it): one that expires
    // before a stepped clear sweeps it must not come back as a grave older than the clear.
    if (this.watermark !== null && compareHlc(record.hlc, this.watermark.hlc) < 0) return;
    const grave = this.graves.get(key);
    if (grave !== undefined && !newer(record.hlc, grave.hlc)) return;
    const mark: Grave = { hlc: record.hlc, seq: record.seq, kind, at: this.clock() };
    if (record.expiresAt !== undefined) mark.expiresAt = record.expiresAt;
    this.digGrave(key, mark);
  }

  /** The stamp that currently decides `key`: its live entry, or its grave. */
  stampOf(key: string): Hlc | undefined {
    const record = this.store.peek(key);
    if (record !== undefined) return record.hlc;
    return this.graves.get(key)?.hlc;
  }

  /**
   * Collects the oldest graves: those dug at or before `oldestAt` (local ms) and stamped before
   * `keepFrom` (a paused peer's held writes, see `GraveCollectionView.keepFrom`), and beyond that
   * as many as needed to keep at most `maxGraves`, kept ones included. Each collected grave
   * raises the floor, so the writes it was beating still lose. At most `budget` graves are
   * collected and `4 × budget` looked at per call (kept graves are looked at on every call).
   */
  collectGraves(oldestAt: number, maxGraves: number, budget: number, keepFrom: Hlc | null = null): GraveCollection {
    const result: GraveCollection = { dropped: 0, early: 0 };
    let looked = 0;
    for (const [key, grave] of this.graves) {
      if (result.dropped >= budget || looked++ >= 4 * budget) break;
      const over = this.graves.size > maxGraves;
      if (grave.at > oldestAt && !over) break;
      const kept = keepFrom !== null && compareHlc(grave.hlc, keepFrom) >= 0;
      if (kept && !over) continue;
      if (grave.at > oldestAt || kept) result.early++;
      this.dropGrave(key, grave);
      this.raiseFloor(grave.hlc);
      result.dropped++;
    }
    return result;
  }

  /** Tombstones and expired writes kept to beat older writes, with their approximate size. */
  tombstoneStats(): { count: number; bytes: number } {
    return { count: this.graves.size, bytes: this.graveBytes };
  }

  /**
   * Forgets every entry, grave, watermark and strategy stamp `doubtful` picks, and the floor: the
   * state a node keeps when it is about to take the rest from a peer's snapshot instead of
   * merging its doubtful past into the cluster's (after a long absence, or a clock fault).
   */
  forgetWhere(doubtful: (stamp: Stamp) => boolean): void {
    for (const [key, record] of this.store.list()) if (doubtful(record)) this.store.remove(key);
    for (const [key, grave] of this.graves) if (doubtful(grave)) this.dropGrave(key, grave);
    if (this.watermark !== null && doubtful(this.watermark)) this.watermark = null;
    if (this.strategy.stamp !== null && doubtful(this.strategy.stamp)) this.strategy = { strategy: this.strategy.strategy, stamp: null };
    this.floor = null;
    this.onChange?.('clear', undefined, undefined);
  }

  /**
   * `export()` in steps: the tombstones, watermark and strategy are taken now; the live entries
   * are walked `batchSize` at a time as `entries` is iterated (nothing is copied at once, so a
   * snapshot of millions of keys never blocks for long), and the expired writes come last, with
   * those the walk found. Entries written meanwhile appear in their newer form, entries removed
   * meanwhile are skipped, some may appear twice: the result is the state at the call joined
   * with some later changes, which the merge rules make harmless as long as every operation
   * since the call is replayed on top (an operation log). Entries come in the store's slot
   * order, not least valuable first.
   */
  exportInBatches(batchSize: number): { rest: Omit<ReplicaStateExport, 'entries'>; entries: Generator<SnapshotEntry[]> } {
    const tombstones: Tombstone[] = [];
    for (const [key, g] of this.graves) if (g.kind === 'delete') tombstones.push(tombstoneOf(key, g));
    const pieces = this.walk(batchSize, () => true, false);
    function* entries(): Generator<SnapshotEntry[]> {
      for (const piece of pieces) yield piece.entries;
    }
    return { rest: { tombstones, watermark: this.watermark, strategy: this.strategy }, entries: entries() };
  }

  /**
   * The whole state in pieces, for a snapshot sent to a peer while this node goes on serving:
   * the watermark and strategy are taken now, the entries and then the graves (tombstones, and
   * expired writes as entries) are walked `batchSize` at a time as `pieces` is iterated. Same
   * promise as `exportInBatches` (the state at the call joined with later changes; whatever was
   * removed meanwhile was removed by an operation the peer still gets, or by this node's own
   * eviction), so the receiver converges once every operation after the version vector of the
   * call reaches it. `keep` leaves out what must not travel in it (this node's writes after the
   * call, which its operation stream sends). `size` is the number of items at the call.
   */
  exportStream(batchSize: number, keep: (stamp: Stamp) => boolean): { size: number; watermark: Stamp | null; strategy: StrategyState; pieces: Generator<StatePiece> } {
    return { size: this.store.size() + this.graves.size, watermark: this.watermark, strategy: this.strategy, pieces: this.walk(batchSize, keep, true) };
  }

  /**
   * Live entries a slot batch at a time, then the graves: `withTombstones` includes the delete
   * graves (read live from the map, which tolerates changes between steps), otherwise only the
   * expired ones.
   */
  private *walk(batchSize: number, keep: (stamp: Stamp) => boolean, withTombstones: boolean): Generator<StatePiece> {
    for (const keys of this.store.walkKeys(batchSize)) {
      const entries: SnapshotEntry[] = [];
      for (const key of keys) {
        const r = this.store.peek(key);
        if (r !== undefined && keep(r)) entries.push(entryOf(key, r));
      }
      yield { entries, tombstones: [] };
    }
    let piece: StatePiece = { entries: [], tombstones: [] };
    for (const [key, g] of this.graves) {
      if (!keep(g)) continue;
      if (g.kind === 'expired') piece.entries.push({ key, value: null, hlc: g.hlc, seq: g.seq, expiresAt: g.expiresAt });
      else if (withTombstones) piece.tombstones.push(tombstoneOf(key, g));
      if (piece.entries.length + piece.tombstones.length >= batchSize) {
        yield piece;
        piece = { entries: [], tombstones: [] };
      }
    }
    if (piece.entries.length + piece.tombstones.length > 0) yield piece;
  }

  /** The whole replicated state, entries least valuable first. */
  export(): ReplicaStateExport {
    const entries: SnapshotEntry[] = [];
    for (const [key, r] of this.store.list()) entries.push(entryOf(key, r));
    const tombstones: Tombstone[] = [];
    for (const [key, g] of this.graves) {
      if (g.kind === 'delete') tombstones.push(tombstoneOf(key, g));
      // An expired write travels as an entry without its value: the receiver will see it is
      // expired and only keep its stamp.
      else entries.push({ key, value: null, hlc: g.hlc, seq: g.seq, expiresAt: g.expiresAt });
    }
    return { entries, tombstones, watermark: this.watermark, strategy: this.strategy };
  }

  /**
   * Joins another state into this one (snapshot install, anti-entropy, restore). `seen` tells
   * which operations were applied here before: a key they wrote that is absent now was evicted
   * or expired here, and stays absent. `onApplied` receives each change as an operation.
   */
  merge(
    other: ReplicaStateExport,
    now: number,
    seen?: (origin: string, seq: number) => boolean,
    onApplied?: (operation: Operation) => void,
  ): number {
    let changed = 0;
    const report = (stamp: Stamp, op: Operation['op']) => {
      changed++;
      onApplied?.({ origin: stamp.hlc.node, seq: stamp.seq, hlc: stamp.hlc, op });
    };
    if (other.watermark !== null && this.applyClear(other.watermark) === 'applied') report(other.watermark, { type: 'clear' });
    const strategy = other.strategy;
    if (strategy.stamp !== null && this.applyStrategy(strategy) === 'applied') {
      report(strategy.stamp, { type: 'strategy', strategy: strategy.strategy });
    }
    for (const entry of other.entries) {
      if (seen?.(entry.hlc.node, entry.seq) && this.stampOf(entry.key) === undefined) continue;
      if (this.applyEntry(entry, now) !== 'applied') continue;
      const op: Operation['op'] = { type: 'set', key: entry.key, value: entry.value };
      if (entry.expiresAt !== undefined) op.ttlMs = entry.expiresAt - entry.hlc.wall;
      report(entry, op);
    }
    for (const tombstone of other.tombstones) {
      if (seen?.(tombstone.hlc.node, tombstone.seq) && this.stampOf(tombstone.key) === undefined) continue;
      if (this.applyTombstone(tombstone, now) === 'applied') report(tombstone, { type: 'delete', key: tombstone.key });
    }
    return changed;
  }

  private applyWrite(
    key: string,
    hlc: Hlc,
    seq: number,
    isSet: boolean,
    value: unknown,
    expiresAt: number | undefined,
    now: number,
    checked?: CheckedWrite,
  ): ApplyOutcome {
    let current: EntryRecord | undefined;
    if (checked !== undefined) {
      // Decided by `check` a moment ago: only the live entry it found is needed.
      current = checked.current;
    } else {
      if (this.watermark !== null && compareHlc(hlc, this.watermark.hlc) <= 0) return 'superseded';
      current = this.store.peek(key);
      if (!newer(hlc, current !== undefined ? current.hlc : this.absentStamp(key))) return 'superseded';
    }
    if (!isSet) {
      if (current !== undefined) this.store.remove(key);
      this.digGrave(key, { hlc, seq, kind: 'delete', at: this.clock() });
      this.onChange?.('delete', key, undefined);
      return 'applied';
    }
    const record: EntryRecord = { value, hlc, seq, expiresAt };
    if (expiresAt !== undefined && expiresAt <= now) {
      // Already expired: it still wins over older writes, it just holds no value here.
      if (current !== undefined) this.store.remove(key);
      this.markLocalRemoval(key, record, 'expired');
      this.onChange?.('delete', key, undefined);
      return 'applied';
    }
    const put = this.store.put(key, record, expiresAt === undefined ? undefined : expiresAt - now);
    if (!put.ok) {
      if (current !== undefined) this.store.remove(key);
      this.markLocalRemoval(key, record, 'evicted');
      this.onChange?.('delete', key, undefined);
      return 'applied';
    }
    // Most nodes hold few graves or none: no lookup (and no hashing of a new key string) then.
    const grave = this.graves.size === 0 ? undefined : this.graves.get(key);
    if (grave !== undefined) this.dropGrave(key, grave);
    this.onChange?.('set', key, put.created);
    return 'applied';
  }

  private digGrave(key: string, grave: Grave): void {
    const old = this.graves.get(key);
    if (old !== undefined) this.dropGrave(key, old);
    this.graves.set(key, grave);
    this.graveBytes += graveSize(key);
    if (newer(grave.hlc, this.newestGrave ?? undefined)) this.newestGrave = grave.hlc;
  }

  private dropGrave(key: string, grave: Grave): void {
    if (this.graves.get(key) !== grave) return;
    this.graves.delete(key);
    this.graveBytes -= graveSize(key);
  }

  /** What a write to an absent key must beat: its grave, and the floor of collected graves. */
  private absentStamp(key: string): Hlc | undefined {
    const grave = this.graves.get(key)?.hlc;
    if (this.floor === null) return grave;
    return grave !== undefined && compareHlc(grave, this.floor) > 0 ? grave : this.floor;
  }

  /** Adopts a floor saved before a restart. */
  raiseFloorTo(hlc: Hlc): void {
    this.raiseFloor(hlc);
  }

  private raiseFloor(hlc: Hlc): void {
    if (newer(hlc, this.floor ?? undefined)) this.floor = hlc;
  }
}
