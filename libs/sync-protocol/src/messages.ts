import { z } from 'zod';
import { HlcSchema, NodeIdSchema, OriginSchema } from './hlc.js';
import { CacheKeySchema, OperationSchema, StrategySchema } from './operation.js';
import { SnapshotEntrySchema, StampSchema, StrategyStateSchema, TombstoneSchema } from './snapshot.js';
import { FoldedIncarnationsSchema, VersionVectorSchema } from './version-vector.js';
import { CacheValueSchema } from './value-depth.js';

const PeerUrlSchema = z.string().max(2048).regex(/^https?:\/\/\S+$/, 'peer url must be http(s)://host:port');

const NonceSchema = z.string().regex(/^[0-9a-f]{32}$/);
const ProofSchema = z.string().regex(/^[0-9a-f]{64}$/);
const ProtocolSchema = z.number().int().positive();

/**
 * Handshake, step 1 (dialer → acceptor): the protocol versions the dialer speaks and a fresh
 * challenge. Nothing about the dialer: it has proven nothing yet. (A v1 node's hello also
 * carried its id, origin and url; those fields are ignored, and it is refused by version.)
 */
export const HelloMessageSchema = z.object({
  type: z.literal('hello'),
  /** Lowest version spoken. */
  protocol: ProtocolSchema,
  /** Highest version spoken (v1 nodes send no range: `protocol` only). */
  maxProtocol: ProtocolSchema.optional(),
  nonce: NonceSchema,
});

/** Step 2 (acceptor → dialer): the version both speak (the highest common one) and the acceptor's challenge. */
export const ChallengeMessageSchema = z.object({ type: z.literal('challenge'), protocol: ProtocolSchema, nonce: NonceSchema });

/**
 * Step 3 (dialer → acceptor): who the dialer is, and `proof` = HMAC-SHA256(cluster secret) over
 * the version, the direction `client`, both nonces and the dialer's id and origin (see
 * docs/SECURITY.md). The acceptor says nothing about itself until this proof checks out.
 */
export const ProveMessageSchema = z.object({ type: z.literal('prove'), nodeId: NodeIdSchema, origin: OriginSchema, proof: ProofSchema });

/** What each side tells the other once the other has proven the secret. */
const SessionInfoShape = {
  url: PeerUrlSchema.nullable(),
  /** What the sender has applied. */
  vv: VersionVectorSchema,
  /** The sender holds nobody else's writes yet and asks this peer (and only this one) for a snapshot. */
  wantsSnapshot: z.boolean(),
  /** The incarnations the sender folded out of `vv` (absent from older senders, which fold none). */
  folded: FoldedIncarnationsSchema.optional(),
};

/**
 * Step 4 (acceptor → dialer): the acceptor's identity and its proof over the direction `server`,
 * both nonces and both ids and origins, with its session information.
 */
export const WelcomeMessageSchema = z.object({ type: z.literal('welcome'), nodeId: NodeIdSchema, origin: OriginSchema, proof: ProofSchema, ...SessionInfoShape });

/** Step 5 (dialer → acceptor), once the acceptor's proof checked out: the dialer's session information. */
export const IntroMessageSchema = z.object({ type: z.literal('intro'), ...SessionInfoShape });

export const RejectCodeSchema = z.enum(['PROTOCOL_VERSION', 'AUTH_FAILED', 'BAD_MESSAGES', 'SAME_NODE_ID', 'DUPLICATE_NODE_ID', 'HANDSHAKE_TIMEOUT', 'TOO_MANY_HANDSHAKES']);
export type RejectCode = z.infer<typeof RejectCodeSchema>;
/** Sent before closing a link that will not be accepted; `message` is meant for the operator. */
export const RejectMessageSchema = z.object({ type: z.literal('reject'), code: RejectCodeSchema, message: z.string().max(1000) });

/** How the sender will bring the receiver up to date with the sender's own operations. */
export const SyncStartMessageSchema = z.object({
  type: z.literal('sync-start'),
  mode: z.enum(['partial', 'full']),
  origin: OriginSchema,
  fromSeq: z.number().int().nonnegative(),
  snapshotId: z.string().max(64).optional(),
});

