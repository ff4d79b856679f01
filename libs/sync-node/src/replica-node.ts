import { EventEmitter } from 'node:events';
import { isStrategy, STRATEGIES, type Cache, type Strategy } from '@meshcache/cache-core';
import {
  nodeIdOfOrigin,
  type ForceSyncResult,
  type Hlc,
  type NodeProblem,
  type NodeSnapshot,
  type Op,
  type Operation,
  type PeerInfo,
  type PeerMessage,
  type SnapshotEntry,
  type ProtocolRange,
  type ReplicationProblemCode,
  type SessionInfo,
  type SyncEvent,
  type SyncStats,
  type VersionVectorPairs,
} from '@meshcache/sync-protocol';
import { AckWaiters } from './ack-waiters.js';
import { AntiEntropy } from './anti-entropy.js';
import type { CatchUpView } from './catch-up-policy.js';
import type { ChangeEvent, Journal, JournalResult, NodeValue, ReplicaNodeEvents, WriteResult } from './node-types.js';
import { freshOrigin, restoreState, type RestoreOutcome } from './restore-state.js';
import { Backlog } from './backlog.js';
import { BootstrapPeer } from './bootstrap-peer.js';
import { CacheEntryStore } from './cache-entry-store.js';
import type { EntryRecord } from './entry-store.js';
import { HybridClock } from './hybrid-clock.js';
import type { LinkEnd, LinkHandle, LinkInfo } from './link.js';
import { resolveOptions, type ReplicaNodeOptions, type ResolvedOptions } from './node-options.js';
import { InboundStream, type InboundHost } from './inbound-stream.js';
import { OutboundStream, type OutboundHost } from './outbound-stream.js';
import type { PeerLink } from './peer-link.js';
import { collectSettledGraves } from './grave-collection.js';
import { Membership } from './membership.js';
import { PeerSession, type Admission, type HandshakeFailure, type SessionHost, type StreamMessage } from './peer-session.js';
import { nodesWithProblems, PROBLEM_OF_REFUSAL } from './peer-problems.js';
import { ProblemBoard } from './problem-board.js';
import { ReplicaState, type ChangeRecord } from './replica-state.js';
import { SyncError } from './sync-error.js';
import { SyncActivity } from './sync-activity.js';
import { eventLoopTimers } from './timers.js';
import { prepareSet } from './set-request.js';
import { VersionVector } from './version-vector.js';

type Listener = (...args: unknown[]) => void;

/**
 * A cache-core `Cache` replicated to every peer: writes are operations stamped with a hybrid
 * logical clock, merged last-writer-wins per key, streamed in order per origin from a bounded
 * backlog, and caught up by partial resync or chunked snapshot. See README.md.
 */
export class ReplicaNode implements SessionHost {
  readonly nodeId: string;
  private originName: string;
  private clockImpl: HybridClock;
  private readonly options: ResolvedOptions;
  private readonly emitter = new EventEmitter();
  private readonly store: CacheEntryStore;
  private readonly state: ReplicaState;
  private readonly vv = new VersionVector();
  private readonly backlog: Backlog;
  private readonly activity: SyncActivity;
  private readonly members: Membership;
  private readonly bootstrap: BootstrapPeer;
  private readonly sessions = new Set<PeerSession>();
  private readonly antiEntropy: AntiEntropy;
  private readonly inbound: InboundStream;
  private readonly outbound: OutboundStream;
  private readonly problemBoard = new ProblemBoard<ReplicationProblemCode>(
    () => this.now(),
    (change) => this.emitter.emit('problem', change),
  );
  private source: 'local' | 'remote' = 'local';
  private quiet = false;
  private enabled = true;
  private isClosed = false;
  private tickHandle: unknown = null;
  private tickCount = 0;
  private requestCounter = 0;
  private journal: Journal | undefined;
  private readonly ackWaiters: AckWaiters;

