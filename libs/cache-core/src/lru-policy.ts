import { grownInt32, type EvictionPolicy } from './eviction-policy.js';

/**
 * Least recently used: one circular doubly linked list over slot indexes, `head` the most
 * recent entry, `prev[head]` the least recent. Being circular, promoting the tail to the
 * head is a single pointer move, which is what a cyclic scan over a full cache does.
 */
export class LruPolicy implements EvictionPolicy {
  readonly strategy = 'lru' as const;
  private next: Int32Array;
  private prev: Int32Array;
  private head = -1;

  constructor(slots: number) {
    this.next = new Int32Array(slots);
    this.prev = new Int32Array(slots);
  }

  grow(slots: number): void {
    this.next = grownInt32(this.next, slots);
    this.prev = grownInt32(this.prev, slots);
  }

  add(slot: number): void {
    const head = this.head;
    if (head === -1) {
      this.next[slot] = slot;
      this.prev[slot] = slot;
    } else {
      const next = this.next;
      const prev = this.prev;
      const tail = prev[head];
      next[slot] = head;
      prev[slot] = tail;
      next[tail] = slot;
      prev[head] = slot;
    }
    this.head = slot;
  }

  touch(slot: number): void {
    const head = this.head;
    if (slot === head) return;
    const next = this.next;
    const prev = this.prev;
    if (slot === prev[head]) {
      this.head = slot;
      return;
    }
    const p = prev[slot];
    const n = next[slot];
    next[p] = n;
    prev[n] = p;
    const tail = prev[head];
    next[slot] = head;
    prev[slot] = tail;
    next[tail] = slot;
    prev[head] = slot;
    this.head = slot;
  }

  remove(slot: number): void {
    const n = this.next[slot];
    if (n === slot) {
      this.head = -1;
      return;
    }
    const p = this.prev[slot];
    this.next[p] = n;
    this.prev[n] = p;
    if (this.head === slot) this.head = n;
  }

  evict(slot: number): void {
    this.remove(slot);
  }

  victim(): number {
    return this.head === -1 ? -1 : this.prev[this.head];
  }

  mostValuable(): number {
    return this.head;
  }

  lessValuable(slot: number): number {
    const n = this.next[slot];
    return n === this.head ? -1 : n;
  }

  moreValuable(slot: number): number {
    return slot === this.head ? -1 : this.prev[slot];
  }

  rank(): number {
    return 0;
  }

  seed(slot: number): void {
    this.add(slot);
  }

  clear(): void {
    this.head = -1;
  }
}
