import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeMetrics } from '../../test-support/fixtures';
import { failure, mockClient, renderWithConnection, success } from '../../test-support/render';
import { ControlsPanel } from './ControlsPanel';

// userEvent typing and several renders: seconds on a loaded 2-core machine, more than Jest's 5 s default.
jest.setTimeout(30_000);

describe('ControlsPanel', () => {
  it('shows the current strategy and switches it', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      metrics: async () => success(makeMetrics(1_000, { strategy: 'LRU' })),
      setStrategy: async () => success({ success: true, message: 'ok', strategy: 'LFU' as const }),
    });
    renderWithConnection(<ControlsPanel />, client);
    await waitFor(() => expect(screen.getByRole('radio', { name: /^LRU/ })).toBeChecked());
    // Every strategy of cache-core's table is offered, with its summary.
    expect(screen.getByRole('radio', { name: /^TINYLFU.*admit a new key/ })).not.toBeChecked();
    await user.click(screen.getByRole('radio', { name: /^LFU/ }));
    expect(client.setStrategy).toHaveBeenCalledWith({ strategy: 'LFU' });
    await waitFor(() => expect(screen.getByRole('radio', { name: /^LFU/ })).toBeChecked());
    expect(screen.getByText(/Strategy is now LFU/)).toBeInTheDocument();
  });

  it('turns replication off with the switch and forces a sync', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      metrics: async () => success(makeMetrics(1_000, {}, { syncEnabled: true })),
      toggleSync: async () => success({ success: true, syncEnabled: false }),
      forceSync: async () => success({ success: true, message: 'ok', peers: 2, repairedKeys: 0, differingBuckets: 0, durationMs: 3 }),
    });
    renderWithConnection(<ControlsPanel />, client);
    const toggle = await screen.findByRole('switch', { name: /Replication on/ });
    await waitFor(() => expect(toggle).toBeChecked());
    await user.click(toggle);
    expect(client.toggleSync).toHaveBeenCalledWith({ enabled: false });
    await waitFor(() => expect(screen.getByRole('switch', { name: /Replication off/ })).not.toBeChecked());
    expect(screen.getByTestId('controls-outcome')).toHaveTextContent('Replication is paused on node-1 only; the other nodes still replicate.');
    await user.click(screen.getByRole('button', { name: 'Force sync' }));
    // The new outcome replaces the previous one rather than being appended to it.
    await waitFor(() => expect(screen.getByTestId('controls-outcome')).toHaveTextContent(/^Compared node-1 with 2 peers: 0 keys repaired\.$/));
    await user.click(screen.getByRole('button', { name: 'Force sync' }));
    await waitFor(() => expect(client.forceSync).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(screen.getByTestId('controls-outcome')).toHaveTextContent(/^Compared node-1 with 2 peers: 0 keys repaired\.$/));
    expect(screen.getByRole('switch')).toHaveAccessibleName(/this node, node-1, only/);
  });

  it('reports a refused change', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      metrics: async () => success(makeMetrics(1_000)),
      setStrategy: async () => failure('UNAUTHORIZED', 401, 'Unauthorized'),
    });
    const { onUnauthorized } = renderWithConnection(<ControlsPanel />, client);
    await waitFor(() => expect(screen.getByRole('radio', { name: /^LRU/ })).toBeChecked());
    await user.click(screen.getByRole('radio', { name: /^LFU/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a valid access token is required');
    expect(onUnauthorized).toHaveBeenCalled();
    expect(screen.getByRole('radio', { name: /^LRU/ })).toBeChecked();
  });

  it('pauses replication on every node and names the node that did not confirm', async () => {
    const user = userEvent.setup();
    const client = mockClient({
      metrics: async () => success(makeMetrics(1_000, {}, { syncEnabled: true })),
      clusterToggleSync: async () =>
        success({
          success: true as const,
          enabled: false,
          allApplied: false,
          nodes: [
            { id: 'node-1', url: 'http://127.0.0.1:5001', ok: true, syncEnabled: false },
            { id: 'node-2', url: 'http://127.0.0.1:5002', ok: true, syncEnabled: false },
            { id: 'node-3', url: 'http://127.0.0.1:5003', ok: false, error: 'ECONNREFUSED' },
          ],
        }),
    });
    renderWithConnection(<ControlsPanel />, client);
    await user.click(await screen.findByRole('button', { name: 'Pause replication on every node' }));
    expect(client.clusterToggleSync).toHaveBeenCalledWith({ enabled: false });
    await waitFor(() =>
      expect(screen.getByTestId('controls-outcome')).toHaveTextContent('Replication is paused on node-1, node-2 only: not confirmed by node-3 (ECONNREFUSED).'),
    );
    expect(screen.getByRole('group', { name: 'Replication on every node' })).toHaveTextContent('asks each peer it knows');
  });
});
