import type { Hlc, Operation, PeerInfo, ReplicationProblemCode } from '@meshcache/sync-protocol';
import type { ProblemChange } from './problem-board.js';

export interface ChangeEvent {
  kind: 'set' | 'delete' | 'clear' | 'strategy';
  key?: string;
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

/** A refused write changed nothing, here or on any peer. `NOT_LOGGED`: the journal could not record it. */
export type WriteResult =
  | { ok: true; hlc: Hlc; seq: number }
  | { ok: false; code: 'INVALID_KEY' | 'INVALID_VALUE' | 'INVALID_TTL' | 'TOO_LARGE' | 'INVALID_SIZE' | 'CLOSED' | 'NOT_LOGGED'; message: string };

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
  'self-url': string;
  /** A replication problem was raised, changed or cleared (see `ReplicaNode.problems()`). */
  problem: ProblemChange<ReplicationProblemCode>;
}
