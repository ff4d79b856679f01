import type { Hlc, Operation, PeerMessage, SnapshotChunkMessage } from '@meshcache/sync-protocol';
import type { CacheEntryStore } from './cache-entry-store.js';
import type { HybridClock } from './hybrid-clock.js';
import type { JournalResult } from './node-types.js';
import type { PeerLink } from './peer-link.js';
import type { PeerSession } from './peer-session.js';
import type { ReplicaState } from './replica-state.js';
import { unpackState } from './snapshot-codec.js';
import type { SyncActivity } from './sync-activity.js';
import { VersionVector } from './version-vector.js';

type SyncStart = Extract<PeerMessage, { type: 'sync-start' }>;

/** What the inbound stream needs from its node. */
export interface InboundHost {
  readonly vv: VersionVector;
  readonly state: ReplicaState;
  readonly store: CacheEntryStore;
  readonly activity: SyncActivity;
  readonly retransmitMs: number;
  /** The clock is replaced once, when `restore()` picks a fresh origin. */
  clock(): HybridClock;
  /** Merges the newest timestamp of a batch of state into the clock; a message when it is too far ahead. */
  observeAll(entries: { hlc: Hlc }[], tombstones: { hlc: Hlc }[]): string | null;
  now(): number;
  /** Changes applied from here on come from a peer. */
  applying(): void;
  /** Records an operation before it is applied; a refusal means: do not apply it. */
  journal(op: Operation): JournalResult;
  emitOp(op: Operation): void;
}

/**
 * A peer's stream of its own operations, applied in sequence order with an acknowledgement per
 * batch, or the chunked snapshot it sends instead. A gap or an out-of-order chunk asks the peer
 * to resend from what this node has.
 */
export class InboundStream {
  constructor(private readonly host: InboundHost) {}

  onOps(session: PeerSession, link: PeerLink, ops: Operation[]): void {
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
      const observed = this.host.clock().observe(op.hlc);
      if (!observed.ok) {
        activity.rejected(observed.message, link.nodeId);
        break;
      }
      // Unlogged, it stays unapplied and unacknowledged: the peer sends it again later.
      if (!this.host.journal(op).ok) break;
      this.host.state.applyOperation(op, now);
      vv.set(origin, op.seq);
      this.host.emitOp(op);
      applied++;
    }
    if (applied > 0) activity.opsReceivedFrom(link.nodeId, ops.slice(0, applied), now);
    session.send({ type: 'ack', origin, seq: vv.get(origin) });
  }

  onSyncStart(session: PeerSession, link: PeerLink, message: SyncStart): void {
    if (message.mode === 'full') session.incomingSnapshot = { id: message.snapshotId ?? '', next: 0 };
    else {
      session.incomingSnapshot = null;
      this.host.activity.partialSyncReceived(link.nodeId, message.fromSeq);
    }
  }

  onSnapshotChunk(session: PeerSession, link: PeerLink, chunk: SnapshotChunkMessage): void {
    const { vv, state, activity } = this.host;
    const incoming = session.incomingSnapshot;
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
    const tooFarAhead = this.host.observeAll(unpacked.entries, unpacked.tombstones);
    if (tooFarAhead !== null) {
      activity.rejected(tooFarAhead, link.nodeId);
      session.incomingSnapshot = null;
      return;
    }
    incoming.next++;
    this.host.applying();
    const part = {
      entries: unpacked.entries,
      tombstones: unpacked.tombstones,
      watermark: chunk.watermark,
      strategy: chunk.strategy ?? { strategy: state.strategy.strategy, stamp: null },
    };
    let unlogged = false;
    state.merge(part, this.host.now(), (origin, seq) => vv.covers(origin, seq), (op) => {
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
      vv.merge(VersionVector.fromPairs(chunk.vv ?? []));
      activity.fullSyncReceived(link.nodeId, this.host.store.cache.size);
    }
    session.send({ type: 'ack', origin: link.origin ?? '', seq: vv.get(link.origin ?? '') });
  }

  /** At most one request per half retransmit period: a burst of out-of-order batches is one gap. */
  private requestResync(session: PeerSession, link: PeerLink): void {
    const now = this.host.now();
    if (!link.mayRequestResync(now, this.host.retransmitMs / 2)) return;
    session.send({ type: 'resync', vv: this.host.vv.toPairs() });
  }
}
