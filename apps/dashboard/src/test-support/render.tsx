import { routes, type ApiResult, type ClientErrorCode, type MeshcacheClient, type RouteName } from '@meshcache/api-contract';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { assembleConnection, type Connection } from '../connection/connection';
import { ConnectionProvider } from '../connection/connection-context';
import { FakeSocket } from './fake-socket';

type Handler = (input?: unknown) => Promise<ApiResult<unknown>>;

export type MockClient = MeshcacheClient & { readonly [K in RouteName]: jest.Mock };

/**
 * A typed client whose every method is a jest mock. Methods a test does not set answer like a
 * node that is not running, so a panel that calls something unexpected shows an error state.
 */
export function mockClient(handlers: Partial<Record<RouteName, Handler>> = {}): MockClient {
  const client: Record<string, jest.Mock> = {};
  for (const name of Object.keys(routes) as RouteName[]) {
    client[name] = jest.fn(handlers[name] ?? (async () => failure('NETWORK_ERROR', null, `${name} not mocked`)));
  }
  return client as unknown as MockClient;
}

export const success = <T,>(data: T, status = 200): ApiResult<T> => ({ ok: true, status, data });
export const failure = (code: ClientErrorCode, status: number | null, message: string): ApiResult<never> => ({
  ok: false,
  error: { code, status, message },
});

export interface Harness extends RenderResult {
  client: MockClient;
  socket: FakeSocket;
  connection: Connection;
  onUnauthorized: jest.Mock;
}

/** Renders `ui` inside a connection whose client and socket are test doubles. */
export function renderWithConnection(ui: ReactElement, client = mockClient()): Harness {
  const socket = new FakeSocket();
  const onUnauthorized = jest.fn();
  const connection = assembleConnection({ baseUrl: '', client, socket, onUnauthorized, retryDelayMs: 0 });
  const result = render(<ConnectionProvider connection={connection}>{ui}</ConnectionProvider>);
  return { ...result, client, socket, connection, onUnauthorized };
}
