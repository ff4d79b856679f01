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

export type WriteResult = { ok: true } | { ok: false; code: 'INVALID_KEY' | 'INVALID_VALUE' | 'INVALID_TTL' | 'TOO_LARGE' | 'INVALID_SIZE' | 'CLOSED'; message: string };

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
