import { collectSlots, grownInt32, type EvictionPolicy } from './eviction-policy.js';
import * as slotList from './slot-list.js';
import type { PolicyDescriptor } from './strategies.js';

// Module-local aliases: tsx and ts-jest compile imports to CommonJS getters, which TurboFan
// did not inline into the hot paths (a third of a 1k-entry get's time, profiled).
const { linkBefore, NEXT, PREV, unlink } = slotList;

// Per slot in `links`: [next, prev, access count].
const COUNT = 2;
const STRIDE = 3;

/**
 * Least recently used: one circular doubly linked list over slot indexes, `head` the most
 * recent entry, `prev(head)` the least recent. Being circular, promoting the tail to the head
 * is a single pointer move, which is both what a cyclic scan over a full cache does and what
 * replacing the victim with a new entry does.
 *
 * `links` holds, per slot, [next, prev, access count].
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
    this.links[slot * STRIDE + COUNT] = 1;
    linkBefore(this.links, STRIDE, this.head, slot);
    this.head = slot;
  }

  recycle(slot: number): void {
    this.links[slot * STRIDE + COUNT] = 1;
    this.head = slot;
  }

  touch(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT]++;
    const head = this.head;
    if (slot === head) return;
    const headAt = head * STRIDE;
    const tail = links[headAt + PREV];
    // The tail becomes the head by moving the head: the list is circular.
    if (slot !== tail) {
      unlink(links, STRIDE, slot);
      linkBefore(links, STRIDE, head, slot);
    }
    this.head = slot;
  }

  accessCount(slot: number): number {
    return this.links[slot * STRIDE + COUNT] >>> 0;
  }

  remove(slot: number): void {
    const n = unlink(this.links, STRIDE, slot);
    if (n === -1 || this.head === slot) this.head = n;
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
    const n = this.links[slot * STRIDE + NEXT];
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
