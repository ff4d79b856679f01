import type { DigestMessage, Operation, RepairMessage, SnapshotEntry, Tombstone } from '@meshcache/sync-protocol';
import type { CacheEntryStore } from './cache-entry-store.js';
import { DIGEST_BUCKETS, bucketOf, factHash } from './digest.js';
import type { PeerLink } from './peer-link.js';
import type { PeerSession } from './peer-session.js';
import type { ReplicaState } from './replica-state.js';
import type { Timers } from './timers.js';

export interface AntiEntropyHost {
  state(): ReplicaState;
  store(): CacheEntryStore;
  now(): number;
  timers(): Timers;
  timeoutMs(): number;
  seen(origin: string, seq: number): boolean;
  /** Null when the clock accepts the message's timestamps, else why not. */
  observe(message: RepairMessage): string | null;
  applying(): void;
  emitOp(op: Operation): void;
  newRequestId(): string;
}

export interface AntiEntropyResult {
  repairedKeys: number;
  differingBuckets: number;
}

interface Pending {
  link: PeerLink;
  resolve: (result: AntiEntropyResult) => void;
  timer: unknown;
  local: number;
  remote: number;
  buckets: number[];
}

const PIECE_ITEMS = 2000;

/**
 * `forceSync`: both sides hash their state into buckets; only buckets whose hashes differ are
 * exchanged, in both directions, and merged with the ordinary rules. A key this node applied
 * before and no longer holds (evicted, expired) is not pulled back.
 */
export class AntiEntropy {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly host: AntiEntropyHost) {}

  run(link: PeerLink): Promise<AntiEntropyResult> {
    const session = link.primary;
    if (session === null) return Promise.resolve({ repairedKeys: 0, differingBuckets: 0 });
    const requestId = this.host.newRequestId();
    return new Promise((resolve) => {
      const timer = this.host.timers().setTimeout(() => this.finish(requestId), this.host.timeoutMs());
      this.pending.set(requestId, { link, resolve, timer, local: 0, remote: 0, buckets: [] });
      session.send({ type: 'digest', requestId, buckets: this.digest() });
    });
  }

  onDigest(session: PeerSession, message: DigestMessage): void {
    const mine = this.digest();
    const differing: number[] = [];
    for (let b = 0; b < DIGEST_BUCKETS; b++) if (mine[b] !== message.buckets[b]) differing.push(b);
    this.sendState(session, message.requestId, 'reply', differing);
  }

  onRepair(session: PeerSession, _link: PeerLink, message: RepairMessage): void {
    const repaired = this.apply(message);
    if (message.step === 'return') {
      const incoming = this.returns.get(message.requestId) ?? 0;
      this.returns.set(message.requestId, incoming + repaired);
      if (message.done) {
        this.returns.delete(message.requestId);
        session.send({ type: 'repair-done', requestId: message.requestId, repairedKeys: incoming + repaired });
      }
      return;
    }
    const pending = this.pending.get(message.requestId);
    if (pending === undefined) return;
    pending.local += repaired;
    pending.buckets = message.buckets;
    if (!message.done) return;
    if (message.buckets.length === 0) return this.finish(message.requestId);
    this.sendState(session, message.requestId, 'return', message.buckets);
  }

  onRepairDone(message: { requestId: string; repairedKeys: number }): void {
    const pending = this.pending.get(message.requestId);
    if (pending === undefined) return;
    pending.remote = message.repairedKeys;
    this.finish(message.requestId);
  }

  /** A peer went away: its pending exchanges end with what they repaired so far. */
  peerGone(link: PeerLink): void {
    for (const [id, pending] of this.pending) if (pending.link === link) this.finish(id);
  }

  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.finish(id);
  }

  private readonly returns = new Map<string, number>();

  private finish(requestId: string): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return;
    this.pending.delete(requestId);
    this.host.timers().clearTimeout(pending.timer);
    pending.resolve({ repairedKeys: pending.local + pending.remote, differingBuckets: pending.buckets.length });
  }

  /** XOR of fact hashes per bucket, over live entries and tombstones. */
  private digest(): number[] {
    const buckets = new Array<number>(DIGEST_BUCKETS).fill(0);
    for (const [key, record] of this.host.store().list()) {
      const b = bucketOf(key);
      buckets[b] = (buckets[b] ^ factHash(key, record.hlc, false)) >>> 0;
    }
    for (const [key, grave] of this.host.state().graves) {
      if (grave.kind !== 'delete') continue;
      const b = bucketOf(key);
      buckets[b] = (buckets[b] ^ factHash(key, grave.hlc, true)) >>> 0;
    }
    return buckets;
  }

  private sendState(session: PeerSession, requestId: string, step: 'reply' | 'return', buckets: number[]): void {
    const wanted = new Set(buckets);
    const exported = this.host.state().export();
    const entries = exported.entries.filter((e) => wanted.has(bucketOf(e.key)));
    const tombstones = exported.tombstones.filter((t) => wanted.has(bucketOf(t.key)));
    let e = 0;
    let t = 0;
    do {
      const pieceEntries: SnapshotEntry[] = entries.slice(e, e + PIECE_ITEMS);
      e += pieceEntries.length;
      const pieceTombs: Tombstone[] = pieceEntries.length < PIECE_ITEMS ? tombstones.slice(t, t + PIECE_ITEMS - pieceEntries.length) : [];
      t += pieceTombs.length;
      const done = e >= entries.length && t >= tombstones.length;
      session.send({ type: 'repair', requestId, step, buckets, entries: pieceEntries, tombstones: pieceTombs, done });
      if (done) break;
    } while (session.isUp);
  }

  private apply(message: RepairMessage): number {
    if (this.host.observe(message) !== null) return 0;
    const state = this.host.state();
    this.host.applying();
    return state.merge(
      { entries: message.entries, tombstones: message.tombstones, watermark: null, strategy: { strategy: state.strategy.strategy, stamp: null } },
      this.host.now(),
      (origin, seq) => this.host.seen(origin, seq),
      (op) => this.host.emitOp(op),
    );
  }
}
