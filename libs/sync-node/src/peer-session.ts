import {
  PROTOCOL_VERSION,
  PeerMessageSchema,
  type AuthMessage,
  type HelloMessage,
  type PeerMessage,
  type RejectCode,
} from '@meshcache/sync-protocol';
import { handshakeProof, newNonce, proofsMatch } from './handshake-proof.js';
import type { LinkEnd, LinkHandle, LinkInfo } from './link.js';

/** What a session needs from its node. */
export interface SessionHost {
  readonly nodeId: string;
  readonly origin: string;
  readonly clusterSecret: string;
  readonly url: string | null;
  readonly maxBadMessages: number;
  now(): number;
  versionVectorPairs(): AuthMessage['vv'];
  /** Whether to ask this peer for the first snapshot (one peer at a time). */
  wantsSnapshotFrom(nodeId: string): boolean;
  onSessionUp(session: PeerSession, auth: AuthMessage): void;
  onSessionMessage(session: PeerSession, message: PeerMessage): void;
  onSessionClosed(session: PeerSession, wasUp: boolean): void;
  onRejected(session: PeerSession, reason: string, peer?: string): void;
  /** A dialed address turned out to be this node itself. */
  onSelfUrl(url: string): void;
}

type Phase = 'greeting' | 'up' | 'closed';

/**
 * One link to one peer: validates every message, runs the handshake (protocol version, HMAC
 * proof of the cluster secret in both directions) and only then hands messages to the node.
 */
export class PeerSession implements LinkHandle {
  private phase: Phase = 'greeting';
  private readonly nonce = newNonce();
  private peerHello: HelloMessage | null = null;
  private badMessages = 0;
  readonly openedAt: number;
  lastHeard: number;
  /** The snapshot being received on this link, if any. */
  incomingSnapshot: { id: string; next: number } | null = null;

  constructor(
    private readonly host: SessionHost,
    private readonly end: LinkEnd,
    readonly info: LinkInfo,
  ) {
    this.openedAt = host.now();
    this.lastHeard = this.openedAt;
  }

  get isUp(): boolean {
    return this.phase === 'up';
  }

  get peer(): HelloMessage | null {
    return this.peerHello;
  }

  start(): void {
    this.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      nodeId: this.host.nodeId,
      origin: this.host.origin,
      url: this.host.url,
      nonce: this.nonce,
    });
  }

  send(message: PeerMessage): void {
    if (this.phase !== 'closed') this.end.send(message);
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.end.close();
    this.closed();
  }

  closed(): void {
    if (this.phase === 'closed') return;
    const wasUp = this.phase === 'up';
    this.phase = 'closed';
    this.host.onSessionClosed(this, wasUp);
  }

  receive(raw: unknown): void {
    if (this.phase === 'closed') return;
    this.lastHeard = this.host.now();
    const parsed = PeerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.bad(`invalid message: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}`);
      return;
    }
    const message = parsed.data;
    if (this.phase === 'up') {
      if (message.type === 'hello' || message.type === 'auth') this.bad(`unexpected ${message.type} after handshake`);
      else if (message.type === 'reject') this.refused(message.code, message.message);
      else this.host.onSessionMessage(this, message);
      return;
    }
    switch (message.type) {
      case 'hello':
        return this.onHello(message);
      case 'auth':
        return this.onAuth(message);
      case 'reject':
        return this.refused(message.code, message.message);
      default:
        this.bad(`${message.type} before the handshake completed`);
    }
  }

  private onHello(hello: HelloMessage): void {
    if (this.peerHello !== null) return this.bad('second hello');
    if (hello.protocol !== PROTOCOL_VERSION) {
      return this.reject(
        'PROTOCOL_VERSION',
        `node ${hello.nodeId} speaks meshcache cluster protocol v${hello.protocol}, node ${this.host.nodeId} speaks v${PROTOCOL_VERSION}: run the same meshcache version on every node`,
        hello.nodeId,
      );
    }
    if (hello.nodeId === this.host.nodeId) {
      if (this.info.dialedUrl !== undefined) this.host.onSelfUrl(this.info.dialedUrl);
      return this.reject('SAME_NODE_ID', `node id ${hello.nodeId} is used by both ends of this link: give every node its own NODE_ID, and leave a node's own URL out of its PEER_NODES`, hello.nodeId);
    }
    this.peerHello = hello;
    this.send({
      type: 'auth',
      proof: handshakeProof(this.host.clusterSecret, hello.nonce, this.host.nodeId, this.host.origin),
      vv: this.host.versionVectorPairs(),
      wantsSnapshot: this.host.wantsSnapshotFrom(hello.nodeId),
    });
  }

  private onAuth(auth: AuthMessage): void {
    const hello = this.peerHello;
    if (hello === null) return this.bad('auth before hello');
    const expected = handshakeProof(this.host.clusterSecret, this.nonce, hello.nodeId, hello.origin);
    if (!proofsMatch(expected, auth.proof)) {
      return this.reject('AUTH_FAILED', `node ${hello.nodeId} did not prove knowledge of the cluster secret: set the same CLUSTER_SECRET on every node`, hello.nodeId);
    }
    this.phase = 'up';
    this.end.authenticated?.();
    this.host.onSessionUp(this, auth);
  }

  private bad(reason: string): void {
    this.host.onRejected(this, reason, this.peerHello?.nodeId);
    if (++this.badMessages > this.host.maxBadMessages) {
      this.reject('BAD_MESSAGES', `more than ${this.host.maxBadMessages} invalid messages on this link (last: ${reason})`, this.peerHello?.nodeId);
    }
  }

  private reject(code: RejectCode, message: string, peer?: string): void {
    this.host.onRejected(this, `${code}: ${message}`, peer);
    this.send({ type: 'reject', code, message });
    this.close();
  }

  private refused(code: RejectCode, message: string): void {
    this.host.onRejected(this, `refused by peer, ${code}: ${message}`, this.peerHello?.nodeId);
    this.close();
  }
}
