export { ReplicaNode } from './replica-node.js';
export type { ChangeEvent, DeleteResult, Journal, JournalResult, NodeValue, PeerAddressEvent, ReplicaNodeEvents, WriteFailure, WriteResult } from './node-types.js';
export { ReadOnlyCache } from './read-only-cache.js';
export type { ReplicaCacheOptions, ReplicaNodeOptions } from './node-options.js';
export { MAX_BATCHING_DELAY_MS } from './node-options.js';
export type { EntryRecord } from './entry-store.js';
export { decodeLog, decodeRecord, encodeRecord, type DecodedLine, type DecodedLog } from './journal-record.js';
export { ProblemBoard, type Problem, type ProblemChange } from './problem-board.js';
export { SyncError, type SyncErrorCode } from './sync-error.js';
export type { LinkEnd, LinkHandle, LinkInfo } from './link.js';
export type { Timers } from './timers.js';
export {
  CLUSTER_MAX_HTTP_BUFFER_SIZE,
  CLUSTER_NAMESPACE,
  PRE_AUTH_MAX_HTTP_BUFFER_SIZE,
  attachSocketIoTransport,
  type SocketIoTransport,
  type SocketIoTransportOptions,
  type SeedPeer,
} from './transports/socket-io-transport.js';
export { MemoryNetwork, type MemoryNetworkFaults } from './transports/memory-network.js';
export { SeededScheduler } from './simulation/seeded-scheduler.js';
export { DIGEST_BUCKETS } from './digest.js';