/** What an ack says: the sender has applied every operation of `origin` up to `seq`. */
export const AckedSchema = z.object({ origin: OriginSchema, seq: z.number().int().nonnegative() });

/**
 * Consecutive operations of one origin, in sequence order. `ackNow`: a writer waits for this
 * batch's acknowledgement (`waitForAcks`), so the receiver acknowledges at once instead of after
 * its ack delay (nodes without an ack delay, older ones included, always do). `ack` (protocol
 * v3): an acknowledgement of the receiver's own operations riding on the batch, the same as an
 * `ack` message without `snapshotId`; it saves the message of its own.
 */
export const OpsMessageSchema = z.object({
  type: z.literal('ops'),
  ops: z.array(OperationSchema).min(1).max(20_000),
  ackNow: z.literal(true).optional(),
  ack: AckedSchema.optional(),
});

/** The receiver has applied every operation of `origin` up to `seq`. */
export const AckMessageSchema = AckedSchema.extend({
  type: z.literal('ack'),
  /** On the ack of a snapshot's last chunk: the snapshot is installed (older nodes ignore it). */
  snapshotId: z.string().max(64).optional(),
});

/** Restart the stream after a gap: send again from what this version vector says I have. */
export const ResyncMessageSchema = z.object({ type: z.literal('resync'), vv: VersionVectorSchema });

const Count = z.number().int().nonnegative();

/**
 * A snapshot entry in compact form: `[key, value, originIndex, wall, logical, seq, expiresAt]`
 * (`originIndex` into the chunk's `origins`, `expiresAt` 0 for none). Snapshots are the largest
 * thing nodes send; tuples halve their size and parse time compared with objects.
 */
export const PackedEntrySchema = z.tuple([CacheKeySchema, CacheValueSchema, Count, Count, Count, z.number().int().positive(), Count]);
export type PackedEntry = z.infer<typeof PackedEntrySchema>;
/** A tombstone in compact form: `[key, originIndex, wall, logical, seq]`. */
export const PackedTombstoneSchema = z.tuple([CacheKeySchema, Count, Count, Count, z.number().int().positive()]);
export type PackedTombstone = z.infer<typeof PackedTombstoneSchema>;

/** A piece of a full snapshot; the last piece carries the version vector the snapshot reflects. */
export const SnapshotChunkMessageSchema = z.object({
  type: z.literal('snapshot-chunk'),
  snapshotId: z.string().max(64),
  index: z.number().int().nonnegative(),
  last: z.boolean(),
  origins: z.array(OriginSchema).max(10_000),
  entries: z.array(PackedEntrySchema).max(50_000),
  tombstones: z.array(PackedTombstoneSchema).max(50_000),
  watermark: StampSchema.nullable(),
  strategy: StrategyStateSchema.nullable(),
  vv: VersionVectorSchema.nullable(),
  /** On the last chunk: the incarnations the sender folded; the receiver, now holding their state, folds them too. */
  folded: FoldedIncarnationsSchema.optional(),
});

/** How far a node's own clock is vouched for by its peers (see `HeartbeatMessageSchema.clockStanding`). */
export const ClockStandingSchema = z.enum(['confirmed', 'unconfirmed', 'jumped']);
export type ClockStanding = z.infer<typeof ClockStandingSchema>;

