import type { FoldedIncarnations, Operation, PeerMessage, SnapshotChunkMessage } from '@meshcache/sync-protocol';
import type { CacheEntryStore } from './cache-entry-store.js';
import type { ClockGuard } from './clock-guard.js';
import type { DelayedAcks } from './delayed-acks.js';
import type { JournalResult } from './node-types.js';
import type { PeerLink } from './peer-link.js';
import type { PeerSession } from './peer-session.js';
import type { ReplicaState } from './replica-state.js';
import { unpackState } from './snapshot-codec.js';
import type { SyncActivity } from './sync-activity.js';
import { VersionVector } from './version-vector.js';

type SyncStart = Extract<PeerMessage, { type: 'sync-start' }>;

/** Longest wait, in retransmit periods, between two resync requests while our journal refuses a stream. */
const MAX_REFUSED_RESYNC_GAP = 30;

/** What the inbound stream needs from its node. */
export interface InboundHost {
  readonly vv: VersionVector;
  readonly state: ReplicaState;
  readonly store: CacheEntryStore;
  readonly activity: SyncActivity;
  readonly retransmitMs: number;
  readonly guard: ClockGuard;
  /** Where the acks of operation batches go (held up to the node's `ackDelayMs`). */
  readonly acks: DelayedAcks;
  /** Wall ms, to tell whether a TTL already ran out. */
  now(): number;
  /** Monotonic ms, for the resync rate limit. */
  monotonic(): number;
  /** Tells the peer on `session` that `origin` is refused from some seq (at most once per retransmit period). */
  remindRefusal(session: PeerSession, link: PeerLink, origin: string): void;
  /** True while this node replaces its state: merges must not skip what it once applied. */
  replacing(): boolean;
  /** A full snapshot finished installing, or a peer found only its own operations missing. */
  refilled(): void;
  /** A snapshot from `from` finished installing and its vector was claimed. */
  snapshotInstalled(from: string): void;
  /** The snapshot's sender folded these incarnations; this node, holding their state now, folds them too. */
  adoptFolds(folded: FoldedIncarnations): void;
  /** Changes applied from here on come from a peer. */
  applying(): void;
  /** Records an operation before it is applied; a refusal means: do not apply it. */
  journal(op: Operation): JournalResult;
  emitOp(op: Operation): void;
}

/**
 * A peer's stream of its own operations, applied in sequence order and acknowledged (one ack per
 * batch, or one per `ackDelayMs` for the batches of that time), or the chunked snapshot it sends
 * instead. A gap or an out-of-order chunk asks the peer to resend from what this node has.
 */
export class InboundStream {
  constructor(private readonly host: InboundHost) {}

  /** `ackNow`: a writer on the peer waits for this batch's ack (see DelayedAcks). */
  onOps(session: PeerSession, link: PeerLink, ops: Operation[], ackNow = false): void {
    const { vv, activity } = this.host;
    const origin = ops[0].origin;
    if (origin !== link.origin) {
      activity.rejected(`operations of ${origin} on the link of ${link.origin}`, link.nodeId);
      return;
    }
    const now = this.host.now();
    this.host.applying();
    let applied = 0;
    for (const op of ops) {
      const have = vv.get(origin);
      if (op.origin !== origin || op.hlc.node !== origin) {
        activity.rejected('operation batch mixes origins', link.nodeId);
        break;
      }
      if (op.seq <= have) continue;
      if (op.seq > have + 1) {
        this.requestResync(session, link);
        break;
      }
      if (this.host.guard.refuses(origin, op.seq)) {
        this.host.remindRefusal(session, link, origin);
        break;
      }
      const admitted = this.host.guard.admit(origin, op.seq, op.hlc);
      if (!admitted.ok) {
        if (admitted.why === 'refused') this.host.remindRefusal(session, link, origin);
        break;
      }
      // Unlogged, it stays unapplied and unacknowledged: the peer sends it again later.
      if (!this.host.journal(op).ok) {
        link.journalRefused();
        break;
      }
      link.journalAccepted();
      this.host.state.applyOperation(op, now);
      vv.set(origin, op.seq);
      this.host.emitOp(op);
      applied++;
    }
    if (applied > 0) activity.opsReceivedFrom(link.nodeId, ops.slice(0, applied), now);
    this.host.acks.owe(session, origin, ackNow);
  }

