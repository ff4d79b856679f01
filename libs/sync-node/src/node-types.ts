import type { Operation, PeerInfo } from '@meshcache/sync-protocol';

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

/** Something an operator should fix, as `/health` lists it. */
export interface NodeProblem {
  code: 'clock-skew';
  message: string;
  /** When it began (ms since the epoch). */
  since: number;
  peer?: string;
}

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
  /** The list of problems changed (also emitted when it becomes empty). */
  problems: NodeProblem[];
}
