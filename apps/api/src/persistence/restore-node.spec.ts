import { ReplicaNode } from '@meshcache/sync-node';
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
    expect(restoreNode(target, JSON.parse(JSON.stringify(snapshot)), JSON.parse(JSON.stringify(ops)), (m) => warnings.push(m))).toEqual({ applied: 1, skipped: 0 });
    expect(target.get('before')?.value).toBe(1);
    expect(target.get('after')?.value).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('falls back to the operations when the engine rejects the snapshot, and counts bad operations', () => {
    const source = makeNode('b');
    const ops: unknown[] = [];
    source.on('op', (op) => ops.push(op));
    source.set('k', 'v');
    const target = makeNode('c');
    nodes.push(source, target);
    const warnings: string[] = [];
    const outcome = restoreNode(target, { format: 1, nodeId: 'b', garbage: true }, [...ops, { not: 'an op' }], (m) => warnings.push(m));
    expect(outcome).toEqual({ applied: 1, skipped: 1 });
    expect(target.get('k')?.value).toBe('v');
    expect(warnings[0]).toMatch(/snapshot.json ignored/);
    expect(warnings[1]).toMatch(/1 logged operation/);
  });
});
