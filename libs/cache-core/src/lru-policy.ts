import { collectSlots, type EvictionPolicy } from './eviction-policy.js';
import type { PolicyDescriptor } from './strategies.js';

/**
 * Least recently used: one circular doubly linked list over slot indexes, `head` the most
 * recent entry, `prev[head]` the least recent. Being circular, promoting the tail to the head
 * is a single pointer move, which is both what a cyclic scan over a full cache does and what
 * replacing the victim with a new entry does.
 *
 * Links and access counts sit in three typed arrays of their own rather than one interleaved
 * record per slot: a read hit writes four links and one count, and in separate arrays each of
 * those is a plain indexed store (measured faster on the 1,000-entry read hits of
 * docs/BENCHMARKS.md than the shared slot-list helpers over a stride-3 record).
 */
export class LruPolicy implements EvictionPolicy {
  /** Per slot: [next, prev]. */
  private links: Int32Array;
  private counts: Uint32Array;
  private head = -1;

  constructor(slots: number) {
    this.links = new Int32Array(slots * 2);
    this.counts = new Uint32Array(slots);
  }

  grow(slots: number): void {
    this.links = grown(this.links, new Int32Array(slots * 2));
    this.counts = grown(this.counts, new Uint32Array(slots));
  }

  add(slot: number): void {
    this.counts[slot] = 1;
    const head = this.head;
    if (head === -1) {
      this.links[slot * 2] = slot;
      this.links[slot * 2 + 1] = slot;
    } else {
      const tail = this.links[head * 2 + 1];
      this.links[slot * 2] = head;
      this.links[slot * 2 + 1] = tail;
      this.links[tail * 2] = slot;
      this.links[head * 2 + 1] = slot;
    }
    this.head = slot;
  }

  recycle(slot: number): void {
    this.counts[slot] = 1;
    this.head = slot;
  }

  touch(slot: number): void {
    this.counts[slot]++;
    const head = this.head;
    if (slot === head) return;
    const links = this.links;
    const tail = links[head * 2 + 1];
    // The tail becomes the head by moving the head: the list is circular.
    if (slot !== tail) {
      const n = links[slot * 2];
      const p = links[slot * 2 + 1];
      links[p * 2] = n;
      links[n * 2 + 1] = p;
      links[slot * 2] = head;
      links[slot * 2 + 1] = tail;
      links[tail * 2] = slot;
      links[head * 2 + 1] = slot;
    }
    this.head = slot;
  }

  accessCount(slot: number): number {
    return this.counts[slot];
  }

  remove(slot: number): void {
    const n = this.links[slot * 2];
    if (n === slot) {
      this.head = -1;
      return;
    }
    const p = this.links[slot * 2 + 1];
    this.links[p * 2] = n;
    this.links[n * 2 + 1] = p;
    if (this.head === slot) this.head = n;
  }

  evict(slot: number): void {
    this.remove(slot);
  }

  victim(): number {
    return this.head === -1 ? -1 : this.links[this.head * 2 + 1];
  }

  leastValuable(): number {
    return this.victim();
  }

  mostValuable(): number {
    return this.head;
  }

  lessValuable(slot: number): number {
    const n = this.links[slot * 2];
    return n === this.head ? -1 : n;
  }

  moreValuable(slot: number): number {
    return slot === this.head ? -1 : this.links[slot * 2 + 1];
  }

  byRecency(): Int32Array {
    return collectSlots(this.victim(), (slot) => this.moreValuable(slot));
  }

  seed(slot: number, accessCount: number): void {
    this.add(slot);
    this.counts[slot] = accessCount;
  }

  clear(): void {
    this.head = -1;
  }
}

function grown<T extends Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from.length <= to.length ? from : from.subarray(0, to.length));
  return to;
}

export const lru = {
  name: 'lru',
  summary: 'evict the least recently used key',
  hashesKeys: false,
  seedOrder: 'recency',
  sizedByCapacity: false,
  create: (slots: number) => new LruPolicy(slots),
} as const satisfies PolicyDescriptor;
