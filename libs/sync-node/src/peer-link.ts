import { nodeIdOfOrigin, type PeerInfo, type PeerState, type Strategy } from '@meshcache/sync-protocol';
import type { HeartbeatMessage, Hlc, SessionInfo, VersionVectorPairs } from '@meshcache/sync-protocol';
import type { PeerIdentity, PeerSession } from './peer-session.js';
import { SnapshotRepeats } from './snapshot-repeats.js';
import { VersionVector } from './version-vector.js';

/**
 * Everything this node knows about one peer: its links (a pair of nodes may be connected both
 * ways; one link, the primary, carries our stream), how far our stream got, and what the peer
 * reported in its last heartbeat.
 */
export class PeerLink {
  #url: string | null = null;
  #origin: string | null = null;
  #sessions: PeerSession[] = [];
  #primary: PeerSession | null = null;
  #state: PeerState = 'down';
  #lastSeen: number | null = null;

  /** Our operations the peer has acknowledged, and the last one we sent it. */
  #acked = 0;
  #sent = 0;
  #lastAckAt = 0;
  #streamStarted = false;
  #snapshotting = false;
  #snapshotAt = -Infinity;
  #lastResyncRequest = -Infinity;
  /** The snapshot sent on the primary session whose last chunk the peer has not acknowledged. */
  #snapshotUnacked: string | null = null;
  /** Our journal refused the peer's stream (a full disk): resync requests sent since, as probes. */
  #journalRefusal: { probes: number } | null = null;
  /** When the current primary session started carrying our stream. */
  #attachedAt = 0;
  /** Entries of the snapshot we are sending the peer, sent so far, while we send one. */
  #snapshotProgress: { sent: number; total: number } | null = null;

  /** The peer asked us for its first snapshot. */
  #wantsSnapshot = false;
  /** What the peer has applied, as last reported (with the incarnations it folded). */
  #peerVv = new VersionVector();
  /** The peer reports folded incarnations (an older build does not, and must not meet folded vectors). */
  #speaksFolds = false;
  /** Per node id, the origin the peer was linked to at its last heartbeat. */
  #peerLive = new Map<string, string>();
  /** The peer said it was cut off longer than its tombstone grace and will replace its state. */
  isolated = false;
  /** The peer's floor: wall ms up to which it has forgotten deletes. */
  floor = 0;
  /** The peer's sync is turned off, as its last heartbeat said. */
  paused = false;
  /**
   * The oldest stamp of the writes the peer holds back from us while its sync is off (and until
   * we acknowledge them), as its last heartbeat said; kept while the link is down, since those
   * writes are still owed. Graves stamped at or after it wait for them (see grave-collection.ts).
   */
  holding: Hlc | null = null;
  /** The standing of the peer's clock, as its last heartbeat said (undefined: an older peer). */
  clockStanding: HeartbeatMessage['clockStanding'] = undefined;
  /** The snapshots we sent the peer for the repair in progress. */
  readonly snapshotRepeats = new SnapshotRepeats();
  private strategy: Strategy | null = null;
  private size: number | null = null;
  private capacity: number | null = null;

  constructor(readonly nodeId: string) {}

  // Read access; every change goes through one of the named transitions below.
  get url(): string | null {
    return this.#url;
  }
  get origin(): string | null {
    return this.#origin;
  }
  get sessions(): readonly PeerSession[] {
    return this.#sessions;
  }
  /** The session carrying our stream to the peer. */
  get primary(): PeerSession | null {
    return this.#primary;
  }
  get state(): PeerState {
    return this.#state;
  }
  get lastSeen(): number | null {
    return this.#lastSeen;
  }
  get acked(): number {
    return this.#acked;
  }
  get sent(): number {
    return this.#sent;
  }
  get lastAckAt(): number {
    return this.#lastAckAt;
  }
  get streamStarted(): boolean {
    return this.#streamStarted;
  }
  get snapshotting(): boolean {
    return this.#snapshotting;
  }
  get snapshotAt(): number {
    return this.#snapshotAt;
  }
  get snapshotUnacked(): string | null {
    return this.#snapshotUnacked;
  }
  get attachedAt(): number {
    return this.#attachedAt;
  }
  get snapshotProgress(): { sent: number; total: number } | null {
    return this.#snapshotProgress;
  }
  get wantsSnapshot(): boolean {
    return this.#wantsSnapshot;
  }
  get peerVv(): VersionVector {
    return this.#peerVv;
  }
  get speaksFolds(): boolean {
    return this.#speaksFolds;
  }
  get peerLive(): ReadonlyMap<string, string> {
    return this.#peerLive;
  }

