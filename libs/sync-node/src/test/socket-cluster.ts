import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { ReplicaNode } from '../replica-node.js';
import type { ReplicaNodeOptions } from '../node-options.js';
import { attachSocketIoTransport, PRE_AUTH_MAX_HTTP_BUFFER_SIZE, type SocketIoTransport } from '../transports/socket-io-transport.js';

export interface TestPeer {
  node: ReplicaNode;
  url: string;
  port: number;
  /** Stops the server and transport but keeps the node (a network outage). */
  goAway(): Promise<void>;
  /** Serves the same node again on the same port. */
  comeBack(peers: string[]): Promise<void>;
  /** Addresses the transport dials. */
  dialing(): string[];
  close(): Promise<void>;
}

const listen = (server: HttpServer, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** Fast housekeeping so tests finish quickly; nothing here depends on wall-clock timing. */
export const FAST: Partial<ReplicaNodeOptions> = { heartbeatMs: 50, retransmitMs: 200, downAfterMs: 1000, forceSyncTimeoutMs: 3000 };

export async function startPeer(options: Partial<ReplicaNodeOptions> & { nodeId: string }, peers: string[] = []): Promise<TestPeer> {
  const node = new ReplicaNode({ cache: { capacity: 10_000, strategy: 'lru' }, clusterSecret: 'test-secret', ...FAST, ...options });
  let http: HttpServer;
  let io: Server;
  let transport: SocketIoTransport;
  let port = 0;
  const serve = async (peerUrls: string[]) => {
    http = createServer();
    io = new Server(http, { maxHttpBufferSize: PRE_AUTH_MAX_HTTP_BUFFER_SIZE });
    port = await listen(http, port);
    transport = attachSocketIoTransport(node, { io, peers: peerUrls, selfUrl: `http://127.0.0.1:${port}`, redialMs: 100 });
  };
  const stop = async () => {
    await transport.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  };
  await serve(peers);
  return {
    node,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    goAway: stop,
    comeBack: serve,
    dialing: () => transport.dialing(),
    async close() {
      await stop();
      await node.close();
    },
  };
}

/** Resolves once `check` holds, re-checking on every change of any node; fails after `ms`. */
export function waitFor(what: string, check: () => boolean, nodes: ReplicaNode[], ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const listeners: [ReplicaNode, () => void][] = [];
    const done = (error?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const [node, fn] of listeners) {
        node.off('change', fn);
        node.off('nodes', fn);
      }
      if (error) reject(error);
      else resolve();
    };
    const onEvent = () => {
      if (check()) done();
    };
    for (const node of nodes) {
      node.on('change', onEvent);
      node.on('nodes', onEvent);
      listeners.push([node, onEvent]);
    }
    // Counters (sync stats, history) change without a node event; look at them now and then.
    const poll = setInterval(onEvent, 20);
    const timer = setTimeout(() => done(new Error(`timed out waiting for: ${what}`)), ms);
  });
}
