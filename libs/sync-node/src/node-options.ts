import { STRATEGIES, type EvictionReason, type Strategy } from '@meshcache/cache-core';
import { NodeIdSchema, PROTOCOL_MIN_VERSION, PROTOCOL_VERSION, type ProtocolRange } from '@meshcache/sync-protocol';
import { z } from 'zod';
import { RECENT_WRITES } from './recent-writes.js';
import { SyncError } from './sync-error.js';
import type { Timers } from './timers.js';

export interface ReplicaCacheOptions {
  capacity: number;
  strategy?: Strategy;
  /** Byte budget of the cache; requires `sizeOf`. */
  maxBytes?: number;
  sizeOf?: (value: unknown, key: string) => number;
  /** TTL given to writes made on this node without their own `ttlMs` (replicated with them). */
  ttlMs?: number;
  /** Called for every entry leaving the cache, with the user's value. */
  onEvict?: (key: string, value: unknown, reason: EvictionReason) => void;
}

export interface ReplicaNodeOptions {
  nodeId: string;
  cache: ReplicaCacheOptions;
  /** Shared by every node of the cluster; never sent over the wire. Unset means empty. */
  clusterSecret?: string;
  /** Own operations kept for partial resync (default 10 000). */
  backlogSize?: number;
  /** Approximate bytes the backlog may hold; the oldest operations leave first (default 64 MiB). */
  backlogMaxBytes?: number;
  /**
   * Writes remembered (key and stamp) so a clear applies without a pass over the keys (default
   * 8192, `RECENT_WRITES`); a clear arriving after more newer writes is swept in steps.
   */
  recentWrites?: number;
  /** Slots such a sweep looks at per turn of the event loop (default 4096: about a millisecond). */
  clearSweepSlots?: number;
  /** Physical clock in ms since the epoch (default `Date.now`). */
  now?: () => number;
  /**
   * A clock that never jumps, in ms from any origin, to notice `now` jumping (default
   * `performance.now`; with a custom `now`, `now` itself, which disables the check).
   */
  monotonicNow?: () => number;
  /** Largest accepted lead of a peer's clock over ours, in ms (default 60 000). */
  maxClockOffsetMs?: number;
  /**
   * Refuse writes (`CLOCK_SKEW`) after a start until a peer's heartbeat has confirmed this
   * node's clock, when it knows of any peer (default false: a node restarted alone accepts
   * writes at once, which its peers refuse if its clock was out of bounds).
   */
  requireClockConfirmation?: boolean;
  /** Interval of heartbeats and housekeeping (default 1000 ms). */
  heartbeatMs?: number;
  /** A peer silent this long is `suspect` (default 3 × heartbeatMs). */
  suspectAfterMs?: number;
  /** A link silent this long is closed and the peer is `down` (default 10 × heartbeatMs). */
  downAfterMs?: number;
  /** Resend unacknowledged operations after this long without an ack (default 2 × heartbeatMs). */
  retransmitMs?: number;
  /** Largest operation batch (default 1000 operations or about 512 KiB). */
  maxBatchOps?: number;
  /**
   * The least time between two batches of this node's new writes to its peers (default 0: each
   * loop turn's writes go after the current work, one batch per turn). A write that comes this
   * long or longer after the last batch is sent as with 0; one that comes sooner waits for the
   * window to end, and the writes made meanwhile join its batch. Each batch is one message, one
   * frame and one acknowledgement per peer: at a few hundred writes/s, writes are milliseconds
   * apart, so without a window nearly every write is its own batch. It adds at most this much to
   * a write's replication delay, and only under a stream of writes; a write whose client waits
   * for peers' acknowledgements (`waitForAcks`) is sent at once.
   */
  sendWindowMs?: number;
  /**
   * How long an acknowledgement of a peer's operations may wait for more of its batches to
   * acknowledge them all at once (default 0: one ack per batch, sent at once). An ack is a whole
   * message each way (frame, system calls, decoding, validation): at a few hundred writes/s per
   * node, nearly every batch has its own. Delaying it delays only the sender's bookkeeping (its
   * replication lag figure, its in-flight window, its resends after `retransmitMs`); a batch a
   * writer waits for (`waitForAcks`) asks for its ack at once.
   */
  ackDelayMs?: number;
  /** Operations sent and not yet acknowledged, per peer (default 20 000). */
  maxInFlightOps?: number;
  /** Entries per snapshot chunk (default 2000, fewer for large values). */
  snapshotChunkEntries?: number;
  /** Invalid messages tolerated on one link before it is cut (default 20). */
  maxBadMessages?: number;
  /** How long `forceSync` waits for a peer (default 10 000 ms). */
  forceSyncTimeoutMs?: number;
  /**
   * How long a tombstone is kept (default 300 000 ms). A node cut off from every peer for longer
   * replaces its older state from a peer when it comes back, instead of merging it.
   */
  tombstoneGraceMs?: number;
  /** Hard cap on tombstones; beyond it the oldest are collected early (default 1 000 000). */
  maxTombstones?: number;
  /** A member not heard from for this long is forgotten, with its address (default 7 days). */
  forgetMemberAfterMs?: number;
  /** Node ids of the other cluster members, when known up front (listed as down until they connect). */
  members?: string[];
  /** This node's address as peers should dial it (the socket.io transport sets it). */
  url?: string;
  /** Timer implementation; the simulation injects virtual time. */
  timers?: Timers;
  /** Incarnation suffix of the origin (default: start time in base 36). */
  incarnation?: string;
  /** A link whose handshake is not done after this long is closed (default min(5000, downAfterMs)). */
  handshakeTimeoutMs?: number;
  /** Accepted links still in their handshake; past this the oldest is closed (default 32). */
  maxPendingHandshakes?: number;
  /** Protocol versions spoken (default: all this build speaks); for rolling-upgrade tests. */
  protocolRange?: ProtocolRange;
}

