import { checkServerIdentity } from 'node:tls';
import type { Server, Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { PeerAddressEvent } from '../node-types.js';
import type { ReplicaNode } from '../replica-node.js';

/**
 * A seed peer: its base URL, and for an `https` URL whose host is an address that a name resolved
 * to, that name: the peer's certificate is checked against it instead of the address.
 */
export type SeedPeer = string | { url: string; serverName?: string };

export interface SocketIoTransportOptions {
  /** The node's socket.io server; the transport adds the `/cluster` namespace to it. */
  io: Server;
  /** Seed peers (the seed's PEER_NODES): base URLs such as `http://10.0.0.2:5000`. */
  peers: SeedPeer[];
  /** This node's own base URL as peers reach it; advertised in handshakes and gossip. */
  selfUrl: string;
  /**
   * TLS for dialing `https://` peers: `ca` to verify them (system roots without it), `cert` and
   * `key` to present when they require a client certificate (mutual TLS).
   */
  tls?: { ca?: string; cert?: string; key?: string };
  /** Delay before redialing a peer that closed the link on purpose (default 2000 ms). */
  redialMs?: number;
}

export interface SocketIoTransport {
  /** URLs currently dialed (seed peers plus gossip-learned ones). */
  dialing(): string[];
  /**
   * Replaces the seed peers (PEER_NODES names resolved again): new ones are dialed; a former seed
   * whose link is not connected is no longer dialed, a connected one stays until it drops.
   */
  setSeeds(peers: SeedPeer[]): void;
  close(): Promise<void>;
}

export const CLUSTER_NAMESPACE = '/cluster';

/**
 * Largest frame an authenticated peer may send: batches and snapshot chunks stay near 256 KB,
 * but one operation carries its whole value, and engine.io closes a connection that receives a
 * message above its limit, which would stall replication. Raised per connection once the peer
 * has proven the cluster secret ({@link raiseFrameLimit}).
 */
export const CLUSTER_MAX_HTTP_BUFFER_SIZE = 16 * 1024 * 1024;

/**
 * `maxHttpBufferSize` to give the socket.io `Server`: the frame limit of every connection before
 * it authenticates (a peer's handshake messages, a dashboard's handshake and requests), so a stranger
 * cannot make the server buffer megabytes. The limit is per server in socket.io; only links of
 * authenticated peers get {@link CLUSTER_MAX_HTTP_BUFFER_SIZE}.
 */
export const PRE_AUTH_MAX_HTTP_BUFFER_SIZE = 256 * 1024;

interface EngineTransport {
  maxHttpBufferSize?: number;
  /** The `ws` WebSocket of engine.io's websocket transport. */
  socket?: { _receiver?: { _maxPayload?: number } };
}

/**
 * Lets one connection receive frames up to `bytes`. engine.io reads its limit from the transport
 * (long-polling) and ws from its receiver (checked against each frame's header, before anything
 * is buffered); neither has a public per-connection setter, so both fields are set here, and
 * again on a transport upgrade.
 */
const raiseFrameLimit = (socket: ServerSocket, bytes: number): void => {
  const apply = (transport: EngineTransport) => {
    transport.maxHttpBufferSize = bytes;
    const receiver = transport.socket?._receiver;
    if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
  };
  apply(socket.conn.transport as unknown as EngineTransport);
  socket.conn.on('upgrade', (transport: unknown) => apply(transport as EngineTransport));
};

const EVENT = 'm';

const normalize = (url: string) => url.trim().replace(/\/+$/, '');
/**
 * engine.io reports every failed websocket as "websocket error"; the cause (refused, a certificate
 * not valid for the name, an unknown CA) is in the error's `description`, the ws error event.
 */
const dialFailure = (error: Error & { description?: unknown }): string => {
  const event = error.description as { message?: unknown; error?: { message?: unknown } } | undefined;
  const cause = event?.error?.message ?? event?.message;
  return typeof cause === 'string' && cause !== '' && cause !== error.message ? `${error.message}: ${cause}` : error.message;
};
/** Why a peer without a /cluster namespace refuses this node, and what to do about it. */
const NO_CLUSTER_NAMESPACE = 'it does not accept cluster links: it runs without CLUSTER_SECRET (every node needs the same CLUSTER_SECRET)';
const seedOf = (peer: SeedPeer): { url: string; serverName?: string } =>
  typeof peer === 'string' ? { url: normalize(peer) } : { url: normalize(peer.url), serverName: peer.serverName };

/**
 * Replication over socket.io: accepts peers on the `/cluster` namespace of `io`, dials every
 * seed peer and every peer learned by gossip with socket.io-client (websocket only, automatic
 * reconnect with exponential backoff). Each socket is one link; the node does the handshake.
 */
export function attachSocketIoTransport(node: ReplicaNode, opts: SocketIoTransportOptions): SocketIoTransport {
  const selfUrl = normalize(opts.selfUrl);
  const redialMs = opts.redialMs ?? 2000;
  node.advertise(selfUrl);
  const namespace = opts.io.of(CLUSTER_NAMESPACE);
  const accepted = new Set<ServerSocket>();
  const clients = new Map<string, ClientSocket>();
  const redials = new Set<NodeJS.Timeout>();
  /** Addresses that turned out to reach this very node (an alias of selfUrl in PEER_NODES). */
  const selfAliases = new Set<string>();
  let closed = false;

  const onConnection = (socket: ServerSocket) => {
    if (closed) {
      socket.disconnect(true);
      return;
    }
    accepted.add(socket);
    const handle = node.openLink({
      send: (message) => socket.emit(EVENT, message),
      close: () => socket.disconnect(true),
      authenticated: () => raiseFrameLimit(socket, CLUSTER_MAX_HTTP_BUFFER_SIZE),
    });
    socket.on(EVENT, (raw: unknown) => handle.receive(raw));
    // Anything else on this namespace is a malformed message: count it like one.
    socket.onAny((event: string) => {
      if (event !== EVENT) handle.receive({ type: `event:${event}` });
    });
    socket.on('disconnect', () => {
      accepted.delete(socket);
      handle.closed();
    });
  };
  namespace.on('connection', onConnection);

  const dial = (rawUrl: string, serverName?: string) => {
    const url = normalize(rawUrl);
    if (closed || url === selfUrl || url === '' || clients.has(url) || selfAliases.has(url)) return;
    const socket = connect(`${url}${CLUSTER_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
      ...(opts.tls === undefined ? {} : { ...opts.tls, rejectUnauthorized: true }),
      // Dialed by address, verified by name: the certificate must be valid for the name given.
      ...(serverName === undefined ? {} : { checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) => checkServerIdentity(serverName, cert) }),
    });
    clients.set(url, socket);
    const redialLater = () => {
      const timer = setTimeout(() => {
        redials.delete(timer);
        if (!closed) socket.connect();
      }, redialMs);
      timer.unref();
      redials.add(timer);
    };
    let handle: ReturnType<ReplicaNode['openLink']> | null = null;
    socket.on('connect', () => {
      handle = node.openLink(
        { send: (message) => socket.emit(EVENT, message), close: () => socket.disconnect() },
        { dialedUrl: url },
      );
    });
    // Refused, timed out, a TLS certificate the CA does not vouch for: socket.io retries by itself.
    // A peer without CLUSTER_SECRET has no /cluster namespace: socket.io says only "Invalid
    // namespace" and, like after a refusal by the namespace's guard, gives up; redial it, so a
    // peer restarted with the secret is linked.
    socket.on('connect_error', (error: Error) => {
      if (error.message === 'Invalid namespace') node.dialFailed(url, NO_CLUSTER_NAMESPACE, 'peer-refused-secret');
      else node.dialFailed(url, dialFailure(error));
      if (!socket.active && !closed && !selfAliases.has(url)) redialLater();
    });
    socket.on(EVENT, (raw: unknown) => handle?.receive(raw));
    socket.on('disconnect', (reason) => {
      handle?.closed();
      handle = null;
      // socket.io reconnects by itself after network errors, not after a deliberate close by
      // either side (a rejected handshake, a silent link we cut, a peer restarting): redial.
      if (!closed && !selfAliases.has(url) && (reason === 'io server disconnect' || reason === 'io client disconnect')) redialLater();
    });
  };

  let seeds = new Set(opts.peers.map((p) => seedOf(p).url));
  const onPeerAddress = (peer: PeerAddressEvent) => dial(peer.url);
  node.on('peer-address', onPeerAddress);
  // A forgotten or moved peer's address is no longer dialed (seed addresses always are).
  const onPeerForgotten = (peer: PeerAddressEvent) => {
    const url = normalize(peer.url);
    if (seeds.has(url)) return;
    clients.get(url)?.disconnect();
    clients.delete(url);
  };
  node.on('peer-forgotten', onPeerForgotten);
  const onSelfUrl = (url: string) => {
    selfAliases.add(url);
    clients.get(url)?.disconnect();
    clients.delete(url);
  };
  node.on('self-url', onSelfUrl);
  for (const peer of opts.peers.map(seedOf)) dial(peer.url, peer.serverName);
  for (const url of node.knownPeers().values()) dial(url);

  return {
    dialing: () => [...clients.keys()],
    setSeeds(peers) {
      const next = peers.map(seedOf);
      const wanted = new Set(next.map((p) => p.url));
      for (const url of seeds) {
        const socket = clients.get(url);
        if (wanted.has(url) || socket === undefined || socket.connected) continue;
        socket.disconnect();
        clients.delete(url);
      }
      seeds = wanted;
      for (const peer of next) dial(peer.url, peer.serverName);
    },
    async close() {
      if (closed) return;
      closed = true;
      node.off('peer-address', onPeerAddress);
      node.off('peer-forgotten', onPeerForgotten);
      node.off('self-url', onSelfUrl);
      namespace.off('connection', onConnection);
      for (const timer of redials) clearTimeout(timer);
      for (const socket of clients.values()) socket.disconnect();
      for (const socket of accepted) socket.disconnect(true);
      clients.clear();
    },
  };
}
