import {
  PROTOCOL_SEALED,
  PeerMessageSchema,
  SealedEnvelopeSchema,
  negotiateProtocol,
  type ChallengeMessage,
  type FoldedIncarnations,
  type HelloMessage,
  type PeerMessage,
  type ProtocolRange,
  type ProveMessage,
  type RejectCode,
  type SessionInfo,
  type VersionVectorPairs,
  type WelcomeMessage,
} from '@meshcache/sync-protocol';
import { clientProof, newNonce, proofsMatch, sealMac, serverProof, sessionKey, type HandshakeTranscript } from './handshake-proof.js';
import type { LinkEnd, LinkHandle, LinkInfo } from './link.js';

/** Who is at the other end of a session, once it has proven the cluster secret. */
export interface PeerIdentity {
  nodeId: string;
  origin: string;
  url: string | null;
}

type HandshakeMessage = Extract<PeerMessage, { type: 'hello' | 'challenge' | 'prove' | 'welcome' | 'intro' | 'reject' }>;
/** Every message the node itself handles: whatever is not part of the handshake. */
export type StreamMessage = Exclude<PeerMessage, HandshakeMessage>;
const HANDSHAKE_TYPES = new Set<string>(['hello', 'challenge', 'prove', 'welcome', 'intro']);

/** A handshake that failed: `by` says which side refused; `peer` is set once the peer had proven the secret. */
export interface HandshakeFailure {
  code: RejectCode;
  message: string;
  by: 'us' | 'peer';
  peer?: { nodeId: string; origin: string };
}

/** A refusal of a peer that proved the secret (its id is taken, or it is this node itself). */
export type Admission = { code: RejectCode; message: string } | null;

/** What a session needs from its node. */
export interface SessionHost {
  readonly nodeId: string;
  readonly origin: string;
  readonly clusterSecret: string;
  readonly url: string | null;
  readonly maxBadMessages: number;
  readonly protocolRange: ProtocolRange;
  now(): number;
  /** Monotonic ms for silence and timeouts: a wall clock set back must not keep dead links alive. */
  monotonic(): number;
  versionVectorPairs(): VersionVectorPairs;
  foldedIncarnations(): FoldedIncarnations;
  /** Whether to ask this peer for the first snapshot (one peer at a time). */
  wantsSnapshotFrom(nodeId: string): boolean;
  /** Called once the peer has proven the secret, before anything about this node is sent. */
  admit(session: PeerSession, peer: { nodeId: string; origin: string }): Admission;
  onSessionUp(session: PeerSession, info: SessionInfo): void;
  onSessionMessage(session: PeerSession, message: StreamMessage): void;
  onSessionClosed(session: PeerSession, wasUp: boolean): void;
  /** For the sync history: an invalid message, or a refused link. */
  onRejected(session: PeerSession, reason: string, peer?: string): void;
  onHandshakeFailed(session: PeerSession, failure: HandshakeFailure): void;
}

/**
 * Where the handshake stands. The dialer (client) sends `hello`, gets `challenge`, sends
 * `prove`, gets `welcome`, sends `intro`; the acceptor (server) the other way round. Only the
 * acceptor can be reached by strangers, so it speaks last: nothing about it (id, url, vector)
 * leaves before the dialer has proven the secret.
 */
type Phase = 'client-hello' | 'client-proving' | 'server-waiting' | 'server-challenged' | 'server-welcomed' | 'up' | 'closed';

/**
 * One link to one peer: validates every message, runs the mutual challenge–response handshake
 * (docs/SECURITY.md) and only then hands messages to the node.
 */
export class PeerSession implements LinkHandle {
  private phase: Phase;
  private readonly nonce = newNonce();
  private transcript: HandshakeTranscript | null = null;
  private identity: PeerIdentity | null = null;
  private badMessages = 0;
  /**
   * From v4, once both proofs are checked: the session key and each direction's message count.
   * Every message sent is sealed, every message received must be (see SealedEnvelopeSchema).
   */
  private seal: { key: Buffer; out: 'c' | 's'; in: 'c' | 's'; sent: number; received: number } | null = null;
  readonly openedAt: number;
  lastHeard: number;
  /** The snapshot being received on this link, if any. */
  incomingSnapshot: { id: string; next: number; dropped?: true } | null = null;

