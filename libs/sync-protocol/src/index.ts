export { PROTOCOL_ACKS_ON_OPS, PROTOCOL_MIN_VERSION, PROTOCOL_SEALED, PROTOCOL_VERSION, negotiateProtocol } from './version.js';
export type { ProtocolRange } from './version.js';
export { HlcSchema, NodeIdSchema, OriginSchema, compareHlc, compareHlcParts, nodeIdOfOrigin } from './hlc.js';
export type { Hlc } from './hlc.js';
export { FoldedIncarnationsSchema, VersionVectorSchema } from './version-vector.js';
export type { FoldedIncarnations, VersionVectorPairs } from './version-vector.js';
export {
  CacheKeySchema,
  ClearOpSchema,
  DeleteOpSchema,
  OpSchema,
  OperationSchema,
  SetOpSchema,
  StrategyOpSchema,
  StrategySchema,
} from './operation.js';
export type { DeleteOp, Op, OpType, Operation, SetOp, Strategy } from './operation.js';
/** The strategy table itself, for the contracts built on this protocol (names and one-line summaries). */
export { STRATEGIES, STRATEGY_SUMMARIES } from '@meshcache/cache-core';
export { CacheValueSchema, MAX_VALUE_DEPTH, nestsDeeperThan } from './value-depth.js';
export { NodeSnapshotSchema, SnapshotEntrySchema, StampSchema, StrategyStateSchema, TombstoneSchema } from './snapshot.js';
export type { NodeSnapshot, NodeSnapshotInput, SnapshotEntry, Stamp, StrategyState, Tombstone } from './snapshot.js';
export {
  AckMessageSchema,
  ClockSkewMessageSchema,
  ClockStandingSchema,
  ChallengeMessageSchema,
  IntroMessageSchema,
  ProveMessageSchema,
  WelcomeMessageSchema,
  DigestMessageSchema,
  HeartbeatMessageSchema,
  HelloMessageSchema,
  OpsMessageSchema,
  PackedEntrySchema,
  PackedTombstoneSchema,
  PeerAddressSchema,
  PeerMessageSchema,
  PeersMessageSchema,
  SealedEnvelopeSchema,
  RejectCodeSchema,
  RejectMessageSchema,
  RepairDoneMessageSchema,
  RepairKeysMessageSchema,
  RepairMessageSchema,
  RepairWantMessageSchema,
  ResyncMessageSchema,
  SnapshotChunkMessageSchema,
  SyncStartMessageSchema,
} from './messages.js';
export type {
  Acked,
  ClockSkewMessage,
  ClockStanding,
  ChallengeMessage,
  IntroMessage,
  ProveMessage,
  SessionInfo,
  WelcomeMessage,
  DigestMessage,
  HeartbeatMessage,
  HelloMessage,
  OpsMessage,
  PackedEntry,
  PackedTombstone,
  PeerAddress,
  PeerMessage,
  PeerMessageType,
  RejectCode,
  RepairKeysMessage,
  RepairMessage,
  RepairWantMessage,
  SealedEnvelope,
  SnapshotChunkMessage,
} from './messages.js';
export {
  ForceSyncResultSchema,
  PeerInfoSchema,
  PeerStateSchema,
  SyncEventSchema,
  SyncEventTypeSchema,
  SyncStatsSchema,
  RepairTallySchema,
  RepairsSchema,
} from './status.js';
export type { ForceSyncResult, PeerInfo, PeerState, RepairTally, Repairs, SyncEvent, SyncEventType, SyncStats } from './status.js';
export { NodeProblemSchema, ReplicationProblemCodeSchema } from './problems.js';
export type { NodeProblem, ReplicationProblemCode } from './problems.js';
