import type { FoldedIncarnations, SnapshotEntry, Stamp, StrategyState, Tombstone, VersionVectorPairs } from '@meshcache/sync-protocol';
import type { PeerSession } from './peer-session.js';
import type { StatePiece } from './replica-state.js';
import type { Timers } from './timers.js';
import { packState } from './snapshot-codec.js';
import { StateChunk } from './state-chunk.js';

/** Pieces of the walk read per step at most when they hold few items (a cache of many empty slots). */
const MAX_PIECES_PER_STEP = 8;

/** A state to send, read a piece at a time (`ReplicaState.exportStream`). */
export interface SnapshotSource {
  watermark: Stamp | null;
  strategy: StrategyState;
  pieces: Iterator<StatePiece>;
  /** The vector the state reflects: taken when the walk began. */
  vv: VersionVectorPairs;
  /** The incarnations folded out of `vv` then. */
  folded: FoldedIncarnations;
  /** Items expected (the size when the walk began), for progress. */
  size: number;
}

/** Items read from the walk and not sent yet. */
class Pending<T> {
  private items: T[] = [];
  private at = 0;
  get length(): number {
    return this.items.length - this.at;
  }
  push(more: T[]): void {
    if (this.at === this.items.length) {
      this.items = more;
      this.at = 0;
    } else for (const item of more) this.items.push(item);
  }
  shift(): T {
    return this.items[this.at++];
  }
}

/**
 * Streams a state in chunks, reading it from the store as it goes and yielding to the event loop
 * between chunks, so the link can drain and the node keeps serving however large the state: no
 * step copies or walks more than a chunk's worth. The vector on the last chunk is the one of the
 * walk's start (see `ReplicaState.exportStream` for why that is enough).
 */
export class SnapshotSender {
  constructor(
    private readonly timers: Timers,
    private readonly maxEntries: number,
  ) {}

  /** `progress` hears how many items went out after each chunk, `sentBytes` the chunk's approximate size. */
  send(
    session: PeerSession,
    id: string,
    source: SnapshotSource,
    done: () => void,
    progress: (sent: number, total: number) => void = () => undefined,
    sentBytes: (bytes: number) => void = () => undefined,
  ): void {
    const entries = new Pending<SnapshotEntry>();
    const tombstones = new Pending<Tombstone>();
    let walked = false;
    let index = 0;
    let sent = 0;
    // Reads a chunk's worth and one item more, so the walk's end is known by the chunk that ends it.
    const read = () => {
      for (let pieces = 0; !walked && pieces < MAX_PIECES_PER_STEP && entries.length + tombstones.length <= this.maxEntries; pieces++) {
        const piece = source.pieces.next();
        if (piece.done === true) walked = true;
        else {
          entries.push(piece.value.entries);
          tombstones.push(piece.value.tombstones);
        }
      }
    };
    const next = () => {
      if (!session.isUp) return;
      read();
      if (!walked && entries.length + tombstones.length === 0) {
        // Only empty slots so far: look further on the next turn.
        this.timers.setTimeout(next, 0);
        return;
      }
      const chunk = new StateChunk(this.maxEntries);
      while (entries.length > 0 && !chunk.full) chunk.addEntry(entries.shift());
      while (tombstones.length > 0 && !chunk.full) chunk.addTombstone(tombstones.shift());
      const last = walked && entries.length === 0 && tombstones.length === 0;
      session.send({
        type: 'snapshot-chunk',
        snapshotId: id,
        index,
        last,
        ...packState(chunk.entries, chunk.tombstones),
        watermark: index === 0 ? source.watermark : null,
        strategy: index === 0 ? source.strategy : null,
        vv: last ? source.vv : null,
        ...(last ? { folded: source.folded } : {}),
      });
      index++;
      sent += chunk.items;
      sentBytes(chunk.bytes);
      progress(sent, Math.max(sent, source.size));
      if (last) done();
      else this.timers.setTimeout(next, 0);
    };
    next();
  }
}
