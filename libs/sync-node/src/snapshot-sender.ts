import type { FoldedIncarnations, SnapshotEntry, Tombstone, VersionVectorPairs } from '@meshcache/sync-protocol';
import type { PeerSession } from './peer-session.js';
import type { ReplicaStateExport } from './replica-state.js';
import type { Timers } from './timers.js';
import { packState } from './snapshot-codec.js';
import { approxValueSize } from './value-size.js';

/** Bytes per chunk the sender aims for: well under socket.io's default 1 MB message limit, even for multi-byte text. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Streams a state export in chunks, yielding to the event loop between chunks so the link can
 * drain and the node keeps serving. The export is taken synchronously by the caller, so the
 * chunks describe one consistent moment, which the vector on the last chunk names.
 */
export class SnapshotSender {
  constructor(
    private readonly timers: Timers,
    private readonly maxEntries: number,
  ) {}

  /** `progress` hears how many entries went out after each chunk, `sentBytes` the chunk's approximate size. */
  send(
    session: PeerSession,
    id: string,
    state: ReplicaStateExport,
    vv: VersionVectorPairs,
    folded: FoldedIncarnations,
    done: () => void,
    progress: (sent: number, total: number) => void = () => undefined,
    sentBytes: (bytes: number) => void = () => undefined,
  ): void {
    const { entries, tombstones } = state;
    let entryAt = 0;
    let tombAt = 0;
    let index = 0;
    const next = () => {
      if (!session.isUp) return;
      const chunkEntries: SnapshotEntry[] = [];
      const chunkTombs: Tombstone[] = [];
      let bytes = 0;
      while (entryAt < entries.length && chunkEntries.length < this.maxEntries && bytes < CHUNK_BYTES) {
        const entry = entries[entryAt++];
        bytes += approxValueSize(entry.value) + entry.key.length + 40;
        chunkEntries.push(entry);
      }
      while (tombAt < tombstones.length && chunkEntries.length + chunkTombs.length < this.maxEntries && bytes < CHUNK_BYTES) {
        const tomb = tombstones[tombAt++];
        bytes += tomb.key.length + 30;
        chunkTombs.push(tomb);
      }
      const last = entryAt >= entries.length && tombAt >= tombstones.length;
      session.send({
        type: 'snapshot-chunk',
        snapshotId: id,
        index,
        last,
        ...packState(chunkEntries, chunkTombs),
        watermark: index === 0 ? state.watermark : null,
        strategy: index === 0 ? state.strategy : null,
        vv: last ? vv : null,
        ...(last ? { folded } : {}),
      });
      index++;
      sentBytes(bytes);
      progress(entryAt, entries.length);
      if (last) done();
      else this.timers.setTimeout(next, 0);
    };
    next();
  }
}