  constructor(
    private readonly host: SessionHost,
    private readonly end: LinkEnd,
    readonly info: LinkInfo,
  ) {
    this.openedAt = host.monotonic();
    this.lastHeard = this.openedAt;
    this.phase = this.dialed ? 'client-hello' : 'server-waiting';
  }

  /** This node opened the link (it dialed `info.dialedUrl`). */
  get dialed(): boolean {
    return this.info.dialedUrl !== undefined;
  }

  get isUp(): boolean {
    return this.phase === 'up';
  }

  /** Still in the handshake: the peer has not proven anything yet (or we have not checked it). */
  get pending(): boolean {
    return this.phase !== 'up' && this.phase !== 'closed';
  }

  /** The peer, once it has proven the secret. */
  get peer(): PeerIdentity | null {
    return this.identity;
  }

  /** The protocol version both ends speak on this link, once the handshake has agreed on one (else 0). */
  get protocol(): number {
    return this.transcript?.version ?? 0;
  }

  start(): void {
    if (this.phase !== 'client-hello') return;
    const { min, max } = this.host.protocolRange;
    this.send({ type: 'hello', protocol: min, maxProtocol: max, nonce: this.nonce });
  }

  send(message: PeerMessage): void {
    if (this.phase === 'closed') return;
    const seal = this.seal;
    if (seal === null) return this.end.send(message);
    const n = ++seal.sent;
    const json = JSON.stringify(message);
    this.end.send({ type: 'sealed', n, mac: sealMac(seal.key, seal.out, n, json), m: json });
  }

  /** Seals the session from now on, once both proofs have checked out (v4 and later). */
  private sealWith(t: HandshakeTranscript, server: { nodeId: string; origin: string }): void {
    if (t.version < PROTOCOL_SEALED) return;
    const key = sessionKey(this.host.clusterSecret, t, server);
    this.seal = this.dialed ? { key, out: 'c', in: 's', sent: 0, received: 0 } : { key, out: 's', in: 'c', sent: 0, received: 0 };
  }

  /**
   * The message inside a sealed envelope, or null when there is none to handle: an envelope that
   * is not the next one from the peer under the session key refuses the link at once, as
   * whatever sent it is not the peer (a relay injecting, altering, replaying or reordering); a
   * repeat on a lossy channel is dropped; a sealed text that is not JSON counts as bad.
   */
  private unseal(raw: unknown): unknown {
    const seal = this.seal as NonNullable<PeerSession['seal']>;
    const envelope = SealedEnvelopeSchema.safeParse(raw);
    if (!envelope.success) return this.forged('a message arrived unsealed');
    const { n, mac, m } = envelope.data;
    if (!proofsMatch(sealMac(seal.key, seal.in, n, m), mac)) return this.forged(`message ${n} failed its session MAC`);
    if (n !== seal.received + 1) {
      // A lossy channel (the simulation's network) may drop, repeat and reorder: a gap is a loss,
      // an old number a repeat, dropped like a lost message. On an ordered one it is an attack.
      if (!this.info.lossy) return this.forged(`message ${n} arrived where ${seal.received + 1} was due`);
      if (n <= seal.received) return null;
    }
    seal.received = n;
    try {
      return JSON.parse(m) as unknown;
    } catch {
      // Sealed by the peer itself, so not an attack: counted like any other invalid message.
      this.bad('a sealed message is not JSON');
      return null;
    }
  }

