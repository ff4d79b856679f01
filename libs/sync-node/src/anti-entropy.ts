import type {
  DigestMessage,
  Operation,
  RepairKeysMessage,
  RepairMessage,
  RepairWantMessage,
  SnapshotEntry,
  Tombstone,
} from '@meshcache/sync-protocol';
import type { CacheEntryStore } from './cache-entry-store.js';
import { DIGEST_BUCKETS, bucketOf, factHash } from './digest.js';
import { approxValueSize } from './value-size.js';
import type { PeerLink } from './peer-link.js';
import type { PeerSession } from './peer-session.js';
import type { StatePart } from './clock-guard.js';
import type { ReplicaState } from './replica-state.js';
import type { Timers } from './timers.js';

export interface AntiEntropyHost {
  state(): ReplicaState;
  store(): CacheEntryStore;
  now(): number;
  timers(): Timers;
  timeoutMs(): number;
  seen(origin: string, seq: number): boolean;
  /** True for state written by this node (`origin` is one of its own) while its sync is off: kept out of repairs. */
  withholds(origin: string): boolean;
  /** What of the state passes the clock guard; null when nothing may be applied now. */
  screen(part: StatePart): StatePart | null;
  applying(): void;
  emitOp(op: Operation): void;
  newRequestId(): string;
  /** Entries and tombstones sent to a peer in one step, with their approximate bytes. */
  sent(items: number, bytes: number): void;
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
  buckets: number;
  replyDone: boolean;
  remoteDone: boolean;
  theirFacts: Map<string, number>;
  differing: number[];
}

const PIECE_ITEMS = 2000;
/** Exchanges answered at once; a peer that starts more without finishing them loses the oldest. */
export const MAX_ANSWERING = 64;

/**
 * `forceSync`: both sides hash their entries and tombstones into buckets; for the buckets whose
 * hashes differ the other side lists `[key, hash]`, so only keys that really differ travel, in
 * both directions, and are merged with the ordinary rules. A key this node applied before and
 * no longer holds (evicted, expired) is not pulled back.
 */
export class AntiEntropy {
  private readonly pending = new Map<string, Pending>();
  /** Keys repaired so far per exchange this node answers (it reports them when done), and who asked. */
  private readonly answering = new Map<string, { peer: string | undefined; total: number }>();

  constructor(private readonly host: AntiEntropyHost) {}

  run(link: PeerLink): Promise<AntiEntropyResult> {
    const session = link.primary;
    if (session === null) return Promise.resolve({ repairedKeys: 0, differingBuckets: 0 });
    const requestId = this.host.newRequestId();
    return new Promise((resolve) => {
      const timer = this.host.timers().setTimeout(() => this.finish(requestId), this.host.timeoutMs());
      this.pending.set(requestId, {
        link,
        resolve,
        timer,
        local: 0,
        remote: 0,
        buckets: 0,
        replyDone: false,
        remoteDone: false,
        theirFacts: new Map(),
        differing: [],
      });
      session.send({ type: 'digest', requestId, buckets: this.digest() });
    });
  }

  /** Step 2 (answering side): list the facts of the buckets that differ. */
  onDigest(session: PeerSession, message: DigestMessage): void {
    const mine = this.digest();
    const differing: number[] = [];
    for (let b = 0; b < DIGEST_BUCKETS; b++) if (mine[b] !== message.buckets[b]) differing.push(b);
    const facts = [...this.factsIn(new Set(differing))];
    this.answering.delete(message.requestId);
    this.answering.set(message.requestId, { peer: session.peer?.nodeId, total: 0 });
    if (this.answering.size > MAX_ANSWERING) this.answering.delete(this.answering.keys().next().value as string);
    for (let at = 0; ; at += PIECE_ITEMS) {
      const piece = facts.slice(at, at + PIECE_ITEMS);
      const done = at + PIECE_ITEMS >= facts.length;
      session.send({ type: 'repair-keys', requestId: message.requestId, buckets: at === 0 ? differing : [], facts: piece, done });
      if (done || !session.isUp) break;
    }
  }

  /** Step 3 (initiator): find the differing keys, ask for the other side's, send ours. */
  onRepairKeys(session: PeerSession, message: RepairKeysMessage): void {
    const pending = this.pending.get(message.requestId);
    if (pending === undefined) return;
    if (message.buckets.length > 0) pending.buckets = message.buckets.length;
    const theirs = pending.theirFacts;
    for (const [key, hash] of message.facts) theirs.set(key, hash);
    pending.differing.push(...message.buckets);
    if (!message.done) return;
    if (pending.differing.length === 0) return this.finish(message.requestId);
    const mine = this.factsIn(new Set(pending.differing));
    const want: string[] = [];
    const give = new Set<string>();
    for (const [key, hash] of theirs) {
      if (mine.get(key) === hash) continue;
      want.push(key);
      if (mine.has(key)) give.add(key);
    }
    for (const key of mine.keys()) if (!theirs.has(key)) give.add(key);
    for (let at = 0; ; at += PIECE_ITEMS) {
      const done = at + PIECE_ITEMS >= want.length;
      session.send({ type: 'repair-want', requestId: message.requestId, keys: want.slice(at, at + PIECE_ITEMS), done });
      if (done || !session.isUp) break;
    }
    this.sendState(session, message.requestId, 'return', give, true);
  }

  /** Step 4 (answering side): send the state of the keys asked for. */
  onRepairWant(session: PeerSession, message: RepairWantMessage): void {
    this.sendState(session, message.requestId, 'reply', new Set(message.keys), message.done);
  }

