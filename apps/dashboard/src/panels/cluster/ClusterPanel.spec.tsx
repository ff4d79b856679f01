import { SOCKET_EVENTS } from '@meshcache/api-contract';
import { act, screen, waitFor, within } from '@testing-library/react';
import { makeMetrics, makeNode } from '../../test-support/fixtures';
import { failure, mockClient, renderWithConnection, success } from '../../test-support/render';
import { ClusterPanel } from './ClusterPanel';

const peer = (id: string, state: 'up' | 'suspect' | 'down', lag = 0) => ({
  id, url: `http://127.0.0.1:500${id.slice(-1)}`, state, strategy: 'lru' as const, size: 3, capacity: 1000, lag, lastSeen: 1_000,
});

describe('ClusterPanel', () => {
  it('shows the node itself and its peers from the metrics before any push', async () => {
    const client = mockClient({
      metrics: async () => success(makeMetrics(2_000, { size: 3 }, { nodeList: [peer('node-2', 'up'), peer('node-3', 'down', 7)] })),
    });
    const { socket } = renderWithConnection(<ClusterPanel />, client);
    act(() => socket.serverEmit('connect'));
    const self = await screen.findByTestId('node-node-1');
    expect(self).toHaveAttribute('aria-current', 'true');
    expect(within(self).getByText('this page')).toBeInTheDocument();
    expect(within(screen.getByTestId('node-node-3')).getByTestId('node-state')).toHaveTextContent('down');
    expect(within(screen.getByTestId('node-node-3')).getByText('7')).toBeInTheDocument();
    expect(screen.getByText('3 nodes, 2 up, 1 down (node-3), node-3 7 ops behind')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the dashboard of node-2' })).toHaveAttribute('href', 'http://127.0.0.1:5002/');
  });

  it('replaces the list on node-list-update and drops malformed events', async () => {
    const client = mockClient({ metrics: async () => success(makeMetrics(2_000)) });
    const { socket } = renderWithConnection(<ClusterPanel />, client);
    await screen.findByTestId('node-node-1');
    act(() =>
      socket.serverEmit(SOCKET_EVENTS.nodeListUpdate, {
        nodes: [makeNode({ id: 'node-1', self: true }), makeNode({ id: 'node-2', state: 'suspect' })],
        totalNodes: 2,
        currentNode: 'node-1',
      }),
    );
    await waitFor(() => expect(within(screen.getByTestId('node-node-2')).getByTestId('node-state')).toHaveTextContent('suspect'));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    act(() => socket.serverEmit(SOCKET_EVENTS.nodeListUpdate, { nodes: 'nope' }));
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
    expect(screen.getByTestId('node-node-2')).toBeInTheDocument();
  });

  it('keeps the pushed addresses when a REST answer lands after the push', async () => {
    // The node list and the verdict both load the metrics: hold every answer until after the push.
    const pending: ((value: unknown) => void)[] = [];
    const answer = (value: unknown) => pending.splice(0).forEach((resolve) => resolve(value));
    const client = mockClient({ metrics: () => new Promise((resolve) => pending.push(resolve)) as never });
    const { socket } = renderWithConnection(<ClusterPanel />, client);
    act(() =>
      socket.serverEmit(SOCKET_EVENTS.nodeListUpdate, {
        nodes: [makeNode({ id: 'node-1', self: true, url: 'http://127.0.0.1:5001' }), makeNode({ id: 'node-2' })],
        totalNodes: 2,
        currentNode: 'node-1',
      }),
    );
    await act(async () => answer(success(makeMetrics(2_000, { size: 42 }))));
    const self = await screen.findByTestId('node-node-1');
    await waitFor(() => expect(within(self).getByText(/^42 \//)).toBeInTheDocument());
    expect(within(self).getByText('http://127.0.0.1:5001')).toBeInTheDocument();
    expect(screen.getByTestId('node-node-2')).toBeInTheDocument();
  });

  it('refreshes peer state from metrics-update', async () => {
    const client = mockClient({ metrics: async () => success(makeMetrics(2_000, {}, { nodeList: [peer('node-2', 'up')] })) });
    const { socket } = renderWithConnection(<ClusterPanel />, client);
    await screen.findByTestId('node-node-2');
    const pushed = makeMetrics(3_000, {}, { nodeList: [peer('node-2', 'down')] });
    act(() => socket.serverEmit(SOCKET_EVENTS.metricsUpdate, { ...pushed.cache, nodeId: 'node-1', timestamp: 3_000, sync: pushed.sync, server: pushed.server }));
    await waitFor(() => expect(within(screen.getByTestId('node-node-2')).getByTestId('node-state')).toHaveTextContent('down'));
  });

  it("says its own node is not connected instead of 'in sync' when the socket drops", async () => {
    const client = mockClient({ metrics: async () => success(makeMetrics(2_000, {}, { nodeList: [peer('node-2', 'up')] })) });
    const { socket } = renderWithConnection(<ClusterPanel />, client);
    act(() => socket.serverEmit('connect'));
    await waitFor(() => expect(screen.getByTestId('cluster-summary')).toHaveTextContent('2 nodes, all up, in sync'));
    act(() => socket.serverEmit('disconnect', 'transport close'));
    expect(screen.getByTestId('cluster-summary')).toHaveTextContent("No live data: this page's node node-1 is not connected");
    expect(within(screen.getByTestId('node-node-1')).getByTestId('node-state')).toHaveTextContent('not connected');
  });

  it('lists every problem the node reports, and shows snapshot progress and a stable row order', async () => {
    const problems = [
      { code: 'peer-refused-secret' as const, message: 'node-3 refused our cluster secret', peer: 'node-3', since: Date.now() - 5_000 },
      { code: 'duplicate-node-id' as const, message: 'another process uses the id node-1', since: Date.now() },
    ];
    const nodeList = [peer('node-3', 'up'), { ...peer('node-2', 'up'), behind: 407_709, snapshot: { sent: 384_000, total: 1_031_377 } }];
    const client = mockClient({ metrics: async () => success(makeMetrics(2_000, {}, { nodeList }, { problems })) });
    const { socket } = renderWithConnection(<ClusterPanel />, client);
    act(() => socket.serverEmit('connect'));
    const list = await screen.findByTestId('problems');
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Peer refused secret node-3: node-3 refused our cluster secret (since 5s ago)',
      'Duplicate node id: another process uses the id node-1 (since just now)',
    ]);
    expect(screen.getByTestId('cluster-summary')).toHaveTextContent('node-2 receiving a snapshot: 37% (384,000 of 1,031,377 keys), 2 problems reported');
    expect(screen.getByTestId('cluster-summary')).not.toHaveTextContent('in sync');
    expect(within(screen.getByTestId('node-node-2')).getByTestId('ops-behind')).toHaveTextContent('407,709');
    expect(screen.getAllByTestId(/^node-node-/).map((row) => row.dataset.testid)).toEqual(['node-node-1', 'node-node-2', 'node-node-3']);
  });

  it('says what failed when the node cannot be reached', async () => {
    const client = mockClient({ metrics: async () => failure('INTERNAL', 500, 'boom') });
    renderWithConnection(<ClusterPanel />, client);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the node list: boom');
    // 5xx answers are retried before the panel gives up.
    expect(client.metrics.mock.calls.length).toBeGreaterThan(1);
  });
});
