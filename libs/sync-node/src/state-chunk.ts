import type { SnapshotEntry, Tombstone } from '@meshcache/sync-protocol';
import { approxValueSize } from './value-size.js';

/**
 * Bytes a message of state (a snapshot chunk, a repair) aims for: well under socket.io's default
 * 1 MB message limit, even for multi-byte text, and small enough that one message does not hold
 * the link while other traffic waits.
 */
export const CHUNK_BYTES = 256 * 1024;

/** Approximate wire bytes of one item, as counted against `CHUNK_BYTES` and in the repair metrics. */
export const entryBytes = (entry: SnapshotEntry): number => approxValueSize(entry.value) + entry.key.length + 40;
export const tombstoneBytes = (tomb: Tombstone): number => tomb.key.length + 30;

/**
 * The entries and tombstones of one message, capped by item count and by bytes: snapshots and
 * anti-entropy repairs fill theirs the same way, so neither can build a message of 2,000 values
 * of 10 MB each. An item is always accepted into an empty chunk, however large, so every item
 * goes out.
 */
export class StateChunk {
  readonly entries: SnapshotEntry[] = [];
  readonly tombstones: Tombstone[] = [];
  bytes = 0;

  constructor(
    private readonly maxItems: number,
    private readonly maxBytes = CHUNK_BYTES,
  ) {}

  get items(): number {
    return this.entries.length + this.tombstones.length;
  }

  /** No further item fits. */
  get full(): boolean {
    return this.items >= this.maxItems || this.bytes >= this.maxBytes;
  }

  addEntry(entry: SnapshotEntry): void {
    this.entries.push(entry);
    this.bytes += entryBytes(entry);
  }

  addTombstone(tomb: Tombstone): void {
    this.tombstones.push(tomb);
    this.bytes += tombstoneBytes(tomb);
  }
}
