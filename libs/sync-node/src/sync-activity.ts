import type { NodeProblem, Operation, PeerInfo, Repairs, SyncEvent, SyncStats } from '@meshcache/sync-protocol';
import { SyncHistory } from './sync-history.js';

type NewEvent = Omit<SyncEvent, 'id' | 'timestamp'>;

/** The parts of `stats()` that describe the node itself rather than what replication did. */
export interface StatsView {
  nodeId: string;
  origin: string;
  syncEnabled: boolean;
  nodeList: PeerInfo[];
  seq: number;
  backlogSize: number;
  backlogCapacity: number;
  backlogBytes: number;
  tombstones: number;
  tombstoneBytes: number;
  problems: NodeProblem[];
}

/**
 * What replication has done on this node: the counters behind `stats()` and the event log
 * behind `history()`, updated together so the two never disagree.
 */
export class SyncActivity {
  private readonly log: SyncHistory;
  private opsSent = 0;
  private opsReceived = 0;
  private fullSyncs = 0;
  private partialSyncs = 0;
  private snapshotsSent = 0;
  private rejectedMessages = 0;
  private forceSyncs = 0;
  private repairedKeys = 0;
  private lastSyncTime: number | null = null;
  private readonly repairs: Repairs = {
    partial: { count: 0, items: 0, bytes: 0 },
    snapshot: { count: 0, items: 0, bytes: 0 },
    antiEntropy: { count: 0, items: 0, bytes: 0 },
  };

  constructor(idPrefix: string, private readonly now: () => number) {
    this.log = new SyncHistory(idPrefix, now);
  }

  record(event: NewEvent): void {
    this.log.record(event);
  }

  history(limit: number): SyncEvent[] {
    return this.log.list(limit);
  }

  opsSentTo(peer: string, batch: Operation[]): void {
    this.opsSent += batch.length;
    this.lastSyncTime = Math.floor(this.now());
    this.recordBatch('ops-sent', peer, batch);
  }

  /** `now` is when the batch started applying, which stamps the sync time. */
  opsReceivedFrom(peer: string, applied: Operation[], now: number): void {
    this.opsReceived += applied.length;
    this.lastSyncTime = Math.floor(now);
    this.recordBatch('ops-received', peer, applied);
  }

  /** Counts a snapshot about to be sent; its number names it. */
  snapshotStarted(items: number): number {
    this.repairs.snapshot.count++;
    this.repairs.snapshot.items += items;
    return ++this.snapshotsSent;
  }

  /**
   * Counts a snapshot of only what the peer missed (the tail of an earlier incarnation of this
   * node, see `ownPastTail`): a partial repair by its cost. Its number names it, as a snapshot's.
   */
  tailStarted(): number {
    this.repairs.partial.count++;
    return ++this.snapshotsSent;
  }

  /** The tail went out: `items` of the `of` entries and tombstones this node holds. */
  tailSent(peer: string, items: number, of: number, note?: string): void {
    this.repairs.partial.items += items;
    const what = `only the writes of an earlier incarnation of this node that the peer lacked (${items} of ${of} entries and tombstones)`;
    this.record({ type: 'full-sync-sent', peer, count: items, message: note === undefined ? what : `${what}; ${note}` });
  }

  /** Bytes of a partial repair sent as snapshot chunks (a tail), as they went out. */
  partialBytesSent(bytes: number): void {
    this.repairs.partial.bytes += Math.round(bytes);
  }

  /** Bytes of a snapshot's chunks, as they went out. */
  snapshotBytesSent(bytes: number): void {
    this.repairs.snapshot.bytes += Math.round(bytes);
  }

  /** A peer's gap of `ops` operations (`bytes`) is about to be streamed from the backlog. */
  partialResyncSent(ops: number, bytes: number): void {
    this.repairs.partial.count++;
    this.repairs.partial.items += ops;
    this.repairs.partial.bytes += Math.round(bytes);
  }

  /** Differing keys sent to a peer in one step of an anti-entropy exchange. */
  antiEntropySent(items: number, bytes: number): void {
    this.repairs.antiEntropy.count++;
    this.repairs.antiEntropy.items += items;
    this.repairs.antiEntropy.bytes += Math.round(bytes);
  }

  fullSyncReceived(peer: string, entries: number): void {
    this.fullSyncs++;
    this.lastSyncTime = Math.floor(this.now());
    this.record({ type: 'full-sync-received', peer, count: entries });
  }

  partialSyncReceived(peer: string, fromSeq: number): void {
    this.partialSyncs++;
    this.record({ type: 'partial-sync', peer, message: `from seq ${fromSeq}` });
  }

  rejected(reason: string, peer?: string): void {
    this.rejectedMessages++;
    this.record({ type: 'rejected', message: reason, ...(peer === undefined ? {} : { peer }) });
  }

  forceSynced(peers: number, repairedKeys: number, differingBuckets: number): void {
    this.forceSyncs++;
    this.repairedKeys += repairedKeys;
    this.record({ type: 'force-sync', count: repairedKeys, message: `${peers} peer(s), ${differingBuckets} differing bucket(s)` });
  }

  /**
   * An anti-entropy exchange this node ran by itself, to pass on state that no version vector
   * claims (see UnclaimedState): told as a force sync with one peer, so an operator sees why
   * keys were repaired without anyone asking. Not counted in `forceSyncs` (the ones asked for).
   */
  sharedUnclaimed(peer: string, repairedKeys: number, completed: boolean): void {
    this.repairedKeys += repairedKeys;
    this.record({
      type: 'force-sync',
      peer,
      count: repairedKeys,
      message: completed
        ? 'automatic: passed on state that no version vector claims (e.g. a snapshot cut short by its sender vanishing)'
        : 'automatic exchange for state that no version vector claims did not complete; it will be tried again',
    });
  }

  stats(view: StatsView): SyncStats {
    const { nodeList } = view;
    return {
      nodeId: view.nodeId,
      origin: view.origin,
      connectedNodes: nodeList.filter((n) => n.state !== 'down').length,
      syncEnabled: view.syncEnabled,
      totalSyncOperations: this.opsSent + this.opsReceived,
      lastSyncTime: this.lastSyncTime,
      nodeList,
      lag: nodeList.reduce((max, n) => (n.state === 'down' ? max : Math.max(max, n.lag)), 0),
      seq: view.seq,
      backlogSize: view.backlogSize,
      backlogCapacity: view.backlogCapacity,
      fullSyncs: this.fullSyncs,
      partialSyncs: this.partialSyncs,
      snapshotsSent: this.snapshotsSent,
      rejectedMessages: this.rejectedMessages,
      opsSent: this.opsSent,
      opsReceived: this.opsReceived,
      backlogBytes: view.backlogBytes,
      tombstones: view.tombstones,
      tombstoneBytes: view.tombstoneBytes,
      forceSyncs: this.forceSyncs,
      repairedKeys: this.repairedKeys,
      problems: view.problems,
      repairs: {
        partial: { ...this.repairs.partial },
        snapshot: { ...this.repairs.snapshot },
        antiEntropy: { ...this.repairs.antiEntropy },
      },
    };
  }

  /** One operation is logged with its key; a larger batch only by its size. */
  private recordBatch(type: 'ops-sent' | 'ops-received', peer: string, ops: Operation[]): void {
    if (ops.length === 1) {
      const op = ops[0].op;
      this.record({ type, peer, count: 1, op: op.type, ...('key' in op ? { key: op.key } : {}) });
    } else {
      this.record({ type, peer, count: ops.length });
    }
  }
}