  constructor(options: ReplicaNodeOptions) {
    this.options = resolveOptions(options, eventLoopTimers);
    this.nodeId = this.options.nodeId;
    this.originName = `${this.nodeId}#${this.options.incarnation}`;
    this.clockImpl = new HybridClock(this.originName, this.options.now, this.options.maxClockOffsetMs);
    const cacheOptions = this.options.cache;
    this.store = new CacheEntryStore({
      capacity: cacheOptions.capacity,
      strategy: cacheOptions.strategy ?? 'lru',
      maxBytes: cacheOptions.maxBytes,
      sizeOf: cacheOptions.sizeOf,
      now: this.options.now,
      onEvict: cacheOptions.onEvict,
      onLocalRemoval: (key, record, kind) => this.state.markLocalRemoval(key, record, kind),
    });
    this.state = new ReplicaState(this.store, cacheOptions.strategy ?? 'lru', (change) => this.onStateChange(change), this.options.now);
    this.backlog = new Backlog(this.options.backlogSize);
    this.members = new Membership({
      nodeId: this.nodeId,
      selfUrl: () => this.options.url,
      nodesChanged: () => this.emitNodes(),
      peerAddress: (event) => this.emitter.emit('peer-address', event),
    });
    this.activity = new SyncActivity(this.originName, this.options.now);
    this.bootstrap = new BootstrapPeer(this.nodeId, this.vv);
    this.antiEntropy = new AntiEntropy(this.antiEntropyHost());
    this.inbound = new InboundStream(this.inboundHost());
    this.outbound = new OutboundStream(this.outboundHost());
    this.ackWaiters = new AckWaiters(this.options.timers, (seq) => {
      let acks = 0;
      for (const link of this.members.links.values()) if (link.origin !== null && link.acked >= seq) acks++;
      return acks;
    });
    for (const member of this.options.members) this.members.learnMember(member);
    this.scheduleTick();
  }

  // ---- public surface -------------------------------------------------------------------

  /** `<nodeId>#<incarnation>`: the writer id of this node's operations since it started. */
  get origin(): string {
    return this.originName;
  }

  get url(): string | null {
    return this.options.url;
  }

  get clusterSecret(): string {
    return this.options.clusterSecret;
  }

  get maxBadMessages(): number {
    return this.options.maxBadMessages;
  }

  get protocolRange(): ProtocolRange {
    return this.options.protocolRange;
  }

  /** Read access to the underlying cache; values are `EntryRecord`s. Write through the node. */
  get cache(): Cache<string, EntryRecord> {
    return this.store.cache;
  }

  get syncEnabled(): boolean {
    return this.enabled;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  now(): number {
    return this.options.now();
  }

  get(key: string): NodeValue | undefined {
    return this.store.cache.get(key) === undefined ? undefined : this.peek(key);
  }

  /** Like `get` without counting an access. */
  peek(key: string): NodeValue | undefined {
    const info = this.store.cache.peekEntry(key);
    if (info === undefined) return undefined;
    const out: NodeValue = { value: info.value.value, updatedAt: info.value.hlc.wall, accessCount: info.accessCount, hlc: info.value.hlc };
    if (info.value.expiresAt !== undefined) out.expiresAt = info.value.expiresAt;
    return out;
  }

  has(key: string): boolean {
    return this.store.cache.has(key);
  }

  set(key: string, value: unknown, opts?: { ttlMs?: number }): WriteResult {
    if (this.isClosed) return { ok: false, code: 'CLOSED', message: 'this node is closed' };
    const request = prepareSet(key, value, opts?.ttlMs, this.options.cache);
    if (!request.ok) return request;
    const written = this.writeLocal(request.op, request.approxBytes);
    return written.ok ? written : { ok: false, code: 'NOT_LOGGED', message: written.message };
  }

  /**
   * Resolves once `peers` peers have acknowledged (applied, and journaled if they journal) this
   * node's operation `seq` (a write's `seq`), or after `timeoutMs` — with the number reached.
   */
  waitForAcks(seq: number, peers: number, timeoutMs: number): Promise<number> {
    return this.ackWaiters.wait(seq, peers, timeoutMs);
  }

  /**
   * Deletes `key` everywhere; true when it was present here. Replicated even when absent.
   * Throws `SyncError` `NOT_LOGGED` when the journal refuses the operation (nothing changed).
   */
  delete(key: string): boolean {
    if (this.isClosed || typeof key !== 'string') return false;
    const existed = this.store.peek(key) !== undefined;
    this.mustLog(this.writeLocal({ type: 'delete', key }, key.length));
    return existed;
  }

  /** Empties the cache on every node: removes every entry written before this moment. Throws like `delete`. */
  clear(): void {
    if (!this.isClosed) this.mustLog(this.writeLocal({ type: 'clear' }, 0));
  }

  /** Switches the eviction policy on every node (last writer wins). */
  setStrategy(strategy: Strategy): void {
    if (!isStrategy(strategy)) {
      throw new SyncError('INVALID_OPTION', `strategy must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`);
    }
    if (!this.isClosed) this.mustLog(this.writeLocal({ type: 'strategy', strategy }, 0));
  }

  /**
   * Every operation goes to `journal` before it changes this node: its own writes (a refusal
   * makes the write fail: not applied, not replicated) and peers' operations (a refusal leaves
   * them unacknowledged, so the peer sends them again later). State merged from a snapshot or an
   * anti-entropy repair is journaled as it is applied; a refusal there stops the snapshot
   * install before it completes, so this node asks again. Restored state is not journaled.
   */
  setJournal(journal: Journal | undefined): void {
    this.journal = journal;
  }

  /**
   * Pauses or resumes sending this node's writes to peers. While off, writes apply locally and
   * wait in the backlog (a snapshot is sent instead if it overflows); peers' writes still arrive.
   */
  setSyncEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    this.activity.record({ type: on ? 'sync-enabled' : 'sync-disabled' });
    if (on) this.outbound.pumpAll();
  }

