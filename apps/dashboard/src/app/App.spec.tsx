import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { assembleConnection, type Connection } from '../connection/connection';
import { FakeSocket } from '../test-support/fake-socket';
import { makeMetrics } from '../test-support/fixtures';
import { failure, mockClient, success, type MockClient } from '../test-support/render';
import { App, type Connect } from './App';

const GOOD = 's3cret';

// Whole-page tests type and render every panel: generous on a loaded 2-core machine.
jest.setTimeout(30_000);

/** A node that requires the token GOOD on every route, like AUTH_TOKEN does. */
function securedNode() {
  const opened: { token: string | undefined; client: MockClient; socket: FakeSocket; connection: Connection }[] = [];
  const connect: Connect = (token, onUnauthorized) => {
    const guard = <T,>(data: T) => async () => (token === GOOD ? success(data) : failure('UNAUTHORIZED', 401, 'Unauthorized'));
    const client = mockClient({
      metrics: guard(makeMetrics(1_000)),
      listKeys: guard({ success: true as const, items: [], nextCursor: null, totalKeys: 0 }),
      syncHistory: guard({ success: true as const, history: [] }),
    });
    const socket = new FakeSocket();
    const connection = assembleConnection({ baseUrl: '', client, socket, onUnauthorized, retryDelayMs: 0 });
    opened.push({ token, client, socket, connection });
    return connection;
  };
  return { connect, opened };
}

describe('App', () => {
  beforeEach(() => sessionStorage.clear());

  it('asks for a token on 401, reports a wrong one, and connects with the right one', async () => {
    const user = userEvent.setup();
    const node = securedNode();
    render(<App connect={node.connect} />);
    expect(await screen.findByText(/This node requires an access token/)).toBeInTheDocument();
    expect(screen.getByLabelText('Access token')).toHaveFocus();

    await user.type(screen.getByLabelText('Access token'), 'wrong{Enter}');
    expect(await screen.findByText(/The node rejected this access token \(401\)/)).toBeInTheDocument();
    expect(node.opened.at(-1)?.token).toBe('wrong');

    await user.type(screen.getByLabelText('Access token'), `${GOOD}{Enter}`);
    await waitFor(() => expect(screen.queryByLabelText('Access token')).not.toBeInTheDocument());
    expect(await screen.findByText('The cache is empty. Set a key or import JSON below.')).toBeInTheDocument();
    expect(sessionStorage.getItem('meshcache.token')).toBe(GOOD);
    // Each token got its own socket; the old ones were closed.
    expect(node.opened.slice(0, -1).every((o) => !o.socket.active)).toBe(true);
  });

  it('asks for a token when the socket handshake is refused', async () => {
    sessionStorage.setItem('meshcache.token', GOOD);
    const node = securedNode();
    render(<App connect={node.connect} />);
    const { socket } = node.opened[0];
    act(() => socket.serverEmit('connect_error', Object.assign(new Error('Unauthorized'), { data: { code: 'UNAUTHORIZED' } })));
    expect(await screen.findByText(/The node rejected this access token/)).toBeInTheDocument();
    expect(screen.getByText('Live updates refused: Unauthorized.')).toBeInTheDocument();
  });

  it('shows when it is disconnected and when it is live again', async () => {
    sessionStorage.setItem('meshcache.token', GOOD);
    const node = securedNode();
    render(<App connect={node.connect} />);
    const { socket, client } = node.opened[0];
    expect(screen.getByTestId('connection-status')).toHaveTextContent('connecting');
    act(() => socket.serverEmit('connect'));
    expect(screen.getByTestId('connection-status')).toHaveTextContent('live');
    await waitFor(() => expect(screen.getByTestId('current-node')).toHaveTextContent('node-1'));
    const before = client.metrics.mock.calls.length;
    act(() => socket.serverEmit('disconnect', 'transport close'));
    expect(screen.getByRole('alert')).toHaveTextContent('Disconnected: the connection to the node was lost');
    act(() => socket.serverEmit('connect'));
    expect(screen.queryByText(/Disconnected/)).not.toBeInTheDocument();
    // After a gap everything is fetched again.
    await waitFor(() => expect(client.metrics.mock.calls.length).toBeGreaterThan(before));
  });

  it('gives every control an accessible name', async () => {
    sessionStorage.setItem('meshcache.token', GOOD);
    const { container } = render(<App connect={securedNode().connect} />);
    await screen.findByText('The cache is empty. Set a key or import JSON below.');
    const controls = [...container.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')];
    expect(controls.length).toBeGreaterThan(10);
    const unnamed = controls.filter((el) => {
      const labelled = el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement ? el.labels?.length : 0;
      return !labelled && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && !el.textContent?.trim();
    });
    expect(unnamed.map((el) => el.outerHTML)).toEqual([]);
  });

  it('switches between light and dark themes', async () => {
    const user = userEvent.setup();
    sessionStorage.setItem('meshcache.token', GOOD);
    render(<App connect={securedNode().connect} />);
    await user.selectOptions(screen.getByLabelText('Theme'), 'dark');
    expect(document.documentElement).toHaveAttribute('data-theme', 'dark');
    await user.selectOptions(screen.getByLabelText('Theme'), 'system');
    expect(document.documentElement).not.toHaveAttribute('data-theme');
  });
});
