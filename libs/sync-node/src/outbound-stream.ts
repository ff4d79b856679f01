import { PROTOCOL_ACKS_ON_OPS, type FoldedIncarnations, type OpsMessage, type Stamp, type VersionVectorPairs } from '@meshcache/sync-protocol';
import type { Backlog } from './backlog.js';
import { bootstrapsFromAnother, needsSnapshot, ownPastTail, peerLacksUnstreamable, snapshotRepaired, type CatchUpView } from './catch-up-policy.js';
import type { DelayedAcks } from './delayed-acks.js';
import type { PeerLink } from './peer-link.js';
import type { PeerSession } from './peer-session.js';
import type { ReplicaState } from './replica-state.js';
import { MAX_REPEAT_WAIT_PERIODS } from './snapshot-repeats.js';
import { SnapshotSender } from './snapshot-sender.js';
import type { SyncActivity } from './sync-activity.js';
import type { Timers } from './timers.js';

/** Bytes per batch of operations: well under socket.io's default 1 MB message limit. */
const BATCH_BYTES = 256 * 1024;
/**
 * The most new writes a send window holds before it goes early. 16 fill in 3.2 ms at 5,000
 * writes/s, so the window adds at most that to the replication delay there (issue 4's
 * visibility lag target: p99 ≤ 10 ms at 5k writes/s), while a slower stream still travels one
 * batch per window.
 */
export const WINDOW_MAX_OPS = 16;

/** What the outbound stream needs from its node. */
export interface OutboundHost {
  readonly timers: Timers;
  readonly backlog: Backlog;
  readonly state: ReplicaState;
  readonly activity: SyncActivity;
  readonly maxInFlightOps: number;
  readonly maxBatchOps: number;
  /** The least time between two batches of new local writes (0: each after the current work). */
  readonly sendWindowMs: number;
  readonly retransmitMs: number;
  /** How long a snapshot waits while the peer fills itself from another node, and how long an unacknowledged snapshot is waited for on an ordered link. */
  readonly patienceMs: number;
  readonly snapshotChunkEntries: number;
  /** Acks this node owes its peers, which may ride on the batches sent to them. */
  readonly acks: Pick<DelayedAcks, 'take'>;
  /** The origin can change once, when `restore()` finds the default one already used. */
  origin(): string;
  seq(): number;
  /** Monotonic ms: every time this stream keeps is a duration. */
  now(): number;
  /** False once the node is closed or while sync is disabled. */
  sending(): boolean;
  /** Our last operation that may be sent (earlier than `seq()` once peers refused the rest). */
  sendableUpTo(): number;
  /** False while our state may not be sent as a snapshot. */
  snapshotsAllowed(): boolean;
  /**
   * True while `nodeId`'s clock, as its last heartbeat read, is behind our trusted clock by more
   * than the bound: it takes no state stamped ahead of its clock, so a snapshot would be dropped.
   */
  peerClockBehind(nodeId: string): boolean;
  closed(): boolean;
  links(): Iterable<PeerLink>;
  catchUpView(): CatchUpView;
  versionVectorPairs(): VersionVectorPairs;
  foldedIncarnations(): FoldedIncarnations;
  /** Snapshots to `peer` keep failing to repair it (a message), or no longer (null). */
  repairStalled(peer: string, message: string | null): void;
}

/**
 * This node's own operations on their way to each peer: in order from the backlog over the
 * peer's primary session, within an unacknowledged window, resent when acknowledgements stall,
 * and replaced by a chunked snapshot when the peer is missing what the backlog no longer holds.
 */
export class OutboundStream {
  private readonly snapshots: SnapshotSender;
  private flushHandle: unknown = null;
  /**
   * While a send window is open, the first of our operations it holds: those wait for the
   * window's flush even when an ack or a heartbeat pumps the stream meanwhile (acks come every
   * few ms, so otherwise each one would send the window's writes early, one batch each).
   */
  private heldFrom = Infinity;
  /** When the last batch of new writes left (`scheduleFlush`): the next window starts there. */
  private lastFlushAt = -Infinity;
  /** Our operations up to here have a writer waiting for their acks: batches carrying them ask for the ack at once (`ackNow`). */
  private ackNowUpTo = 0;

  constructor(private readonly host: OutboundHost) {
    this.snapshots = new SnapshotSender(host.timers, host.snapshotChunkEntries);
  }

