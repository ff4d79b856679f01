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
 * Holds what outlives a connection: the theme and the token. Entering a token opens a new
 * connection (client, socket and query cache), so nothing fetched without it lingers.
 */
export function App({ connect = connectToOwnOrigin }: { connect?: Connect }) {
  const theme = useTheme();
  const [auth, setAuth] = useState(() => ({ token: tokenStore.read(), generation: 0 }));
  const [refused, setRefused] = useState(false);
  const onUnauthorized = useCallback(() => setRefused(true), []);
  // generation also changes when the same token is entered again, so it is retried.
  const connection = useMemo(() => connect(auth.token, onUnauthorized), [connect, auth, onUnauthorized]);

  const changeToken = useCallback((token: string | undefined) => {
    tokenStore.write(token);
    setRefused(false);
    setAuth((old) => ({ token, generation: old.generation + 1 }));
  }, []);

  return (
    // Keyed so every panel remounts on the new connection: react-query observers keep the
    // query client they were created with.
    <ConnectionProvider key={auth.generation} connection={connection}>
      <Dashboard theme={theme} token={auth.token} tokenRefused={refused} onToken={changeToken} />
    </ConnectionProvider>
  );
}
