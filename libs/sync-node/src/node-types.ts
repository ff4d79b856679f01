import type { Operation, PeerInfo, ReplicationProblemCode } from '@meshcache/sync-protocol';
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
}

/**
 * `ok` only when the write was applied here and will be replicated. `CLOCK_SKEW`: this node's
 * clock is out of bounds with its peers (they would refuse the write), retry on another node.
 */
export type WriteResult =
  | { ok: true }
  | { ok: false; code: 'INVALID_KEY' | 'INVALID_VALUE' | 'INVALID_TTL' | 'TOO_LARGE' | 'INVALID_SIZE' | 'CLOSED' | 'CLOCK_SKEW'; message: string };
export type WriteFailure = Extract<WriteResult, { ok: false }>;

/** `delete` also says whether the key was present here. */
export type DeleteResult = { ok: true; existed: boolean } | WriteFailure;


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
}
