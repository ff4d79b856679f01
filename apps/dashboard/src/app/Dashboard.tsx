import type { NodeListUpdateEvent } from '@meshcache/api-contract';
import { TokenPrompt } from '../auth/TokenPrompt';
import { useConnection } from '../connection/connection-context';
import { useNodes } from '../connection/queries';
import { useSocketStatus } from '../connection/socket-status';
import { useState } from 'react';
import { ChartsPanel } from '../panels/charts/ChartsPanel';
import { ClusterPanel } from '../panels/cluster/ClusterPanel';
import { ClusterViewPanel } from '../panels/cluster-view/ClusterViewPanel';
import { PersistencePanel } from '../panels/persistence/PersistencePanel';
import { ControlsPanel } from '../panels/controls/ControlsPanel';
import { SyncHistoryPanel } from '../panels/history/SyncHistoryPanel';
import { KeyBrowserPanel } from '../panels/keys/KeyBrowserPanel';
import { ConnectionBanner } from '../status/ConnectionBanner';
import { StatusPill } from '../status/StatusPill';
import { ThemeSelect } from '../theme/ThemeSelect';
import type { ThemeChoice } from '../theme/use-theme';

/** Only what the header shows, so the page does not re-render on every metrics push. */
function connectedNode(list: NodeListUpdateEvent) {
  return { id: list.currentNode, url: list.nodes.find((n) => n.self || n.id === list.currentNode)?.url };
}

interface DashboardProps {
  theme: { choice: ThemeChoice; setChoice: (choice: ThemeChoice) => void };
  token: string | undefined;
  tokenRefused: boolean;
  onToken: (token: string | undefined) => void;
}

export function Dashboard({ theme, token, tokenRefused, onToken }: DashboardProps) {
  const { socket } = useConnection();
  const status = useSocketStatus(socket);
  const current = useNodes(connectedNode).data;
  const needsToken = tokenRefused || status.kind === 'unauthorized';
  // Which node the live charts show: switched in place, every node's history kept.
  const [chartNode, setChartNode] = useState<string | null>(null);

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          meshcache <span className="muted">dashboard</span>
        </h1>
        <p className="connected-to">
          Connected to{' '}
          <strong className="mono" data-testid="current-node">
            {current?.id ?? '…'}
          </strong>
          {current?.url ? <span className="mono muted"> {current.url}</span> : null}
        </p>
        <StatusPill status={status} />
        {token ? (
          <button type="button" onClick={() => onToken(undefined)}>
            Forget token
          </button>
        ) : null}
        <ThemeSelect choice={theme.choice} onChange={theme.setChoice} />
      </header>
      <ConnectionBanner status={status} />
      {needsToken ? <TokenPrompt rejectedToken={token} onSubmit={onToken} /> : null}
      <main className="grid">
        <ClusterPanel />
        <ControlsPanel />
        <ClusterViewPanel chartNode={chartNode} onChartNode={setChartNode} />
        <ChartsPanel nodeId={chartNode} onNodeId={setChartNode} />
        <KeyBrowserPanel />
        <SyncHistoryPanel />
        <PersistencePanel />
      </main>
    </div>
  );
}
