import { compareHlc, type Hlc, type Operation, type SnapshotEntry, type Stamp, type Strategy, type StrategyState, type Tombstone } from '@meshcache/sync-protocol';
import type { EntryRecord, EntryStore } from './entry-store.js';

/**
 * Why a key is absent though a write for it was applied: a replicated delete (a tombstone), a
 * set whose TTL ran out, or a local eviction/refusal. All three must keep beating older writes
 * that arrive later. Tombstones and expired writes are part of the replicated state (every node
 * agrees on them); evictions are this node's own business and never leave it.
 */
export interface Grave {
  hlc: Hlc;
  seq: number;
  kind: 'delete' | 'expired' | 'evicted';
  expiresAt?: number;
  /** Local time the grave was dug, for the minimum retention. */
  at: number;
}

/** What applying one operation or piece of state did. */
export type ApplyOutcome = 'applied' | 'superseded' | 'seen';

export interface ChangeRecord {
  kind: 'set' | 'delete' | 'clear' | 'strategy';
  key?: string;
}

export interface ReplicaStateExport {
  entries: SnapshotEntry[];
  tombstones: Tombstone[];
  watermark: Stamp | null;
  strategy: StrategyState;
}

const newer = (a: Hlc, b: Hlc | undefined): boolean => b === undefined || compareHlc(a, b) > 0;

/**
 * The merge rules of meshcache, independent of transport and storage:
 * - per key, the write with the greatest HLC wins (ties impossible: the origin is part of it);
 * - a delete leaves a tombstone so that an older set arriving later loses;
 * - a clear is a watermark: every write at or below it is gone, now and when it arrives later;
 * - the strategy is one more last-writer-wins register.
 * Applying the same operations in any order, any number of times, gives the same state.
 */
export class ReplicaState {
  readonly graves = new Map<string, Grave>();
  watermark: Stamp | null = null;
  strategy: StrategyState;