/**
 * See `sendWindowMs`. 0 for the library, so an embedding sends every loop turn's writes unless
 * it asks; the server sets its own (REPLICATION_SEND_WINDOW_MS, 10: docs/RELIABILITY.md,
 * "The send window as pacing").
 */
export const DEFAULT_SEND_WINDOW_MS = 0;

/** See `ackDelayMs`. 0 for the library, so an embedding keeps one ack per batch unless it asks; the server sets its own (REPLICATION_ACK_DELAY_MS). */
export const DEFAULT_ACK_DELAY_MS = 0;

/** The longest `sendWindowMs` and `ackDelayMs` accepted: a second is already far beyond any use. */
export const MAX_BATCHING_DELAY_MS = 1000;

const int = (min: number) => z.number().int().min(min);

const OptionsSchema = z.object({
  nodeId: NodeIdSchema,
  cache: z.object({
    capacity: int(1),
    strategy: z.enum(STRATEGIES).optional(),
    maxBytes: z.number().positive().optional(),
    ttlMs: int(1).optional(),
  }),
  clusterSecret: z.string().optional(),
  backlogSize: int(1).optional(),
  backlogMaxBytes: int(1).optional(),
  recentWrites: int(0).optional(),
  clearSweepSlots: int(1).optional(),
  maxClockOffsetMs: int(0).optional(),
  requireClockConfirmation: z.boolean().optional(),
  heartbeatMs: int(1).optional(),
  suspectAfterMs: int(1).optional(),
  downAfterMs: int(1).optional(),
  retransmitMs: int(1).optional(),
  maxBatchOps: int(1).max(20_000).optional(),
  sendWindowMs: int(0).max(MAX_BATCHING_DELAY_MS).optional(),
  ackDelayMs: int(0).max(MAX_BATCHING_DELAY_MS).optional(),
  maxInFlightOps: int(1).optional(),
  snapshotChunkEntries: int(1).max(50_000).optional(),
  maxBadMessages: int(0).optional(),
  forceSyncTimeoutMs: int(1).optional(),
  tombstoneGraceMs: int(0).optional(),
  maxTombstones: int(1).optional(),
  forgetMemberAfterMs: int(1).optional(),
  members: z.array(NodeIdSchema).max(1000).optional(),
  url: z.string().regex(/^https?:\/\/\S+$/).optional(),
  incarnation: z.string().regex(/^[0-9a-z]+$/).optional(),
  handshakeTimeoutMs: int(1).optional(),
  maxPendingHandshakes: int(1).optional(),
  protocolRange: z
    .object({ min: int(1), max: int(1) })
    .refine((r) => r.min <= r.max, 'min must not exceed max')
    .optional(),
});