/** Liveness plus what the dashboard's node list and tombstone collection need to know. */
export const HeartbeatMessageSchema = z.object({
  type: z.literal('heartbeat'),
  hlc: HlcSchema,
  seq: z.number().int().nonnegative(),
  vv: VersionVectorSchema,
  strategy: StrategySchema,
  size: z.number().int().nonnegative(),
  capacity: z.number().int().positive(),
  /** Every node id the sender knows to be part of the cluster (tombstones wait for all of them). */
  members: z.array(NodeIdSchema).max(1000),
  /** As in `welcome` / `intro`: the sender still waits for its first snapshot, from the receiver. */
  wantsSnapshot: z.boolean(),
  /**
   * The sender's physical clock (ms since the epoch) when it sent this heartbeat: the receiver
   * compares it with its own to tell which clock is out of bounds. Optional for older senders.
   */
  clock: z.number().int().nonnegative().optional(),
  /**
   * How far the sender's own clock is vouched for: `confirmed` (a peer agreed with it since it
   * started, and it has not jumped since without enough peers confirming), `unconfirmed` (no peer
   * has agreed since it started) or `jumped` (it jumped and is not confirmed yet). A clock that
   * is itself in doubt confirms no one's jump (two hosts set off together vouched for each other).
   * Optional for older senders (read as `confirmed`).
   */
  clockStanding: ClockStandingSchema.optional(),
  /**
   * The sender has had no live link to any peer for longer than its tombstone grace: it will
   * replace its older state from a peer that was not cut off (see docs/CONSISTENCY.md).
   */
  isolated: z.boolean().optional(),
  /**
   * Wall time (ms) at or below which the sender has forgotten deletes (collected tombstones): a
   * peer replacing its state from the sender drops what it holds from before then.
   */
  floor: z.number().int().nonnegative().optional(),
  /** As in `welcome` / `intro`: the incarnations the sender folded out of `vv`. */
  folded: FoldedIncarnationsSchema.optional(),
  /** The sender's sync is turned off: its writes wait until it is turned on (peers show it paused). */
  paused: z.boolean().optional(),
  /**
   * The stamp of the oldest of the sender's writes the receiver has not been sent because the
   * sender's sync is (or was, until the receiver acknowledges them) turned off. The receiver keeps
   * tombstones stamped at or after it: collecting one would raise its floor past those writes,
   * which would then be taken for beaten when they arrive (see docs/CONSISTENCY.md).
   */
  holding: HlcSchema.optional(),
  /** The origin of every member the sender is linked to now: folds wait until all members name the same live incarnation. */
  live: z.array(OriginSchema).max(1000).optional(),
});

/**
 * The receiver's clock and the sender's differ by more than the receiver's `maxClockOffsetMs`.
 * `aheadMs` is how far the sender's clock is ahead of the receiver's (negative: behind). When
 * `origin` is set, the receiver refused that origin's operations from `seq` on, for good.
 */
export const ClockSkewMessageSchema = z.object({
  type: z.literal('clock-skew'),
  aheadMs: z.number().int(),
  maxOffsetMs: z.number().int().nonnegative(),
  origin: OriginSchema.nullable(),
  seq: z.number().int().nonnegative(),
});

export const PeerAddressSchema = z.object({ nodeId: NodeIdSchema, url: PeerUrlSchema });
export type PeerAddress = z.infer<typeof PeerAddressSchema>;
/** Gossip: the peers the sender knows an address for. */
export const PeersMessageSchema = z.object({ type: z.literal('peers'), peers: z.array(PeerAddressSchema).max(1000) });

/** Anti-entropy, step 1: a hash per bucket of (key, timestamp) over entries and tombstones. */
/**
 * The stamps of state that is no key: the sender's clear watermark and strategy. Anti-entropy
 * carries them both ways (in the digest and the first `repair-keys` piece), so a clear or a
 * switch that no version vector claims still reaches every node. Optional for older senders.
 */
const AntiEntropyMarks = {
  watermark: StampSchema.nullable().optional(),
  strategy: StrategyStateSchema.optional(),
};

export const DigestMessageSchema = z.object({
  type: z.literal('digest'),
  requestId: z.string().max(64),
  buckets: z.array(z.number().int().nonnegative()).max(65_536),
  ...AntiEntropyMarks,
});

/**
 * Anti-entropy, step 2: the digest's receiver lists `[key, hash]` of its entries and tombstones
 * in the buckets whose hashes differ, so the initiator can tell exactly which keys differ.
 */
export const RepairKeysMessageSchema = z.object({
  type: z.literal('repair-keys'),
  requestId: z.string().max(64),
  buckets: z.array(z.number().int().nonnegative()).max(65_536),
  facts: z.array(z.tuple([CacheKeySchema, z.number().int().nonnegative()])).max(20_000),
  /** Facts come in pieces; this is the last. */
  done: z.boolean(),
  ...AntiEntropyMarks,
});

