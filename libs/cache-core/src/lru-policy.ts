import { collectSlots, grownInt32, type EvictionPolicy } from './eviction-policy.js';
import type { PolicyDescriptor } from './strategies.js';

/** Per slot in `links`: [next, prev, access count]; the count is a uint32 kept in int32 bits. */
const STRIDE = 3;
const PREV = 1;
const COUNT = 2;

/**
 * Least recently used: one circular doubly linked list over slot indexes, `head` the most
 * recent entry, the one before `head` the least recent. Being circular, promoting the tail to
 * the head is a single pointer move, which is both what a cyclic scan over a full cache does
 * and what replacing the victim with a new entry does.
 *
 * Each slot's links and access count sit side by side in one Int32Array, and the list moves are
 * written out here as plain indexed loads and stores: a read hit moves four links and bumps the
 * count of the slot whose links it reads anyway. In a large cache every one of those slots is a
 * cache miss; with the counts in an array of their own (until 2026-12-01), a hit paid one miss
 * more than mnemonist's LRU (docs/BENCHMARKS.md). 12 bytes per slot.
 */
export class LruPolicy implements EvictionPolicy {
  private links: Int32Array;
  private head = -1;

  constructor(slots: number) {
    this.links = new Int32Array(slots * STRIDE);
  }

  grow(slots: number): void {
    this.links = grownInt32(this.links, slots * STRIDE);
  }

  add(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT] = 1;
    const head = this.head;
    if (head === -1) {
      links[at] = slot;
      links[at + PREV] = slot;
    } else {
      const tail = links[head * STRIDE + PREV];
      links[at] = head;
      links[at + PREV] = tail;
      links[tail * STRIDE] = slot;
      links[head * STRIDE + PREV] = slot;
    }
    this.head = slot;
  }

  recycle(slot: number): void {
    this.links[slot * STRIDE + COUNT] = 1;
    this.head = slot;
  }

  touch(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    // Wraps from 2^32 - 1 to 0 as a uint32 would (read back with >>> 0).
    links[at + COUNT]++;
    const head = this.head;
    if (slot === head) return;
    const tail = links[head * STRIDE + PREV];
    // The tail becomes the head by moving the head: the list is circular.
    if (slot !== tail) {
      const n = links[at];
      const p = links[at + PREV];
      links[p * STRIDE] = n;
      links[n * STRIDE + PREV] = p;
      links[at] = head;
      links[at + PREV] = tail;
      links[tail * STRIDE] = slot;
      links[head * STRIDE + PREV] = slot;
    }
    this.head = slot;
  }

  accessCount(slot: number): number {
    return this.links[slot * STRIDE + COUNT] >>> 0;
  }

  remove(slot: number): void {
    const links = this.links;
    const n = links[slot * STRIDE];
    if (n === slot) {
      this.head = -1;
      return;
    }
    const p = links[slot * STRIDE + PREV];
    links[p * STRIDE] = n;
    links[n * STRIDE + PREV] = p;
    if (this.head === slot) this.head = n;
  }

  evict(slot: number): void {
    this.remove(slot);
  }

  victim(): number {
    return this.head === -1 ? -1 : this.links[this.head * STRIDE + PREV];
  }

  leastValuable(): number {
    return this.victim();
  }

  mostValuable(): number {
    return this.head;
  }

  lessValuable(slot: number): number {
    const n = this.links[slot * STRIDE];
    return n === this.head ? -1 : n;
  }

  moreValuable(slot: number): number {
    return slot === this.head ? -1 : this.links[slot * STRIDE + PREV];
  }

  byRecency(): Int32Array {
    return collectSlots(this.victim(), (slot) => this.moreValuable(slot));
  }

  seed(slot: number, accessCount: number): void {
    this.add(slot);
    this.links[slot * STRIDE + COUNT] = accessCount;
  }

  clear(): void {
    this.head = -1;
  }
}

export const lru = {
  name: 'lru',
  summary: 'evict the least recently used key',
  hashesKeys: false,
  seedOrder: 'recency',
  sizedByCapacity: false,
  create: (slots: number) => new LruPolicy(slots),
} as const satisfies PolicyDescriptor;
