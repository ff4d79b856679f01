import { EventEmitter } from 'node:events';
import { isStrategy, STRATEGIES, type Strategy } from '@meshcache/cache-core';
import {
  nodeIdOfOrigin,
  type ClockSkewMessage,
  type FoldedIncarnations,
  type ForceSyncResult,
  type Hlc,
  type NodeProblem,
  type NodeSnapshot,
  type NodeSnapshotInput,
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
import { DelayedAcks } from './delayed-acks.js';
import type { ChangeEvent, DeleteResult, Journal, JournalResult, NodeValue, ReplicaNodeEvents, WriteFailure, WriteResult } from './node-types.js';
import { ClockGuard, type StatePart } from './clock-guard.js';
import { ClockHealth, type ClockVerdict } from './clock-health.js';
import { ReadOnlyCache } from './read-only-cache.js';
import { freshOrigin, restoreState, type RestoreOutcome } from './restore-state.js';
import { Backlog } from './backlog.js';
import { BootstrapPeer } from './bootstrap-peer.js';
import { CacheEntryStore } from './cache-entry-store.js';
import { HybridClock } from './hybrid-clock.js';
import type { LinkEnd, LinkHandle, LinkInfo } from './link.js';
import { resolveOptions, type ReplicaNodeOptions, type ResolvedOptions } from './node-options.js';
import { InboundStream, type InboundHost } from './inbound-stream.js';
import { OutboundStream, type OutboundHost } from './outbound-stream.js';
import type { PeerLink } from './peer-link.js';
import { collectExpiredGraves } from './grave-collection.js';
import { HeldWrites, keepGravesFrom, oldestUnsent } from './held-writes.js';
import { foldable } from './incarnation-fold.js';
import { Membership } from './membership.js';
import { PeerSession, type Admission, type HandshakeFailure, type SessionHost, type StreamMessage } from './peer-session.js';
import { nodesWithProblems, PROBLEM_OF_REFUSAL } from './peer-problems.js';
import { ProblemBoard } from './problem-board.js';
import { ListenerList } from './listener-list.js';
import { ReplicaState, type ChangeKind } from './replica-state.js';
import { StrategySwitcher } from './strategy-switcher.js';
import { runInSteps } from './work-steps.js';
import { SyncError } from './sync-error.js';
import { SyncActivity } from './sync-activity.js';
import { eventLoopTimers } from './timers.js';
import { prepareSet } from './set-request.js';
import { UnclaimedState } from './unclaimed-state.js';
import { VersionVector } from './version-vector.js';

type Listener = (...args: unknown[]) => void;

/** What `toJournal` answers without a journal: one object for every write. */
const JOURNALED: JournalResult = Object.freeze({ ok: true as const });

/** How often (in ticks) dead incarnations are looked for: O(origins × members) each time. */
const FOLD_EVERY_TICKS = 10;

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
  /** `change` and `op` come with every write: their own lists, see ListenerList. */
  private readonly changeListeners = new ListenerList<ChangeEvent>();
  private readonly opListeners = new ListenerList<Operation>();
  private readonly store: CacheEntryStore;
  private readonly strategySwitcher: StrategySwitcher;
  /** Whether a stepped clear sweep (`sweepClear`) is being driven. */
  private sweepDriven = false;
  private readonly state: ReplicaState;
  private readonly vv = new VersionVector();
  private backlog: Backlog;
  private readonly clockHealth: ClockHealth;
  private readonly guard: ClockGuard;
  private clockVerdict: ClockVerdict = { skewed: false, kind: null, message: 'clock within bounds', since: null };
  /** Since when (monotonic ms) no link to any peer has been up (null while one is, or before any peer was met). */
  private aloneSince: number | null = null;
  /** Cut off longer than the tombstone grace: the next peer met supplies the older state. */
  private isolated = false;
  /** Between dropping state and the first snapshot or stream that refills it. */
  private replacingState = false;
  /** Origins forgotten by a state replacement, with the last operation whose state is still held (see reclaimHeld). */
  private readonly heldClaims = new Map<string, number>();
  /** State merged without a claim, shared by anti-entropy once its owner streams it no more. */
  private readonly unclaimed = new UnclaimedState();
  /** Members an anti-entropy run of shareUnclaimed is in progress with. */
  private readonly sharingWith = new Set<string>();
  private lastSkewNotice = new Map<string, number>();
  private readonly view: ReadOnlyCache;
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
  private readonly held = new HeldWrites();
  private isClosed = false;
  private tickHandle: unknown = null;
  private tickCount = 0;
  private requestCounter = 0;
  private journal: Journal | undefined;
  private readonly ackWaiters: AckWaiters;
  private readonly delayedAcks: DelayedAcks;

  constructor(options: ReplicaNodeOptions) {
    this.options = resolveOptions(options, eventLoopTimers);
    this.nodeId = this.options.nodeId;
    this.originName = `${this.nodeId}#${this.options.incarnation}`;
    this.clockImpl = new HybridClock(this.originName, this.options.now);
    const cacheOptions = this.options.cache;
    this.store = new CacheEntryStore({
      capacity: cacheOptions.capacity,
      strategy: cacheOptions.strategy ?? 'lru',
      maxBytes: cacheOptions.maxBytes,
      sizeOf: cacheOptions.sizeOf,
      now: this.options.now,
      recentWrites: this.options.recentWrites,
      onEvict: cacheOptions.onEvict,
      onLocalRemoval: (key, record, kind) => this.state.markLocalRemoval(key, record, kind),
    });
    this.strategySwitcher = new StrategySwitcher(this.store.cache, this.options.timers, () => !this.isClosed, () => this.monotonic());
    this.state = new ReplicaState(this.store, cacheOptions.strategy ?? 'lru', (kind, key, created) => this.onStateChange(kind, key, created), () => this.monotonic());
    this.backlog = new Backlog(this.options.backlogSize, this.options.backlogMaxBytes);
    this.members = new Membership(
      {
        nodeId: this.nodeId,
        selfUrl: () => this.options.url,
        nodesChanged: () => this.emitNodes(),
        peerAddress: (event) => this.emitter.emit('peer-address', event),
        addressForgotten: (event) => this.emitter.emit('peer-forgotten', event),
      },
      () => this.now(),
    );
    this.clockHealth = new ClockHealth({
      maxOffsetMs: this.options.maxClockOffsetMs,
      now: this.options.now,
      monotonic: this.options.monotonicNow,
      freshForMs: this.options.downAfterMs,
      requireConfirmation: this.options.requireClockConfirmation,
      clusterSize: () => this.members.links.size + 1,
    });
    this.guard = new ClockGuard({
      clock: () => this.clockImpl,
      now: () => this.now(),
      maxOffsetMs: this.options.maxClockOffsetMs,
      selfSkewed: () => this.refreshClockVerdict().skewed,
      refused: (origin, seq, aheadMs) => this.refusedAhead(origin, seq, aheadMs),
    });
    this.view = new ReadOnlyCache(this.store);
    this.activity = new SyncActivity(this.originName, this.options.now);
    this.bootstrap = new BootstrapPeer(this.nodeId, this.vv);
    this.antiEntropy = new AntiEntropy(this.antiEntropyHost());
    this.delayedAcks = new DelayedAcks(this.options.timers, this.options.ackDelayMs, (origin) => this.vv.get(origin));
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

  /** Read-only view of the underlying cache; values are `EntryRecord`s. Write through the node. */
  get cache(): ReadOnlyCache {
    return this.view;
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

  /** Monotonic ms (see `monotonicNow`), for every duration this node measures itself. */
  monotonic(): number {
    return this.options.monotonicNow();
  }

  get(key: string): NodeValue | undefined {
    return this.view.get(key) === undefined ? undefined : this.peek(key);
  }

  /** Like `get` without counting an access. */
  peek(key: string): NodeValue | undefined {
    const info = this.view.peekEntry(key);
    if (info === undefined) return undefined;
    const out: NodeValue = { value: info.value.value, updatedAt: info.value.hlc.wall, accessCount: info.accessCount, hlc: info.value.hlc };
    if (info.value.expiresAt !== undefined) out.expiresAt = info.value.expiresAt;
    return out;
  }

  has(key: string): boolean {
    return this.view.has(key);
  }

  /**
   * What `set` would refuse before stamping anything (closed, a clock its peers would refuse, a
   * value or TTL it cannot store, over the byte budget), or null. A multi-key write checks every
   * key with it first, so that it writes all of them or none; only the journal, or state stamped
   * ahead of this clock, can still refuse the write itself.
   */
  checkSet(key: string, value: unknown, opts?: { ttlMs?: number }): WriteFailure | null {
    const refused = this.writeRefusal(this.now());
    if (refused !== null) return refused;
    const request = prepareSet(key, value, opts?.ttlMs, this.options.cache);
    return request.ok ? null : request;
  }

  /** `ok` only when the write is applied here and will be replicated (see `WriteResult`). */
  set(key: string, value: unknown, opts?: { ttlMs?: number }): WriteResult {
    // One clock reading for the refusal check and the stamp (see writeLocal).
    const now = this.now();
    const refused = this.writeRefusal(now);
    if (refused !== null) return refused;
    const request = prepareSet(key, value, opts?.ttlMs, this.options.cache);
    if (!request.ok) return request;
    return this.writeLocal(request.op, request.approxBytes, now);
  }

  /**
   * A causal token: every write this node makes from now on is stamped after `stamp` (the stamp
   * of a write a client made or read, perhaps on another node), so last-writer-wins orders them
   * as that client did, whatever the clocks say. A stamp further ahead of this node's clock than
   * `maxClockOffsetMs` is refused, as its peers refuse one (it would drag this clock with it).
   */
  orderAfter(stamp: Hlc): WriteFailure | null {
    const now = this.now();
    const refused = this.writeRefusal(now);
    if (refused !== null) return refused;
    const ahead = stamp.wall - now;
    if (ahead > this.options.maxClockOffsetMs) {
      return { ok: false, code: 'CLOCK_SKEW', message: `the version to order after is ${Math.round(ahead)} ms ahead of this node's clock, more than maxClockOffsetMs (${this.options.maxClockOffsetMs}): the clock of this node or of the one that made it is off` };
    }
    this.clockImpl.advanceTo(stamp);
    return null;
  }

  /**
   * Resolves once `peers` peers have acknowledged (applied, and journaled if they journal) this
   * node's operation `seq` (a write's `seq`), or after `timeoutMs` — with the number reached.
   */
  waitForAcks(seq: number, peers: number, timeoutMs: number): Promise<number> {
    // The writer waits: the send window would only add to its wait.
    this.outbound.flushNow(seq);
    return this.ackWaiters.wait(seq, peers, timeoutMs);
  }

  /** Deletes `key` everywhere (replicated even when absent here); `existed` says if it was here. */
  delete(key: string): DeleteResult {
    const now = this.now();
    const refused = this.writeRefusal(now);
    if (refused !== null) return refused;
    if (typeof key !== 'string') return { ok: false, code: 'INVALID_KEY', message: 'key must be a string' };
    const existed = this.store.peek(key) !== undefined;
    const result = this.writeLocal({ type: 'delete', key }, key.length, now);
    return result.ok ? { ok: true, existed, seq: result.seq } : result;
  }

  /** Empties the cache on every node: removes every entry written before this moment. */
  clear(): WriteResult {
    const now = this.now();
    return this.writeRefusal(now) ?? this.writeLocal({ type: 'clear' }, 0, now);
  }

  /** Switches the eviction policy on every node (last writer wins). */
  setStrategy(strategy: Strategy): WriteResult {
    if (!isStrategy(strategy)) {
      throw new SyncError('INVALID_OPTION', `strategy must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`);
    }
    const now = this.now();
    return this.writeRefusal(now) ?? this.writeLocal({ type: 'strategy', strategy }, 0, now);
  }

  /**
   * Every operation goes to `journal` before it changes this node: its own writes (a refusal
   * makes the write fail with `NOT_LOGGED`: not applied, not replicated) and peers' operations
   * (a refusal leaves them unacknowledged, so the peer sends them again later). State merged
   * from a snapshot or an anti-entropy repair is journaled as it is applied; a refusal there
   * stops the snapshot install before it completes, so this node asks again. Restored state is
   * not journaled.
   */
  setJournal(journal: Journal | undefined): void {
    this.journal = journal;
  }

  /**
   * The journal takes writes again after refusing some (a full disk that has room again): peers
   * whose operations it refused are asked to resend them now. Until then their gaps are asked
   * for ever more rarely (see InboundStream.requestResync), so a refusing journal costs little
   * traffic and history; without this call they are still asked for within 30 retransmit periods.
   */
  journalResumed(): void {
    if (this.isClosed) return;
    this.inbound.journalResumed(this.members.links.values());
  }

  /**
   * Pauses or resumes sending this node's writes to peers. While off, writes apply locally and
   * wait in the backlog (a snapshot is sent instead if it overflows); peers' writes still arrive.
   */
  setSyncEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    this.activity.record({ type: on ? 'sync-enabled' : 'sync-disabled' });
    if (on) this.held.resume(this.seq);
    else this.held.pause(oldestUnsent(this.clockImpl.peek(), this.backlog, this.members.links.values()));
    // Turned off on purpose, but a write acknowledged here now exists only here: say so until it is on.
    if (on) this.problemBoard.clear('sync-paused');
    else this.problemBoard.raise('sync-paused', 'replication is turned off on this node: its writes are applied here and wait to reach its peers until it is turned back on');
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
    const graves = this.state.tombstoneStats();
    return this.activity.stats({
      nodeId: this.nodeId,
      origin: this.originName,
      syncEnabled: this.enabled,
      nodeList: this.nodes(),
      seq: this.seq,
      backlogSize: this.backlog.size,
      backlogCapacity: this.backlog.capacity,
      backlogBytes: this.backlog.bytes,
      tombstones: graves.count,
      tombstoneBytes: graves.bytes,
      problems: this.problems(),
    });
  }

  /** What is wrong with replication right now (peers unreachable or refused, a duplicate id, clock skew). */
  problems(): NodeProblem[] {
    this.refreshClockVerdict();
    return this.problemBoard.list();
  }

  /** Every peer this node has talked to or heard of, with its state. */
  nodes(): PeerInfo[] {
    return nodesWithProblems(this.members.nodes(this.seq, this.vv), this.problemBoard.list());
  }

  on<E extends keyof ReplicaNodeEvents>(event: E, fn: (arg: ReplicaNodeEvents[E]) => void): this {
    if (event === 'change') this.changeListeners.add(fn as (arg: ChangeEvent) => void);
    else if (event === 'op') this.opListeners.add(fn as (arg: Operation) => void);
    else this.emitter.on(event, fn as Listener);
    return this;
  }

  off<E extends keyof ReplicaNodeEvents>(event: E, fn: (arg: ReplicaNodeEvents[E]) => void): this {
    if (event === 'change') this.changeListeners.remove(fn as (arg: ChangeEvent) => void);
    else if (event === 'op') this.opListeners.remove(fn as (arg: Operation) => void);
    else this.emitter.off(event, fn as Listener);
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
      floor: this.state.floor,
      members: [...this.members.links.keys()],
      folded: this.vv.foldedPairs(),
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
      floor: this.state.floor,
      folded: this.vv.foldedPairs(),
    };
    return { head, entries: exported.entries };
  }

  /**
   * Reloads state saved by `snapshot()` and the `op` events logged after it. Call once, before
   * any write and before a transport attaches. Invalid operations in `ops` are skipped.
   */
  restore(snapshot: NodeSnapshotInput | undefined, ops: Operation[]): { applied: number; skipped: number } {
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
    for (const [origin, seq] of outcome.unclaimed) this.unclaimed.note(origin, seq);
    this.store.cache.setStrategy(this.state.strategy.strategy);
    this.aloneSince = outcome.members.length > 0 ? this.monotonic() : null;
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
   * TLS error): the peer is unreachable until a link to it comes up. Not while the peer is
   * linked through its own dial: that link carries both directions, and a redial that fails
   * beside it (the peer started after us, a one-way firewall) costs replication nothing.
   * `peer-refused-secret` when the peer answered but has no cluster namespace to link to.
   */
  dialFailed(url: string, reason: string, code: 'peer-unreachable' | 'peer-refused-secret' = 'peer-unreachable'): void {
    if (this.isClosed || this.linkedAt(url)) return;
    if (code === 'peer-unreachable') this.problemBoard.raise(code, `peer ${url} is unreachable: ${reason}`, url);
    else this.problemBoard.setPeer(url, { code, message: `peer ${url}: refuses this node: ${reason}` });
  }

  /**
   * A member this node was linked to and is not any more is unreachable, whichever side dialed:
   * a failed redial says so only for peers this node dials, and only once a redial fails (the
   * socket of a stopped peer accepts, so that took ~35 s). Confirmed every tick while it lasts,
   * under the peer's address when known, so a failed redial's word for it is the same problem.
   */
  private confirmDownPeers(): void {
    for (const link of this.members.links.values()) {
      if (link.state !== 'down' || link.lastSeen === null) continue;
      const since = new Date(link.lastSeen).toISOString();
      this.problemBoard.confirm('peer-unreachable', `peer ${link.nodeId} is down: nothing heard from it since ${since}`, this.members.urlOf(link.nodeId) ?? link.nodeId);
    }
  }

  /** A link to the peer known at `url` is up, whichever side dialed it. */
  private linkedAt(url: string): boolean {
    return (this.members.linkAt(url)?.sessions.length ?? 0) > 0;
  }

  /** Strangers cannot hold more than a few accepted links in the handshake: the oldest goes. */
  private boundPendingHandshakes(): void {
    const pending = [...this.sessions].filter((s) => s.pending && !s.dialed);
    if (pending.length >= this.options.maxPendingHandshakes) pending[0].abandon('TOO_MANY_HANDSHAKES', 'too many links in the handshake at once');
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

  /** Incarnations folded out of the version vector (see incarnation-fold.ts). */
  foldedIncarnations(): FoldedIncarnations {
    return this.vv.foldedPairs();
  }

  wantsSnapshotFrom(nodeId: string): boolean {
    return this.bootstrap.wantsSnapshotFrom(nodeId);
  }

  /** Sizes of the structures that must stay bounded, for tests and the simulation. */
  footprint(): { links: number; knownUrls: number; origins: number; refusedOrigins: number; answering: number; graves: number; backlogBytes: number } {
    return {
      links: this.members.links.size,
      knownUrls: this.members.knownPeers().size,
      origins: this.vv.toPairs().length,
      refusedOrigins: this.guard.refusedOrigins,
      answering: this.antiEntropy.answeringCount,
      graves: this.state.graves.size,
      backlogBytes: this.backlog.bytes,
    };
  }

  // ---- local writes ---------------------------------------------------------------------

  private get seq(): number {
    return this.vv.get(this.originName);
  }

  private catchUpView(): CatchUpView {
    return {
      nodeId: this.nodeId,
      origin: this.originName,
      vv: this.vv,
      backlog: this.backlog,
      streamable: (origin) => {
        const owner = this.members.links.get(nodeIdOfOrigin(origin));
        return owner !== undefined && owner.origin === origin && owner.state !== 'down';
      },
    };
  }

  /** Why a client write must be refused at `now` (the physical clock just read), or null: closed, or a clock its peers will not accept. */
  private writeRefusal(now: number): WriteFailure | null {
    if (this.isClosed) return { ok: false, code: 'CLOSED', message: 'this node is closed' };
    const verdict = this.refreshClockVerdict(now);
    return verdict.skewed ? { ok: false, code: 'CLOCK_SKEW', message: verdict.message } : null;
  }

  /**
   * Stamps, applies and queues a local write. The write is acknowledged only if it took effect
   * here: a stamp at or below state this node holds (a watermark from a clock running ahead)
   * would make it vanish, so it is refused instead and nothing is replicated.
   */
  private writeLocal(op: Op, approxBytes: number, now: number): WriteResult {
    // Stamped at the reading the refusal check was made with: each clock reading is a native
    // call, a few % of a pipelined SET when taken three times per write.
    const operation: Operation = { origin: this.originName, seq: this.seq + 1, hlc: this.clockImpl.tickAt(now), op };
    // A write that would vanish under state stamped ahead of it is refused, not acknowledged.
    // The key is looked up once, for this check and for the apply below.
    const checked = this.state.check(operation);
    if (checked.loses) {
      return { ok: false, code: 'CLOCK_SKEW', message: 'this node holds state stamped ahead of its clock, so the write would not take effect: check the clocks of the cluster' };
    }
    // Log first, then apply: an operation the journal refused never existed (its seq is reused).
    const logged = this.toJournal(operation);
    if (!logged.ok) return { ok: false, code: 'NOT_LOGGED', message: logged.message };
    this.source = 'local';
    // A journal may have taken a while (an fsync): a TTL's remaining time is measured after it.
    this.state.applyChecked(checked, this.journal === undefined ? now : this.now());
    this.vv.set(this.originName, operation.seq);
    this.backlog.append(operation, approxBytes);
    this.opListeners.emit(operation);
    this.outbound.scheduleFlush();
    return { ok: true, hlc: operation.hlc, seq: operation.seq };
  }

  private toJournal(operation: Operation): JournalResult {
    return this.journal === undefined ? JOURNALED : this.journal(operation);
  }

  private onStateChange(kind: ChangeKind, key: string | undefined, created: boolean | undefined): void {
    if (kind === 'strategy') this.strategySwitcher.switchTo(this.state.strategy.strategy);
    if (kind === 'clear') this.sweepClear();
    if (this.quiet || this.changeListeners.empty) return;
    const event: ChangeEvent = { kind, source: this.source };
    if (key !== undefined) event.key = key;
    if (created !== undefined) event.created = created;
    this.changeListeners.emit(event);
  }

  /**
   * Drives the store's sweep of a clear it could not apply at once, one step per turn of the
   * event loop (see `CacheEntryStore.sweepOlderThan`); a later such clear joins the same drive.
   */
  private sweepClear(): void {
    if (this.sweepDriven || !this.store.sweeping) return;
    this.sweepDriven = true;
    runInSteps(this.options.timers, this.store.sweepSteps(this.options.clearSweepSlots), () => !this.isClosed, () => {
      this.sweepDriven = false;
    });
  }

  /** A restored log may already hold our default origin (a clock that went back): pick another. */
  private ensureFreshOrigin(): void {
    const origin = freshOrigin(this.nodeId, this.options.incarnation, this.vv);
    if (origin === this.originName) return;
    this.originName = origin;
    const last = this.clockImpl.peek();
    this.clockImpl = new HybridClock(origin, this.options.now);
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
    // lastHeard is on the monotonic clock (a wall-clock difference made every live twin look
    // silent, so a third node took each twin's link for a restart of the other, in turns).
    const now = this.monotonic();
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
    // A redial that found no answer beside a live link to the same peer (see `dialFailed`).
    if (code === 'peer-unreachable' && this.linkedAt(peer)) return;
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
      // Linked, whichever side dialed: a failed dial of its address no longer says anything.
      this.problemBoard.clear('peer-unreachable', hello.url);
    }
    this.problemBoard.clear('peer-unreachable', hello.nodeId);
    const restarted = link.sessionUp(session, hello, auth, this.now());
    // A live origin we folded (from a twin's view): list it again so its stream applies.
    this.vv.unfold(hello.origin);
    this.aloneSince = null;
    if (!wasUp) this.activity.record({ type: 'peer-up', peer: link.nodeId });
    // Our clock first, so the peer can judge it before our first operation arrives.
    session.send(this.heartbeatFor(link.nodeId));
    // A restarted peer may have lost what it acknowledged before: start over from what it has.
    if (link.primary === null || restarted) this.outbound.attach(link, session);
    session.send({ type: 'peers', peers: this.members.addressList() });
    this.emitNodes();
  }

  onSessionClosed(session: PeerSession, wasUp: boolean): void {
    this.sessions.delete(session);
    this.delayedAcks.settle(session);
    if (!wasUp) return;
    const link = this.members.links.get(session.peer?.nodeId ?? '');
    if (link === undefined) return;
    const wasLast = link.sessionClosed(session);
    if (link.primary === session) this.outbound.primaryClosed(link);
    if (wasLast) {
      this.antiEntropy.peerGone(link);
      this.clockHealth.peerGone(link.nodeId);
      // Unreachable is its own problem; a repair still stalled shows again at its next repeat.
      this.problemBoard.clear('repair-stalled', link.nodeId);
      this.activity.record({ type: 'peer-down', peer: link.nodeId });
      this.emitNodes();
    }
    if (this.aloneSince === null && [...this.members.links.values()].every((l) => l.sessions.length === 0)) this.aloneSince = this.monotonic();
  }

  onSelfUrl(url: string): void {
    this.emitter.emit('self-url', url);
  }

  private onAck(link: PeerLink, origin: string, seq: number, snapshotId: string | undefined): void {
    this.outbound.onAck(link, origin, seq, snapshotId);
    this.ackWaiters.check();
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
        this.inbound.onOps(session, link, message.ops, message.ackNow === true);
        // After the operations: a batch the ack lets us send may carry the ack they are owed.
        if (message.ack !== undefined) this.onAck(link, message.ack.origin, message.ack.seq, undefined);
        return;
      case 'ack':
        return this.onAck(link, message.origin, message.seq, message.snapshotId);
      case 'resync':
        return this.outbound.onResync(link, message.vv);
      case 'sync-start':
        return this.inbound.onSyncStart(session, link, message);
      case 'snapshot-chunk':
        return this.inbound.onSnapshotChunk(session, link, message);
      case 'heartbeat':
        return this.onHeartbeat(session, link, message);
      case 'clock-skew':
        return this.onClockSkew(link, message);
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

  /** Liveness, the peer's view of the cluster, and its clock (members are no longer learned from it). */
  private onHeartbeat(session: PeerSession, link: PeerLink, message: Extract<PeerMessage, { type: 'heartbeat' }>): void {
    link.onHeartbeat(message, this.originName);
    if (link.paused) this.problemBoard.raise('sync-paused', `replication is turned off on ${link.nodeId}: its writes wait there until it is turned back on`, link.nodeId);
    else this.problemBoard.clear('sync-paused', link.nodeId);
    if (message.clock !== undefined) {
      this.clockHealth.peerClock(link.nodeId, message.clock, message.clockStanding);
      this.refreshClockVerdict();
    }
    if (this.isolated) this.rejoinFrom(link);
    if (link.markUp()) this.emitNodes();
    this.outbound.onHeartbeat(link, session);
    this.ackWaiters.check();
  }

  /** A peer says our clock is off; when it names our origin, it refused our operations from `seq`. */
  private onClockSkew(link: PeerLink, message: ClockSkewMessage): void {
    if (message.origin !== this.originName || this.clockHealth.refusedOrigin(this.originName)) return;
    this.clockHealth.refusedByPeer(link.nodeId, message.origin, message.seq, message.aheadMs);
    this.activity.record({
      type: 'clock-skew',
      peer: link.nodeId,
      message: `peer refused this node's operations from seq ${message.seq}: stamped ${message.aheadMs} ms ahead of its clock (max ${message.maxOffsetMs} ms)`,
    });
    this.refreshClockVerdict();
  }

  /** The guard refused `origin` from `seq`: say so, and tell its node if we are linked to it. */
  private refusedAhead(origin: string, seq: number, aheadMs: number): void {
    const owner = nodeIdOfOrigin(origin);
    this.activity.record({
      type: 'clock-skew',
      peer: owner,
      message: `refused ${origin}'s operations from seq ${seq} for good: stamped ${aheadMs} ms ahead of this node's clock (max ${this.options.maxClockOffsetMs} ms)`,
    });
    const link = this.members.links.get(owner);
    if (link?.primary != null && link.origin === origin) this.sendSkewNotice(link.primary, origin, aheadMs, true);
  }

  /** Refused operations keep arriving (the notice may have been lost): tell the sender again, sparingly. */
  private remindRefusal(session: PeerSession, link: PeerLink, origin: string): void {
    if (link.origin === origin) this.sendSkewNotice(session, origin, this.options.maxClockOffsetMs + 1, false);
  }

  private sendSkewNotice(session: PeerSession, origin: string, aheadMs: number, force: boolean): void {
    const now = this.now();
    const last = this.lastSkewNotice.get(origin) ?? -Infinity;
    if (!force && now - last < this.options.retransmitMs) return;
    this.lastSkewNotice.set(origin, now);
    if (this.lastSkewNotice.size > 1000) this.lastSkewNotice.delete(this.lastSkewNotice.keys().next().value as string);
    const seq = this.guard.refusedFrom(origin) ?? 0;
    session.send({ type: 'clock-skew', aheadMs: Math.round(aheadMs), maxOffsetMs: this.options.maxClockOffsetMs, origin, seq });
  }

  private readonly onClockJump = (): void => {
    this.activity.record({ type: 'clock-skew', message: `this node's wall clock jumped against its monotonic clock` });
  };

  /**
   * Whether our clock is trusted (recomputed only when something it depends on changed, see
   * `ClockHealth.assess`); on a change, says so in the history, to listeners and to `/health`.
   */
  private refreshClockVerdict(now: number = this.now()): ClockVerdict {
    const verdict = this.clockHealth.assess(this.originName, this.clockImpl.wallTime, this.onClockJump, now);
    if (verdict === this.clockVerdict) return verdict;
    const changed = verdict.kind !== this.clockVerdict.kind;
    this.clockVerdict = verdict;
    if (changed) {
      this.activity.record({ type: 'clock-skew', message: verdict.skewed ? verdict.message : 'clock back within bounds' });
      if (verdict.skewed) this.problemBoard.raise('clock-skew', verdict.message);
      else this.problemBoard.clear('clock-skew');
    }
    return verdict;
  }

  /**
   * Cut off for longer than the tombstone grace, we meet `link`: its deletes of that period may
   * be collected, so what we hold from before its floor cannot be merged back. We take its
   * state instead — unless it was cut off too and has the smaller id, in which case it takes ours.
   */
  private rejoinFrom(link: PeerLink): void {
    if (link.isolated && this.nodeId < link.nodeId) {
      this.isolated = false;
      return;
    }
    this.isolated = false;
    const floor = link.floor;
    this.replaceState(`cut off from every peer for more than ${this.options.tombstoneGraceMs} ms: state before ${new Date(floor).toISOString()} replaced by ${link.nodeId}'s`, (stamp) => stamp.hlc.wall <= floor, null);
  }

  /**
   * After a state replacement: an origin forgotten then is claimed again up to what this node
   * still holds of it once its owner streams it no more (gone, or restarted under a new origin),
   * so peers lacking that state get it in a snapshot; an origin re-received from its owner
   * needs no claim.
   */
  private reclaimHeld(): void {
    if (this.replacingState) return;
    const streamable = this.catchUpView().streamable;
    for (const [origin, seq] of this.heldClaims) {
      if (this.vv.covers(origin, seq)) this.heldClaims.delete(origin);
      else if (!streamable(origin)) {
        this.vv.raise(origin, seq);
        this.heldClaims.delete(origin);
      }
    }
  }

  /**
   * Runs anti-entropy with each reachable member still owed state that no vector claims and no
   * stream will bring any more (see UnclaimedState); a run that did not complete (timed out,
   * the link went down) is owed again.
   */
  private shareUnclaimed(): void {
    if (!this.enabled || this.unclaimed.size === 0) return;
    const owed = this.unclaimed.owed({ vv: this.vv, streamable: this.catchUpView().streamable, members: [...this.members.links.keys()] });
    for (const [member, records] of owed) {
      const link = this.members.links.get(member);
      if (link?.primary == null || this.sharingWith.has(member)) continue;
      this.sharingWith.add(member);
      void this.antiEntropy.run(link, (completed, result) => {
        this.sharingWith.delete(member);
        if (completed) this.unclaimed.shared(member, records);
        this.activity.sharedUnclaimed(member, result.repairedKeys, completed);
      });
    }
  }

  /** A merged operation (from a snapshot or a repair) the vector does not claim (yet). */
  private noteMerged(op: Operation): void {
    if (!this.vv.covers(op.origin, op.seq)) this.unclaimed.note(op.origin, op.seq);
  }

  /**
   * Our clock agrees with the peers again, but our origin was refused or our HLC ran ahead:
   * continue under a new origin with a fresh clock, forgetting every write of ours the peers
   * refused and everything stamped ahead of the clock, and take the rest again from a peer.
   */
  private recoverFromClockFault(): void {
    const now = Math.floor(this.now());
    const limit = now + this.options.maxClockOffsetMs;
    const old = this.originName;
    const refusedFrom = this.clockHealth.refusedSeq(old);
    let keepUpTo = refusedFrom === null ? this.seq : refusedFrom - 1;
    for (let seq = this.backlog.firstSeq; seq <= this.backlog.lastSeq && seq <= keepUpTo; seq++) {
      const op = this.backlog.slice(seq, 1)[0];
      if (op !== undefined && op.hlc.wall > limit) keepUpTo = seq - 1;
    }
    const doubtful = (stamp: { hlc: { wall: number; node: string }; seq: number }) => stamp.hlc.wall > limit || (stamp.hlc.node === old && stamp.seq > keepUpTo);
    this.replaceState('clock fault: writes stamped ahead of the cluster were dropped, continuing under a new origin', doubtful, { keepUpTo });
  }

  /**
   * Drops what `doubtful` picks, forgets which operations of other origins were applied (so
   * their state is taken again, not skipped as evicted; see reclaimHeld), optionally moves to a new origin, and
   * reconnects: peers see a node that needs a snapshot, and the first one refills it.
   */
  private replaceState(reason: string, doubtful: (stamp: { hlc: { wall: number; node: string }; seq: number }) => boolean, newOrigin: { keepUpTo: number } | null): void {
    const own = this.originName;
    if (newOrigin !== null) {
      this.vv.set(own, Math.min(this.vv.get(own), newOrigin.keepUpTo));
      this.originName = freshOrigin(this.nodeId, Math.floor(this.now()).toString(36), this.vv);
      this.clockImpl = new HybridClock(this.originName, this.options.now);
      this.backlog = new Backlog(this.options.backlogSize, this.options.backlogMaxBytes);
      this.clockHealth.newOrigin();
    }
    this.quiet = false;
    // Per origin, the first operation whose state is dropped.
    const firstDropped = new Map<string, number>();
    this.state.forgetWhere((stamp) => {
      if (!doubtful(stamp)) return false;
      firstDropped.set(stamp.hlc.node, Math.min(stamp.seq, firstDropped.get(stamp.hlc.node) ?? Infinity));
      return true;
    });
    this.store.cache.setStrategy(this.state.strategy.strategy);
    // Every other origin is forgotten, so its operations are taken again (a dropped entry may
    // have hidden one of them). What this node still holds below the first dropped operation is
    // claimed again once no live stream can bring that origin (see reclaimHeld): forgetting it
    // for good left a vanished node's clear held here and sent to nobody.
    for (const origin of this.vv.origins()) {
      if (nodeIdOfOrigin(origin) === this.nodeId) continue;
      const held = Math.min(this.vv.get(origin), (firstDropped.get(origin) ?? Infinity) - 1);
      if (held <= 0) continue;
      this.heldClaims.set(origin, Math.max(held, this.heldClaims.get(origin) ?? 0));
      // Until a refill lets reclaimHeld claim it, it is held without a claim: if the refill never
      // comes (this node's clock set off again takes no snapshot), anti-entropy still passes it
      // on once its origin streams no more (simulation seed 31929: a vanished member's strategy).
      this.unclaimed.note(origin, held);
    }
    this.vv.retain((origin) => nodeIdOfOrigin(origin) === this.nodeId);
    this.replacingState = true;
    this.activity.record({ type: 'state-replaced', message: reason });
    this.emitter.emit('state-replaced', { reason });
    for (const session of [...this.sessions]) session.close();
    this.refreshClockVerdict();
  }

  // ---- housekeeping ---------------------------------------------------------------------

  private scheduleTick(): void {
    this.tickHandle = this.options.timers.setTimeout(() => {
      this.tick();
      if (!this.isClosed) this.scheduleTick();
    }, this.options.heartbeatMs);
  }

  /** Heartbeats, liveness, retransmission, gossip, clock checks and tombstone collection. */
  tick(): void {
    if (this.isClosed) return;
    this.tickCount++;
    const now = this.now();
    this.bootstrap.releaseIfGone(this.members.links);
    for (const session of [...this.sessions]) {
      const silentFor = this.monotonic() - session.lastHeard;
      if (session.pending && this.monotonic() - session.openedAt > this.options.handshakeTimeoutMs) session.abandon('HANDSHAKE_TIMEOUT', `the handshake did not complete within ${this.options.handshakeTimeoutMs} ms`);
      else if (silentFor > this.options.downAfterMs) session.close();
      else if (session.isUp && session.peer !== null) session.send(this.heartbeatFor(session.peer.nodeId));
    }
    this.confirmDownPeers();
    // Refusals recur on every redial while their cause lasts; once they stop, so does the problem.
    for (const code of ['duplicate-node-id', 'peer-unreachable', 'peer-refused-secret', 'peer-refused-version'] as const) this.problemBoard.clearStale(code, now - 3 * this.options.downAfterMs);
    let changed = this.members.updateLiveness(now, this.options.suspectAfterMs);
    for (const link of this.members.links.values()) {
      this.outbound.retransmitIfStalled(link, this.monotonic());
      if (this.tickCount % 5 === 0 && link.primary !== null) link.primary.send({ type: 'peers', peers: this.members.addressList() });
    }
    if (this.members.forgetSilent(now, this.options.forgetMemberAfterMs)) {
      changed = true;
      for (const problem of this.problemBoard.list()) if (problem.code === 'sync-paused' && problem.peer !== undefined && !this.members.links.has(problem.peer)) this.problemBoard.clear('sync-paused', problem.peer);
    }
    if (changed) this.emitNodes();
    if (this.aloneSince !== null && this.monotonic() - this.aloneSince > this.options.tombstoneGraceMs && this.members.links.size > 0) this.isolated = true;
    this.refreshClockVerdict();
    this.reclaimHeld();
    this.shareUnclaimed();
    if (this.tickCount % FOLD_EVERY_TICKS === 0) this.foldDeadIncarnations();
    const ahead = this.clockImpl.peek().wall - now > this.options.maxClockOffsetMs;
    if (this.clockHealth.agreesWithPeers() && (ahead || this.clockHealth.refusedOrigin(this.originName))) this.recoverFromClockFault();
    // Grave ages are monotonic: a wall clock set forward must not collect them early.
    this.held.settle(this.members.links.values());
    this.collectGraves();
  }

  private collectGraves(): void {
    const keepFrom = keepGravesFrom(this.members.links.values());
    const { early } = collectExpiredGraves({ state: this.state, now: this.monotonic(), graceMs: this.options.tombstoneGraceMs, maxGraves: this.options.maxTombstones, keepFrom });
    // Under a steady stream of deletes the cap forces a pass every so often: one minute without
    // one ends the problem, rather than every pass in between.
    if (early === 0) this.problemBoard.clearStale('tombstones-collected-early', this.now() - 60_000);
    else {
      const held = keepFrom === null ? '' : ` (a paused peer still holds writes back from ${new Date(keepFrom.wall).toISOString()})`;
      this.problemBoard.confirm(
        'tombstones-collected-early',
        `tombstones collected before their time: maxTombstones (${this.options.maxTombstones}) reached${held}; a late write older than them to a key this node does not hold is taken for beaten`,
      );
    }
  }

  /** Drops dead incarnations every member applied in full from the vector (see incarnation-fold.ts). */
  private foldDeadIncarnations(): void {
    for (const fold of foldable({ nodeId: this.nodeId, origin: this.originName, vv: this.vv }, this.members.links.values())) {
      this.vv.foldBelow(fold.nodeId, fold.below);
      for (const origin of fold.origins) {
        this.guard.forget(origin);
        this.heldClaims.delete(origin);
        this.unclaimed.forget(origin);
      }
    }
  }

  private heartbeatFor(peer: string): PeerMessage {
    // A jump not noticed yet must not go out as a confirmed clock.
    this.refreshClockVerdict();
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
      clock: Math.max(0, Math.floor(this.now())),
      clockStanding: this.clockHealth.standing(),
      isolated: this.isolated,
      floor: this.state.floor?.wall ?? 0,
      paused: !this.enabled,
      holding: this.held.holdingFor(this.members.links.get(peer)?.acked ?? 0),
      folded: this.vv.foldedPairs(),
      live: [...this.members.links.values()].flatMap((l) => (l.state !== 'down' && l.origin !== null ? [l.origin] : [])),
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
      guard: this.guard,
      acks: this.delayedAcks,
      now: () => this.now(),
      monotonic: () => this.monotonic(),
      applying: () => {
        this.source = 'remote';
      },
      journal: (op: Operation) => this.toJournal(op),
      emitOp: (op: Operation) => {
        this.noteMerged(op);
        this.opListeners.emit(op);
      },
      remindRefusal: (session, link, origin) => this.remindRefusal(session, link, origin),
      replacing: () => this.replacingState,
      // The first peer to start streaming (a snapshot installed, or only its own operations
      // missing) has given us what we dropped.
      refilled: () => {
        this.replacingState = false;
      },
      snapshotInstalled: (from) => this.emitter.emit('snapshot-installed', { from }),
      adoptFolds: (folded) => {
        this.vv.adoptFolds(folded);
        // Never a live incarnation (a sender that folded it saw a twin's view).
        for (const link of this.members.links.values()) if (link.state !== 'down' && link.origin !== null) this.vv.unfold(link.origin);
        this.vv.unfold(this.originName);
      },
    };
  }

  private outboundHost(): OutboundHost {
    const { timers, maxInFlightOps, maxBatchOps, sendWindowMs, retransmitMs, snapshotChunkEntries } = this.options;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the backlog is replaced with the origin
    const node = this;
    return {
      timers,
      get backlog() {
        return node.backlog;
      },
      state: this.state,
      activity: this.activity,
      maxInFlightOps,
      maxBatchOps,
      sendWindowMs,
      retransmitMs,
      patienceMs: this.options.downAfterMs,
      snapshotChunkEntries,
      acks: this.delayedAcks,
      origin: () => this.originName,
      seq: () => this.seq,
      now: () => this.monotonic(),
      sending: () => !this.isClosed && this.enabled,
      // Our operations a peer refused must reach no one, nor a snapshot of state holding them.
      // A node still replacing its state may send one: its vector then claims only its own
      // origins, whose state it holds as after any refill, and the writes it acknowledged
      // since may travel no other way (made alone, past its backlog, with no peer able to
      // refill it: seed 1408 lost them while it waited for a refill that never came).
      sendableUpTo: () => this.clockHealth.refusedSeq(this.originName) === null ? Infinity : (this.clockHealth.refusedSeq(this.originName) as number) - 1,
      snapshotsAllowed: () => this.clockHealth.refusedSeq(this.originName) === null,
      peerClockBehind: (nodeId) => (this.clockHealth.peerOffset(nodeId) ?? 0) < -this.options.maxClockOffsetMs && !this.refreshClockVerdict().skewed,
      closed: () => this.isClosed,
      links: () => this.members.links.values(),
      catchUpView: () => this.catchUpView(),
      versionVectorPairs: () => this.vv.toPairs(),
      foldedIncarnations: () => this.vv.foldedPairs(),
      repairStalled: (peer, message) => {
        if (message === null) this.problemBoard.clear('repair-stalled', peer);
        else this.problemBoard.raise('repair-stalled', message, peer);
      },
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
      withholds: (origin: string) => !this.enabled && nodeIdOfOrigin(origin) === this.nodeId,
      screen: (part: StatePart) => this.guard.screen(part),
      applying: () => {
        this.source = 'remote';
      },
      emitOp: (op: Operation) => {
        this.toJournal(op);
        this.noteMerged(op);
        this.opListeners.emit(op);
      },
      newRequestId: () => `${this.originName}-r${++this.requestCounter}`,
      sent: (items: number, bytes: number) => this.activity.antiEntropySent(items, bytes),
    };
  }
}
