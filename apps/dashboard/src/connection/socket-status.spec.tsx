import { act, renderHook } from '@testing-library/react';
import { FakeSocket } from '../test-support/fake-socket';
import { isAuthFailure, useSocketStatus } from './socket-status';

describe('useSocketStatus', () => {
  it('goes from connecting to connected to reconnecting and back', () => {
    const socket = new FakeSocket();
    const { result } = renderHook(() => useSocketStatus(socket));
    expect(result.current).toEqual({ kind: 'connecting' });
    act(() => socket.serverEmit('connect'));
    expect(result.current).toEqual({ kind: 'connected' });
    act(() => socket.serverEmit('disconnect', 'transport close'));
    expect(result.current).toMatchObject({ kind: 'reconnecting', reason: 'the connection to the node was lost' });
    act(() => socket.serverEmit('connect_error', new Error('xhr poll error')));
    expect(result.current).toMatchObject({ kind: 'reconnecting', attempts: 1 });
    act(() => socket.serverEmit('connect'));
    expect(result.current).toEqual({ kind: 'connected' });
  });

  it('reconnects by itself after the node closed the connection', () => {
    const socket = new FakeSocket();
    renderHook(() => useSocketStatus(socket));
    act(() => socket.serverEmit('connect'));
    act(() => socket.serverEmit('disconnect', 'io server disconnect'));
    expect(socket.connectCalls).toBe(1);
  });

  it('reports a refused token without retrying', () => {
    const socket = new FakeSocket();
    socket.active = false;
    const { result } = renderHook(() => useSocketStatus(socket));
    act(() => socket.serverEmit('connect_error', Object.assign(new Error('Unauthorized'), { data: { code: 'UNAUTHORIZED' } })));
    expect(result.current).toEqual({ kind: 'unauthorized', message: 'Unauthorized' });
    expect(socket.connectCalls).toBe(0);
  });

  it('stops listening when unmounted', () => {
    const socket = new FakeSocket();
    const { unmount } = renderHook(() => useSocketStatus(socket));
    expect(socket.listenerCount('connect')).toBe(1);
    unmount();
    expect(socket.listenerCount('connect')).toBe(0);
  });
});

describe('isAuthFailure', () => {
  it('tells token problems from network problems', () => {
    expect(isAuthFailure({ message: 'invalid token' })).toBe(true);
    expect(isAuthFailure({ message: 'x', data: { code: 'UNAUTHORIZED' } })).toBe(true);
    expect(isAuthFailure({ message: 'websocket error' })).toBe(false);
  });
});
