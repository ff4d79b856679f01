import { compileKeyPattern, type KeyEntry, type ListKeysResponse } from '@meshcache/api-contract';
import { applyCacheDelta } from './apply-cache-delta';

const entry = (key: string, accessCount = 1): KeyEntry => ({ key, preview: '"v"', bytes: 3, accessCount, updatedAt: 1, expiresAt: null });
const page = (...keys: string[]): ListKeysResponse => ({ success: true, items: keys.map((k) => entry(k)), nextCursor: null, totalKeys: keys.length });

describe('applyCacheDelta', () => {
  it('updates rows already shown in place without marking the page stale', () => {
    const before = page('a', 'b');
    const { page: after, stale } = applyCacheDelta(before, '', [{ kind: 'set', key: 'b', entry: entry('b', 9), source: 'remote' }], 2);
    expect(stale).toBe(false);
    expect(after.items.map((i) => i.accessCount)).toEqual([1, 9]);
    expect(before.items[1].accessCount).toBe(1);
  });

  it('on a page filtered by a glob, goes stale only for new keys the glob matches and keeps its match count', () => {
    const before = { ...page('user:1'), totalKeys: 7 };
    const glob = compileKeyPattern('user:?');
    expect(applyCacheDelta(before, '', [{ kind: 'set', key: 'user:22', entry: entry('user:22'), source: 'local' }], 500, glob)).toEqual({ page: before, stale: false });
    const matched = applyCacheDelta(before, '', [{ kind: 'set', key: 'user:2', entry: entry('user:2'), source: 'local' }], 500, glob);
    expect(matched.stale).toBe(true);
    expect(matched.page.totalKeys).toBe(7);
  });

  it('marks the page stale for a new key under its prefix only', () => {
    const before = page('user:1');
    expect(applyCacheDelta(before, 'user:', [{ kind: 'set', key: 'order:1', entry: entry('order:1'), source: 'local' }], 2).stale).toBe(false);
    expect(applyCacheDelta(before, 'user:', [{ kind: 'set', key: 'user:2', entry: entry('user:2'), source: 'local' }], 2).stale).toBe(true);
  });

  it('removes deleted rows and empties the page on clear', () => {
    const deleted = applyCacheDelta(page('a', 'b', 'c'), '', [{ kind: 'delete', key: 'b', source: 'remote' }], 2);
    expect(deleted.page.items.map((i) => i.key)).toEqual(['a', 'c']);
    expect(deleted.page.totalKeys).toBe(2);
    expect(deleted.stale).toBe(true);
    const cleared = applyCacheDelta(page('a'), '', [{ kind: 'clear', source: 'remote' }], 0);
    expect(cleared.page.items).toEqual([]);
  });

  it('returns the same page object when nothing changed', () => {
    const before = page('a');
    expect(applyCacheDelta(before, '', [{ kind: 'strategy', strategy: 'LFU', source: 'local' }], 1).page).toBe(before);
  });
});
