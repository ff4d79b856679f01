import type { Hlc, Operation } from '@meshcache/sync-protocol';

/** `kinds` codes; 0 is a free slot. */
const SET = 1;
const DELETE = 2;
const CLEAR = 3;
const STRATEGY = 4;

/**
 * Ring buffer of this node's own most recent operations (compare Redis' replication backlog):
 * a peer that missed operations still in here gets just those; one that missed more gets a
 * snapshot. Sequence numbers are consecutive, so lookup by seq is O(1). Bounded by count and by
 * approximate bytes: the oldest operations leave first (the newest always stays).
 *
 * An operation is kept taken apart, in parallel arrays (numbers in typed arrays), and rebuilt by
 * `slice`: keeping the `Operation` objects themselves kept four objects per write alive for the
 * backlog's length, which the young-generation collector copied and promoted on every write
 * burst (a quarter of the CPU of a pipelined SET). Now only the key and the value stay.
 */
export class Backlog {
  private readonly kinds: Uint8Array;
  private readonly origins: (string | undefined)[];
  private readonly walls: Float64Array;
  private readonly logicals: Float64Array;
  private readonly stampNodes: (string | undefined)[];
  /** The key (set, delete) or the strategy name (strategy). */
  private readonly keys: (string | undefined)[];
  private readonly values: unknown[];
  /** A set's ttlMs, NaN when it has none. */
  private readonly ttls: Float64Array;
  /** Approximate serialized size of each operation, to keep batches under the transport's limit. */
  private readonly sizes: Float64Array;
  private first = 1;
  private count = 0;
  private totalBytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = Infinity,
  ) {
    this.kinds = new Uint8Array(capacity);
    this.origins = new Array<string | undefined>(capacity).fill(undefined);
    this.walls = new Float64Array(capacity);
    this.logicals = new Float64Array(capacity);
    this.stampNodes = new Array<string | undefined>(capacity).fill(undefined);
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Array<unknown>(capacity).fill(undefined);
    this.ttls = new Float64Array(capacity);
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

  append(operation: Operation, approxBytes: number): void {
    // Full, the oldest operation is in the very slot written below: nothing of it to clear.
    if (this.count === this.capacity) this.dropOldest(false);
    const size = approxBytes + 100;
    const slot = operation.seq % this.capacity;
    const { op, hlc } = operation;
    this.origins[slot] = operation.origin;
    this.walls[slot] = hlc.wall;
    this.logicals[slot] = hlc.logical;
    this.stampNodes[slot] = hlc.node;
    switch (op.type) {
      case 'set':
        this.kinds[slot] = SET;
        this.keys[slot] = op.key;
        this.values[slot] = op.value;
        this.ttls[slot] = op.ttlMs === undefined ? NaN : op.ttlMs;
        break;
      case 'delete':
        this.kinds[slot] = DELETE;
        this.keys[slot] = op.key;
        this.values[slot] = undefined;
        break;
      case 'clear':
        this.kinds[slot] = CLEAR;
        this.keys[slot] = undefined;
        this.values[slot] = undefined;
        break;
      case 'strategy':
        this.kinds[slot] = STRATEGY;
        this.keys[slot] = op.strategy;
        this.values[slot] = undefined;
        break;
    }
    this.sizes[slot] = size;
    this.count++;
    this.totalBytes += size;
    while (this.totalBytes > this.maxBytes && this.count > 1) this.dropOldest(true);
  }

  /** `release`: let go of what the operation holds (its slot is not about to be rewritten). */
  private dropOldest(release: boolean): void {
    const slot = this.first % this.capacity;
    this.totalBytes -= this.sizes[slot];
    if (release) {
      this.kinds[slot] = 0;
      this.keys[slot] = undefined;
      this.values[slot] = undefined;
    }
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
   * always at least one); empty when `fromSeq` fell out. Each call builds new objects.
   */
  slice(fromSeq: number, max: number, maxBytes = Infinity): Operation[] {
    if (fromSeq < this.first) return [];
    const end = Math.min(this.lastSeq, fromSeq + max - 1);
    const out: Operation[] = [];
    let bytes = 0;
    for (let seq = fromSeq; seq <= end; seq++) {
      bytes += this.sizes[seq % this.capacity];
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(this.operationAt(seq));
    }
    return out;
  }

  /** The stamp of the operation numbered `seq`, or undefined when it is not kept. */
  stampOf(seq: number): Hlc | undefined {
    if (seq < this.first || seq > this.lastSeq) return undefined;
    const slot = seq % this.capacity;
    return { wall: this.walls[slot], logical: this.logicals[slot], node: this.stampNodes[slot] as string };
  }

  private operationAt(seq: number): Operation {
    const slot = seq % this.capacity;
    const key = this.keys[slot] as string;
    let op: Operation['op'];
    switch (this.kinds[slot]) {
      case SET: {
        const ttlMs = this.ttls[slot];
        op = Number.isNaN(ttlMs) ? { type: 'set', key, value: this.values[slot] } : { type: 'set', key, value: this.values[slot], ttlMs };
        break;
      }
      case DELETE:
        op = { type: 'delete', key };
        break;
      case CLEAR:
        op = { type: 'clear' };
        break;
      default:
        op = { type: 'strategy', strategy: key as Extract<Operation['op'], { type: 'strategy' }>['strategy'] };
    }
    return { origin: this.origins[slot] as string, seq, hlc: { wall: this.walls[slot], logical: this.logicals[slot], node: this.stampNodes[slot] as string }, op };
  }
}
