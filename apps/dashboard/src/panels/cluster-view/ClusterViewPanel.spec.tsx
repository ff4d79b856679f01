import { LATENCY_BUCKETS_MS, type ClusterMetricsResponse, type ClusterNodeMetrics, type MetricsResponse } from '@meshcache/api-contract';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { queryKeys } from '../../connection/query-keys';
import { makeMetrics } from '../../test-support/fixtures';
import { mockClient, renderWithConnection, success, type Harness } from '../../test-support/render';
import { ChartsPanel } from '../charts/ChartsPanel';
import { ClusterViewPanel } from './ClusterViewPanel';

/** Cumulative latency counts with every request in the bucket at index `bucket`. */
const latency = (requests: number, bucket: number) => ({
  counts: [...LATENCY_BUCKETS_MS, Infinity].map((_b, i) => (i >= bucket ? requests : 0)),
  sumMs: requests,
});

const nodeMetrics = (id: string, at: number, hits: number, misses: number, extra: { lag?: number; rss?: number; size?: number; requests?: number } = {}): ClusterNodeMetrics => ({
  id,
  url: `http://127.0.0.1:500${id.slice(-1)}`,
  ok: true,
  metrics: makeMetrics(
    at,
    { hits, misses, size: extra.size ?? 10 },
    { nodeId: id, lag: extra.lag ?? 0 },
    { rss: extra.rss ?? 100 << 20, connections: 4, latency: latency(extra.requests ?? 0, 3) },
  ),
});

const answer = (nodes: ClusterNodeMetrics[]): ClusterMetricsResponse => ({ success: true, nodeId: 'n1', timestamp: nodes.length, nodes });

function Page() {
  const [chartNode, setChartNode] = useState<string | null>(null);
  return (
    <>
      <ClusterViewPanel chartNode={chartNode} onChartNode={setChartNode} />
      <ChartsPanel nodeId={chartNode} onNodeId={setChartNode} />
    </>
  );
}

const latest = (title: string) => within(screen.getByRole('figure', { name: title })).getByTestId('chart-latest');
const row = (id: string) => screen.getByTestId(`cluster-view-${id}`);

// userEvent typing and several renders: seconds on a loaded 2-core machine, more than Jest's 5 s default.
jest.setTimeout(30_000);

describe('ClusterViewPanel', () => {
  const answers: ClusterMetricsResponse[] = [
    answer([nodeMetrics('n1', 1_000, 0, 0), nodeMetrics('n2', 1_000, 0, 0), { id: 'n3', url: 'http://127.0.0.1:5003', ok: false, error: 'ECONNREFUSED' }]),
    answer([
      nodeMetrics('n1', 3_000, 0, 0),
      nodeMetrics('n2', 3_000, 150, 50, { lag: 7, rss: 200 << 20, size: 12, requests: 40 }),
      { id: 'n3', url: 'http://127.0.0.1:5003', ok: false, error: 'ECONNREFUSED' },
    ]),
  ];
  const setup = (): Harness => {
    let call = 0;
    const client = mockClient({
      metrics: async () => success<MetricsResponse>(makeMetrics(1_000, {}, { nodeId: 'n1' })),
      clusterMetrics: async () => success(answers[Math.min(call++, answers.length - 1)]),
    });
    return renderWithConnection(<Page />, client);
  };
  const poll = (h: Harness) => act(() => h.connection.queries.refetchQueries({ queryKey: queryKeys.clusterMetrics }));

  it("shows every node's figures side by side, the totals, and the node that gave none", async () => {
    const h = setup();
    await waitFor(() => expect(row('n3')).toHaveTextContent('No figures: ECONNREFUSED'));
    await poll(h);
    // n2: 200 reads over 2 s, 3 of 4 hits; its lag, memory, keys, connections; p99 within 2.5–5 ms.
    await waitFor(() => expect(within(row('n2')).getAllByRole('cell').map((c) => c.textContent)).toEqual(['100/s', '75.0%', '200.0 MiB', '12', '4', '7', expect.stringMatching(/^4\.\d\d ms$/), 'Show']));
    const totals = screen.getByTestId('cluster-totals');
    expect(totals).toHaveTextContent('Nodes answering2 of 3');
    expect(totals).toHaveTextContent('Total ops/s100/s');
    expect(totals).toHaveTextContent('Memory (sum of RSS)300.0 MiB');
    expect(screen.getByTestId('total-keys')).toHaveTextContent('10–12');
  });

  it('switches the live charts to another node in place and keeps every history', async () => {
    const user = userEvent.setup();
    const h = setup();
    await screen.findByTestId('cluster-view-n2');
    await poll(h);
    await user.click(screen.getByRole('button', { name: 'Show the charts of n2' }));
    expect(screen.getByRole('heading', { name: 'Live metrics of n2' })).toBeInTheDocument();
    await waitFor(() => expect(latest('Operations per second')).toHaveTextContent('reads 100/s'));
    expect(latest('Hit ratio')).toHaveTextContent('hit ratio 75.0%');
    expect(row('n2')).toHaveAttribute('aria-current', 'true');

    await user.selectOptions(screen.getByTestId('chart-node'), 'n1');
    expect(screen.getByRole('heading', { name: 'Live metrics of n1' })).toBeInTheDocument();
    expect(latest('Operations per second')).toHaveTextContent('waiting for data');
    await user.click(screen.getByRole('button', { name: 'Show the charts of n2' }));
    // n2's samples were kept while n1 was shown: nothing to wait for.
    expect(latest('Operations per second')).toHaveTextContent('reads 100/s');
  });

  it('charts a node that stops answering with what it gave before and says why', async () => {
    const user = userEvent.setup();
    const h = setup();
    await screen.findByTestId('cluster-view-n3');
    await user.click(screen.getByRole('button', { name: 'Show the charts of n3' }));
    await poll(h);
    expect(await screen.findByText(/n3 gives no figures now \(ECONNREFUSED\)/)).toBeInTheDocument();
  });
});
