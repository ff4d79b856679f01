import type {
  DigestMessage,
  Operation,
  RepairKeysMessage,
  RepairMessage,
  RepairWantMessage,
  SnapshotEntry,
  Stamp,
  StrategyState,
} from '@meshcache/sync-protocol';
import type { CacheEntryStore } from './cache-entry-store.js';
import { DIGEST_BUCKETS, bucketOf } from './digest.js';
import { FACTS_PER_STEP, walkFacts } from './fact-walk.js';
import { StateChunk } from './state-chunk.js';
import type { PeerLink } from './peer-link.js';
import type { PeerSession } from './peer-session.js';
import type { StatePart } from './clock-guard.js';
import type { ReplicaState } from './replica-state.js';
import type { Timers } from './timers.js';
import { runInSteps } from './work-steps.js';

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
  /** Called at once when the exchange ends: `completed` unless it timed out, the peer went away or it was cancelled. */
  resolve: (result: AntiEntropyResult, completed: boolean) => void;
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
 * no longer holds (evicted, expired) is not pulled back. Every job over the keys (hashing,
 * listing, comparing, sending) runs a bounded piece per turn of the event loop (`runInSteps`),
 * so an exchange over millions of keys never stalls the node.
 */
export class AntiEntropy {
  private readonly pending = new Map<string, Pending>();
  /** Keys repaired so far per exchange this node answers (it reports them when done), and who asked. */
  private readonly answering = new Map<string, { peer: string | undefined; total: number }>();

  constructor(private readonly host: AntiEntropyHost) {}

  /**
   * One exchange with `link`'s peer. `ended` is called as soon as it ends, without waiting for a
   * turn of the microtask queue (the simulation's virtual time runs synchronously), with its
   * result and whether it completed.
   */
  run(link: PeerLink, ended?: (completed: boolean, result: AntiEntropyResult) => void): Promise<AntiEntropyResult> {
    const session = link.primary;
    if (session === null) {
      const nothing = { repairedKeys: 0, differingBuckets: 0 };
      ended?.(false, nothing);
      return Promise.resolve(nothing);
    }
    const requestId = this.host.newRequestId();
    return new Promise((resolve) => {
      const pending: Pending = {
        link,
        resolve: (result, completed) => {
          ended?.(completed, result);
          resolve(result);
        },
        timer: null,
        local: 0,
        remote: 0,
        buckets: 0,
        replyDone: false,
        remoteDone: false,
        theirFacts: new Map(),
        differing: [],
      };
      this.pending.set(requestId, pending);
      const buckets = new Array<number>(DIGEST_BUCKETS).fill(0);
      // The timeout counts from the digest's departure: hashing our own keys is not waiting for the peer.
      runInSteps(this.host.timers(), this.digest(buckets), () => this.pending.get(requestId) === pending, () => {
        if (!session.isUp) return this.finish(requestId);
        pending.timer = this.host.timers().setTimeout(() => this.finish(requestId), this.host.timeoutMs());
        session.send({ type: 'digest', requestId, buckets, ...this.marks() });
      });
    });
  }

  /** Step 2 (answering side): list the facts of the buckets that differ. */
  onDigest(session: PeerSession, message: DigestMessage): void {
    this.applyMarks(message);
    const { requestId } = message;
    this.answering.delete(requestId);
    const answering = { peer: session.peer?.nodeId, total: 0 };
    this.answering.set(requestId, answering);
    if (this.answering.size > MAX_ANSWERING) this.answering.delete(this.answering.keys().next().value as string);
    const alive = () => this.answering.get(requestId) === answering && session.isUp;
    runInSteps(this.host.timers(), this.answerDigest(session, message), alive);
  }

  private *answerDigest(session: PeerSession, message: DigestMessage): Generator<void> {
    const mine = new Array<number>(DIGEST_BUCKETS).fill(0);
    yield* this.digest(mine);
    const differing: number[] = [];
    for (let b = 0; b < DIGEST_BUCKETS; b++) if (mine[b] !== message.buckets[b]) differing.push(b);
    const facts = new Map<string, number>();
    yield* this.factsIn(new Set(differing), facts);
    yield* this.pieces(facts.entries(), (piece, first, done) => {
      session.send({ type: 'repair-keys', requestId: message.requestId, buckets: first ? differing : [], facts: piece, done, ...(first ? this.marks() : {}) });
    });
  }

  /** Step 3 (initiator): find the differing keys, ask for the other side's, send ours. */
  onRepairKeys(session: PeerSession, message: RepairKeysMessage): void {
    const pending = this.pending.get(message.requestId);
    if (pending === undefined) return;
    this.applyMarks(message);
    if (message.buckets.length > 0) pending.buckets = message.buckets.length;
    const theirs = pending.theirFacts;
    for (const [key, hash] of message.facts) theirs.set(key, hash);
    pending.differing.push(...message.buckets);
    if (!message.done) return;
    if (pending.differing.length === 0) return this.finish(message.requestId, true);
    const alive = () => this.pending.get(message.requestId) === pending && session.isUp;
    runInSteps(this.host.timers(), this.compareAndRepair(session, message.requestId, pending), alive);
  }

  private *compareAndRepair(session: PeerSession, requestId: string, pending: Pending): Generator<void> {
    const mine = new Map<string, number>();
    yield* this.factsIn(new Set(pending.differing), mine);
    const theirs = pending.theirFacts;
    const want: string[] = [];
    const give = new Set<string>();
    let compared = 0;
    for (const [key, hash] of theirs) {
      if (mine.get(key) !== hash) {
        want.push(key);
        if (mine.has(key)) give.add(key);
      }
      if (++compared % FACTS_PER_STEP === 0) yield;
    }
    for (const key of mine.keys()) {
      if (!theirs.has(key)) give.add(key);
      if (++compared % FACTS_PER_STEP === 0) yield;
    }
    yield* this.pieces(want.values(), (keys, _first, done) => session.send({ type: 'repair-want', requestId, keys, done }));
    yield* this.sendState(session, requestId, 'return', give.values(), true);
  }

