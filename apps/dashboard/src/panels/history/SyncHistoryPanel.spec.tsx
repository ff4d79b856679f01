import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeHistoryEntry, makeMetrics } from '../../test-support/fixtures';
import { mockClient, renderWithConnection, success } from '../../test-support/render';
import { SyncHistoryPanel } from './SyncHistoryPanel';

const history = [
  makeHistoryEntry('1', { timestamp: 1_000, type: 'peer-up', peer: 'node-2' }),
  makeHistoryEntry('3', { timestamp: 3_000, type: 'ops-received', peer: 'node-3', count: 1, op: 'set', key: 'user:1' }),
  makeHistoryEntry('2', { timestamp: 2_000, type: 'full-sync-sent', peer: 'node-2', count: 412 }),
];

const types = () => screen.getAllByTestId('history-row').map((row) => within(row).getAllByRole('cell')[1].textContent);

describe('SyncHistoryPanel', () => {
  afterEach(() => window.localStorage.clear());

  it('lists events newest first and describes them', async () => {
    renderWithConnection(<SyncHistoryPanel />, mockClient({ syncHistory: async () => success({ success: true, history }) }));
    await waitFor(() => expect(types()).toEqual(['ops-received', 'full-sync-sent', 'peer-up']));
    expect(screen.getByText('set user:1')).toBeInTheDocument();
    expect(screen.getByText('412 keys')).toBeInTheDocument();
  });

  it('filters by node and by type', async () => {
    const user = userEvent.setup();
    renderWithConnection(<SyncHistoryPanel />, mockClient({ syncHistory: async () => success({ success: true, history }) }));
    await screen.findAllByTestId('history-row');
    await user.selectOptions(screen.getByLabelText('Node'), 'node-2');
    expect(types()).toEqual(['full-sync-sent', 'peer-up']);
    await user.selectOptions(screen.getByLabelText('Type'), 'peer-up');
    expect(types()).toEqual(['peer-up']);
    await user.selectOptions(screen.getByLabelText('Node'), 'node-3');
    expect(screen.getByText('No event matches these filters.')).toBeInTheDocument();
  });

  it('says when there is no history yet', async () => {
    renderWithConnection(<SyncHistoryPanel />, mockClient({ syncHistory: async () => success({ success: true, history: [] }) }));
    expect(await screen.findByText(/No replication events yet/)).toBeInTheDocument();
  });

  it("keeps peer and sync events in this browser across a reload, after the node's history filled with operation batches", async () => {
    const user = userEvent.setup();
    const metrics = async () => success(makeMetrics(1_000, {}, { nodeId: 'node-1' }));
    const first = renderWithConnection(<SyncHistoryPanel />, mockClient({ metrics, syncHistory: async () => success({ success: true, history }) }));
    await first.findAllByTestId('history-row');
    await waitFor(() => expect(window.localStorage.getItem('meshcache:event-log:node-1')).toContain('full-sync-sent'));
    first.unmount();

    const flooded = Array.from({ length: 5 }, (_, i) => makeHistoryEntry(`9${i}`, { timestamp: 9_000 + i, type: 'ops-received', peer: 'node-3', count: 10 }));
    renderWithConnection(<SyncHistoryPanel />, mockClient({ metrics, syncHistory: async () => success({ success: true, history: flooded }) }));
    await waitFor(() => expect(types()).toEqual(['ops-received', 'ops-received', 'ops-received', 'ops-received', 'ops-received']));
    await user.selectOptions(screen.getByLabelText('Show'), 'event log');
    expect(types()).toEqual(['full-sync-sent', 'peer-up']);
    expect(screen.getByText(/kept in this browser \(localStorage, last 500\)/)).toBeInTheDocument();
  });
});
