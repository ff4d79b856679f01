/**
 * Circular doubly linked lists over slot indexes, shared by the policies that keep several:
 * LFU's frequency buckets and TinyLFU's three queues (LRU writes its one list out itself). A
 * slot's links sit at `links[slot * stride + NEXT]` and `+ PREV`, next to whatever else the
 * policy keeps per slot, and a list is known by its head, the slot `next` starts from;
 * `prev(head)` is its tail. Being circular, a list needs no tail pointer, and turning the
 * tail into the head is a single head move.
 *
 * Plain functions with the stride as an argument: V8 inlines them into the policies' hot
 * paths, where the stride is a constant (measured: no change in the benchmark's LRU and LFU
 * cells).
 */
export const NEXT = 0;
export const PREV = 1;

/** Links `slot` just before `head` (so as its tail; `head` -1: as a list of its own). The caller moves the head if `slot` is to be it. */
export function linkBefore(links: Int32Array, stride: number, head: number, slot: number): void {
  const at = slot * stride;
  if (head === -1) {
    links[at + NEXT] = slot;
    links[at + PREV] = slot;
    return;
  }
  const headAt = head * stride;
  const tail = links[headAt + PREV];
  links[at + NEXT] = head;
  links[at + PREV] = tail;
  links[tail * stride + NEXT] = slot;
  links[headAt + PREV] = slot;
}

/** Takes `slot` out of its list; returns the slot that followed it, or -1 when it was alone (the list is now empty). */
export function unlink(links: Int32Array, stride: number, slot: number): number {
  const at = slot * stride;
  const n = links[at + NEXT];
  if (n === slot) return -1;
  const p = links[at + PREV];
  links[p * stride + NEXT] = n;
  links[n * stride + PREV] = p;
  return n;
}

/**
 * Lists whose heads sit in one Int32Array (`heads[headAt]`): LFU's buckets, TinyLFU's
 * queues. Unlinks `slot` from the list headed at `headAt`; returns true when the list became empty.
 */
export function unlinkFrom(links: Int32Array, stride: number, heads: Int32Array, headAt: number, slot: number): boolean {
  const n = unlink(links, stride, slot);
  if (n === -1) {
    heads[headAt] = -1;
    return true;
  }
  if (heads[headAt] === slot) heads[headAt] = n;
  return false;
}

/** Makes `slot` the tail of the list headed at `heads[headAt]` (LFU: the most recent of its bucket). */
export function linkTail(links: Int32Array, stride: number, heads: Int32Array, headAt: number, slot: number): void {
  const head = heads[headAt];
  linkBefore(links, stride, head, slot);
  if (head === -1) heads[headAt] = slot;
}

/** Makes `slot` the head of the list headed at `heads[headAt]` (TinyLFU: the most recent of its queue). */
export function linkHead(links: Int32Array, stride: number, heads: Int32Array, headAt: number, slot: number): void {
  linkBefore(links, stride, heads[headAt], slot);
  heads[headAt] = slot;
}
