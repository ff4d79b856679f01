import { SOCKET_EVENTS, type ListKeysResponse } from '@meshcache/api-contract';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeKeyEntry } from '../../test-support/fixtures';
import { failure, mockClient, renderWithConnection, success } from '../../test-support/render';
import { KeyBrowserPanel } from './KeyBrowserPanel';

const page = (keys: string[], nextCursor: string | null = null, totalKeys = keys.length): ListKeysResponse => ({
  success: true,
  items: keys.map((k) => makeKeyEntry(k)),
  nextCursor,
  totalKeys,
});

const rowKeys = () => screen.queryAllByTestId('key-row').map((row) => within(row).getByRole('rowheader').textContent);

// userEvent typing and several renders: seconds on a loaded 2-core machine, more than Jest's 5 s default.
jest.setTimeout(30_000);

describe('KeyBrowserPanel', () => {
  it('lists a page of keys with preview, TTL and access count', async () => {
    const client = mockClient({
      listKeys: async () =>
        success({ ...page([]), items: [makeKeyEntry('user:1', { preview: '{"name":"Ada"}', accessCount: 42, expiresAt: Date.now() + 90_000 })], totalKeys: 1 }),
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    const row = await screen.findByTestId('key-row');
    expect(within(row).getByText('{"name":"Ada"}')).toBeInTheDocument();
    expect(within(row).getByText('42')).toBeInTheDocument();
    expect(within(row).getByText(/^1m (2\d|30)s$/)).toBeInTheDocument();
    expect(screen.getByText('1 keys in the cache')).toBeInTheDocument();
  });

  it('searches by prefix and pages forward and back with cursors', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      listKeys: async (input) => {
        const { prefix, cursor } = input as { prefix?: string; cursor?: string };
        if (prefix === 'user:') return success(page(['user:1']));
        return success(cursor === 'c2' ? page(['c', 'd'], null, 4) : page(['a', 'b'], 'c2', 4));
      },
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await waitFor(() => expect(rowKeys()).toEqual(['a', 'b']));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(rowKeys()).toEqual(['c', 'd']));
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(rowKeys()).toEqual(['a', 'b']));
    await user.type(screen.getByLabelText('Search by key prefix'), 'user:');
    await waitFor(() => expect(rowKeys()).toEqual(['user:1']));
    expect(client.listKeys).toHaveBeenCalledWith({ prefix: 'user:', cursor: undefined, limit: 50 });
  });

  it('says when the cache is empty and when no key matches', async () => {
    const user = userEvent.setup();
    renderWithConnection(<KeyBrowserPanel />, mockClient({ listKeys: async () => success(page([])) }));
    expect(await screen.findByText('The cache is empty. Set a key or import JSON below.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search by key prefix'), 'zz');
    expect(await screen.findByText('No key starts with “zz”.')).toBeInTheDocument();
  });

  it('patches shown rows from cache-delta and refetches when a new key arrives', async () => {
    let keys = ['a'];
    const client = mockClient({ listKeys: async () => success(page(keys)) });
    const { socket } = renderWithConnection(<KeyBrowserPanel />, client);
    await waitFor(() => expect(rowKeys()).toEqual(['a']));
    const calls = client.listKeys.mock.calls.length;
    act(() =>
      socket.serverEmit(SOCKET_EVENTS.cacheDelta, {
        nodeId: 'node-1', truncated: false, elsewhere: 0, totalKeys: 1, timestamp: 5,
        changes: [{ kind: 'set', key: 'a', entry: makeKeyEntry('a', { accessCount: 77 }), source: 'remote' }],
      }),
    );
    expect(await screen.findByText('77')).toBeInTheDocument();
    expect(client.listKeys.mock.calls.length).toBe(calls);
    keys = ['a', 'b'];
    act(() =>
      socket.serverEmit(SOCKET_EVENTS.cacheDelta, {
        nodeId: 'node-1', truncated: false, elsewhere: 0, totalKeys: 2, timestamp: 6,
        changes: [{ kind: 'set', key: 'b', entry: makeKeyEntry('b'), source: 'remote' }],
      }),
    );
    await waitFor(() => expect(rowKeys()).toEqual(['a', 'b']), { timeout: 3000 });
  });

  it('sets a key with a TTL, parsing JSON values', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      listKeys: async () => success(page([])),
      setItem: async () => success({ success: true, message: 'ok', key: 'k1' }),
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.type(screen.getByLabelText('Key'), 'k1');
    await user.type(screen.getByLabelText('Value (JSON or text)'), '[[1,2]');
    await user.type(screen.getByLabelText('TTL in seconds (optional)'), '1.5');
    await user.click(screen.getByRole('button', { name: 'Set' }));
    expect(await screen.findByText('Saved k1.')).toBeInTheDocument();
    expect(client.setItem).toHaveBeenCalledWith({ key: 'k1', value: [1, 2], ttlMs: 1500 });
  });

  it('shows the server message when a write is refused', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      listKeys: async () => success(page([])),
      setItem: async () => failure('VALIDATION_FAILED', 400, 'Invalid request: key: must be at most 1024 characters'),
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.type(screen.getByLabelText('Key'), 'k');
    await user.type(screen.getByLabelText('Value (JSON or text)'), 'v');
    await user.click(screen.getByRole('button', { name: 'Set' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('key: must be at most 1024 characters');
  });

  it('imports JSON in bulk and lists the items the server refused', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      listKeys: async () => success(page([])),
      bulkSet: async () => success({ success: true, successCount: 1, totalCount: 2, failed: [{ index: 1, key: 'b', message: 'ttlMs must be positive' }] }),
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.click(screen.getByText('Bulk import JSON'));
    const box = screen.getByLabelText('JSON to import');
    await user.click(box);
    await user.paste('{"a": 1, "b": 2}');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Imported 1 of 2 items.')).toBeInTheDocument();
    expect(screen.getByText('Item 2 (b): ttlMs must be positive')).toBeInTheDocument();
    expect(client.bulkSet).toHaveBeenCalledWith({ items: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] });
  });

  it('refuses bulk input that is not JSON without calling the server', async () => {
    const user = userEvent.setup();
    const client = mockClient({ listKeys: async () => success(page([])) });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.click(screen.getByText('Bulk import JSON'));
    await user.click(screen.getByLabelText('JSON to import'));
    await user.paste('{nope');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not valid JSON');
    expect(client.bulkSet).not.toHaveBeenCalled();
  });

  it('clears only after confirmation, with focus on Cancel', async () => {
    const user = userEvent.setup();
    const client = mockClient({ listKeys: async () => success(page(['a'], null, 1)), clear: async () => success({ success: true, message: 'cleared' }) });
    renderWithConnection(<KeyBrowserPanel />, client);
    await screen.findByTestId('key-row');
    await user.click(screen.getByRole('button', { name: 'Clear cache…' }));
    expect(screen.getByText(/Remove all 1 keys from every node/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(client.clear).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Clear cache…' }));
    await user.click(screen.getByRole('button', { name: 'Yes, clear everything' }));
    expect(await screen.findByText('Cache cleared.')).toBeInTheDocument();
    expect(client.clear).toHaveBeenCalledTimes(1);
  });

  it('deletes a key only after confirmation, and undoes it with the value and TTL it had', async () => {
    const user = userEvent.setup();
    const expiresAt = Date.now() + 60_000;
    const client = mockClient({
      listKeys: async () => success(page(['a'])),
      getItem: async () => success({ success: true, key: 'a', value: { value: { n: 1 }, timestamp: new Date().toISOString(), accessCount: 1, updatedAt: 0, expiresAt } }),
      deleteItem: async () => success({ success: true, message: 'deleted', key: 'a' }),
      setItem: async () => success({ success: true, message: 'ok', key: 'a' }),
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.click(await screen.findByRole('button', { name: 'Delete a' }));
    expect(client.deleteItem).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('button', { name: 'Delete on every node' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Delete a' }));
    await user.click(screen.getByRole('button', { name: 'Delete on every node' }));
    expect(await screen.findByText(/on every node\./)).toBeInTheDocument();
    expect(client.deleteItem).toHaveBeenCalledWith({ key: 'a' });
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(client.setItem).toHaveBeenCalledTimes(1));
    const restored = client.setItem.mock.calls[0][0] as { key: string; value: unknown; ttlMs: number };
    expect(restored).toMatchObject({ key: 'a', value: { n: 1 } });
    expect(restored.ttlMs).toBeGreaterThan(50_000);
    expect(restored.ttlMs).toBeLessThanOrEqual(60_000);
  });

  it('closes the clear-cache confirmation with Escape', async () => {
    const user = userEvent.setup();
    renderWithConnection(<KeyBrowserPanel />, mockClient({ listKeys: async () => success(page(['a'])) }));
    await user.click(await screen.findByRole('button', { name: 'Clear cache…' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('button', { name: 'Yes, clear everything' })).not.toBeInTheDocument();
  });

  it('hides a key whose TTL ran out and fetches the page again', async () => {
    let items = [makeKeyEntry('gone', { expiresAt: Date.now() - 1 }), makeKeyEntry('kept')];
    const client = mockClient({ listKeys: async () => success({ ...page([]), items, totalKeys: items.length }) });
    renderWithConnection(<KeyBrowserPanel />, client);
    await waitFor(() => expect(rowKeys()).toEqual(['kept']));
    items = [makeKeyEntry('kept')];
    await waitFor(() => expect(client.listKeys.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('tells the node which page it shows, and tells it again after a reconnect', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      listKeys: async (input) => success((input as { cursor?: string }).cursor === 'c2' ? page(['c', 'd'], null, 4) : page(['a', 'b'], 'c2', 4)),
    });
    const { socket } = renderWithConnection(<KeyBrowserPanel />, client);
    act(() => socket.serverEmit('connect'));
    const views = () => socket.sent.filter((m) => m.event === SOCKET_EVENTS.setView).map((m) => m.args[0]);
    await waitFor(() => expect(views()).toEqual([{ prefix: '', cursor: null, lastKey: 'b' }]));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(views().at(-1)).toEqual({ prefix: '', cursor: 'c2', lastKey: null }));
    const sent = views().length;
    act(() => socket.serverEmit('disconnect'));
    act(() => socket.serverEmit('connect'));
    await waitFor(() => expect(views().length).toBe(sent + 1));
    expect(views().at(-1)).toEqual({ prefix: '', cursor: 'c2', lastKey: null });
  });

  it('filters by glob with the match count, and deletes the matches only after confirming', async () => {
    const user = userEvent.setup();
    let remaining = ['user:1', 'user:2'];
    const client = mockClient({
      listKeys: async (input) => {
        const { pattern } = input as { pattern?: string };
        if (pattern === 'user:?') return success({ ...page(remaining), totalIsLowerBound: false });
        return success(page(['a', ...remaining]));
      },
      deleteMatching: async () => {
        remaining = [];
        return success({ success: true as const, message: 'Deleted 2 key(s) matching user:?', pattern: 'user:?', deleted: 2, more: false });
      },
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await waitFor(() => expect(rowKeys()).toEqual(['a', 'user:1', 'user:2']));
    await user.type(screen.getByLabelText('Filter by glob'), 'user:?');
    await waitFor(() => expect(rowKeys()).toEqual(['user:1', 'user:2']));
    expect(screen.getByTestId('key-count')).toHaveTextContent('2 keys match user:?');
    expect(client.listKeys).toHaveBeenLastCalledWith({ prefix: undefined, pattern: 'user:?', cursor: undefined, limit: 50 });

    await user.click(screen.getByRole('button', { name: 'Delete matching…' }));
    const confirm = screen.getByRole('group', { name: 'Confirm deleting the matching keys' });
    expect(confirm).toHaveTextContent('Delete 2 keys matching user:? from every node in the cluster?');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Confirm deleting the matching keys' })).toBeNull();
    expect(client.deleteMatching).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Delete matching…' }));
    await user.click(screen.getByRole('button', { name: 'Yes, delete 2 keys' }));
    expect(client.deleteMatching).toHaveBeenCalledWith({ pattern: 'user:?' });
    expect(await screen.findByTestId('delete-matching-outcome')).toHaveTextContent('Deleted 2 key(s) matching user:?');
    await waitFor(() => expect(screen.getByText(/No key matches user:\?/)).toBeInTheDocument());
  });

  it('shows a pattern delete the node refused part-way, and reloads the list it changed', async () => {
    const user = userEvent.setup();
    let remaining = ['user:1', 'user:2', 'user:3'];
    const client = mockClient({
      listKeys: async () => success({ ...page(remaining), totalIsLowerBound: false }),
      deleteMatching: async () => {
        remaining = ['user:3'];
        return failure('DISK_FULL', 507, 'Deleted 2 key(s), then the node refused: ENOSPC: no space left on device, write');
      },
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.type(screen.getByLabelText('Filter by glob'), 'user:*');
    await waitFor(() => expect(screen.getByTestId('key-count')).toHaveTextContent('3 keys match user:*'));
    await user.click(screen.getByRole('button', { name: 'Delete matching…' }));
    await user.click(screen.getByRole('button', { name: 'Yes, delete 3 keys' }));
    const confirm = screen.getByRole('group', { name: 'Confirm deleting the matching keys' });
    await waitFor(() => expect(within(confirm).getByRole('alert')).toHaveTextContent('Deleted 2 key(s), then the node refused'));
    expect(screen.queryByTestId('delete-matching-outcome')).toBeNull();
    await waitFor(() => expect(rowKeys()).toEqual(['user:3']));
  });

  it('says when the match count is a lower bound', async () => {
    const user = userEvent.setup();
    renderWithConnection(<KeyBrowserPanel />, mockClient({ listKeys: async () => success({ ...page(['k1']), totalKeys: 200_000, totalIsLowerBound: true }) }));
    await user.type(screen.getByLabelText('Filter by glob'), '*x*');
    await waitFor(() => expect(screen.getByTestId('key-count')).toHaveTextContent('at least 200,000 keys match *x*'));
  });

  it('sorts the rows of the page by a column and says so', async () => {
    const user = userEvent.setup();
    const items = [makeKeyEntry('a', { bytes: 30 }), makeKeyEntry('b', { bytes: 10 }), makeKeyEntry('c', { bytes: 20 })];
    renderWithConnection(<KeyBrowserPanel />, mockClient({ listKeys: async () => success({ ...page([]), items, totalKeys: 3 }) }));
    await waitFor(() => expect(rowKeys()).toEqual(['a', 'b', 'c']));
    await user.click(screen.getByRole('button', { name: 'Sort this page by Size' }));
    expect(rowKeys()).toEqual(['b', 'c', 'a']);
    expect(screen.getByRole('columnheader', { name: /Size/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByText(/this page sorted by size/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sort this page by Size' }));
    expect(rowKeys()).toEqual(['a', 'c', 'b']);
  });

  it('opens a key whole, and edits its value and TTL', async () => {
    const user = userEvent.setup();
    const stored = { value: { name: 'Ada', langs: ['en'] } as unknown, expiresAt: null as number | null, version: '1.0.n1' };
    const client = mockClient({
      listKeys: async () => success({ ...page([]), items: [makeKeyEntry('user:1', { bytes: 321 })], totalKeys: 1 }),
      getItem: async () =>
        success({
          success: true as const,
          key: 'user:1',
          value: { value: stored.value, timestamp: new Date(1_000).toISOString(), accessCount: 1, updatedAt: 1_000, expiresAt: stored.expiresAt, version: stored.version },
        }),
      setItem: async (input) => {
        const { value, ttlMs } = input as { value: unknown; ttlMs?: number };
        Object.assign(stored, { value, expiresAt: ttlMs === undefined ? null : Date.now() + ttlMs, version: '2.0.n1' });
        return success({ success: true as const, message: 'ok', key: 'user:1', version: '2.0.n1' });
      },
    });
    renderWithConnection(<KeyBrowserPanel />, client);
    await user.click(await screen.findByRole('button', { name: 'user:1' }));
    const detail = screen.getByTestId('key-detail');
    await waitFor(() => expect(within(detail).getByTestId('key-value').textContent).toBe(JSON.stringify(stored.value, null, 2)));
    expect(within(detail).getByTestId('key-version')).toHaveTextContent('1.0.n1');
    expect(detail).toHaveTextContent('321 B');
    expect(within(detail).getByTestId('key-ttl')).toHaveTextContent('none');

    await user.click(within(detail).getByRole('button', { name: 'Edit value or TTL' }));
    const value = within(detail).getByLabelText('Value (JSON, or text)');
    await user.clear(value);
    await user.type(value, '{{"name":"Grace"}');
    await user.type(within(detail).getByLabelText('TTL in seconds from now (empty: no TTL)'), '90');
    await user.click(within(detail).getByRole('button', { name: 'Save' }));
    expect(client.setItem).toHaveBeenCalledWith({ key: 'user:1', value: { name: 'Grace' }, ttlMs: 90_000 });
    await waitFor(() => expect(within(detail).getByTestId('key-version')).toHaveTextContent('2.0.n1'));
    expect(within(detail).getByTestId('key-ttl')).toHaveTextContent(/^1m (2\d|30)s$/);
    expect(within(detail).getByRole('status')).toHaveTextContent('Saved on this node and replicated (version 2.0.n1).');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('key-detail')).toBeNull();
  });
});