  /**
   * Sends new local writes to every peer, at most one batch per send window (`sendWindowMs`):
   * a write that comes a window or more after the last batch goes after the current work, as
   * with no window; one that comes sooner waits for that window to end, and every write made
   * meanwhile travels in its batch. A lone write is never held; under a steady stream, each
   * peer gets one message, frame and ack per window instead of one per write. A window holding
   * {@link WINDOW_MAX_OPS} writes goes at once: at thousands of writes/s it fills long before
   * it ends, and waiting on would add to every write's delay and save no message.
   */
  scheduleFlush(): void {
    if (this.host.closed()) return;
    if (this.flushHandle !== null) {
      if (this.heldFrom !== Infinity && this.host.seq() - this.heldFrom + 1 >= WINDOW_MAX_OPS) this.flushAfter(0);
      return;
    }
    const window = this.host.sendWindowMs;
    this.flushAfter(window > 0 ? Math.max(0, this.lastFlushAt + window - this.host.now()) : 0);
  }

  /** Sends our new writes in `ms` (0: after the current work), holding them until then. */
  private flushAfter(ms: number): void {
    this.cancel();
    if (ms > 0) this.heldFrom = this.host.seq();
    this.flushHandle = this.host.timers.setTimeout(() => {
      this.flushHandle = null;
      this.heldFrom = Infinity;
      this.lastFlushAt = this.host.now();
      this.pumpAll();
    }, ms);
  }

  /**
   * A writer waits for peers' acknowledgements of our operations up to `seq`: what the window
   * holds is sent now, and the batches carrying those operations ask for their ack at once. A
   * peer that was sent them before the writer began to wait may be holding its ack (its
   * `ackDelayMs`): it is sent the last of them again, asking at once (it skips what it has
   * applied, and acks).
   */
  flushNow(seq: number): void {
    this.ackNowUpTo = Math.max(this.ackNowUpTo, seq);
    this.cancel();
    for (const link of this.host.links()) {
      const sentBefore = link.sent;
      this.pump(link);
      if (sentBefore >= seq && link.acked < seq) this.askAck(link, sentBefore);
    }
  }

  /** Sends `link` our operation `seq` again (already sent), asking for the ack at once. */
  private askAck(link: PeerLink, seq: number): void {
    const session = link.primary;
    if (!this.host.sending() || session === null || link.snapshotting || !link.streamStarted) return;
    if (!this.host.backlog.reachesBack(seq - 1)) return;
    const again = this.host.backlog.slice(seq, 1, BATCH_BYTES);
    if (again.length > 0) session.send({ type: 'ops', ops: again, ackNow: true });
  }

  cancel(): void {
    if (this.flushHandle !== null) this.host.timers.clearTimeout(this.flushHandle);
    this.flushHandle = null;
    this.heldFrom = Infinity;
  }

  pumpAll(): void {
    for (const link of this.host.links()) this.pump(link);
  }

  /** `session` becomes the one carrying our stream: start over from what the peer has. */
  attach(link: PeerLink, session: PeerSession): void {
    link.carryStreamOn(session, this.host.now());
    link.restartStream(link.peerVv.get(this.host.origin()), this.host.now());
    this.pump(link);
  }

  /** The primary session closed: carry on over another session to the same incarnation, if any. */
  primaryClosed(link: PeerLink): void {
    link.carryStreamOn(link.sessions.find((s) => s.peer?.origin === link.origin) ?? null, this.host.now());
    if (link.primary !== null) {
      link.restartStream(link.acked, this.host.now());
      this.pump(link);
    }
  }

  onAck(link: PeerLink, origin: string, seq: number, snapshotId: string | undefined): void {
    if (origin === this.host.origin()) link.onAck(seq, this.host.now());
    if (snapshotId !== undefined) link.snapshotAcked(snapshotId);
    this.pump(link);
  }

  /** The peer saw a gap in our stream: resend from what its vector says it has. */
  onResync(link: PeerLink, vv: VersionVectorPairs): void {
    if (link.snapshotting) return;
    link.peerReported(vv);
    link.restartStream(link.peerVv.get(this.host.origin()), this.host.now());
    this.pump(link);
  }

  /** Called after the peer's heartbeat, received on `session`, updated `link`. */
  onHeartbeat(link: PeerLink, session: PeerSession): void {
    if (this.snapshotLost(link, session) && peerLacksUnstreamable(link, this.host.catchUpView())) {
      link.restartStream(link.peerVv.get(this.host.origin()), this.host.now());
    } else if (link.snapshotRepeats.count > 0 && !link.snapshotting && snapshotRepaired(link, this.host.catchUpView()) && link.snapshotRepeats.end()) {
      this.host.repairStalled(link.nodeId, null);
    }
    this.pump(link);
  }

