import type { EvictionPolicy, RunningPolicy } from './eviction-policy.js';
import { grownInt32 } from './eviction-policy.js';
import { sortByKeyInSteps } from './slot-order.js';
import type { PolicyDescriptor, Strategy } from './strategies.js';

/**
 * At most this many entries are walked, sorted, seeded or replayed per step of a switch: the
 * dearest of these (seeding TinyLFU, which hashes each key and teaches the sketch) costs a few
 * microseconds per entry, so a step stays within a few milliseconds at any cache size.
 */
export const SWITCH_STEP = 2048;

// Operations recorded while the new policy is built, three int32 each: [op, slot, hash].
const ADD = 0;
const TOUCH = 1;
const RECYCLE = 2;
const REMOVE = 3;
const EVICT = 4;
const INITIAL_LOG = 3 * 1024;

/** Entries in the first step of each pass (see inChunks). */
const RAMP_START = 64;
/** A policy whose arrays take at most this is copied when the switch begins, without preparation. */
const SNAPSHOT_AT_ONCE_BYTES = 1 << 20;
/** Array elements a step of the preparation writes (a memset: far cheaper per element than an entry). */
const PREPARE_FACTOR = 16;

/** What the cache tells a switch about its slots, read when the snapshot is taken. */
export interface SwitchSlots {
  /** Slot numbers in use are below this. */
  readonly count: () => number;
  /** Live entries (the length of the old policy's walk). */
  readonly live: () => number;
  /** The key's content hash (hashKey) of the entry in `slot`. */
  readonly hashOf: (slot: number) => number;
}

/**
 * A strategy switch done in bounded steps (`Cache.beginStrategySwitch`), standing in for the
 * cache's policy until it completes.
 *
 * While it runs, the old policy (`live`) keeps deciding every eviction and answering every
 * question, exactly as before the switch. The new policy (`next`) is built in steps from a
 * copy of the old one (`frozen`, never changed) taken at one instant, the snapshot: its
 * recency order is walked and sorted, the access counts read, the new policy seeded as a
 * synchronous switch would have seeded it, and then every change the cache made to the old
 * policy since the snapshot (recorded in `log`) is replayed in order. When the replay has
 * caught up, the cache takes `next` as its policy: it is then what a switch at the snapshot
 * followed by the same operations gives (the README's rules for each switch), except that
 * evictions made during the switch were the old policy's choices, and that TinyLFU's sketch
 * does not learn keys that left their slot before it was seeded (their key is gone; see `changed`).
 *
 * No step walks, sorts, seeds or replays more than `step` entries. The snapshot is taken when
 * the switch begins if the old policy's arrays take at most a MiB (about 40,000 entries);
 * above that, the copy's buffers are first allocated and written over in steps of
 * `PREPARE_FACTOR * step` elements, so that the snapshot is then a memcpy into memory already
 * mapped (~20 MB at a million keys: copying into fresh memory took 40-55 ms, most of it page
 * faults, on the loaded machine), and the switch starts at that step.
 */
export class StrategySwitch implements RunningPolicy {
  readonly live: EvictionPolicy;
  readonly from: PolicyDescriptor<Strategy>;
  readonly next: EvictionPolicy;
  private frozen: EvictionPolicy | null = null;
  private log = new Int32Array(INITIAL_LOG);
  private logged = 0;
  private replayed = 0;
  /** Slots that were live at the snapshot and have since been removed or given a new key. */
  private changed = new Uint8Array(0);
  private readonly steps: Generator<number, void>;
  /** Entries handled by the last step, for tests of the bound. */
  lastStepEntries = 0;
  private lastReplay = 0;

  /**
   * `atOnce`: the caller runs every step before the cache is used again (`setStrategy`), so
   * nothing can change the old policy meanwhile and it serves as its own snapshot: no copy.
   */
  constructor(live: EvictionPolicy, from: PolicyDescriptor<Strategy>, to: PolicyDescriptor<Strategy>, next: EvictionPolicy, slots: SwitchSlots, step: number, atOnce = false) {
    this.live = live;
    this.from = from;
    this.next = next;
    this.steps = this.build(to, slots, step);
    if (atOnce) {
      this.frozen = live;
      return;
    }
    // A small policy is copied at once (a memcpy of under a MiB), so the switch starts now.
    let bytes = 0;
    for (const value of Object.values(live)) if (isTypedArray(value)) bytes += value.byteLength;
    if (bytes <= SNAPSHOT_AT_ONCE_BYTES) this.takeSnapshot(slots, new Map());
  }

