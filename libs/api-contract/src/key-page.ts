import type { CacheKey } from './schemas/primitives.js';

const CURSOR_PREFIX = 'k1:';

/** Cursors name the last key of the previous page; the prefix leaves room to change that. */
export const encodeCursor = (lastKey: CacheKey): string => CURSOR_PREFIX + lastKey;

/** The key a cursor resumes after, or `undefined` when the cursor is not one this API issued. */
export const decodeCursor = (cursor: string): CacheKey | undefined =>
  cursor.startsWith(CURSOR_PREFIX) ? cursor.slice(CURSOR_PREFIX.length) : undefined;

export interface KeyPageRequest {
  readonly prefix?: string;
  /** Return only keys strictly greater than this one. */
  readonly after?: CacheKey;
  readonly limit: number;
}

export interface KeyPage {
  readonly keys: CacheKey[];
  readonly nextCursor: string | null;
}

/**
 * The next `limit` keys in code-unit order after `after` that start with `prefix`, in one pass
 * over `keys` with a bounded max-heap: O(n log limit) time and O(limit) memory, so a page of a
 * million-key cache needs no sorted copy of the key set. Keys present for the whole walk are
 * listed exactly once; keys written meanwhile may or may not appear.
 */
export const selectKeyPage = (keys: Iterable<CacheKey>, request: KeyPageRequest): KeyPage => {
  const { prefix = '', after, limit } = request;
  // Keep limit + 1 candidates: the extra one tells whether another page exists.
  const capacity = limit + 1;
  const heap: CacheKey[] = [];
  for (const key of keys) {
    if (after !== undefined && key <= after) continue;
    if (prefix && !key.startsWith(prefix)) continue;
    if (heap.length < capacity) heapPush(heap, key);
    else if (key < heap[0]) heapReplaceTop(heap, key);
  }
  heap.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const more = heap.length > limit;
  const page = more ? heap.slice(0, limit) : heap;
  return { keys: page, nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
};

const heapPush = (heap: CacheKey[], key: CacheKey): void => {
  heap.push(key);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] >= heap[i]) break;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
};

const heapReplaceTop = (heap: CacheKey[], key: CacheKey): void => {
  heap[0] = key;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let largest = i;
    if (left < heap.length && heap[left] > heap[largest]) largest = left;
    if (right < heap.length && heap[right] > heap[largest]) largest = right;
    if (largest === i) return;
    [heap[largest], heap[i]] = [heap[i], heap[largest]];
    i = largest;
  }
};
