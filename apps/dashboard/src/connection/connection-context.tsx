import { QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { Connection } from './connection';
import { attachSocketToQueries } from './socket-sync';

const ConnectionContext = createContext<Connection | null>(null);

/** Provides the connection and its query client, and keeps the socket feeding the queries. */
export function ConnectionProvider({ connection, children }: { connection: Connection; children: ReactNode }) {
  useEffect(() => {
    const detach = attachSocketToQueries(connection.socket, connection.queries, connection.history);
    const detachView = connection.keyView.attach();
    connection.socket.connect();
    return () => {
      detach();
      detachView();
      connection.socket.disconnect();
    };
  }, [connection]);

  return (
    <ConnectionContext.Provider value={connection}>
      <QueryClientProvider client={connection.queries}>{children}</QueryClientProvider>
    </ConnectionContext.Provider>
  );
}

export function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new TypeError('useConnection() must be used inside <ConnectionProvider>');
  return connection;
}