  /** Anti-entropy with every connected peer: compares digests, repairs only differing keys. */
  async forceSync(): Promise<ForceSyncResult> {
    const started = this.now();
    if (!this.enabled || this.isClosed) {
      return { peers: 0, repairedKeys: 0, differingBuckets: 0, durationMs: 0, skipped: 'sync-disabled' };
    }
    const targets = [...this.members.links.values()].filter((link) => link.primary !== null);
    for (const link of targets) this.outbound.pump(link);
    const results = await Promise.all(targets.map((link) => this.antiEntropy.run(link)));
    const repairedKeys = results.reduce((sum, r) => sum + r.repairedKeys, 0);
    const differingBuckets = results.reduce((sum, r) => sum + r.differingBuckets, 0);
    this.activity.forceSynced(targets.length, repairedKeys, differingBuckets);
    return { peers: targets.length, repairedKeys, differingBuckets, durationMs: Math.max(0, this.now() - started) };
  }

  /** The last sync events, newest first (at most 100 are kept). */
  history(limit = 100): SyncEvent[] {
    return this.activity.history(limit);
  }

  stats(): SyncStats {
    return this.activity.stats({
      nodeId: this.nodeId,
      origin: this.originName,
      syncEnabled: this.enabled,
      nodeList: this.nodes(),
      seq: this.seq,
      backlogSize: this.backlog.size,
      backlogCapacity: this.backlog.capacity,
      tombstones: this.state.tombstoneCount(),
      problems: this.problems(),
    });
  }

  /** What is wrong with replication right now (peers unreachable or refused, a duplicate id). */
  problems(): NodeProblem[] {
    return this.problemBoard.list();
  }

  /** Every peer this node has talked to or heard of, with its state. */
  nodes(): PeerInfo[] {
    return nodesWithProblems(this.members.nodes(this.seq, this.vv), this.problemBoard.list());
  }

  on<E extends keyof ReplicaNodeEvents>(event: E, fn: (arg: ReplicaNodeEvents[E]) => void): this {
    this.emitter.on(event, fn as Listener);
    return this;
  }

  off<E extends keyof ReplicaNodeEvents>(event: E, fn: (arg: ReplicaNodeEvents[E]) => void): this {
    this.emitter.off(event, fn as Listener);
    return this;
  }

  /** Everything needed to restart this node: entries, tombstones, watermark, strategy, vector. */
  snapshot(): NodeSnapshot {
    const exported = this.state.export();
    return {
      format: 1,
      nodeId: this.nodeId,
      origin: this.originName,
      takenAt: Math.floor(this.now()),
      vv: this.vv.toPairs(),
      entries: exported.entries,
      tombstones: exported.tombstones,
      watermark: exported.watermark,
      strategy: exported.strategy,
      members: [...this.members.links.keys()],
    };
  }