  /**
   * Whether a snapshot (whole or tail) may start to `link` now: the repeats of one repair back
   * off (see SnapshotRepeats). Counts it when it may, and returns the note for its history entry.
   */
  private snapshotMayStart(link: PeerLink): { note: string | undefined } | null {
    const now = this.host.now();
    const context = { origin: link.origin, standing: link.clockStanding };
    const gate = link.snapshotRepeats.mayStart(now, context);
    if (gate.ended) this.host.repairStalled(link.nodeId, null);
    if (!gate.ok) return null;
    const { count, nextWaitMs } = link.snapshotRepeats.started(now, context, this.host.retransmitMs);
    if (count === 1) return { note: undefined };
    const note = `snapshot ${count} for one repair: the peer still lacked state only a snapshot brings after the last one; the next waits ${nextWaitMs} ms`;
    if (count >= 3) this.host.repairStalled(link.nodeId, `peer ${link.nodeId} still lacks state after repeated snapshots: it does not take them (its clock in doubt, state stamped ahead of its clock, a full disk); each repeat waits twice as long, up to ${MAX_REPEAT_WAIT_PERIODS * this.host.retransmitMs} ms`);
    return { note };
  }

  /**
   * Does the peer's heartbeat show that state it needs never arrived? A heartbeat can be older
   * than the snapshot it seems to lack: sent before the install finished, or on another session
   * than the one carrying the snapshot. On an ordered link only the peer's ack of the last chunk
   * says the snapshot is in; until it comes, the snapshot is waited for (`patienceMs`, in case
   * the peer dropped a chunk it could not store), and after it only a heartbeat on that same
   * session, sent after the ack, tells. A lossy link keeps the plain time rule.
   */
  private snapshotLost(link: PeerLink, session: PeerSession): boolean {
    const primary = link.primary;
    if (primary === null || link.snapshotting) return false;
    const quietFor = this.host.now() - Math.max(link.snapshotAt, link.lastAckAt);
    if (primary.info.lossy === true) return quietFor > this.host.retransmitMs;
    if (link.snapshotUnacked !== null) return quietFor > this.host.patienceMs;
    return session === primary && quietFor > this.host.retransmitMs;
  }

  /** Resends what the peer has not acknowledged for too long (a snapshot being installed is waited for, see `snapshotLost`). */
  retransmitIfStalled(link: PeerLink, now: number): void {
    const patience = link.snapshotUnacked !== null && link.primary?.info.lossy !== true ? this.host.patienceMs : this.host.retransmitMs;
    if (link.primary !== null && !link.snapshotting && link.sent > link.acked && now - link.lastAckAt > patience) {
      link.restartStream(link.acked, now);
      link.startStream();
      this.pump(link);
    }
  }

  /** Sends what `link` is missing of our own operations, within the in-flight window. */
  pump(link: PeerLink): void {
    const session = link.primary;
    const { backlog, maxInFlightOps, maxBatchOps } = this.host;
    if (!this.host.sending() || session === null || link.snapshotting) return;
    if (!link.streamStarted) {
      if (needsSnapshot(link, this.host.catchUpView())) {
        if (bootstrapsFromAnother(link, this.host.now(), this.host.patienceMs)) return;
        const tail = ownPastTail(link, this.host.catchUpView());
        if (tail !== null) return this.sendTail(link, session, tail);
        return this.startSnapshot(link, session);
      }
      if (link.sent >= this.host.sendableUpTo()) return;
      const upTo = Math.min(this.host.seq(), this.host.sendableUpTo());
      if (upTo > link.sent) this.host.activity.partialResyncSent(upTo - link.sent, backlog.bytesBetween(link.sent + 1, upTo));
      session.send({ type: 'sync-start', mode: 'partial', origin: this.host.origin(), fromSeq: link.sent + 1 });
      link.startStream();
    }
    const mySeq = Math.min(this.host.seq(), this.host.sendableUpTo(), this.heldFrom - 1);
    while (link.sent < mySeq && link.sent - link.acked < maxInFlightOps) {
      if (!backlog.reachesBack(link.sent)) return this.startSnapshot(link, session);
      const room = maxInFlightOps - (link.sent - link.acked);
      const batch = backlog.slice(link.sent + 1, Math.min(room, maxBatchOps), BATCH_BYTES);
      const message: OpsMessage = batch[0].seq <= this.ackNowUpTo ? { type: 'ops', ops: batch, ackNow: true } : { type: 'ops', ops: batch };
      // An ack we owe the peer rides along instead of going as a message of its own (v3).
      const ack = session.protocol >= PROTOCOL_ACKS_ON_OPS ? this.host.acks.take(link.sessions) : undefined;
      if (ack !== undefined) message.ack = ack;
      session.send(message);
      link.sentUpTo(batch[batch.length - 1].seq);
      this.host.activity.opsSentTo(link.nodeId, batch);
    }
  }

