import { DeltaBuffer, type KeyEntry } from './index.js';

const entry = (key: string): KeyEntry => ({ key, preview: '1', bytes: 1, accessCount: 1, updatedAt: 0, expiresAt: null });

describe('DeltaBuffer', () => {
  it('keeps the last change per key, in the order keys last changed', () => {
    const b = new DeltaBuffer(10);
    b.add({ kind: 'set', key: 'a', source: 'local' });
    b.add({ kind: 'set', key: 'b', source: 'remote' });
    b.add({ kind: 'delete', key: 'a', source: 'remote' });
    const { changes, truncated } = b.drain(entry, 'LRU');
    expect(truncated).toBe(false);
    expect(changes).toEqual([
      { kind: 'set', key: 'b', entry: entry('b'), source: 'remote' },
      { kind: 'delete', key: 'a', source: 'remote' },
    ]);
    expect(b.empty).toBe(true);
  });

  it('reports a set whose key is gone by flush time as a delete', () => {
    const b = new DeltaBuffer(10);
    b.add({ kind: 'set', key: '__proto__', source: 'local' });
    expect(b.drain(() => undefined, 'LRU').changes).toEqual([{ kind: 'delete', key: '__proto__', source: 'local' }]);
  });

  it('lets a clear drop earlier changes and reports the strategy as it is at flush time', () => {
    const b = new DeltaBuffer(10);
    b.add({ kind: 'set', key: 'a', source: 'local' });
    b.add({ kind: 'strategy', source: 'remote' });
    b.add({ kind: 'clear', source: 'local' });
    b.add({ kind: 'set', key: 'c', source: 'local' });
    expect(b.drain(entry, 'LFU').changes).toEqual([
      { kind: 'clear', source: 'local' },
      { kind: 'set', key: 'c', entry: entry('c'), source: 'local' },
      { kind: 'strategy', strategy: 'LFU', source: 'remote' },
    ]);
  });

  it('marks the batch truncated past maxKeys instead of growing', () => {
    const b = new DeltaBuffer(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) b.add({ kind: 'set', key, source: 'local' });
    expect(b.drain(entry, 'LRU')).toEqual({ changes: [], truncated: true });
  });
});
