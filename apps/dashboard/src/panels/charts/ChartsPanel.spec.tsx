import { SOCKET_EVENTS, type MetricsResponse } from '@meshcache/api-contract';
import { act, screen, waitFor, within } from '@testing-library/react';
import { makeMetrics } from '../../test-support/fixtures';
import { mockClient, renderWithConnection, success } from '../../test-support/render';
import type { FakeSocket } from '../../test-support/fake-socket';
import { ChartsPanel } from './ChartsPanel';

const push = (socket: FakeSocket, m: MetricsResponse) =>
  act(() => socket.serverEmit(SOCKET_EVENTS.metricsUpdate, { ...m.cache, nodeId: 'node-1', timestamp: m.server.timestamp, sync: m.sync, server: m.server }));

const latest = (title: string) => within(screen.getByRole('figure', { name: title })).getByTestId('chart-latest');

const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  act(() => void document.dispatchEvent(new Event('visibilitychange')));
};

describe('ChartsPanel', () => {
  afterEach(() => setVisibility('visible'));

  it('charts rates computed from pushed counters', async () => {
    const client = mockClient({ metrics: async () => success(makeMetrics(10_000, { size: 5, capacity: 100, hitRate: 0.5 })) });
    const { socket } = renderWithConnection(<ChartsPanel />, client);
    expect(await screen.findByText('5 / 100')).toBeInTheDocument();
    expect(latest('Hit ratio')).toHaveTextContent('waiting for data');
    push(socket, makeMetrics(12_000, { hits: 300, misses: 100, sets: 40 }, { seq: 30, opsReceived: 10 }));
    await waitFor(() => expect(latest('Hit ratio')).toHaveTextContent('hit ratio 75.0%'));
    expect(latest('Operations per second')).toHaveTextContent('reads 200/s, writes 20/s');
  });

  it('stops updating while the page is hidden and catches up when shown', async () => {
    const client = mockClient({ metrics: async () => success(makeMetrics(10_000)) });
    const { socket } = renderWithConnection(<ChartsPanel />, client);
    await screen.findByText(/pushed every second/);
    push(socket, makeMetrics(11_000, { sets: 10 }, { seq: 10 }));
    await waitFor(() => expect(latest('Operations per second')).toHaveTextContent('writes 10/s'));
    setVisibility('hidden');
    expect(screen.getByText('paused while the page is hidden')).toBeInTheDocument();
    push(socket, makeMetrics(12_000, { sets: 40, size: 7 }, { seq: 40 }));
    // The metrics tiles take the push; the charts keep their picture.
    expect(await screen.findByText('7 / 1,000')).toBeInTheDocument();
    expect(latest('Operations per second')).toHaveTextContent('writes 10/s');
    setVisibility('visible');
    await waitFor(() => expect(latest('Operations per second')).toHaveTextContent('writes 30/s'));
  });
});