  private forged(reason: string): null {
    this.refuse('BAD_MESSAGES', `${reason}: something between the two nodes is forging or altering traffic (use TLS)`);
    return null;
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

  /** The node gives up on a handshake (too slow, or too many at once). */
  abandon(code: 'HANDSHAKE_TIMEOUT' | 'TOO_MANY_HANDSHAKES', message: string): void {
    if (this.pending) this.refuse(code, message);
  }

  receive(raw: unknown): void {
    if (this.phase === 'closed') return;
    this.lastHeard = this.host.monotonic();
    if (this.seal !== null) {
      raw = this.unseal(raw);
      if (raw === null) return;
    }
    const parsed = PeerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.bad(`invalid message: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'reject') return this.refused(message.code, message.message);
    if (this.phase === 'up') {
      if (isHandshake(message)) this.bad(`unexpected ${message.type} after the handshake`);
      else this.host.onSessionMessage(this, message);
      return;
    }
    this.handshake(message);
  }

  private handshake(message: PeerMessage): void {
    if (this.phase === 'client-hello' && message.type === 'challenge') return this.onChallenge(message);
    if (this.phase === 'client-hello' && message.type === 'hello') return this.onHelloAsClient(message);
    if (this.phase === 'client-proving' && message.type === 'welcome') return this.onWelcome(message);
    if (this.phase === 'server-waiting' && message.type === 'hello') return this.onHello(message);
    if (this.phase === 'server-challenged' && message.type === 'prove') return this.onProve(message);
    if (this.phase === 'server-welcomed' && message.type === 'intro') {
      this.identity = { ...(this.identity as PeerIdentity), url: message.url };
      this.phase = 'up';
      return this.host.onSessionUp(this, message);
    }
    // Before the handshake is done nothing else is tolerated: a peer that has proven nothing
    // gets no second chance to cost us work.
    this.refuse('BAD_MESSAGES', `${message.type} out of place in the handshake`);
  }

  // ---- acceptor (server) ----------------------------------------------------------------

  private onHello(hello: HelloMessage): void {
    const theirs = { min: hello.protocol, max: hello.maxProtocol ?? hello.protocol };
    const version = negotiateProtocol(this.host.protocolRange, theirs);
    if (version === null) return this.refuse('PROTOCOL_VERSION', this.versionMismatch(theirs));
    this.transcript = { version, clientNonce: hello.nonce, serverNonce: this.nonce, client: { nodeId: '', origin: '' } };
    this.phase = 'server-challenged';
    this.send({ type: 'challenge', protocol: version, nonce: this.nonce });
  }

  private onProve(prove: ProveMessage): void {
    const t = { ...(this.transcript as HandshakeTranscript), client: { nodeId: prove.nodeId, origin: prove.origin } };
    if (!proofsMatch(clientProof(this.host.clusterSecret, t), prove.proof)) {
      return this.refuse('AUTH_FAILED', 'the dialing node did not prove knowledge of the cluster secret: set the same CLUSTER_SECRET on every node');
    }
    const refusal = this.host.admit(this, prove);
    if (refusal !== null) return this.refuse(refusal.code, refusal.message, { nodeId: prove.nodeId, origin: prove.origin });
    this.identity = { nodeId: prove.nodeId, origin: prove.origin, url: null };
    // Before the welcome: whatever the dialer sends once it has it meets the raised frame limit.
    this.end.authenticated?.();
    this.phase = 'server-welcomed';
    this.send({
      type: 'welcome',
      nodeId: this.host.nodeId,
      origin: this.host.origin,
      proof: serverProof(this.host.clusterSecret, t, { nodeId: this.host.nodeId, origin: this.host.origin }),
      ...this.sessionInfo(prove.nodeId),
    });
    // The welcome is the last message in the clear; the dialer's intro already comes sealed.
    this.sealWith(t, { nodeId: this.host.nodeId, origin: this.host.origin });
  }

  // ---- dialer (client) ------------------------------------------------------------------

  private onChallenge(challenge: ChallengeMessage): void {
    const { min, max } = this.host.protocolRange;
    if (challenge.protocol < min || challenge.protocol > max) return this.refuse('PROTOCOL_VERSION', this.versionMismatch({ min: challenge.protocol, max: challenge.protocol }));
    this.transcript = { version: challenge.protocol, clientNonce: this.nonce, serverNonce: challenge.nonce, client: { nodeId: this.host.nodeId, origin: this.host.origin } };
    this.phase = 'client-proving';
    this.send({ type: 'prove', nodeId: this.host.nodeId, origin: this.host.origin, proof: clientProof(this.host.clusterSecret, this.transcript) });
  }

  /** A v1 node greets every link with its own hello instead of answering ours. */
  private onHelloAsClient(hello: HelloMessage): void {
    const theirs = { min: hello.protocol, max: hello.maxProtocol ?? hello.protocol };
    if (negotiateProtocol(this.host.protocolRange, theirs) === null) return this.refuse('PROTOCOL_VERSION', this.versionMismatch(theirs));
    this.refuse('BAD_MESSAGES', 'hello out of place in the handshake');
  }

  private onWelcome(welcome: WelcomeMessage): void {
    const t = this.transcript as HandshakeTranscript;
    if (!proofsMatch(serverProof(this.host.clusterSecret, t, welcome), welcome.proof)) {
      return this.refuse('AUTH_FAILED', 'the node dialed did not prove knowledge of the cluster secret: set the same CLUSTER_SECRET on every node');
    }
    // Sealed from here: the acceptor sealed its side when it sent the welcome, so even a refusal
    // (a duplicate id) must come sealed to count.
    this.sealWith(t, { nodeId: welcome.nodeId, origin: welcome.origin });
    const refusal = this.host.admit(this, welcome);
    if (refusal !== null) return this.refuse(refusal.code, refusal.message, { nodeId: welcome.nodeId, origin: welcome.origin });
    this.identity = { nodeId: welcome.nodeId, origin: welcome.origin, url: welcome.url };
    this.send({ type: 'intro', ...this.sessionInfo(welcome.nodeId) });
    this.phase = 'up';
    this.host.onSessionUp(this, welcome);
  }

  // ---- both -----------------------------------------------------------------------------

  private sessionInfo(peer: string): SessionInfo {
    return { url: this.host.url, vv: this.host.versionVectorPairs(), wantsSnapshot: this.host.wantsSnapshotFrom(peer), folded: this.host.foldedIncarnations() };
  }

  private versionMismatch(theirs: ProtocolRange): string {
    const range = (r: ProtocolRange) => (r.min === r.max ? `v${r.min}` : `v${r.min}-v${r.max}`);
    // No node id: the message goes to a peer that has proven nothing yet.
    return `the peer speaks meshcache cluster protocol ${range(theirs)}, this node speaks ${range(this.host.protocolRange)}: upgrade the older node`;
  }

  private bad(reason: string): void {
    if (this.pending) return this.refuse('BAD_MESSAGES', reason);
    this.host.onRejected(this, reason, this.identity?.nodeId);
    if (++this.badMessages > this.host.maxBadMessages) {
      this.refuse('BAD_MESSAGES', `more than ${this.host.maxBadMessages} invalid messages on this link (last: ${reason})`);
    }
  }

  /** We refuse the link: tell the peer why, then close. */
  private refuse(code: RejectCode, message: string, proven?: { nodeId: string; origin: string }): void {
    this.host.onRejected(this, `${code}: ${message}`, proven?.nodeId ?? this.identity?.nodeId);
    if (this.pending) this.host.onHandshakeFailed(this, { code, message, by: 'us', ...(proven === undefined ? {} : { peer: proven }) });
    this.send({ type: 'reject', code, message });
    this.close();
  }

  /** The peer refused the link. */
  private refused(code: RejectCode, message: string): void {
    this.host.onRejected(this, `refused by peer, ${code}: ${message}`, this.identity?.nodeId);
    const proven = this.identity === null ? {} : { peer: { nodeId: this.identity.nodeId, origin: this.identity.origin } };
    if (this.pending) this.host.onHandshakeFailed(this, { code, message, by: 'peer', ...proven });
    this.close();
  }
}

function isHandshake(message: PeerMessage): message is HandshakeMessage {
  return HANDSHAKE_TYPES.has(message.type);
}