  /**
   * `snapshot()` for large caches: `head` (entries empty) is taken now, the entries are read in
   * batches as `entries` is iterated, so no step holds the event loop for the whole cache. The
   * entries may already show writes made after the call: a restore is correct when it replays
   * every operation journaled since the call on top (as an operation log that rotates at the
   * call does), because the vector in `head` is the one of the call.
   */
  snapshotInBatches(batchSize = 2000): { head: NodeSnapshot; entries: Generator<SnapshotEntry[]> } {
    const exported = this.state.exportInBatches(batchSize);
    const head: NodeSnapshot = {
      format: 1,
      nodeId: this.nodeId,
      origin: this.originName,
      takenAt: Math.floor(this.now()),
      vv: this.vv.toPairs(),
      entries: [],
      tombstones: exported.rest.tombstones,
      watermark: exported.rest.watermark,
      strategy: exported.rest.strategy,
      members: [...this.members.links.keys()],
    };
    return { head, entries: exported.entries };
  }

  /**
   * Reloads state saved by `snapshot()` and the `op` events logged after it. Call once, before
   * any write and before a transport attaches. Invalid operations in `ops` are skipped.
   */
  restore(snapshot: NodeSnapshot | undefined, ops: Operation[]): { applied: number; skipped: number } {
    if (this.seq !== 0 || this.sessions.size !== 0) {
      throw new SyncError('RESTORE_AFTER_START', 'restore() must run before any write and before a transport attaches');
    }
    this.quiet = true;
    let outcome: RestoreOutcome;
    try {
      outcome = restoreState({ nodeId: this.nodeId, state: this.state, vv: this.vv, clock: this.clockImpl, now: this.now() }, snapshot, ops);
    } finally {
      this.quiet = false;
    }
    for (const member of outcome.members) this.members.learnMember(member);
    this.store.cache.setStrategy(this.state.strategy.strategy);
    this.ensureFreshOrigin();
    return { applied: outcome.applied, skipped: outcome.skipped };
  }

  /** Stops timers and closes every link. Idempotent. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.tickHandle !== null) this.options.timers.clearTimeout(this.tickHandle);
    this.outbound.cancel();
    this.antiEntropy.cancelAll();
    this.ackWaiters.settleAll();
    for (const session of [...this.sessions]) session.close();
  }

  /**
   * Transports call this for each new channel to a peer: with `info.dialedUrl` for a channel this
   * node dialed (it starts the handshake), without for one it accepted.
   */
  openLink(end: LinkEnd, info: LinkInfo = {}): LinkHandle {
    const session = new PeerSession(this, end, info);
    if (this.isClosed) {
      end.close();
      return session;
    }
    if (!session.dialed) this.boundPendingHandshakes();
    this.sessions.add(session);
    session.start();
    return session;
  }

  /**
   * Transports call this when dialing `url` failed before any handshake (refused, timed out, a
   * TLS error): the peer is unreachable until a link to it comes up.
   */
  dialFailed(url: string, reason: string): void {
    if (this.isClosed) return;
    this.problemBoard.raise('peer-unreachable', `peer ${url} is unreachable: ${reason}`, url);
  }

  /** Strangers cannot hold more than a few accepted links in the handshake: the oldest goes. */
  private boundPendingHandshakes(): void {
    const pending = [...this.sessions].filter((s) => s.pending && !s.dialed);
    if (pending.length >= this.options.maxPendingHandshakes) pending[0].abandon('TOO_MANY_HANDSHAKES', 'too many links in the handshake at once');
  }

  /**
   * Seed peer addresses whose node is not known yet: until each has answered once, tombstones
   * are kept for `isolatedTombstoneGraceMs`, since that node may hold older writes.
   */
  expectPeerUrls(urls: string[]): void {
    this.members.expectUrls(urls);
  }

  /** Sets the URL advertised to peers (before links open). */
  advertise(url: string): void {
    this.options.url = url;
  }

  /** Addresses learned from peers and handshakes, by node id. */
  knownPeers(): Map<string, string> {
    return this.members.knownPeers();
  }

  /** Current version vector as pairs (what this node has applied). */
  versionVectorPairs(): VersionVectorPairs {
    return this.vv.toPairs();
  }

  wantsSnapshotFrom(nodeId: string): boolean {
    return this.bootstrap.wantsSnapshotFrom(nodeId);
  }

  // ---- local writes ---------------------------------------------------------------------