  /**
   * A snapshot of only the writes of our earlier incarnations the peer lacks (`tail`: origin →
   * what the peer has of it), read from the store a chunk at a time like a whole one and claiming
   * only those origins; our current stream then goes on from what the peer has of it, out of the
   * backlog.
   */
  private sendTail(link: PeerLink, session: PeerSession, tail: Map<string, number>): void {
    if (!this.host.snapshotsAllowed() || this.host.peerClockBehind(link.nodeId)) return;
    const repeat = this.snapshotMayStart(link);
    if (repeat === null) return;
    const missed = (stamp: Stamp) => {
      const theirs = tail.get(stamp.hlc.node);
      return theirs !== undefined && stamp.seq > theirs;
    };
    const exported = this.host.state.exportStream(this.host.snapshotChunkEntries, missed);
    const source = {
      ...exported,
      watermark: exported.watermark !== null && missed(exported.watermark) ? exported.watermark : null,
      strategy: exported.strategy.stamp !== null && missed(exported.strategy.stamp) ? exported.strategy : { strategy: exported.strategy.strategy, stamp: null },
      vv: this.host.versionVectorPairs().filter(([origin]) => tail.has(origin)),
      // Only those origins' state travels: the receiver must not fold anything on its word.
      folded: [],
    };
    const id = `${this.host.origin()}-s${this.host.activity.tailStarted()}`;
    const upTo = link.sent;
    session.send({ type: 'sync-start', mode: 'full', origin: this.host.origin(), fromSeq: upTo + 1, snapshotId: id });
    link.snapshotStarted(id, 0, this.host.now());
    let items = 0;
    const progress = (sent: number) => {
      items = sent;
    };
    this.snapshots.send(session, id, source, () => {
      this.host.activity.tailSent(link.nodeId, items, exported.size, repeat.note);
      if (link.primary !== session) return;
      link.snapshotSent(upTo, this.host.now());
      this.pump(link);
    }, progress, (bytes) => this.host.activity.partialBytesSent(bytes));
  }

  /**
   * Sends the peer our whole state, read from the store a chunk at a time (no step walks it all):
   * it reflects the vector of this moment, joined with changes made while it is sent, except our
   * own later writes, which follow it on the stream as usual (and so stay subject to the
   * refusal rule of `sendableUpTo`). A peer whose clock is behind gets no snapshot until its
   * heartbeats show it fixed (each one pumps again): it would drop the whole snapshot, and the
   * next, every `patienceMs`.
   */
  private startSnapshot(link: PeerLink, session: PeerSession): void {
    if (!this.host.snapshotsAllowed() || this.host.peerClockBehind(link.nodeId)) return;
    const repeat = this.snapshotMayStart(link);
    if (repeat === null) return;
    const origin = this.host.origin();
    const upTo = this.host.seq();
    const vv = this.host.versionVectorPairs();
    const folded = this.host.foldedIncarnations();
    const ownUpTo = () => Math.min(upTo, this.host.sendableUpTo());
    const exported = this.host.state.exportStream(this.host.snapshotChunkEntries, (stamp) => stamp.hlc.node !== origin || stamp.seq <= ownUpTo());
    const number = this.host.activity.snapshotStarted(exported.size);
    const id = `${origin}-s${number}`;
    session.send({ type: 'sync-start', mode: 'full', origin, fromSeq: upTo + 1, snapshotId: id });
    this.host.activity.record({ type: 'full-sync-sent', peer: link.nodeId, count: exported.size, ...(repeat.note === undefined ? {} : { message: repeat.note }) });
    link.snapshotStarted(id, exported.size, this.host.now());
    const progress = (sent: number, total: number) => {
      if (link.primary === session) link.snapshotProgressed(sent, total);
    };
    const source = { ...exported, vv, folded };
    this.snapshots.send(session, id, source, () => {
      if (link.primary !== session) return;
      link.snapshotSent(upTo, this.host.now());
      this.pump(link);
    }, progress, (bytes) => this.host.activity.snapshotBytesSent(bytes));
  }
}
