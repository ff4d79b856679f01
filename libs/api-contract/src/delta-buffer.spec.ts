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
    expect(b.drain(entry, 'LRU')).toEqual({ changes: [], truncated: true, elsewhere: 0 });
  });

  it('keeps only changes of keys in the view and counts the others', () => {
    const b = new DeltaBuffer(10, { prefix: 'user:', after: 'user:10', through: 'user:20' });
    for (const key of ['user:10', 'user:11', 'order:15', 'user:20', 'user:21', 'user:3', 'user:15']) b.add({ kind: 'set', key, source: 'local' });
    b.add({ kind: 'delete', key: 'user:12', source: 'remote' });
    b.add({ kind: 'strategy', source: 'local' });
    const drained = b.drain(entry, 'LRU');
    expect(drained.truncated).toBe(false);
    expect(drained.elsewhere).toBe(4);
    expect(drained.changes.map((c) => ('key' in c ? c.key : c.kind))).toEqual(['user:11', 'user:20', 'user:15', 'user:12', 'strategy']);
  });

  it('collects nothing but counts and clears without a view, and follows a new view at once', () => {
    const b = new DeltaBuffer(3, null);
    b.add({ kind: 'set', key: 'a', source: 'local' });
    b.add({ kind: 'clear', source: 'remote' });
    expect(b.drain(entry, 'LRU')).toEqual({ changes: [{ kind: 'clear', source: 'remote' }], truncated: false, elsewhere: 1 });
    expect(b.empty).toBe(true);
    b.setView({ prefix: 'constructor' });
    b.add({ kind: 'set', key: 'constructor', source: 'local' });
    b.add({ kind: 'set', key: '__proto__', source: 'local' });
    expect(b.drain(entry, 'LRU')).toEqual({ changes: [{ kind: 'set', key: 'constructor', entry: entry('constructor'), source: 'local' }], truncated: false, elsewhere: 1 });
  });
});