export type ResolvedOptions = Required<Omit<ReplicaNodeOptions, 'url' | 'incarnation' | 'clusterSecret' | 'members'>> & {
  members: string[];
  url: string | null;
  incarnation: string;
  clusterSecret: string;
};

export function resolveOptions(options: ReplicaNodeOptions, defaultTimers: Timers): ResolvedOptions {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SyncError('INVALID_OPTION', `ReplicaNode option ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const name of ['now', 'monotonicNow'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new SyncError('INVALID_OPTION', `ReplicaNode option ${name} must be a function`);
  }
  for (const name of ['sizeOf', 'onEvict'] as const) {
    if (options.cache[name] !== undefined && typeof options.cache[name] !== 'function') {
      throw new SyncError('INVALID_OPTION', `ReplicaNode option cache.${name} must be a function`);
    }
  }
  if (options.cache.maxBytes !== undefined && options.cache.sizeOf === undefined) {
    throw new SyncError('INVALID_OPTION', 'ReplicaNode option cache.maxBytes needs cache.sizeOf(value, key)');
  }
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const downAfterMs = options.downAfterMs ?? 10 * heartbeatMs;
  return {
    nodeId: options.nodeId,
    cache: options.cache,
    clusterSecret: options.clusterSecret ?? '',
    backlogSize: options.backlogSize ?? 10_000,
    backlogMaxBytes: options.backlogMaxBytes ?? 64 * 1024 * 1024,
    recentWrites: options.recentWrites ?? RECENT_WRITES,
    clearSweepSlots: options.clearSweepSlots ?? 4096,
    now,
    // With an injected `now` and no monotonic clock to go with it, jumps are the injector's business.
    monotonicNow: options.monotonicNow ?? (options.now === undefined ? () => performance.now() : now),
    maxClockOffsetMs: options.maxClockOffsetMs ?? 60_000,
    requireClockConfirmation: options.requireClockConfirmation ?? false,
    heartbeatMs,
    suspectAfterMs: options.suspectAfterMs ?? 3 * heartbeatMs,
    downAfterMs,
    retransmitMs: options.retransmitMs ?? 2 * heartbeatMs,
    maxBatchOps: options.maxBatchOps ?? 1000,
    sendWindowMs: options.sendWindowMs ?? DEFAULT_SEND_WINDOW_MS,
    ackDelayMs: options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS,
    maxInFlightOps: options.maxInFlightOps ?? 20_000,
    snapshotChunkEntries: options.snapshotChunkEntries ?? 2000,
    maxBadMessages: options.maxBadMessages ?? 20,
    forceSyncTimeoutMs: options.forceSyncTimeoutMs ?? 10_000,
    tombstoneGraceMs: options.tombstoneGraceMs ?? 300_000,
    maxTombstones: options.maxTombstones ?? 1_000_000,
    forgetMemberAfterMs: options.forgetMemberAfterMs ?? 7 * 24 * 3600 * 1000,
    url: options.url ?? null,
    members: options.members ?? [],
    timers: options.timers ?? defaultTimers,
    incarnation: options.incarnation ?? Math.floor(now()).toString(36),
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? Math.min(5000, downAfterMs),
    maxPendingHandshakes: options.maxPendingHandshakes ?? 32,
    protocolRange: options.protocolRange ?? { min: PROTOCOL_MIN_VERSION, max: PROTOCOL_VERSION },
  };
}
