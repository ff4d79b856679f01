import { ReplicaNode } from '@meshcache/sync-node';
import { CorruptDataError } from './disk-store.js';
import { restoreNode } from './restore-node.js';

const makeNode = (nodeId: string) => new ReplicaNode({ nodeId, cache: { capacity: 100, strategy: 'lru' }, clusterSecret: 'restore-test-secret' });

describe('restoreNode', () => {
  const nodes: ReplicaNode[] = [];
  afterAll(() => Promise.all(nodes.map((n) => n.close())));

  it('restores a snapshot plus the operations logged after it', () => {
    const source = makeNode('a');
    const ops: unknown[] = [];
    source.set('before', 1);
    const snapshot = source.snapshot();
    source.on('op', (op) => ops.push(op));
    source.set('after', 2);
    const target = makeNode('a');
    nodes.push(source, target);
    const warnings: string[] = [];
    expect(restoreNode(target, { snapshot: JSON.parse(JSON.stringify(snapshot)), ops: JSON.parse(JSON.stringify(ops)) }, (m) => warnings.push(m))).toEqual({ applied: 1, skipped: 0, ignoredSnapshot: false });
    expect(target.get('before')?.value).toBe(1);
    expect(target.get('after')?.value).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('says when the data does not fit CACHE_CAPACITY (evicted at restore) and when its strategy overrules CACHE_STRATEGY', () => {
    const source = new ReplicaNode({ nodeId: 'f', cache: { capacity: 100, strategy: 'lfu' }, clusterSecret: 'restore-test-secret' });
    for (let i = 0; i < 30; i++) source.set(`k${i}`, i);
    source.setStrategy('lfu');
    const snapshot = JSON.parse(JSON.stringify(source.snapshot())) as unknown;
    const target = new ReplicaNode({ nodeId: 'f', cache: { capacity: 10, strategy: 'tinylfu' }, clusterSecret: 'restore-test-secret' });
    nodes.push(source, target);
    const warnings: string[] = [];
    restoreNode(target, { snapshot, ops: [] }, (m) => warnings.push(m));
    expect(target.cache.size).toBe(10);
    expect(warnings).toEqual([
      expect.stringMatching(/^20 entries of DATA_DIR did not fit the cache \(CACHE_CAPACITY 10/),
      expect.stringMatching(/^CACHE_STRATEGY \(TINYLFU\) not applied: DATA_DIR's data runs LFU/),
    ]);
    // A restore that fits says nothing (the first test).
  });

  it("refuses another node's snapshot (a NODE_ID that changed), naming the id it belongs to: started without it, the node's next snapshots replaced it", () => {
    const source = makeNode('b');
    source.set('k', 'v');
    const snapshot = JSON.parse(JSON.stringify(source.snapshot())) as unknown;
    const target = makeNode('renamed');
    nodes.push(source, target);
    const restore = () => restoreNode(target, { snapshot, snapshotFile: 'snapshot.prev.json', ops: [] }, () => undefined);
    expect(restore).toThrow(CorruptDataError);
    expect(restore).toThrow(/snapshot.prev.json cannot be restored: snapshot belongs to node b, not renamed[\s\S]*NODE_ID=b[\s\S]*--discard-corrupt-data/);
    expect(target.cache.size).toBe(0);
  });

  it('refuses a snapshot the engine rejects, unless told to discard it: then restores the operations, counting bad ones', () => {
    const source = makeNode('b');
    const ops: unknown[] = [];
    source.on('op', (op) => ops.push(op));
    source.set('k', 'v');
    const target = makeNode('c');
    nodes.push(source, target);
    const restored = { snapshot: { format: 1, nodeId: 'c', garbage: true }, snapshotFile: 'snapshot.json', ops: [...ops, { not: 'an op' }] };
    expect(() => restoreNode(target, restored, () => undefined)).toThrow(/snapshot.json cannot be restored: snapshot does not match the schema[\s\S]*backup/);
    const warnings: string[] = [];
    const outcome = restoreNode(target, restored, (m) => warnings.push(m), true);
    expect(outcome).toEqual({ applied: 1, skipped: 1, ignoredSnapshot: true });
    expect(target.get('k')?.value).toBe('v');
    expect(warnings[0]).toMatch(/snapshot.json not restored \(--discard-corrupt-data\)/);
    expect(warnings[1]).toMatch(/1 logged operation/);
  });
});