  /** A peer address learned from gossip or configuration. */
  learnUrl(url: string): void {
    this.#url = url;
  }

  /** A message arrived from the peer on a live link. */
  heard(now: number): void {
    this.#lastSeen = Math.floor(now);
  }

  /** Liveness from how recently the peer was heard; true when the state changed. */
  updateLiveness(now: number, suspectAfterMs: number): boolean {
    const next = this.#sessions.length === 0 ? 'down' : now - (this.#lastSeen ?? 0) > suspectAfterMs ? 'suspect' : 'up';
    if (next === this.#state) return false;
    this.#state = next;
    return true;
  }

  /** A heartbeat proved the peer alive; true when it was not `up`. */
  markUp(): boolean {
    if (this.#state === 'up') return false;
    this.#state = 'up';
    return true;
  }

  /** `session` closed; true when that was the peer's last one (it is now `down`). */
  sessionClosed(session: PeerSession): boolean {
    this.#sessions = this.#sessions.filter((s) => s !== session);
    if (this.#sessions.length > 0 || this.#state === 'down') return false;
    this.#state = 'down';
    return true;
  }

  /** Our stream goes over `session` (or nowhere); a snapshot in flight on the old one is gone. */
  carryStreamOn(session: PeerSession | null, now: number): void {
    this.#primary = session;
    this.#snapshotting = false;
    this.#snapshotUnacked = null;
    this.#attachedAt = now;
  }

  /** The stream announced itself (`sync-start`). */
  startStream(): void {
    this.#streamStarted = true;
  }

  /** Operations up to `seq` are on their way. */
  sentUpTo(seq: number): void {
    this.#sent = Math.max(this.#sent, seq);
  }

  snapshotStarted(id: string, total: number, now: number): void {
    this.#snapshotting = true;
    this.#snapshotUnacked = id;
    this.#snapshotAt = now;
    this.#snapshotProgress = { sent: 0, total };
  }

  snapshotProgressed(sent: number, total: number): void {
    if (this.#snapshotting) this.#snapshotProgress = { sent, total };
  }

  /** The snapshot reflecting our operations up to `upTo` is sent; the stream goes on from there. */
  snapshotSent(upTo: number, now: number): void {
    this.#snapshotting = false;
    this.#snapshotProgress = null;
    this.#streamStarted = true;
    this.#sent = Math.max(this.#sent, upTo);
    this.#lastAckAt = now;
  }

  /** The peer installed snapshot `id` (its ack of the last chunk). */
  snapshotAcked(id: string): void {
    if (this.#snapshotUnacked === id) this.#snapshotUnacked = null;
  }

  /** The peer reported what it has (a resync request). */
  peerReported(vv: VersionVectorPairs): void {
    // A resync lists no folds: the peer's folds only grow, so the last reported ones still hold.
    this.#peerVv = VersionVector.fromPairs(vv, this.#peerVv.foldedPairs());
  }

  /** At most one resync request per `minGapMs`: true when one may be sent now (and records it). */
  /** Our journal refused an operation of the peer's stream; its stream now has a gap until it is taken again. */
  journalRefused(): void {
    this.#journalRefusal ??= { probes: 0 };
  }

  /** Our journal took an operation of the peer's stream again. */
  journalAccepted(): void {
    this.#journalRefusal = null;
  }

  /** Resync requests sent since our journal refused the peer's stream, or null while it takes it. */
  get journalProbes(): number | null {
    return this.#journalRefusal?.probes ?? null;
  }

  /**
   * A resync request may go out now: at most one per `minGapMs`, and while our journal refuses
   * the stream, one per `minGapMs` doubled for every earlier request (each one only shows the
   * journal still refusing), up to `maxGapMs`.
   */
  mayRequestResync(now: number, minGapMs: number, maxGapMs = minGapMs): boolean {
    const refusal = this.#journalRefusal;
    if (refusal !== null) minGapMs = Math.min(maxGapMs, minGapMs * 2 ** refusal.probes);
    if (now - this.#lastResyncRequest < minGapMs) return false;
    this.#lastResyncRequest = now;
    if (refusal !== null) refusal.probes++;
    return true;
  }

  /** The rate limit of {@link mayRequestResync} starts over (our journal takes writes again). */
  resetResyncLimit(): void {
    this.#lastResyncRequest = -Infinity;
    if (this.#journalRefusal !== null) this.#journalRefusal.probes = 0;
  }

  /** The peer restarted: its old clock and stream say nothing about the new one. */
  newIncarnation(origin: string): void {
    this.#origin = origin;
    this.isolated = false;
  }

  /** Starts our stream over from `theirSeq`, what the peer says it has of our operations. */
  restartStream(theirSeq: number, now: number): void {
    this.#acked = theirSeq;
    this.#sent = theirSeq;
    this.#lastAckAt = now;
    this.#streamStarted = false;
    this.#snapshotting = false;
    this.#snapshotUnacked = null;
  }

  onAck(seq: number, now: number): void {
    this.#lastAckAt = now;
    if (seq > this.#acked) this.#acked = seq;
    if (this.#acked > this.#sent) this.#sent = this.#acked;
  }

  /**
   * A handshake completed on `session`: the link is up, with what the peer reported. True when
   * the peer restarted since we last saw it.
   */
  sessionUp(session: PeerSession, hello: PeerIdentity, auth: Pick<SessionInfo, 'vv' | 'wantsSnapshot' | 'folded'>, now: number): boolean {
    if (hello.url !== null) this.#url = hello.url;
    const restarted = this.#origin !== null && this.#origin !== hello.origin;
    if (this.#origin !== hello.origin) this.newIncarnation(hello.origin);
    this.#peerVv = VersionVector.fromPairs(auth.vv, auth.folded ?? []);
    // Its first heartbeat says which members it is linked to: no fold counts on it before.
    this.#speaksFolds = false;
    this.#peerLive = new Map();
    this.#wantsSnapshot = auth.wantsSnapshot;
    this.#sessions = [...this.#sessions, session];
    this.#lastSeen = Math.floor(now);
    this.#state = 'up';
    return restarted;
  }

  onHeartbeat(message: HeartbeatMessage, myOrigin: string): void {
    this.isolated = message.isolated ?? false;
    this.floor = message.floor ?? 0;
    this.paused = message.paused ?? false;
    this.holding = message.holding ?? null;
    this.clockStanding = message.clockStanding;
    this.#wantsSnapshot = message.wantsSnapshot;
    this.#peerVv = VersionVector.fromPairs(message.vv, message.folded ?? []);
    this.#speaksFolds = message.folded !== undefined && message.live !== undefined;
    this.#peerLive = new Map((message.live ?? []).map((origin) => [nodeIdOfOrigin(origin), origin]));
    this.strategy = message.strategy;
    this.size = message.size;
    this.capacity = message.capacity;
    const theirs = this.#peerVv.get(myOrigin);
    if (theirs > this.#acked) this.#acked = theirs;
    if (this.#acked > this.#sent && !this.#snapshotting) this.#sent = this.#acked;
  }

  info(mySeq: number): PeerInfo {
    const info: PeerInfo = {
      id: this.nodeId,
      url: this.#url,
      state: this.#state,
      strategy: this.strategy,
      size: this.size,
      capacity: this.capacity,
      lag: this.#state === 'down' && this.#origin === null ? 0 : Math.max(0, mySeq - this.#acked),
      lastSeen: this.#lastSeen,
    };
    if (this.paused) info.paused = true;
    return info;
  }

  /** What `applied` holds that the peer had not applied at its last report (0 for a peer never heard from). */
  behind(applied: VersionVector): number {
    if (this.#origin === null) return 0;
    let missing = 0;
    for (const origin of applied.origins()) if (!this.#peerVv.isFolded(origin)) missing += Math.max(0, applied.get(origin) - this.#peerVv.get(origin));
    return missing;
  }
}
