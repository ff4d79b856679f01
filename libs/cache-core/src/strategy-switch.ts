import type { EvictionPolicy, RunningPolicy } from './eviction-policy.js';
import { grownInt32 } from './eviction-policy.js';
import { positions, sortByKeyInSteps } from './slot-order.js';
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

/**
 * A strategy switch done in bounded steps (`Cache.beginStrategySwitch`), standing in for the
 * cache's policy until it completes.
 *
 * While it runs, the old policy (`live`) keeps deciding every eviction and answering every
 * question, exactly as before the switch; each change the cache makes to it is also recorded.
 * Meanwhile the new policy (`next`) is built in steps from a copy of the old one taken when
 * the switch began (`frozen`, never changed): its recency order is walked and sorted, the
 * access counts read, the new policy seeded as a synchronous switch would have seeded it, and
 * then the recorded changes are replayed in order. When the replay has caught up, the cache
 * takes `next` as its policy: it is then what a switch at the start followed by the same
 * operations gives (the README's rules for each switch), except that evictions made during
 * the switch were the old policy's choices, and that TinyLFU's sketch does not learn keys that
 * left their slot before it was seeded (their key is gone; see `changed`).
 *
 * No step walks, sorts, seeds or replays more than `SWITCH_STEP` entries, except the first,
 * which copies the old policy's typed arrays (one memcpy, ~20 MB at a million keys).
 */
export class StrategySwitch implements RunningPolicy {
  readonly live: EvictionPolicy;
  readonly from: PolicyDescriptor<Strategy>;
  readonly next: EvictionPolicy;
  private readonly frozen: EvictionPolicy;
  private log = new Int32Array(INITIAL_LOG);
  private logged = 0;
  private replayed = 0;
  /** Slots that were live at the start and have since been removed or given a new key. */
  private readonly changed: Uint8Array;
  private readonly steps: Generator<number, void>;
  /** Entries handled by the last step, for tests of the bound. */
  lastStepEntries = 0;

  constructor(
    live: EvictionPolicy,
    from: PolicyDescriptor<Strategy>,
    to: PolicyDescriptor<Strategy>,
    next: EvictionPolicy,
    slotCount: number,
    hashOf: (slot: number) => number,
    step: number,
  ) {
    this.live = live;
    this.from = from;
    this.next = next;
    this.frozen = frozenCopy(live);
    this.changed = new Uint8Array(slotCount);
    this.steps = this.build(to, hashOf, step);
  }

  /** Runs one step; false once the new policy is complete (the caller then installs `next`). */
  step(): boolean {
    const step = this.steps.next();
    this.lastStepEntries = step.done === true ? this.lastReplay : step.value;
    return step.done !== true;
  }

  private lastReplay = 0;

  private *build(to: PolicyDescriptor<Strategy>, hashOf: (slot: number) => number, step: number): Generator<number, void> {
    const frozen = this.frozen;
    // Every live slot, least valuable first in the old order (least recent first for LRU).
    let walked: Int32Array = new Int32Array(1024);
    let n = 0;
    let slot = frozen.leastValuable();
    while (slot !== -1) {
      const stop = n + step;
      for (; slot !== -1 && n < stop; slot = frozen.moreValuable(slot)) {
        if (n === walked.length) walked = grownInt32(walked, n * 2);
        walked[n++] = slot;
      }
      if (slot !== -1) yield step;
    }
    walked = walked.subarray(0, n);
    let slots: Int32Array = walked;
    const lastUse = frozen.lastUse;
    if (lastUse !== undefined) {
      const stamps = new Uint32Array(n);
      for (let from = 0; from < n; from += step) {
        for (let i = from, end = Math.min(n, from + step); i < end; i++) stamps[i] = lastUse.call(frozen, walked[i]);
        yield Math.min(step, n - from);
      }
      slots = yield* sorted(walked, stamps, step);
    }
    const counts = new Uint32Array(n);
    for (let from = 0; from < n; from += step) {
      for (let i = from, end = Math.min(n, from + step); i < end; i++) counts[i] = frozen.accessCount(slots[i]);
      yield Math.min(step, n - from);
    }
    const order = to.seedOrder === 'frequency' ? yield* sorted(positions(n), counts, step) : null;
    const next = this.next;
    const changed = this.changed;
    for (let from = 0; from < n; from += step) {
      for (let i = from, end = Math.min(n, from + step); i < end; i++) {
        const at = order === null ? i : order[i];
        const s = slots[at];
        const hash = to.hashesKeys ? (changed[s] === 1 ? -1 : hashOf(s)) : 0;
        next.seed(s, counts[at], hash, at);
      }
      yield Math.min(step, n - from);
    }
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

/** `sortByKeyInSteps`, yielding the entries handled per step. */
function* sorted(items: Int32Array, keys: Uint32Array, step: number): Generator<number, Int32Array> {
  const steps = sortByKeyInSteps(items, keys, step);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    yield Math.min(step, items.length);
  }
}

/**
 * A read-only copy of a policy as it is now. Policies keep their whole structure in typed
 * arrays and numbers (eviction-policy.ts), so copying those arrays gives a policy whose walk
 * (`leastValuable`, `moreValuable`), access counts and stamps stay as they were, while the
 * original goes on changing. Other objects (TinyLFU's sketch) are shared: the copy only walks.
 */
function frozenCopy(policy: EvictionPolicy): EvictionPolicy {
  const copy = Object.create(Object.getPrototypeOf(policy) as object) as Record<string, unknown>;
  for (const [name, value] of Object.entries(policy)) {
    copy[name] = ArrayBuffer.isView(value) ? (value as Int32Array).slice() : Array.isArray(value) ? value.slice() : value;
  }
  return copy as unknown as EvictionPolicy;
}
