import { SOCKET_EVENTS, type ListKeysResponse, type MetricsResponse } from '@meshcache/api-contract';
import { MetricsHistory } from '../charts/metrics-history';
import { FakeSocket } from '../test-support/fake-socket';
import { makeKeyEntry, makeMetrics } from '../test-support/fixtures';
import { createQueryClient } from './connection';
import { queryKeys } from './query-keys';
import { attachSocketToQueries, KEY_REFRESH_MS } from './socket-sync';

const delta = (changes: unknown[], truncated = false) => ({ nodeId: 'node-1', changes, truncated, elsewhere: 0, totalKeys: 1, timestamp: 1 });

function setup() {
  const socket = new FakeSocket();
  const queries = createQueryClient(() => undefined);
  const history = new MetricsHistory();
  const detach = attachSocketToQueries(socket, queries, history);
  const page: ListKeysResponse = { success: true, items: [makeKeyEntry('a')], nextCursor: null, totalKeys: 1 };
  queries.setQueryData(queryKeys.keyPage('', null), page);
  queries.setQueryData(queryKeys.metrics, makeMetrics(1_000));
  const invalidate = jest.spyOn(queries, 'invalidateQueries');
  return { socket, queries, history, detach, invalidate };
}

describe('attachSocketToQueries', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refetches key pages once per interval however many deltas make them stale', () => {
    const { socket, invalidate, detach } = setup();
    for (let i = 0; i < 50; i++) socket.serverEmit(SOCKET_EVENTS.cacheDelta, delta([{ kind: 'set', key: `new${i}`, entry: makeKeyEntry(`new${i}`), source: 'remote' }]));
    jest.advanceTimersByTime(KEY_REFRESH_MS);
    expect(invalidate.mock.calls.filter(([f]) => f?.queryKey?.[0] === 'keys')).toHaveLength(1);
    detach();
  });

  it('asks for fresh pages when the server says the delta was truncated', () => {
    const { socket, invalidate, detach } = setup();
    socket.serverEmit(SOCKET_EVENTS.cacheDelta, delta([], true));
    jest.advanceTimersByTime(KEY_REFRESH_MS);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.allKeyPages });
    detach();
  });

  it('applies a replicated strategy change to the metrics', () => {
    const { socket, queries, detach } = setup();
    socket.serverEmit(SOCKET_EVENTS.cacheDelta, delta([{ kind: 'strategy', strategy: 'LFU', source: 'remote' }]));
    expect(queries.getQueryData<MetricsResponse>(queryKeys.metrics)?.cache.strategy).toBe('LFU');
    detach();
  });

  it('records pushed metrics for the charts and drops malformed ones', () => {
    const { socket, history, detach } = setup();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    history.record(makeMetrics(1_000));
    const m = makeMetrics(2_000, { hits: 4 });
    socket.serverEmit(SOCKET_EVENTS.metricsUpdate, { ...m.cache, nodeId: 'node-1', timestamp: 2_000, sync: m.sync, server: m.server });
    socket.serverEmit(SOCKET_EVENTS.metricsUpdate, { ...m.cache, hits: -1, nodeId: 'node-1', timestamp: 3_000, sync: m.sync, server: { ...m.server, timestamp: 3_000 } });
    expect(history.snapshot().times).toEqual([2]);
    expect(history.snapshot().reads).toEqual([4]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    detach();
  });

  it('refetches everything after a reconnect but not on the first connect', () => {
    const { socket, invalidate, detach } = setup();
    socket.serverEmit('connect');
    expect(invalidate).not.toHaveBeenCalled();
    socket.serverEmit('disconnect', 'transport close');
    socket.serverEmit('connect');
    expect(invalidate).toHaveBeenCalledWith();
    detach();
  });

  it('stops listening when detached', () => {
    const { socket, detach } = setup();
    detach();
    for (const event of Object.values(SOCKET_EVENTS)) expect(socket.listenerCount(event)).toBe(0);
  });
});