  private get seq(): number {
    return this.vv.get(this.originName);
  }

  private catchUpView(): CatchUpView {
    return { nodeId: this.nodeId, origin: this.originName, vv: this.vv, backlog: this.backlog };
  }

  private writeLocal(op: Op, approxBytes: number): { ok: true; hlc: Hlc; seq: number } | { ok: false; message: string } {
    const operation: Operation = { origin: this.originName, seq: this.seq + 1, hlc: this.clockImpl.tick(), op };
    // Log first, then apply: an operation the journal refused never existed (its seq is reused).
    const logged = this.toJournal(operation);
    if (!logged.ok) return logged;
    this.source = 'local';
    this.state.applyOperation(operation, this.now());
    this.vv.set(this.originName, operation.seq);
    this.backlog.append(operation, approxBytes);
    this.emitter.emit('op', operation);
    this.outbound.scheduleFlush();
    return { ok: true, hlc: operation.hlc, seq: operation.seq };
  }

  private toJournal(operation: Operation): JournalResult {
    return this.journal === undefined ? { ok: true } : this.journal(operation);
  }

  private mustLog(result: JournalResult): void {
    if (!result.ok) throw new SyncError('NOT_LOGGED', result.message);
  }

  private onStateChange(change: ChangeRecord): void {
    if (change.kind === 'strategy') this.store.cache.setStrategy(this.state.strategy.strategy);
    if (this.quiet) return;
    const event: ChangeEvent = { kind: change.kind, source: this.source };
    if (change.key !== undefined) event.key = change.key;
    this.emitter.emit('change', event);
  }

  /** A restored log may already hold our default origin (a clock that went back): pick another. */
  private ensureFreshOrigin(): void {
    const origin = freshOrigin(this.nodeId, this.options.incarnation, this.vv);
    if (origin === this.originName) return;
    this.originName = origin;
    const last = this.clockImpl.peek();
    this.clockImpl = new HybridClock(origin, this.options.now, this.options.maxClockOffsetMs);
    this.clockImpl.advanceTo(last);
  }

  // ---- sessions -------------------------------------------------------------------------

  /**
   * A peer proved the secret: refuse it when it claims our own id (a link to ourselves, or a
   * second node with our NODE_ID) or the id of another live peer (two nodes share that id).
   */
  admit(session: PeerSession, peer: { nodeId: string; origin: string }): Admission {
    if (peer.nodeId === this.nodeId) {
      if (peer.origin === this.originName) return { code: 'SAME_NODE_ID', message: 'this link leads back to the node itself: leave a node\'s own URL out of its PEER_NODES' };
      return { code: 'DUPLICATE_NODE_ID', message: `node id ${peer.nodeId} is used by two live nodes (${this.originName} and ${peer.origin}): give every node its own NODE_ID` };
    }
    const now = this.now();
    const link = this.members.links.get(peer.nodeId);
    for (const other of link?.sessions ?? []) {
      if (other === session || other.peer === null || other.peer.origin === peer.origin) continue;
      // A peer that restarted leaves its old link silent: that one goes, the new one stays.
      if (now - other.lastHeard > this.options.suspectAfterMs) other.close();
      else return { code: 'DUPLICATE_NODE_ID', message: `node id ${peer.nodeId} is used by two live nodes (${other.peer.origin} and ${peer.origin}): give every node its own NODE_ID` };
    }
    return null;
  }

  onHandshakeFailed(session: PeerSession, failure: HandshakeFailure): void {
    if (failure.code === 'SAME_NODE_ID' && session.info.dialedUrl !== undefined) return this.onSelfUrl(session.info.dialedUrl);
    const code = PROBLEM_OF_REFUSAL[failure.code];
    // Only problems with a peer we chose (dialed) or one that proved the secret are raised: a
    // stranger failing the handshake is not a problem of this node.
    const peer = session.info.dialedUrl ?? failure.peer?.origin;
    if (code === null || peer === undefined) return;
    const who = session.info.dialedUrl !== undefined ? `peer ${peer}` : `peer ${failure.peer?.nodeId} (${peer})`;
    this.problemBoard.setPeer(peer, { code, message: `${who}: ${failure.by === 'us' ? 'refused' : 'refuses this node'}: ${failure.message}` });
  }

