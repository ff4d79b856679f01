import type { Hlc, SnapshotEntry, Stamp, StrategyState, Tombstone, VersionVectorPairs } from '@meshcache/sync-protocol';
import type { HybridClock } from './hybrid-clock.js';

/** Most origins refused at once; beyond it the oldest refusal is forgotten (its origin is long dead). */
export const MAX_REFUSED_ORIGINS = 1000;

/** A piece of remote state: a snapshot chunk or an anti-entropy repair. */
export interface StatePart {
  entries: SnapshotEntry[];
  tombstones: Tombstone[];
  watermark: Stamp | null;
  strategy: StrategyState;
}

export interface ClockGuardHost {
  /** The clock is replaced when the node takes a new origin. */
  clock(): HybridClock;
  now(): number;
  readonly maxOffsetMs: number;
  /** This node's own clock is out of bounds: it cannot judge anyone else's. */
  selfSkewed(): boolean;
  /** `origin`'s operations from `seq` on are refused for good (first time, or an earlier seq). */
  refused(origin: string, seq: number, aheadMs: number): void;
}

export type Admission = { ok: true } | { ok: false; why: 'self-skewed' | 'refused'; aheadMs: number };

/**
 * The clock-offset guard every remote timestamp passes before anything it stamps is applied:
 * operations, snapshot and repair entries, tombstones, clear watermarks and strategy stamps.
 * A timestamp more than `maxOffsetMs` ahead of this node's physical clock is never applied —
 * not now and not later when the clock has caught up, which would let a write from a clock
 * running fast overwrite writes acknowledged after it in real time. Its origin is refused from
 * that operation on (every later stamp of that origin is at least as far ahead). Only when this
 * node's own clock is the suspect is nothing refused: the stream just waits.
 */
export class ClockGuard {
  /** Origin → first refused sequence number, oldest refusal first. */
  private readonly refusedFromSeq = new Map<string, number>();

  constructor(private readonly host: ClockGuardHost) {}

  /** True when `(origin, seq)` belongs to a refused run. */
  refuses(origin: string, seq: number): boolean {
    const from = this.refusedFromSeq.get(origin);
    return from !== undefined && seq >= from;
  }

  /** The first refused sequence number of `origin`, if it is refused. */
  refusedFrom(origin: string): number | undefined {
    return this.refusedFromSeq.get(origin);
  }

  get refusedOrigins(): number {
    return this.refusedFromSeq.size;
  }

  /** Checks one operation's stamp; on success merges it into the clock. */
  admit(origin: string, seq: number, hlc: Hlc): Admission {
    const ahead = this.aheadBy(hlc);
    if (ahead !== null) {
      if (this.host.selfSkewed()) return { ok: false, why: 'self-skewed', aheadMs: ahead };
      this.refuse(origin, seq, ahead);
      return { ok: false, why: 'refused', aheadMs: ahead };
    }
    this.host.clock().advanceTo(hlc);
    return { ok: true };
  }

  /**
   * What of a piece of state may be applied: items of refused runs and items stamped too far
   * ahead are left out (refusing their origins). Null when this node's own clock is the
   * suspect and any item is too far ahead: then nothing is applied.
   */
  screen(part: StatePart): StatePart | null {
    const selfSkewed = this.host.selfSkewed();
    let blocked = false;
    const pass = (stamp: Stamp): boolean => {
      if (this.refuses(stamp.hlc.node, stamp.seq)) return false;
      const ahead = this.aheadBy(stamp.hlc);
      if (ahead === null) return true;
      if (selfSkewed) blocked = true;
      else this.refuse(stamp.hlc.node, stamp.seq, ahead);
      return false;
    };
    const entries = part.entries.filter(pass);
    const tombstones = part.tombstones.filter(pass);
    const watermark = part.watermark !== null && pass(part.watermark) ? part.watermark : null;
    const strategy = part.strategy.stamp !== null && !pass(part.strategy.stamp) ? { strategy: part.strategy.strategy, stamp: null } : part.strategy;
    if (blocked) return null;
    const clock = this.host.clock();
    for (const item of [...entries, ...tombstones]) clock.advanceTo(item.hlc);
    if (watermark !== null) clock.advanceTo(watermark.hlc);
    if (strategy.stamp !== null) clock.advanceTo(strategy.stamp.hlc);
    return { entries, tombstones, watermark, strategy };
  }

  /**
   * A snapshot's version vector, without claims on refused runs: claiming them would make this
   * node skip those operations and tell its own peers that it has them.
   */
  claimable(pairs: VersionVectorPairs): VersionVectorPairs {
    return pairs.map(([origin, seq]) => {
      const from = this.refusedFromSeq.get(origin);
      return [origin, from === undefined ? seq : Math.min(seq, from - 1)];
    });
  }

  /** Forgets the refusals of origins no longer in play (folded or forgotten). */
  forget(origin: string): void {
    this.refusedFromSeq.delete(origin);
  }

  private aheadBy(hlc: Hlc): number | null {
    const ahead = hlc.wall - Math.floor(this.host.now());
    return ahead > this.host.maxOffsetMs ? ahead : null;
  }

  private refuse(origin: string, seq: number, aheadMs: number): void {
    const from = this.refusedFromSeq.get(origin);
    if (from !== undefined && from <= seq) return;
    this.refusedFromSeq.delete(origin);
    this.refusedFromSeq.set(origin, seq);
    if (this.refusedFromSeq.size > MAX_REFUSED_ORIGINS) this.refusedFromSeq.delete(this.refusedFromSeq.keys().next().value as string);
    this.host.refused(origin, seq, aheadMs);
  }
}
