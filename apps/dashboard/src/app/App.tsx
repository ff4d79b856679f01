import { useCallback, useMemo, useState } from 'react';
import { tokenStore } from '../auth/token-store';
import { openConnection, type Connection } from '../connection/connection';
import { ConnectionProvider } from '../connection/connection-context';
import { useTheme } from '../theme/use-theme';
import { Dashboard } from './Dashboard';

/** Opens a connection to a node with a token; tests pass one built on mocks. */
export type Connect = (token: string | undefined, onUnauthorized: () => void) => Connection;

const connectToOwnOrigin: Connect = (token, onUnauthorized) => openConnection('', token, onUnauthorized);

/**
 * Holds what outlives a connection: the theme and the token. A new token means a new
 * connection (client, socket and query cache), so nothing fetched without it lingers.
 */
export function App({ connect = connectToOwnOrigin }: { connect?: Connect }) {
  const theme = useTheme();
  const [token, setToken] = useState(tokenStore.read);
  const [refused, setRefused] = useState(false);
  const onUnauthorized = useCallback(() => setRefused(true), []);
  const connection = useMemo(() => connect(token, onUnauthorized), [connect, token, onUnauthorized]);

  const changeToken = useCallback((next: string | undefined) => {
    tokenStore.write(next);
    setRefused(false);
    setToken(next);
  }, []);

  return (
    <ConnectionProvider connection={connection}>
      <Dashboard theme={theme} token={token} tokenRefused={refused} onToken={changeToken} />
    </ConnectionProvider>
  );
}