  onSessionUp(session: PeerSession, auth: SessionInfo): void {
    const hello = session.peer as NonNullable<PeerSession['peer']>;
    if (session.info.dialedUrl !== undefined) this.problemBoard.setPeer(session.info.dialedUrl, null);
    const link = this.members.linkFor(hello.nodeId);
    const wasUp = link.state !== 'down';
    if (hello.url !== null) {
      this.members.learnAddress(hello.nodeId, hello.url);
      this.members.urlResolved(hello.url);
    }
    if (session.info.dialedUrl !== undefined) this.members.urlResolved(session.info.dialedUrl);
    const restarted = link.sessionUp(session, hello, auth, this.now());
    if (!wasUp) this.activity.record({ type: 'peer-up', peer: link.nodeId });
    // A restarted peer may have lost what it acknowledged before: start over from what it has.
    if (link.primary === null || restarted) this.outbound.attach(link, session);
    session.send({ type: 'peers', peers: this.members.addressList() });
    session.send(this.heartbeatFor(link.nodeId));
    this.emitNodes();
  }

  onSessionClosed(session: PeerSession, wasUp: boolean): void {
    this.sessions.delete(session);
    if (!wasUp) return;
    const link = this.members.links.get(session.peer?.nodeId ?? '');
    if (link === undefined) return;
    const wasLast = link.sessionClosed(session);
    if (link.primary === session) this.outbound.primaryClosed(link);
    if (wasLast) {
      this.antiEntropy.peerGone(link);
      this.activity.record({ type: 'peer-down', peer: link.nodeId });
      this.emitNodes();
    }
  }

  onSelfUrl(url: string): void {
    this.members.urlResolved(url);
    this.emitter.emit('self-url', url);
  }

  onRejected(_session: PeerSession, reason: string, peer?: string): void {
    this.activity.rejected(reason, peer);
  }

  onSessionMessage(session: PeerSession, message: StreamMessage): void {
    const peer = session.peer as NonNullable<PeerSession['peer']>;
    const link = this.members.links.get(peer.nodeId) as PeerLink;
    // A link left over from the peer's previous life says nothing about its current state.
    if (peer.origin !== link.origin) return;
    link.heard(this.now());
    switch (message.type) {
      case 'ops':
        return this.inbound.onOps(session, link, message.ops);
      case 'ack':
        this.outbound.onAck(link, message.origin, message.seq);
        return this.ackWaiters.check();
      case 'resync':
        return this.outbound.onResync(link, message.vv);
      case 'sync-start':
        return this.inbound.onSyncStart(session, link, message);
      case 'snapshot-chunk':
        return this.inbound.onSnapshotChunk(session, link, message);
      case 'heartbeat':
        for (const member of message.members) this.members.learnMember(member);
        link.onHeartbeat(message, this.originName);
        if (link.markUp()) this.emitNodes();
        this.outbound.onHeartbeat(link);
        return this.ackWaiters.check();
      case 'peers':
        return this.members.learnAddresses(message.peers);
      case 'digest':
        return this.antiEntropy.onDigest(session, message);
      case 'repair-keys':
        return this.antiEntropy.onRepairKeys(session, message);
      case 'repair-want':
        return this.antiEntropy.onRepairWant(session, message);
      case 'repair':
        return this.antiEntropy.onRepair(session, message);
      case 'repair-done':
        return this.antiEntropy.onRepairDone(message);
      default: {
        // A new message type must be handled above: this line stops compiling until it is.
        const unhandled: never = message;
        return unhandled;
      }
    }
  }

  /** Merges the newest timestamp of a batch of state into the clock; a message when it is too far ahead. */
  private observeAll(entries: { hlc: Hlc }[], tombstones: { hlc: Hlc }[]): string | null {
    const observed = this.clockImpl.observeNewest([...entries, ...tombstones]);
    return observed.ok ? null : observed.message;
  }

  // ---- housekeeping ---------------------------------------------------------------------

  private scheduleTick(): void {
    this.tickHandle = this.options.timers.setTimeout(() => {
      this.tick();
      if (!this.isClosed) this.scheduleTick();
    }, this.options.heartbeatMs);
  }

