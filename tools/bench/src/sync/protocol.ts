import type { ReplicaNodeOptions } from '@meshcache/sync-node';

/** The nodes' `sendWindowMs` and `ackDelayMs` (undefined: the library's defaults, 0). */
export type Batching = Pick<ReplicaNodeOptions, 'sendWindowMs' | 'ackDelayMs'>;

/** Commands the coordinator sends to a node process, and what each answers. */
export type Command =
  | { cmd: 'init'; nodeId: string; backlogSize: number; capacity: number; batching: Batching }
  | { cmd: 'connect'; peers: string[]; expectUp: number }
  | { cmd: 'write'; count: number; prefix: string; ratePerSec?: number; stamp?: boolean }
  | { cmd: 'await-count'; origin: string; target: number }
  | { cmd: 'lags'; prefix: string }
  | { cmd: 'go-away' }
  | { cmd: 'come-back'; peers: string[] }
  | { cmd: 'await-size'; size: number }
  | { cmd: 'stats' }
  | { cmd: 'exit' };

export interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

/** A wall-clock timestamp in ms with sub-ms resolution, comparable across processes. */
export const preciseNow = () => performance.timeOrigin + performance.now();
