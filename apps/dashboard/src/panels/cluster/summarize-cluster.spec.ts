import { makeNode } from '../../test-support/fixtures';
import { summarizeCluster } from './summarize-cluster';

describe('summarizeCluster', () => {
  it('calls a cluster in sync when all nodes are up, caught up and on one strategy', () => {
    const s = summarizeCluster([makeNode({ id: 'n1', self: true }), makeNode({ id: 'n2' })]);
    expect(s).toEqual({ up: 2, total: 2, converged: true, text: '2 nodes, all up, in sync' });
  });

  it('names what keeps it from being in sync', () => {
    expect(summarizeCluster([makeNode({ id: 'n1' }), makeNode({ id: 'n2', state: 'suspect' }), makeNode({ id: 'n3', state: 'down' })]).text).toBe(
      '3 nodes, 1 up, 1 suspect, 1 down',
    );
    expect(summarizeCluster([makeNode({ id: 'n1', strategy: 'LFU' }), makeNode({ id: 'n2', lag: 12 })]).text).toBe(
      '2 nodes, all up, strategies differ, 12 ops still replicating',
    );
  });
});