  /** Heartbeats, liveness, retransmission, gossip and tombstone collection. */
  tick(): void {
    if (this.isClosed) return;
    this.tickCount++;
    const now = this.now();
    this.bootstrap.releaseIfGone(this.members.links);
    for (const session of [...this.sessions]) {
      const silentFor = now - session.lastHeard;
      if (session.pending && now - session.openedAt > this.options.handshakeTimeoutMs) session.abandon('HANDSHAKE_TIMEOUT', `the handshake did not complete within ${this.options.handshakeTimeoutMs} ms`);
      else if (silentFor > this.options.downAfterMs) session.close();
      else if (session.isUp && session.peer !== null) session.send(this.heartbeatFor(session.peer.nodeId));
    }
    // Refusals recur on every redial while their cause lasts; once they stop, so does the problem.
    for (const code of ['duplicate-node-id', 'peer-unreachable', 'peer-refused-secret', 'peer-refused-version'] as const) this.problemBoard.clearStale(code, now - 3 * this.options.downAfterMs);
    const changed = this.members.updateLiveness(now, this.options.suspectAfterMs);
    for (const link of this.members.links.values()) {
      this.outbound.retransmitIfStalled(link, now);
      if (this.tickCount % 5 === 0 && link.primary !== null) link.primary.send({ type: 'peers', peers: this.members.addressList() });
    }
    if (changed) this.emitNodes();
    // Peers named by our vector are members too: their graves wait for them.
    for (const origin of this.vv.origins()) this.members.learnMember(nodeIdOfOrigin(origin));
    collectSettledGraves({
      state: this.state,
      vv: this.vv,
      links: [...this.members.links.values()],
      isolated: this.members.isolated(),
      now,
      graceMs: this.options.tombstoneGraceMs,
      isolatedGraceMs: this.options.isolatedTombstoneGraceMs,
    });
  }

  private heartbeatFor(peer: string): PeerMessage {
    return {
      wantsSnapshot: this.wantsSnapshotFrom(peer),
      type: 'heartbeat',
      // A fresh tick, so the peer's view of our clock follows physical time even when idle.
      hlc: this.clockImpl.tick(),
      seq: this.seq,
      vv: this.vv.toPairs(),
      strategy: this.store.cache.strategy,
      size: this.store.cache.size,
      capacity: this.store.cache.capacity,
      members: this.members.memberIds(),
    };
  }

  private emitNodes(): void {
    this.emitter.emit('nodes', this.nodes());
  }

  private inboundHost(): InboundHost {
    return {
      vv: this.vv,
      state: this.state,
      store: this.store,
      activity: this.activity,
      retransmitMs: this.options.retransmitMs,
      clock: () => this.clockImpl,
      observeAll: (entries, tombstones) => this.observeAll(entries, tombstones),
      now: () => this.now(),
      applying: () => {
        this.source = 'remote';
      },
      journal: (op: Operation) => this.toJournal(op),
      emitOp: (op: Operation) => this.emitter.emit('op', op),
    };
  }

  private outboundHost(): OutboundHost {
    const { timers, maxInFlightOps, maxBatchOps, retransmitMs, snapshotChunkEntries } = this.options;
    return {
      timers,
      backlog: this.backlog,
      state: this.state,
      activity: this.activity,
      maxInFlightOps,
      maxBatchOps,
      retransmitMs,
      snapshotChunkEntries,
      origin: () => this.originName,
      seq: () => this.seq,
      now: () => this.now(),
      sending: () => !this.isClosed && this.enabled,
      closed: () => this.isClosed,
      links: () => this.members.links.values(),
      catchUpView: () => this.catchUpView(),
      versionVectorPairs: () => this.vv.toPairs(),
    };
  }

  private antiEntropyHost() {
    return {
      state: () => this.state,
      store: () => this.store,
      now: () => this.now(),
      timers: () => this.options.timers,
      timeoutMs: () => this.options.forceSyncTimeoutMs,
      seen: (origin: string, seq: number) => this.vv.covers(origin, seq),
      observe: (message: { entries: { hlc: Hlc }[]; tombstones: { hlc: Hlc }[] }) => this.observeAll(message.entries, message.tombstones),
      applying: () => {
        this.source = 'remote';
      },
      emitOp: (op: Operation) => {
        this.toJournal(op);
        this.emitter.emit('op', op);
      },
      newRequestId: () => `${this.originName}-r${++this.requestCounter}`,
    };
  }
}
