import type { Hlc, Operation, PeerInfo, ReplicationProblemCode } from '@meshcache/sync-protocol';
import type { ProblemChange } from './problem-board.js';

export interface ChangeEvent {
  kind: 'set' | 'delete' | 'clear' | 'strategy';
  key?: string;
  /** For `set`: the key was not live here before (an insertion, not an overwrite), so a key index adds it. */
  created?: boolean;
  source: 'local' | 'remote';
}

export interface NodeValue {
  value: unknown;
  /** Wall-clock ms of the write that produced the value (its HLC wall time). */
  updatedAt: number;
  accessCount: number;
  expiresAt?: number;
  /** The stamp of that write: the entry's version, unique across the cluster. */
  hlc: Hlc;
}

/**
 * `ok` only when the write was applied here and will be replicated; a refused write changed
 * nothing, here or on any peer. `NOT_LOGGED`: the journal could not record it. `CLOCK_SKEW`:
 * this node's clock is out of bounds with its peers (they would refuse the write).
 */
export type WriteResult =
  | { ok: true; hlc: Hlc; seq: number }
  | { ok: false; code: 'INVALID_KEY' | 'INVALID_VALUE' | 'INVALID_TTL' | 'TOO_LARGE' | 'INVALID_SIZE' | 'CLOSED' | 'NOT_LOGGED' | 'CLOCK_SKEW'; message: string };
export type WriteFailure = Extract<WriteResult, { ok: false }>;

/** `delete` also says whether the key was present here, and the sequence number of its operation. */
export type DeleteResult = { ok: true; existed: boolean; seq: number } | WriteFailure;

export type JournalResult = { ok: true } | { ok: false; message: string };

/**
 * Durable record of operations (an append-only log), see `ReplicaNode.setJournal`. Returns once
 * the operation is recorded, or says why it could not be: then the node does not apply it.
 */
export type Journal = (operation: Operation) => JournalResult;

export interface PeerAddressEvent {
  nodeId: string;
  url: string;
}

/** What each event of `ReplicaNode.on`/`off` passes to its listeners. */
export interface ReplicaNodeEvents {
  change: ChangeEvent;
  nodes: PeerInfo[];
  op: Operation;
  'peer-address': PeerAddressEvent;
  /** An address no longer worth dialing: its node was forgotten or moved. */
  'peer-forgotten': PeerAddressEvent;
  'self-url': string;
  /** A replication problem was raised, changed or cleared (see `ReplicaNode.problems()`). */
  problem: ProblemChange<ReplicationProblemCode>;
  /**
   * The node dropped state it may not keep (a clock fault's future stamps, a long isolation) and
   * takes the rest from a peer. The drop is not an operation: a journal that persists the node
   * must take a snapshot now, or a restart brings the dropped state back from the log.
   */
  'state-replaced': { reason: string };
  /**
   * A peer's snapshot finished installing and its vector is claimed. The claim is no operation:
   * a restart replays the log's operations and claims only gap-free runs of sequence numbers, so
   * a journal that persists the node must take a snapshot now. Otherwise a restarted node holds
   * state it does not claim, and once that state's origin is gone for good no peer ever sends it
   * on (simulation seed 14258: a strategy switch reached 2 of 3 nodes).
   */
  'snapshot-installed': { from: string };
}