  constructor(
    readonly store: EntryStore,
    initialStrategy: Strategy,
    private readonly onChange?: (change: ChangeRecord) => void,
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

  applyEntry(entry: SnapshotEntry, now: number): ApplyOutcome {
    return this.applyWrite(entry.key, entry.hlc, entry.seq, true, entry.value, entry.expiresAt, now);
  }

  applyTombstone(tombstone: Tombstone, now: number): ApplyOutcome {
    return this.applyWrite(tombstone.key, tombstone.hlc, tombstone.seq, false, undefined, undefined, now);
  }

  applyClear(stamp: Stamp): ApplyOutcome {
    if (this.watermark !== null && !newer(stamp.hlc, this.watermark.hlc)) return 'superseded';
    this.watermark = stamp;
    for (const [key, record] of this.store.list()) {
      if (compareHlc(record.hlc, stamp.hlc) < 0) this.store.remove(key);
    }
    for (const [key, grave] of this.graves) {
      if (compareHlc(grave.hlc, stamp.hlc) < 0) this.graves.delete(key);
    }
    this.onChange?.({ kind: 'clear' });
    return 'applied';
  }

  applyStrategy(state: StrategyState): ApplyOutcome {
    if (state.stamp === null) return 'superseded';
    if (this.strategy.stamp !== null && !newer(state.stamp.hlc, this.strategy.stamp.hlc)) return 'superseded';
    this.strategy = state;
    this.onChange?.({ kind: 'strategy' });
    return 'applied';
  }

  /** Records that `key` left the store without a delete (expiry, eviction) so older writes still lose. */
  markLocalRemoval(key: string, record: EntryRecord, kind: 'expired' | 'evicted'): void {
    const grave = this.graves.get(key);
    if (grave !== undefined && !newer(record.hlc, grave.hlc)) return;
    const mark: Grave = { hlc: record.hlc, seq: record.seq, kind, at: this.clock() };
    if (kind === 'expired' && record.expiresAt !== undefined) mark.expiresAt = record.expiresAt;
    this.graves.set(key, mark);
  }

  /** The stamp that currently decides `key`: its live entry, or its grave. */
  stampOf(key: string): Hlc | undefined {
    const record = this.store.peek(key);
    if (record !== undefined) return record.hlc;
    return this.graves.get(key)?.hlc;
  }

  /** Removes graves the caller proves can no longer be beaten by anything in flight. */
  collectGraves(canDrop: (grave: Grave) => boolean, budget: number): number {
    let dropped = 0;
    let visited = 0;
    for (const [key, grave] of this.graves) {
      if (visited++ >= budget) break;
      if (canDrop(grave)) {
        this.graves.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  tombstoneCount(): number {
    let n = 0;
    for (const grave of this.graves.values()) if (grave.kind === 'delete') n++;
    return n;
  }

  /**
   * `export()` in steps: everything but the live entries is taken now, the live entries are read
   * `batchSize` at a time as `entries` is iterated (only the key list is copied at once). Entries
   * written meanwhile appear in their newer form and entries removed meanwhile are skipped: the
   * result is the state at the call joined with some later changes, which the merge rules make
   * harmless as long as every operation since the call is replayed on top (an operation log).
   */
  exportInBatches(batchSize: number): { rest: Omit<ReplicaStateExport, 'entries'>; entries: Generator<SnapshotEntry[]> } {
    const keys = this.store.keys();
    const tombstones: Tombstone[] = [];
    const expired: SnapshotEntry[] = [];
    for (const [key, g] of this.graves) {
      if (g.kind === 'delete') tombstones.push({ key, hlc: g.hlc, seq: g.seq });
      else if (g.kind === 'expired') expired.push({ key, value: null, hlc: g.hlc, seq: g.seq, expiresAt: g.expiresAt });
    }
    const store = this.store;
    function* entries(): Generator<SnapshotEntry[]> {
      for (let start = 0; start < keys.length; start += batchSize) {
        const batch: SnapshotEntry[] = [];
        for (const key of keys.slice(start, start + batchSize)) {
          const r = store.peek(key);
          if (r === undefined) continue;
          const entry: SnapshotEntry = { key, value: r.value, hlc: r.hlc, seq: r.seq };
          if (r.expiresAt !== undefined) entry.expiresAt = r.expiresAt;
          batch.push(entry);
        }
        yield batch;
      }
      if (expired.length > 0) yield expired;
    }
    return { rest: { tombstones, watermark: this.watermark, strategy: this.strategy }, entries: entries() };
  }

  /** The whole replicated state, entries least valuable first. */
  export(): ReplicaStateExport {
    const entries: SnapshotEntry[] = [];
    for (const [key, r] of this.store.list()) {
      const entry: SnapshotEntry = { key, value: r.value, hlc: r.hlc, seq: r.seq };
      if (r.expiresAt !== undefined) entry.expiresAt = r.expiresAt;
      entries.push(entry);
    }
    const tombstones: Tombstone[] = [];
    for (const [key, g] of this.graves) {
      if (g.kind === 'delete') tombstones.push({ key, hlc: g.hlc, seq: g.seq });
      // An expired write travels as an entry without its value: the receiver will see it is
      // expired and only keep its stamp.
      else if (g.kind === 'expired') entries.push({ key, value: null, hlc: g.hlc, seq: g.seq, expiresAt: g.expiresAt });
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
  ): ApplyOutcome {
    if (this.watermark !== null && compareHlc(hlc, this.watermark.hlc) <= 0) return 'superseded';
    const current = this.store.peek(key);
    const decidingStamp = current !== undefined ? current.hlc : this.graves.get(key)?.hlc;
    if (!newer(hlc, decidingStamp)) return 'superseded';
    if (!isSet) {
      if (current !== undefined) this.store.remove(key);
      this.graves.set(key, { hlc, seq, kind: 'delete', at: this.clock() });
      this.onChange?.({ kind: 'delete', key });
      return 'applied';
    }
    const record: EntryRecord = { value, hlc, seq, expiresAt };
    if (expiresAt !== undefined && expiresAt <= now) {
      // Already expired: it still wins over older writes, it just holds no value here.
      if (current !== undefined) this.store.remove(key);
      this.markLocalRemoval(key, record, 'expired');
      this.onChange?.({ kind: 'delete', key });
      return 'applied';
    }
    const put = this.store.put(key, record, expiresAt === undefined ? undefined : expiresAt - now);
    if (!put.ok) {
      if (current !== undefined) this.store.remove(key);
      this.markLocalRemoval(key, record, 'evicted');
      this.onChange?.({ kind: 'delete', key });
      return 'applied';
    }
    this.graves.delete(key);
    this.onChange?.({ kind: 'set', key });
    return 'applied';
  }
}