  /** Runs one step; false once the new policy is complete (the caller then installs `next`). */
  step(): boolean {
    const step = this.steps.next();
    this.lastStepEntries = step.done === true ? this.lastReplay : step.value;
    return step.done !== true;
  }

  /** Buffers for the snapshot, allocated and written over in steps so that their pages are mapped. */
  private *prepare(step: number): Generator<number, Map<string, TypedArray>> {
    const prepared = new Map<string, TypedArray>();
    for (const [name, value] of Object.entries(this.live)) {
      if (!isTypedArray(value)) continue;
      const buffer = new (value.constructor as new (length: number) => TypedArray)(value.length);
      for (let from = 0; from < buffer.length; from += PREPARE_FACTOR * step) {
        buffer.fill(0, from, Math.min(buffer.length, from + PREPARE_FACTOR * step));
        yield step;
      }
      prepared.set(name, buffer);
    }
    return prepared;
  }

  /** The snapshot: `frozen`, a copy of the old policy now (into `prepared` buffers where they fit); recording starts. */
  private takeSnapshot(slots: SwitchSlots, prepared: Map<string, TypedArray>): void {
    // A fresh instance of the same class, its fields then overwritten in place: the copy keeps
    // the class's V8 hidden class, so the policy's methods stay monomorphic (hidden-class.spec.ts).
    const frozen = this.from.create(1, 1) as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(this.live)) {
      const buffer = prepared.get(name);
      if (isTypedArray(value)) {
        // A policy that grew meanwhile has longer arrays than were prepared: copied afresh (rare).
        if (buffer !== undefined && buffer.length === value.length) buffer.set(value);
        frozen[name] = buffer !== undefined && buffer.length === value.length ? buffer : value.slice();
      } else frozen[name] = Array.isArray(value) ? value.slice() : value;
    }
    this.frozen = frozen as unknown as EvictionPolicy;
    this.changed = new Uint8Array(slots.count());
  }

  private *build(to: PolicyDescriptor<Strategy>, slots: SwitchSlots, step: number): Generator<number, void> {
    if (this.frozen === null) this.takeSnapshot(slots, yield* this.prepare(step));
    const frozen = this.frozen as EvictionPolicy;
    const hashOf = slots.hashOf;
    // Every live slot, least valuable first in the old order (least recent first for LRU).
    let walked: Int32Array = new Int32Array(Math.max(1, slots.live()));
    let n = 0;
    let slot = frozen.leastValuable();
    for (let size = Math.min(step, RAMP_START); slot !== -1; size = Math.min(step, size * 2)) {
      const stop = n + size;
      for (; slot !== -1 && n < stop; slot = frozen.moreValuable(slot)) {
        if (n === walked.length) walked = grownInt32(walked, n * 2);
        walked[n++] = slot;
      }
      if (slot !== -1) yield size;
    }
    walked = walked.subarray(0, n);
    let ordered: Int32Array = walked;
    const lastUse = frozen.lastUse;
    if (lastUse !== undefined) {
      const stamps = new Uint32Array(n);
      yield* inChunks(n, step, (from, end) => {
        for (let i = from; i < end; i++) stamps[i] = lastUse.call(frozen, walked[i]);
      });
      ordered = yield* sorted(walked, stamps, step);
    }
    const counts = new Uint32Array(n);
    yield* inChunks(n, step, (from, end) => {
      for (let i = from; i < end; i++) counts[i] = frozen.accessCount(ordered[i]);
    });
    let order: Int32Array | null = null;
    if (to.seedOrder === 'frequency') {
      const at = new Int32Array(n);
      yield* inChunks(n, step, (from, end) => {
        for (let i = from; i < end; i++) at[i] = i;
      });
      order = yield* sorted(at, counts, step);
    }
    const next = this.next;
    const changed = this.changed;
    const seedOrder = order;
    // Seeding is the dearest pass per entry (TinyLFU teaches its sketch up to 15 times per key:
    // ~7 µs an entry at 20,000 keys on the loaded machine), so its steps are a quarter as large.
    yield* inChunks(n, Math.max(1, step >> 2), (from, end) => {
      for (let i = from; i < end; i++) {
        const at = seedOrder === null ? i : seedOrder[i];
        const s = ordered[at];
        const hash = to.hashesKeys ? (changed[s] === 1 ? -1 : hashOf(s)) : 0;
        next.seed(s, counts[at], hash, at);
      }
    });
    // The changes made since the start, in order, until caught up (each step may add more).
    for (;;) {
      const end = Math.min(this.logged, this.replayed + 3 * step);
      this.lastReplay = (end - this.replayed) / 3;
      this.replay(end);
      if (this.replayed === this.logged) return;
      yield this.lastReplay;
    }
  }

  private replay(end: number): void {
    const log = this.log;
    const next = this.next;
    for (let i = this.replayed; i < end; i += 3) {
      const slot = log[i + 1];
      switch (log[i]) {
        case ADD:
          next.add(slot, log[i + 2]);
          break;
        case TOUCH:
          next.touch(slot);
          break;
        case RECYCLE:
          // `recycle` may assume the slot is its own victim (LRU's tail), which it need not be
          // in the new policy: the same change as an eviction and an insertion.
          next.evict(slot);
          next.add(slot, log[i + 2]);
          break;
        case REMOVE:
          next.remove(slot);
          break;
        default:
          next.evict(slot);
      }
    }
    this.replayed = end;
    if (end === this.logged) this.replayed = this.logged = 0;
  }

  private record(op: number, slot: number, hash: number): void {
    // Before the snapshot, the copy will include the change.
    if (this.frozen === null) return;
    let at = this.logged;
    if (at === this.log.length) this.log = grownInt32(this.log, at * 2);
    this.log[at++] = op;
    this.log[at++] = slot;
    this.log[at++] = hash;
    this.logged = at;
    if (op >= RECYCLE && slot < this.changed.length) this.changed[slot] = 1;
  }

  grow(slots: number): void {
    this.live.grow(slots);
    this.next.grow(slots);
  }

  add(slot: number, hash: number): void {
    this.live.add(slot, hash);
    this.record(ADD, slot, hash);
  }

  touch(slot: number): void {
    this.live.touch(slot);
    this.record(TOUCH, slot, 0);
  }

  accessCount(slot: number): number {
    return this.live.accessCount(slot);
  }

  recycle(slot: number, hash: number): void {
    this.live.recycle(slot, hash);
    this.record(RECYCLE, slot, hash);
  }

  remove(slot: number): void {
    this.live.remove(slot);
    this.record(REMOVE, slot, 0);
  }

  evict(slot: number): void {
    this.live.evict(slot);
    this.record(EVICT, slot, 0);
  }

  victim(): number {
    return this.live.victim();
  }

  leastValuable(): number {
    return this.live.leastValuable();
  }

  mostValuable(): number {
    return this.live.mostValuable();
  }

  lessValuable(slot: number): number {
    return this.live.lessValuable(slot);
  }

  moreValuable(slot: number): number {
    return this.live.moreValuable(slot);
  }

  byRecency(): Int32Array {
    return this.live.byRecency();
  }

  clear(): void {
    this.live.clear();
  }
}

/**
 * Runs `body(from, end)` over 0..n-1 in chunks, yielding each chunk's size. The first chunk is
 * `RAMP_START` entries and each next one twice as large, up to `max`: the first switch of a
 * process runs this code cold (interpreted, about ten times slower per entry: 42 ms of CPU for
 * a step of 2048 entries seeding TinyLFU at 20,000 keys), so it starts small. A count, not the
 * clock, so that a switch takes the same steps on every run (the simulation replays seeds).
 */
function* inChunks(n: number, max: number, body: (from: number, end: number) => void): Generator<number, void> {
  let size = Math.min(max, RAMP_START);
  for (let from = 0; from < n; size = Math.min(max, size * 2)) {
    const end = Math.min(n, from + size);
    body(from, end);
    yield end - from;
    from = end;
  }
}

/** `sortByKeyInSteps`, yielding the entries handled per step. */
function* sorted(items: Int32Array, keys: Uint32Array, step: number): Generator<number, Int32Array> {
  const steps = sortByKeyInSteps(items, keys, step);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    yield Math.min(step, items.length);
  }
}

type TypedArray = Int32Array | Uint32Array | Float64Array | Uint8Array;

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}