  /**
   * A full snapshot is taken only when this node asked for one: it lacks operations the sender
   * reported having (in its handshake or last heartbeat, or its own up to the snapshot's
   * `fromSeq`), which is what makes the sender choose a snapshot. The snapshot is bound to this session, and its chunks to this request.
   */
  onSyncStart(session: PeerSession, link: PeerLink, message: SyncStart): void {
    if (message.mode === 'full') {
      // The sender's own operations up to `fromSeq - 1` are in it: we may lack those even if its last heartbeat did not show them yet.
      const lacksSendersOwn = message.origin === link.origin && this.host.vv.get(message.origin) < message.fromSeq - 1;
      if (!lacksSendersOwn && !this.lacksAnythingOf(link)) {
        session.incomingSnapshot = null;
        this.host.activity.rejected('unrequested snapshot: this node lacks nothing the peer reported having', link.nodeId);
        return;
      }
      session.incomingSnapshot = { id: message.snapshotId ?? '', next: 0 };
    } else {
      session.incomingSnapshot = null;
      this.host.activity.partialSyncReceived(link.nodeId, message.fromSeq);
      this.host.refilled();
    }
  }

  onSnapshotChunk(session: PeerSession, link: PeerLink, chunk: SnapshotChunkMessage): void {
    const { vv, state, activity } = this.host;
    const incoming = session.incomingSnapshot;
    // The rest of a snapshot this node could not take: asking for it again would only repeat it.
    if (incoming?.dropped === true && incoming.id === chunk.snapshotId) return;
    if (incoming === null || incoming.id !== chunk.snapshotId || incoming.next !== chunk.index) {
      session.incomingSnapshot = null;
      this.requestResync(session, link);
      return;
    }
    const unpacked = unpackState(chunk);
    if (unpacked === null) {
      activity.rejected('snapshot chunk refers to an origin it does not list', link.nodeId);
      session.incomingSnapshot = null;
      return;
    }
    const part = this.host.guard.screen({
      entries: unpacked.entries,
      tombstones: unpacked.tombstones,
      watermark: chunk.watermark,
      strategy: chunk.strategy ?? { strategy: state.strategy.strategy, stamp: null },
    });
    if (part === null) {
      // Our own clock is the suspect: take nothing of this snapshot. Its sender repeats it, less
      // and less often (SnapshotRepeats), until our clock is confirmed and we can judge stamps.
      session.incomingSnapshot = { id: chunk.snapshotId, next: chunk.index + 1, dropped: true };
      activity.rejected('snapshot not taken: it holds state stamped beyond the bound ahead of this node\'s clock, which is in doubt itself; taken once the clock is confirmed', link.nodeId);
      return;
    }
    incoming.next++;
    this.host.applying();
    const seen = this.host.replacing() ? undefined : (origin: string, seq: number) => vv.covers(origin, seq);
    let unlogged = false;
    state.merge(part, this.host.now(), seen, (op) => {
      if (!this.host.journal(op).ok) unlogged = true;
      this.host.emitOp(op);
    });
    if (unlogged) {
      // The chunk's state is in memory but not all on disk: never claim the snapshot's vector.
      session.incomingSnapshot = null;
      return;
    }
    if (chunk.last) {
      session.incomingSnapshot = null;
      vv.merge(VersionVector.fromPairs(this.host.guard.claimable(chunk.vv ?? [])));
      this.host.adoptFolds(chunk.folded ?? []);
      activity.fullSyncReceived(link.nodeId, this.host.store.cache.size);
      this.host.refilled();
      this.host.snapshotInstalled(link.nodeId);
    }
    // The last chunk's ack names the snapshot: the sender then knows it is installed.
    this.host.acks.settle(session);
    session.send({ type: 'ack', origin: link.origin ?? '', seq: vv.get(link.origin ?? ''), ...(chunk.last ? { snapshotId: chunk.snapshotId } : {}) });
  }

  private lacksAnythingOf(link: PeerLink): boolean {
    const { vv } = this.host;
    for (const [origin, seq] of link.peerVv.toPairs()) if (!vv.covers(origin, seq)) return true;
    return false;
  }

  /**
   * At most one request per half retransmit period: a burst of out-of-order batches is one gap.
   * While our journal refuses the peer's operations (a full disk), the gap is ours: the requests
   * back off (each resent stream was refused again, a partial resync logged on both sides once a
   * second for as long as the disk stayed full) up to MAX_REFUSED_RESYNC_GAP periods, and
   * {@link journalResumed} asks at once when the journal takes writes again.
   */
  private requestResync(session: PeerSession, link: PeerLink): void {
    const now = this.host.monotonic();
    if (!link.mayRequestResync(now, this.host.retransmitMs / 2, this.host.retransmitMs * MAX_REFUSED_RESYNC_GAP)) return;
    session.send({ type: 'resync', vv: this.host.vv.toPairs() });
  }

  /** Our journal takes writes again: every peer whose stream it refused is asked to resend now. */
  journalResumed(links: Iterable<PeerLink>): void {
    for (const link of links) {
      const session = link.primary ?? link.sessions.find((s) => s.isUp);
      if (link.journalProbes === null || session === undefined) continue;
      link.resetResyncLimit();
      this.requestResync(session, link);
    }
  }
}
