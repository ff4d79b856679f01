import { makeNode } from '../../test-support/fixtures';
import { summarizeCluster, type ClusterFacts } from './summarize-cluster';

const facts = (over: Partial<ClusterFacts>): ClusterFacts => ({
  nodes: [makeNode({ id: 'n1', self: true }), makeNode({ id: 'n2' })],
  live: true,
  currentNode: 'n1',
  syncEnabled: true,
  problems: [],
  ...over,
});

describe('summarizeCluster', () => {
  it('calls a cluster in sync when all nodes are up, caught up and on one strategy', () => {
    expect(summarizeCluster(facts({}))).toEqual({ up: 2, total: 2, converged: true, tone: 'ok', text: '2 nodes, all up, in sync' });
  });

  it('never says in sync while its own node is disconnected', () => {
    const s = summarizeCluster(facts({ live: false }));
    expect(s).toMatchObject({ converged: false, tone: 'bad' });
    expect(s.text).toBe("No live data: this page's node n1 is not connected, the figures below may be out of date");
  });

  it('names the nodes that are down or suspect and what a down node missed', () => {
    const s = summarizeCluster(facts({ nodes: [makeNode({ id: 'n1' }), makeNode({ id: 'n2', state: 'suspect' }), makeNode({ id: 'n3', state: 'down', behind: 700 })] }));
    expect(s.text).toBe('3 nodes, 1 up, 1 suspect (n2), 1 down (n3), n3 700 ops behind');
    expect(s.tone).toBe('bad');
  });

  it('shows catching up with progress, by snapshot and by operations', () => {
    const nodes = [makeNode({ id: 'n1' }), makeNode({ id: 'n2', behind: 407_709, snapshot: { sent: 384_000, total: 1_031_377 } }), makeNode({ id: 'n3', behind: 12 })];
    const s = summarizeCluster(facts({ nodes }));
    expect(s.text).toBe('3 nodes, all up, n2 receiving a snapshot: 37% (384,000 of 1,031,377 keys), n3 catching up, 12 ops behind');
    expect(s).toMatchObject({ converged: false, tone: 'warn' });
  });

  it('says replication is paused, problems exist, strategies differ — and then not in sync', () => {
    const problems = [{ code: 'peer-unreachable' as const, message: 'n2 does not answer', peer: 'n2', since: 1 }];
    const pausedHere = [{ code: 'sync-paused' as const, message: 'replication is turned off on this node', since: 1 }];
    expect(summarizeCluster(facts({ syncEnabled: false, problems: pausedHere }))).toMatchObject({ converged: false, tone: 'warn', text: '2 nodes, all up, replication paused on n1' });
    // A peer paused on its own node: this page's node hears it from the peer's heartbeats.
    expect(summarizeCluster(facts({ nodes: [makeNode({ id: 'n1', self: true }), makeNode({ id: 'n2', paused: true })] }))).toMatchObject({
      converged: false,
      tone: 'warn',
      text: '2 nodes, all up, n2 replication paused, its writes wait on it',
    });
    expect(summarizeCluster(facts({ problems })).text).toBe('2 nodes, all up, 1 problem reported');
    expect(summarizeCluster(facts({ nodes: [makeNode({ id: 'n1', strategy: 'LFU' }), makeNode({ id: 'n2', lag: 3 })] })).text).toBe(
      '2 nodes, all up, n2 catching up, 3 ops behind, strategies differ',
    );
  });
});
