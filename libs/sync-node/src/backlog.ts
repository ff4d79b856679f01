import type { Operation } from '@meshcache/sync-protocol';

/**
 * Ring buffer of this node's own most recent operations (compare Redis' replication backlog):
 * a peer that missed operations still in here gets just those; one that missed more gets a
 * snapshot. Sequence numbers are consecutive, so lookup by seq is O(1). Bounded by count and by
 * approximate bytes: the oldest operations leave first (the newest always stays).
 */
export class Backlog {
  private readonly ring: (Operation | undefined)[];
  /** Approximate serialized size of each operation, to keep batches under the transport's limit. */
  private readonly sizes: Float64Array;
  private first = 1;
  private count = 0;
  private totalBytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = Infinity,
  ) {
    this.ring = new Array<Operation | undefined>(capacity);
    this.sizes = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Approximate bytes of the operations kept. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Sequence number of the oldest operation kept (the next one to be appended when empty). */
  get firstSeq(): number {
    return this.first;
  }

  /** Last sequence number appended, or `firstSeq - 1` when empty. */
  get lastSeq(): number {
    return this.first + this.count - 1;
  }

  append(op: Operation, approxBytes: number): void {
    if (this.count === this.capacity) this.dropOldest();
    const size = approxBytes + 100;
    this.ring[op.seq % this.capacity] = op;
    this.sizes[op.seq % this.capacity] = size;
    this.count++;
    this.totalBytes += size;
    while (this.totalBytes > this.maxBytes && this.count > 1) this.dropOldest();
  }

  private dropOldest(): void {
    const slot = this.first % this.capacity;
    this.totalBytes -= this.sizes[slot];
    this.ring[slot] = undefined;
    this.sizes[slot] = 0;
    this.first++;
    this.count--;
  }

  /** True when every operation after `seq` is still here. */
  reachesBack(seq: number): boolean {
    return seq + 1 >= this.first;
  }

  /** Approximate bytes of the operations from `fromSeq` to `toSeq` that are still here. */
  bytesBetween(fromSeq: number, toSeq: number): number {
    let bytes = 0;
    for (let seq = Math.max(fromSeq, this.first); seq <= Math.min(toSeq, this.lastSeq); seq++) bytes += this.sizes[seq % this.capacity];
    return bytes;
  }

  /**
   * Up to `max` operations starting at `fromSeq`, stopping once `maxBytes` is reached (but
   * always at least one); empty when `fromSeq` fell out.
   */
  slice(fromSeq: number, max: number, maxBytes = Infinity): Operation[] {
    if (fromSeq < this.first) return [];
    const end = Math.min(this.lastSeq, fromSeq + max - 1);
    const out: Operation[] = [];
    let bytes = 0;
    for (let seq = fromSeq; seq <= end; seq++) {
      bytes += this.sizes[seq % this.capacity];
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(this.ring[seq % this.capacity] as Operation);
    }
    return out;
  }
}
