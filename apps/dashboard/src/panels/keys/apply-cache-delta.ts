import type { CacheChange, KeyPattern, ListKeysResponse } from '@meshcache/api-contract';

export interface DeltaOutcome {
  page: ListKeysResponse;
  /** the page may now miss keys (a new key, a removed row): fetch it again when convenient */
  stale: boolean;
}

/**
 * Applies a batch of key changes to one cached page of the key browser. Rows already shown are
 * updated in place, so a hot key written thousands of times a second costs no request; a key
 * that is new to this page or a deletion marks the page stale, and the caller refetches it at a
 * throttled pace. A page filtered by a glob `pattern` only goes stale for keys the glob matches.
 */
export function applyCacheDelta(
  page: ListKeysResponse,
  prefix: string,
  changes: readonly CacheChange[],
  totalKeys: number,
  pattern?: KeyPattern,
): DeltaOutcome {
  let items = page.items;
  let stale = false;
  let index: Map<string, number> | undefined;
  const indexOf = (key: string) => {
    index ??= new Map(items.map((item, i) => [item.key, i]));
    return index.get(key);
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'set': {
        const at = indexOf(change.key);
        if (at === undefined) {
          if (change.key.startsWith(prefix) && (pattern === undefined || pattern.matches(change.key))) stale = true;
          break;
        }
        if (items === page.items) items = [...items];
        items[at] = change.entry;
        break;
      }
      case 'delete': {
        const at = indexOf(change.key);
        if (at === undefined) break;
        items = items.filter((item) => item.key !== change.key);
        index = undefined;
        stale = true;
        break;
      }
      case 'clear':
        items = [];
        index = undefined;
        stale = true;
        break;
      case 'strategy':
        break;
    }
  }
  // The delta counts the view's prefix; a pattern page's match count is refreshed with the page.
  const total = pattern === undefined ? totalKeys : page.totalKeys;
  return { page: items === page.items && page.totalKeys === total ? page : { ...page, items, totalKeys: total }, stale };
}