/** Anti-entropy, step 3: the keys whose state the initiator wants from the other side. */
export const RepairWantMessageSchema = z.object({
  type: z.literal('repair-want'),
  requestId: z.string().max(64),
  keys: z.array(CacheKeySchema).max(20_000),
  done: z.boolean(),
});

/**
 * Anti-entropy, step 4: the state of differing keys, in pieces — `return` from the initiator,
 * `reply` (to `repair-want`) from the other side; `done` marks the last piece of each.
 */
export const RepairMessageSchema = z.object({
  type: z.literal('repair'),
  requestId: z.string().max(64),
  step: z.enum(['reply', 'return']),
  entries: z.array(SnapshotEntrySchema).max(50_000),
  tombstones: z.array(TombstoneSchema).max(50_000),
  done: z.boolean(),
});

export const RepairDoneMessageSchema = z.object({
  type: z.literal('repair-done'),
  requestId: z.string().max(64),
  repairedKeys: z.number().int().nonnegative(),
});

/**
 * From v4, every message after the handshake travels in this envelope: `n` counts the sender's
 * messages on the session from 1 without gaps, `mac` is HMAC-SHA256 under the session key over
 * the direction, `n` and `m`, the message's JSON text (sync-node's handshake-proof.ts). A relay
 * can drop or delay messages but neither forge, alter, reorder nor replay one. `m` is text, not
 * an object: the MAC covers the bytes as sent, and the message is serialized once (an object
 * serialized again for its MAC on both ends cost up to a fifth of the replication throughput).
 */
export const SealedEnvelopeSchema = z.object({ type: z.literal('sealed'), n: z.number().int().positive(), mac: ProofSchema, m: z.string() });
export type SealedEnvelope = z.infer<typeof SealedEnvelopeSchema>;

export const PeerMessageSchema = z.discriminatedUnion('type', [
  HelloMessageSchema,
  ChallengeMessageSchema,
  ProveMessageSchema,
  WelcomeMessageSchema,
  IntroMessageSchema,
  RejectMessageSchema,
  SyncStartMessageSchema,
  OpsMessageSchema,
  AckMessageSchema,
  ResyncMessageSchema,
  SnapshotChunkMessageSchema,
  HeartbeatMessageSchema,
  PeersMessageSchema,
  DigestMessageSchema,
  RepairKeysMessageSchema,
  RepairWantMessageSchema,
  RepairMessageSchema,
  RepairDoneMessageSchema,
  ClockSkewMessageSchema,
]);
export type PeerMessage = z.infer<typeof PeerMessageSchema>;
export type PeerMessageType = PeerMessage['type'];
export type HelloMessage = z.infer<typeof HelloMessageSchema>;
export type ChallengeMessage = z.infer<typeof ChallengeMessageSchema>;
export type ProveMessage = z.infer<typeof ProveMessageSchema>;
export type WelcomeMessage = z.infer<typeof WelcomeMessageSchema>;
export type IntroMessage = z.infer<typeof IntroMessageSchema>;
/** What a peer tells about itself once the handshake is done. */
export type SessionInfo = Pick<IntroMessage, 'url' | 'vv' | 'wantsSnapshot' | 'folded'>;
export type OpsMessage = z.infer<typeof OpsMessageSchema>;
export type Acked = z.infer<typeof AckedSchema>;
export type SnapshotChunkMessage = z.infer<typeof SnapshotChunkMessageSchema>;
export type HeartbeatMessage = z.infer<typeof HeartbeatMessageSchema>;
export type ClockSkewMessage = z.infer<typeof ClockSkewMessageSchema>;
export type DigestMessage = z.infer<typeof DigestMessageSchema>;
export type RepairMessage = z.infer<typeof RepairMessageSchema>;
export type RepairKeysMessage = z.infer<typeof RepairKeysMessageSchema>;
export type RepairWantMessage = z.infer<typeof RepairWantMessageSchema>;
