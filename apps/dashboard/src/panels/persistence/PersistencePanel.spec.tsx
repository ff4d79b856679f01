import { screen, waitFor, within } from '@testing-library/react';
import { makeMetrics } from '../../test-support/fixtures';
import { mockClient, renderWithConnection, success } from '../../test-support/render';
import { PersistencePanel } from './PersistencePanel';

// userEvent typing and several renders: seconds on a loaded 2-core machine, more than Jest's 5 s default.
jest.setTimeout(30_000);

describe('PersistencePanel', () => {
  it("shows each node's fsync mode, snapshot, operation log and a read-only disk", async () => {
    const now = Date.now();
    const own = makeMetrics(now, {}, { nodeId: 'n1' }, {
      persistence: { fsync: 'everysec', disk: { writable: true, since: now - 60_000 }, lastSnapshotAt: now - 90_000, opLogBytes: 2048, opLogRecords: 12 },
    });
    const full = makeMetrics(now, {}, { nodeId: 'n2' }, {
      persistence: { fsync: 'always', disk: { writable: false, since: now - 5_000, fault: { code: 'ENOSPC', message: 'no space left on device' } }, lastSnapshotAt: null, opLogBytes: 0, opLogRecords: 0 },
    });
    const memoryOnly = makeMetrics(now, {}, { nodeId: 'n3' }, { persistence: null });
    const client = mockClient({
      metrics: async () => success(own),
      clusterMetrics: async () =>
        success({
          success: true as const,
          nodeId: 'n1',
          timestamp: now,
          nodes: [
            { id: 'n1', url: null, ok: true as const, metrics: own },
            { id: 'n2', url: null, ok: true as const, metrics: full },
            { id: 'n3', url: null, ok: true as const, metrics: memoryOnly },
            { id: 'n4', url: null, ok: false as const, error: 'HTTP 401: Unauthorized' },
          ],
        }),
    });
    renderWithConnection(<PersistencePanel />, client);
    await waitFor(() => expect(screen.getByTestId('persistence-n4')).toHaveTextContent('No answer: HTTP 401'));
    const n1 = screen.getByTestId('persistence-n1');
    expect(within(n1).getByTestId('disk-state')).toHaveTextContent('writable');
    expect(n1).toHaveTextContent(/everysec.*once a second/);
    expect(n1).toHaveTextContent('1m 30s ago');
    expect(n1).toHaveTextContent('2.0 KiB (12 operations)');
    expect(within(screen.getByTestId('persistence-n2')).getByTestId('disk-state')).toHaveTextContent(/read-only since .*: ENOSPC \(no space left on device\); writes answer 507/);
    expect(screen.getByTestId('persistence-n2')).toHaveTextContent('none yet');
    expect(screen.getByTestId('persistence-n3')).toHaveTextContent('In memory only (no DATA_DIR)');
  });
});