  /** State for an exchange this node is part of; repairs for any other exchange are dropped unapplied. */
  onRepair(session: PeerSession, message: RepairMessage): void {
    if (message.step === 'return') {
      const answering = this.answering.get(message.requestId);
      if (answering === undefined || answering.peer !== session.peer?.nodeId) return;
      answering.total += this.apply(message);
      if (!message.done) return;
      this.answering.delete(message.requestId);
      session.send({ type: 'repair-done', requestId: message.requestId, repairedKeys: answering.total });
      return;
    }
    const pending = this.pending.get(message.requestId);
    if (pending === undefined || pending.link.nodeId !== session.peer?.nodeId) return;
    pending.local += this.apply(message);
    if (message.done) {
      pending.replyDone = true;
      this.finishIfComplete(message.requestId);
    }
  }

  onRepairDone(message: { requestId: string; repairedKeys: number }): void {
    const pending = this.pending.get(message.requestId);
    if (pending === undefined) return;
    pending.remote = message.repairedKeys;
    pending.remoteDone = true;
    this.finishIfComplete(message.requestId);
  }

  /** A peer went away: its pending exchanges end with what they repaired so far. */
  peerGone(link: PeerLink): void {
    for (const [id, pending] of this.pending) if (pending.link === link) this.finish(id);
    for (const [id, answering] of this.answering) if (answering.peer === link.nodeId) this.answering.delete(id);
  }

  /** Exchanges this node is answering (bounded by MAX_ANSWERING). */
  get answeringCount(): number {
    return this.answering.size;
  }

  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.finish(id);
  }

  private finishIfComplete(requestId: string): void {
    const pending = this.pending.get(requestId);
    if (pending !== undefined && pending.replyDone && pending.remoteDone) this.finish(requestId);
  }

  private finish(requestId: string): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return;
    this.pending.delete(requestId);
    this.host.timers().clearTimeout(pending.timer);
    pending.resolve({ repairedKeys: pending.local + pending.remote, differingBuckets: pending.buckets });
  }

  /** XOR of fact hashes per bucket, over live entries and tombstones. */
  private digest(): number[] {
    const buckets = new Array<number>(DIGEST_BUCKETS).fill(0);
    for (const [key, hash] of this.facts()) {
      const b = bucketOf(key);
      buckets[b] = (buckets[b] ^ hash) >>> 0;
    }
    return buckets;
  }

  private factsIn(buckets: Set<number>): Map<string, number> {
    const out = new Map<string, number>();
    if (buckets.size === 0) return out;
    for (const [key, hash] of this.facts()) if (buckets.has(bucketOf(key))) out.set(key, hash);
    return out;
  }

  /** `[key, hash]` of every live entry and tombstone (a key is one or the other). */
  private *facts(): Generator<[string, number]> {
    for (const [key, record] of this.host.store().list()) yield [key, factHash(key, record.hlc, false)];
    for (const [key, grave] of this.host.state().graves) {
      if (grave.kind === 'delete') yield [key, factHash(key, grave.hlc, true)];
    }
  }

  /** Sends the state of `keys` in pieces; the last piece says `done` when `last` is set. */
  private sendState(session: PeerSession, requestId: string, step: 'reply' | 'return', keys: Set<string>, last: boolean): void {
    const store = this.host.store();
    const graves = this.host.state().graves;
    const entries: SnapshotEntry[] = [];
    const tombstones: Tombstone[] = [];
    for (const key of keys) {
      const record = store.peek(key);
      // Sync off means peers do not see this node's writes (docs/CONSISTENCY.md): a repair
      // that leaked one let a peer hold state no version vector claimed, which never reached
      // the others once this node vanished.
      const stamp = record ?? graves.get(key);
      if (stamp !== undefined && this.host.withholds(stamp.hlc.node)) continue;
      if (record !== undefined) {
        const entry: SnapshotEntry = { key, value: record.value, hlc: record.hlc, seq: record.seq };
        if (record.expiresAt !== undefined) entry.expiresAt = record.expiresAt;
        entries.push(entry);
        continue;
      }
      const grave = graves.get(key);
      if (grave !== undefined && grave.kind === 'delete') tombstones.push({ key, hlc: grave.hlc, seq: grave.seq });
    }
    if (entries.length + tombstones.length > 0) {
      const bytes = entries.reduce((sum, en) => sum + approxValueSize(en.value) + en.key.length + 40, 0) + tombstones.reduce((sum, tb) => sum + tb.key.length + 30, 0);
      this.host.sent(entries.length + tombstones.length, bytes);
    }
    let e = 0;
    let t = 0;
    do {
      const pieceEntries = entries.slice(e, e + PIECE_ITEMS);
      e += pieceEntries.length;
      const pieceTombs = pieceEntries.length < PIECE_ITEMS ? tombstones.slice(t, t + PIECE_ITEMS - pieceEntries.length) : [];
      t += pieceTombs.length;
      const end = e >= entries.length && t >= tombstones.length;
      session.send({ type: 'repair', requestId, step, entries: pieceEntries, tombstones: pieceTombs, done: end && last });
      if (end) break;
    } while (session.isUp);
  }

  private apply(message: RepairMessage): number {
    const state = this.host.state();
    const part = this.host.screen({
      entries: message.entries,
      tombstones: message.tombstones,
      watermark: null,
      strategy: { strategy: state.strategy.strategy, stamp: null },
    });
    if (part === null) return 0;
    this.host.applying();
    return state.merge(
      part,
      this.host.now(),
      (origin, seq) => this.host.seen(origin, seq),
      (op) => this.host.emitOp(op),
    );
  }
}
