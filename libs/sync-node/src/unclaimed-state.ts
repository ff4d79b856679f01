import { nodeIdOfOrigin } from '@meshcache/sync-protocol';
import type { VersionVector } from './version-vector.js';

/** Most origins tracked at once; beyond it the oldest is forgotten (as refused origins are). */
export const MAX_UNCLAIMED_ORIGINS = 1000;

interface Held {
  /** The highest sequence number of the origin whose state this node merged without claiming it. */
  seq: number;
  /** Members still to run anti-entropy with since the origin's owner stopped streaming it (null: it still streams). */
  owed: Set<string> | null;
}

/** What the tracker needs to know about the node and its cluster, at each look. */
export interface UnclaimedView {
  vv: VersionVector;
  /** True while the owner of `origin` streams it to this node (its stream claims what it brings). */
  streamable(origin: string): boolean;
  /** Every member this node knows (node ids, itself excluded), reachable or not. */
  members: readonly string[];
}

/**
 * State this node holds that its version vector does not claim: merged from a snapshot whose
 * last chunk (the one carrying the vector) never came because its sender went away mid-transfer,
 * from an anti-entropy repair that ran ahead of a stream, or replayed from a log past a gap.
 * Peers learn of claimed state from vectors; of this state only by anti-entropy. While the
 * origin's owner streams it, its stream brings the operations to every node, claimed. Once the
 * owner streams it no more (gone for good, or restarted under a new origin), this node runs
 * anti-entropy once with every member, so no node is left without it (simulation seed 2807: a
 * node held a vanished member's newer write from a snapshot cut short, and no one else ever got it).
 */
export class UnclaimedState {
  private readonly held = new Map<string, Held>();

  /** This node merged `origin`'s operation `seq` (whether or not its vector claims it yet). */
  note(origin: string, seq: number): void {
    const known = this.held.get(origin);
    if (known !== undefined && known.seq >= seq) return;
    // Newer state: whoever was reached before has not seen it.
    this.held.delete(origin);
    this.held.set(origin, { seq, owed: null });
    if (this.held.size > MAX_UNCLAIMED_ORIGINS) this.held.delete(this.held.keys().next().value as string);
  }

  /** Forgets an origin every member holds in full (folded). */
  forget(origin: string): void {
    this.held.delete(origin);
  }

  get size(): number {
    return this.held.size;
  }

  /**
   * The members to run anti-entropy with now, each with the records it is owed for. Drops what
   * the vector claims by now, and waits while an owner still streams its origin.
   */
  owed(view: UnclaimedView): Map<string, Set<string>[]> {
    const out = new Map<string, Set<string>[]>();
    for (const [origin, held] of this.held) {
      if (view.vv.covers(origin, held.seq)) {
        this.held.delete(origin);
        continue;
      }
      if (view.streamable(origin)) {
        held.owed = null;
        continue;
      }
      const owner = nodeIdOfOrigin(origin);
      held.owed ??= new Set(view.members.filter((member) => member !== owner));
      if (held.owed.size === 0) {
        this.held.delete(origin);
        continue;
      }
      for (const member of held.owed) {
        const records = out.get(member);
        if (records === undefined) out.set(member, [held.owed]);
        else records.push(held.owed);
      }
    }
    return out;
  }

  /** An anti-entropy run with `member`, begun when it was owed `records`, completed. */
  shared(member: string, records: Set<string>[]): void {
    for (const owed of records) owed.delete(member);
  }
}
