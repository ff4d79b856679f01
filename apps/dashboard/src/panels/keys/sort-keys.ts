import type { KeyEntry } from '@meshcache/api-contract';

export type SortColumn = 'key' | 'bytes' | 'ttl' | 'accessCount' | 'updatedAt';
export interface SortOrder {
  readonly column: SortColumn;
  readonly descending: boolean;
}

/** The server's order: keys ascending. */
export const KEY_ORDER: SortOrder = { column: 'key', descending: false };

/** A key without a TTL lives longest: it sorts after every key with one. */
const value = (entry: KeyEntry, column: SortColumn): number | string => {
  switch (column) {
    case 'key':
      return entry.key;
    case 'bytes':
      return entry.bytes;
    case 'ttl':
      return entry.expiresAt ?? Number.POSITIVE_INFINITY;
    case 'accessCount':
      return entry.accessCount;
    case 'updatedAt':
      return entry.updatedAt;
  }
};

/** The page's rows in `order`, ties by key; a new array, the page itself untouched. */
export function sortKeys(entries: readonly KeyEntry[], order: SortOrder): KeyEntry[] {
  const sign = order.descending ? -1 : 1;
  return [...entries].sort((a, b) => {
    const x = value(a, order.column);
    const y = value(b, order.column);
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

/** Clicking the sorted column flips it; another column starts ascending. */
export const nextOrder = (current: SortOrder, column: SortColumn): SortOrder =>
  current.column === column ? { column, descending: !current.descending } : { column, descending: false };