  /** Step 4 (answering side): send the state of the keys asked for (one piece, sent now: replies keep the order of the requests). */
  onRepairWant(session: PeerSession, message: RepairWantMessage): void {
    runInSteps(this.host.timers(), this.sendState(session, message.requestId, 'reply', new Set(message.keys).values(), message.done), () => session.isUp);
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
    if (pending !== undefined && pending.replyDone && pending.remoteDone) this.finish(requestId, true);
  }

  private finish(requestId: string, completed = false): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return;
    this.pending.delete(requestId);
    if (pending.timer !== null) this.host.timers().clearTimeout(pending.timer);
    pending.resolve({ repairedKeys: pending.local + pending.remote, differingBuckets: pending.buckets }, completed);
  }

  /** XOR of fact hashes per bucket, over live entries and tombstones, into `buckets`. */
  private *digest(buckets: number[]): Generator<void> {
    const add = (key: string, hash: number) => {
      const b = bucketOf(key);
      buckets[b] = (buckets[b] ^ hash) >>> 0;
    };
    yield* walkFacts(this.host.store(), this.host.state().graves, add, () => buckets.fill(0));
  }

  /** The facts of the keys in `buckets`, into `out`. */
  private *factsIn(buckets: Set<number>, out: Map<string, number>): Generator<void> {
    if (buckets.size === 0) return;
    const add = (key: string, hash: number) => {
      if (buckets.has(bucketOf(key))) out.set(key, hash);
    };
    yield* walkFacts(this.host.store(), this.host.state().graves, add, () => out.clear());
  }

  /** Sends `items` a piece per step; `send` learns whether a piece is the first and the last. */
  private *pieces<T>(items: Iterator<T>, send: (piece: T[], first: boolean, done: boolean) => void): Generator<void> {
    let next = items.next();
    for (let first = true; ; first = false) {
      const piece: T[] = [];
      while (next.done !== true && piece.length < PIECE_ITEMS) {
        piece.push(next.value);
        next = items.next();
      }
      const done = next.done === true;
      send(piece, first, done);
      if (done) return;
      yield;
    }
  }

  /** Sends the state of `keys`, a piece per step; the last piece says `done` when `last` is set. */
  private *sendState(session: PeerSession, requestId: string, step: 'reply' | 'return', keys: Iterator<string>, last: boolean): Generator<void> {
    const store = this.host.store();
    const graves = this.host.state().graves;
    let next = keys.next();
    for (;;) {
      const chunk = new StateChunk(PIECE_ITEMS);
      while (next.done !== true && !chunk.full) {
        const key = next.value;
        next = keys.next();
        const record = store.peek(key);
        // Sync off means peers do not see this node's writes (docs/CONSISTENCY.md): a repair
        // that leaked one let a peer hold state no version vector claimed, which never reached
        // the others once this node vanished.
        const stamp = record ?? graves.get(key);
        if (stamp !== undefined && this.host.withholds(stamp.hlc.node)) continue;
        if (record !== undefined) {
          const entry: SnapshotEntry = { key, value: record.value, hlc: record.hlc, seq: record.seq };
          if (record.expiresAt !== undefined) entry.expiresAt = record.expiresAt;
          chunk.addEntry(entry);
          continue;
        }
        const grave = graves.get(key);
        if (grave !== undefined && grave.kind === 'delete') chunk.addTombstone({ key, hlc: grave.hlc, seq: grave.seq });
      }
      if (chunk.items > 0) this.host.sent(chunk.items, chunk.bytes);
      const end = next.done === true;
      if (chunk.items > 0 || end) session.send({ type: 'repair', requestId, step, entries: chunk.entries, tombstones: chunk.tombstones, done: end && last });
      if (end) return;
      yield;
    }
  }

  /**
   * This node's clear watermark and strategy, for the peer: they are no key, so no bucket shows
   * them, and one that no vector claims (a snapshot cut short, simulation seed 9021: every node
   * but one held a vanished member's clear) would reach no one else. Left out while withheld.
   */
  private marks(): { watermark: Stamp | null; strategy?: StrategyState } {
    const { watermark, strategy } = this.host.state();
    return {
      watermark: watermark !== null && !this.host.withholds(watermark.hlc.node) ? watermark : null,
      ...(strategy.stamp !== null && !this.host.withholds(strategy.stamp.hlc.node) ? { strategy } : {}),
    };
  }

  /** Merges the peer's watermark and strategy (see `marks`) with the ordinary rules. */
  private applyMarks(message: { watermark?: Stamp | null; strategy?: StrategyState }): void {
    if ((message.watermark ?? null) === null && message.strategy === undefined) return;
    const state = this.host.state();
    this.applyPart({ entries: [], tombstones: [], watermark: message.watermark ?? null, strategy: message.strategy ?? { strategy: state.strategy.strategy, stamp: null } });
  }

  private apply(message: RepairMessage): number {
    const state = this.host.state();
    return this.applyPart({
      entries: message.entries,
      tombstones: message.tombstones,
      watermark: null,
      strategy: { strategy: state.strategy.strategy, stamp: null },
    });
  }

  /** Screens a piece of the peer's state with the clock guard, then merges it. */
  private applyPart(received: StatePart): number {
    const state = this.host.state();
    const part = this.host.screen(received);
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
