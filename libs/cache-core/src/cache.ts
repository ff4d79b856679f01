import { checkDump } from './cache-dump.js';
import {
  checkCapacity,
  checkOptions,
  checkStrategy,
  checkTtl,
  type CacheOptions,
  type ClearOptions,
  type EvictHandler,
  type EvictionReason,
  type SetOptions,
} from './cache-options.js';
import type { CacheDump, CacheDumpEntry, CacheEntryInfo, CacheStats, SetRefusal, SetResult } from './cache-types.js';
import { grownFloat64, type EvictionPolicy, type RunningPolicy } from './eviction-policy.js';
import { hashKey } from './frequency-sketch.js';
import { KeyIndex } from './key-index.js';
import { positions, sortByKey } from './slot-order.js';
import { policyDescriptor, type PolicyDescriptor, type Strategy } from './strategies.js';
import { StrategySwitch, SWITCH_STEP } from './strategy-switch.js';

const CREATED: SetResult = Object.freeze({ ok: true as const, created: true });
const OVERWRITTEN: SetResult = Object.freeze({ ok: true as const, created: false });
const INITIAL_SLOTS = 16;
/** Slots examined for expiry per write: enough to purge over time, never a scan. */
const SWEEP_STEPS = 2;
/** Access counts are uint32 in every policy (LFU stops counting there). */
const MAX_ACCESS_COUNT = 0xffffffff;
/**
 * Read hits `get` buffers before the policy sees them (see `drainReads`). 64 slots: 256 bytes
 * per cache; a drain every 64 reads is rare enough that V8 leaves it out of `get`.
 */
const READ_BUFFER = 64;

interface PendingLoad<V> {
  promise: Promise<V>;
  /** Set when the key was written, deleted or cleared while loading: the result is not stored. */
  stale: boolean;
}

/**
 * An in-memory cache with O(1) eviction (any policy of STRATEGIES), TTL, a byte budget and statistics.
 *
 * Storage is index based: each entry owns a slot number; keys and values sit in two arrays,
 * per-slot numbers in typed arrays, and an own hash table (KeyIndex) goes from key to slot. The eviction policy
 * links slots and never sees keys, so it can be swapped at runtime.
 */
export class Cache<K, V> {
  /** Key → slot, and each slot's key (`index.keys`). */
  private readonly index: KeyIndex<K>;
  private valueAt: (V | undefined)[] = [];
  private freeSlots: number[] = [];
  private slotsAllocated: number;
  private expiresAt: Float64Array | null = null;
  private sizes: Float64Array | null = null;
  /**
   * The policy in force, or a stepped switch standing in for it (which is never seeded). Read
   * through `policy`, which first hands it the reads `get` buffered.
   */
  private running: RunningPolicy;
  /**
   * Slots read by `get` and not yet handed to the policy's `touch`, oldest first (see
   * `drainReads`): `readsBuffered` of them, at most READ_BUFFER.
   */
  private readonly readBuffer = new Int32Array(READ_BUFFER);
  private readsBuffered = 0;
  private descriptor: PolicyDescriptor<Strategy>;
  /** The descriptor's `hashesKeys`, read on every insertion. */
  private hashesKeys: boolean;
  private maxEntries: number;
  private readonly defaultTtl: number;
  private readonly byteLimit: number;
  private readonly sizeOf: ((value: V, key: K) => number) | undefined;
  private readonly onEvict: EvictHandler<K, V> | undefined;
  private readonly now: () => number;
  private totalBytes = 0;
  private sweepCursor = 0;
  /** Bumped whenever entries move to other slots (see `layoutVersion`). */
  private layout = 0;
  private pending: unknown[] = [];
  /**
   * The last key `liveSlot` looked up, its hash and the slot found (-1: absent), at the index's
   * version then: a `set` of the same key while no slot changed hands takes them instead of
   * hashing and probing again (sync-node peeks at a key to decide a write, then writes it).
   */
  private seenKey: K | undefined = undefined;
  private seenHash = 0;
  private seenSlot = -1;
  private seenVersion = -1;
  /** An empty array for `flush` to swap in (null while an inner flush holds it). */
  private sparePending: unknown[] | null = [];
  private loads: Map<K, PendingLoad<V>> | null = null;
  private hitCount = 0;
  private missCount = 0;
  private setCount = 0;
  private deleteCount = 0;
  private evictionCount = 0;
  private expirationCount = 0;
  /** No TTL, byte budget, onEvict or pending load: set() has nothing to check (see setPlain). */
  private plain = false;
  /** A stepped strategy switch under way (then also `policy`), else null. */
  private switching: StrategySwitch | null = null;
  private switchStepEntries = 0;

  constructor(options: CacheOptions<K, V>) {
    const o = checkOptions(options);
    this.maxEntries = o.capacity;
    this.index = new KeyIndex(o.capacity);
    this.defaultTtl = o.ttlMs;
    this.byteLimit = o.maxBytes;
    this.sizeOf = o.sizeOf;
    this.onEvict = o.onEvict;
    this.now = o.now;
    this.slotsAllocated = Math.min(o.capacity, INITIAL_SLOTS);
    if (o.ttlMs !== 0) this.expiresAt = new Float64Array(this.slotsAllocated);
    if (o.maxBytes !== Infinity) this.sizes = new Float64Array(this.slotsAllocated);
    this.descriptor = policyDescriptor(o.strategy);
    this.hashesKeys = this.descriptor.hashesKeys;
    this.running = this.descriptor.create(this.slotsAllocated, o.capacity);
    this.refreshPlain();
  }

  /**
   * The running policy, once it has seen every buffered read: every use but `get`'s goes
   * through here, so the policy is always asked in the state immediate touches would have left.
   */
  private get policy(): RunningPolicy {
    if (this.readsBuffered !== 0) this.drainReads();
    return this.running;
  }

  /**
   * Hands the buffered read hits to the policy, in the order they happened. `get` only records
   * the slot it found: its code then holds no call into the policies, whose three `touch`es,
   * inlined together where the cache's code is shared by all strategies, made `get` too large
   * for V8 to inline into its callers (docs/BENCHMARKS.md, lru15). Here each drain runs many
   * touches of one policy in a row. Nothing observes the policy between a read and its drain:
   * every other operation reads `policy` first, which drains.
   */
  private drainReads(): void {
    const n = this.readsBuffered;
    this.readsBuffered = 0;
    const reads = this.readBuffer;
    const policy = this.running;
    for (let i = 0; i < n; i++) policy.touch(reads[i]);
  }

  /** Replaces the running policy, which first gets the reads buffered for it. */
  private replacePolicy(policy: RunningPolicy): void {
    if (this.readsBuffered !== 0) this.drainReads();
    this.running = policy;
  }

  /** Rebuilds a cache from {@link Cache.dump} output; entries past `capacity` or `maxBytes` are dropped, least valuable first. */
  static load<K, V>(dump: CacheDump<K, V>, options: CacheOptions<K, V>): Cache<K, V> {
    const cache = new Cache<K, V>(options);
    cache.restore(checkDump<K, V>(dump));
    return cache;
  }

  get size(): number {
    return this.index.size;
  }

  get capacity(): number {
    return this.maxEntries;
  }

  get strategy(): Strategy {
    return this.descriptor.name;
  }

  /** Sum of `sizeOf` over the entries; 0 without `maxBytes`. */
  get bytes(): number {
    return this.totalBytes;
  }

  get maxBytes(): number {
    return this.byteLimit;
  }

  /** The value, counting a hit (and an access for the policy) or a miss. */
  get(key: K): V | undefined {
    const slot = this.index.get(key);
    if (slot === -1) {
      this.missCount++;
      return undefined;
    }
    if (this.expiresAt !== null && this.expiredOnRead(slot)) return undefined;
    this.hitCount++;
    const n = this.readsBuffered + 1;
    this.readBuffer[n - 1] = slot;
    this.readsBuffered = n;
    if (n === READ_BUFFER) this.drainReads();
    return this.valueAt[slot];
  }

  /**
   * `get`'s expiry check, out of line: a cache without TTL never runs it, and its bytecode
   * kept out of `get` leaves V8 room to inline `get` into callers.
   */
  private expiredOnRead(slot: number): boolean {
    const at = (this.expiresAt as Float64Array)[slot];
    if (at === 0 || at > this.now()) return false;
    this.expire(slot);
    this.missCount++;
    if (this.pending.length !== 0) this.flush();
    return true;
  }

  /** The value without touching recency, frequency or hit/miss counters. */
  peek(key: K): V | undefined {
    const slot = this.liveSlot(key);
    return slot === -1 ? undefined : this.valueAt[slot];
  }

  /** Like `peek`, with the entry's expiry and access count. */
  peekEntry(key: K): CacheEntryInfo<V> | undefined {
    const slot = this.liveSlot(key);
    if (slot === -1) return undefined;
    const at = this.expiresAt === null ? 0 : this.expiresAt[slot];
    return {
      value: this.valueAt[slot] as V,
      expiresAt: at === 0 ? undefined : at,
      accessCount: this.policy.accessCount(slot),
    };
  }

  has(key: K): boolean {
    return this.liveSlot(key) !== -1;
  }

  /**
   * Stores `value`. A new key at full capacity evicts the least valuable entry first; an
   * existing key keeps its slot and counts as an access. Returns a refusal, leaving the cache
   * unchanged, when the entry alone exceeds `maxBytes`.
   */
  set(key: K, value: V, options?: SetOptions): SetResult {
    // Two small methods rather than one large one: V8 inlines `set` and `setPlain` into a
    // caller's optimised code only while their bytecode stays small.
    return this.plain && options === undefined ? this.setPlain(key, value) : this.setChecked(key, value, options);
  }

  /** `set` with every check: TTL, byte budget, onEvict, pending loads, per-call options. */
  private setChecked(key: K, value: V, options: SetOptions | undefined): SetResult {
    let ttl = this.defaultTtl;
    if (options !== undefined && options.ttlMs !== undefined) ttl = checkTtl(options.ttlMs, 'set() ttlMs');
    let size = 0;
    const sizes = this.sizes;
    if (sizes !== null) {
      const measured = this.measure(key, value);
      if (typeof measured !== 'number') return measured;
      size = measured;
    }
    if (this.loads !== null) this.invalidateLoad(key);
    let keyHashed: number;
    let slot: number;
    if (key === this.seenKey && this.seenVersion === this.index.version) {
      keyHashed = this.seenHash;
      slot = this.seenSlot;
    } else {
      keyHashed = this.index.hash(key);
      slot = this.index.find(key, keyHashed);
    }
    if (slot !== -1 && this.expiresAt !== null && this.isExpired(slot)) {
      // An expired entry is gone: the write is an insertion, not an overwrite.
      this.expire(slot);
      slot = -1;
    }
    const created = slot === -1;
    /** The value this write replaced, to report as `set` (see the end). */
    let replaced: V | undefined;
    let reportReplaced = false;
    if (!created) {
      const old = this.valueAt[slot] as V;
      this.valueAt[slot] = value;
      this.policy.touch(slot);
      if (sizes !== null) {
        this.totalBytes += size - sizes[slot];
        sizes[slot] = size;
      }
      if (this.onEvict !== undefined && old !== value) {
        replaced = old;
        reportReplaced = true;
      }
    } else {
      const hash = this.hashesKeys ? hashKey(key) : 0;
      if (this.index.size >= this.maxEntries) {
        slot = this.evictForInsert();
        this.policy.recycle(slot, hash);
      } else {
        slot = this.allocateSlot();
        this.policy.add(slot, hash);
      }
      this.index.insert(key, keyHashed, slot);
      this.valueAt[slot] = value;
      if (sizes !== null) {
        this.totalBytes += size;
        // Re-read: allocating the slot may have grown (replaced) the array.
        (this.sizes as Float64Array)[slot] = size;
      }
    }
    this.setCount++;
    if (this.totalBytes > this.byteLimit) this.evictBytes(slot);
    if (ttl !== 0 || this.expiresAt !== null) this.stampExpiry(slot, ttl);
    if (reportReplaced) {
      // Reported before the removals this write caused, as if queued first; when it caused none
      // (nearly every overwrite), straight away rather than through the queue.
      if (this.pending.length === 0) {
        (this.onEvict as EvictHandler<K, V>)(key, replaced as V, 'set');
        return OVERWRITTEN;
      }
      this.pending.unshift(key, replaced, 'set');
    }
    if (this.pending.length !== 0) this.flush();
    return created ? CREATED : OVERWRITTEN;
  }

  /** `set` for a plain cache: the same steps minus every check that cannot apply. */
  private setPlain(key: K, value: V): SetResult {
    const keyHashed = this.index.hash(key);
    let slot = this.index.find(key, keyHashed);
    if (slot !== -1) {
      this.valueAt[slot] = value;
      this.policy.touch(slot);
      this.setCount++;
      return OVERWRITTEN;
    }
    const hash = this.hashesKeys ? hashKey(key) : 0;
    if (this.index.size >= this.maxEntries) {
      slot = this.policy.victim();
      this.index.replace(slot, key, keyHashed);
      this.evictionCount++;
      this.policy.recycle(slot, hash);
    } else {
      slot = this.allocateSlot();
      this.policy.add(slot, hash);
      this.index.insert(key, keyHashed, slot);
    }
    this.valueAt[slot] = value;
    this.setCount++;
    return CREATED;
  }

  private refreshPlain(): void {
    this.plain = this.expiresAt === null && this.sizes === null && this.onEvict === undefined && this.loads === null;
  }

  /** Removes the key; false when it was absent or had already expired. */
  delete(key: K): boolean {
    if (this.loads !== null) this.invalidateLoad(key);
    const slot = this.index.get(key);
    if (slot === -1) return false;
    if (this.isExpired(slot)) {
      this.expire(slot);
      if (this.pending.length !== 0) this.flush();
      return false;
    }
    this.policy.remove(slot);
    this.release(slot, 'delete');
    this.deleteCount++;
    if (this.pending.length !== 0) this.flush();
    return true;
  }

  /**
   * Removes every entry (reported as `clear`, or `expire` for those already expired, unless
   * `options.report` is false). Stats are kept. With nothing to report, no work per entry but a
   * count of the expired ones over a typed array: clearing millions of entries takes milliseconds.
   */
  clear(options?: ClearOptions): void {
    if (this.loads !== null) for (const load of this.loads.values()) load.stale = true;
    this.loads = null;
    this.refreshPlain();
    const expiresAt = this.expiresAt;
    const now = expiresAt === null ? 0 : this.now();
    if (this.onEvict !== undefined && options?.report !== false) {
      for (let slot = this.policy.mostValuable(); slot !== -1; slot = this.policy.lessValuable(slot)) {
        const expired = expiresAt !== null && expiresAt[slot] !== 0 && expiresAt[slot] <= now;
        if (expired) this.expirationCount++;
        this.pending.push(this.index.keys[slot], this.valueAt[slot], expired ? 'expire' : 'clear');
      }
    } else if (expiresAt !== null) {
      // A freed slot's expiry is 0 (see release), so every slot can be read without the policy's links.
      for (let slot = 0, end = this.index.keys.length; slot < end; slot++) {
        const at = expiresAt[slot];
        if (at !== 0 && at <= now) this.expirationCount++;
      }
    }
    this.index.clear(0, this.maxEntries);
    this.valueAt = [];
    this.freeSlots = [];
    // An empty cache needs no switch: a switch under way ends with an empty new policy.
    if (this.switching === null) this.policy.clear();
    else this.createPolicy(this.descriptor.name, this.slotsAllocated);
    this.switching = null;
    this.totalBytes = 0;
    this.sweepCursor = 0;
    if (this.pending.length !== 0) this.flush();
  }

  /**
   * Changes the capacity; shrinking evicts entries as writes would. O(n): it compacts slots,
   * and rebuilds a policy whose structure depends on the capacity (tinylfu's window and sketch).
   */
  resize(capacity: number): void {
    checkCapacity(capacity);
    if (capacity === this.maxEntries) return;
    this.completeStrategySwitch();
    while (this.index.size > capacity) this.evict(this.policy.victim());
    this.maxEntries = capacity;
    if (this.index.keys.length > capacity || this.descriptor.sizedByCapacity) this.rebuild(this.descriptor.name);
    if (this.pending.length !== 0) this.flush();
  }

  /**
   * Switches the eviction policy. Every switch keeps every entry with its value, expiry,
   * size and access count, and the order in which entries were last used; the new policy is
   * built from those two as if it had run all along: LRU orders by last use, LFU by access
   * count then last use, TinyLFU fills its window with the most recently used entries and
   * learns each key's access count. Statistics are kept. Entries stay in their slots, so a
   * `scan` under way goes on. O(n) in one call (radix sorts over typed arrays, see
   * slot-order.ts); `beginStrategySwitch` does the same work in bounded steps.
   */
  setStrategy(strategy: Strategy): void {
    checkStrategy(strategy);
    this.startStrategySwitch(strategy, Infinity, true);
    this.completeStrategySwitch();
  }

  /**
   * Starts a switch to `strategy` done in steps of at most `SWITCH_STEP` entries, each run by
   * `continueStrategySwitch` (strategy-switch.ts). Until the last step the old policy keeps
   * choosing victims and every operation stays correct; then the new policy takes over as
   * `setStrategy` at this moment followed by the same operations would have left it. `strategy`
   * reports the new name at once. A switch begun during another replaces it (the old policy is
   * still in charge, so nothing is lost); `clear` completes it, `resize` and `setStrategy`
   * finish it first.
   */
  beginStrategySwitch(strategy: Strategy, step: number = SWITCH_STEP): void {
    checkStrategy(strategy);
    this.startStrategySwitch(strategy, step, false);
  }

  /** `atOnce`: the caller completes the switch before returning, so the old policy needs no copy (StrategySwitch). */
  private startStrategySwitch(strategy: Strategy, step: number, atOnce: boolean): void {
    const under = this.switching;
    if (under !== null) {
      this.switching = null;
      this.replacePolicy(under.live);
      this.descriptor = under.from;
      this.hashesKeys = under.from.hashesKeys;
    }
    if (strategy === this.descriptor.name) return;
    const from = this.descriptor;
    const to = policyDescriptor(strategy);
    const next = to.create(this.slotsAllocated, this.maxEntries);
    const index = this.index;
    // With no switch under way the running policy is the descriptor's own.
    const live = this.policy as EvictionPolicy;
    const slots = { count: () => index.keys.length, live: () => index.size, hashOf: (slot: number) => hashKey(index.keys[slot] as K) };
    this.switching = new StrategySwitch(live, from, to, next, slots, step, atOnce);
    this.replacePolicy(this.switching);
    this.descriptor = to;
    // Insertions feed both policies until the end.
    this.hashesKeys = from.hashesKeys || to.hashesKeys;
  }

  /** Runs one step of the switch under way; false when there is none (any more). */
  continueStrategySwitch(): boolean {
    const under = this.switching;
    if (under === null) return false;
    if (this.readsBuffered !== 0) this.drainReads();
    const more = under.step();
    this.switchStepEntries = under.lastStepEntries;
    if (more) return true;
    this.switching = null;
    this.replacePolicy(under.next);
    this.hashesKeys = this.descriptor.hashesKeys;
    return false;
  }

  /** Whether a stepped strategy switch is under way. */
  get switchingStrategy(): boolean {
    return this.switching !== null;
  }

  /** Entries handled by the last step of the switch (at most its `step`): for tests of the bound. */
  get lastSwitchStepEntries(): number {
    return this.switchStepEntries;
  }

  private completeStrategySwitch(): void {
    while (this.continueStrategySwitch());
  }

  /** [key, value] pairs, most valuable first (MRU for LRU, most frequent for LFU, see README). A snapshot. */
  entries(): IterableIterator<[K, V]> {
    const out: [K, V][] = [];
    this.forEachLive((slot) => out.push([this.index.keys[slot] as K, this.valueAt[slot] as V]));
    return out.values();
  }

  /**
   * A step of a walk over the live keys in slot order, for going through a large cache a piece at
   * a time without copying it (the promise of Redis' SCAN): examines up to `count` slots from
   * `cursor` (start with 0) and returns their live keys and the cursor to continue from, 0 when
   * the walk is done. A key live during the whole walk is returned exactly once as long as
   * `layoutVersion` stays the same; a key written or removed meanwhile may or may not be.
   * Expired entries it passes are purged (`onEvict` with `expire`). O(count).
   */
  scan(cursor: number, count: number): { keys: K[]; next: number } {
    const keys: K[] = [];
    const end = this.index.keys.length;
    const stop = Math.min(end, Math.max(0, cursor) + Math.max(1, count));
    const expiresAt = this.expiresAt;
    const now = expiresAt === null ? 0 : this.now();
    let slot = Math.max(0, cursor);
    for (; slot < stop; slot++) {
      const key = this.index.keys[slot];
      if (key === undefined) continue;
      if (expiresAt !== null && expiresAt[slot] !== 0 && expiresAt[slot] <= now) {
        this.expire(slot);
        continue;
      }
      keys.push(key);
    }
    if (this.pending.length !== 0) this.flush();
    return { keys, next: slot >= end ? 0 : slot };
  }

  /**
   * Changes when entries move to other slots (`setStrategy`, `resize` that compacts): a `scan`
   * walk begun before it must start again.
   */
  get layoutVersion(): number {
    return this.layout;
  }

  keys(): IterableIterator<K> {
    const out: K[] = [];
    this.forEachLive((slot) => out.push(this.index.keys[slot] as K));
    return out.values();
  }

  values(): IterableIterator<V> {
    const out: V[] = [];
    this.forEachLive((slot) => out.push(this.valueAt[slot] as V));
    return out.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  stats(): CacheStats {
    const reads = this.hitCount + this.missCount;
    return {
      hits: this.hitCount,
      misses: this.missCount,
      sets: this.setCount,
      deletes: this.deleteCount,
      evictions: this.evictionCount,
      expirations: this.expirationCount,
      hitRatio: reads === 0 ? 0 : this.hitCount / reads,
      size: this.index.size,
      capacity: this.maxEntries,
    };
  }

  /**
   * The cached value, or the loader's result, which is then stored. Concurrent misses on one
   * key share one loader call. If the key is set, deleted or the cache cleared while loading,
   * the result is returned but not stored. A rejected load stores nothing.
   */
  getOrLoad(key: K, loader: (key: K) => V | Promise<V>, options?: SetOptions): Promise<V> {
    const slot = this.liveSlot(key);
    if (slot !== -1) {
      this.hitCount++;
      this.policy.touch(slot);
      return Promise.resolve(this.valueAt[slot] as V);
    }
    this.missCount++;
    if (this.loads === null) {
      this.loads = new Map();
      this.refreshPlain();
    }
    const loads = this.loads;
    const inFlight = loads.get(key);
    if (inFlight !== undefined) return inFlight.promise;
    const record: PendingLoad<V> = { promise: Promise.resolve() as Promise<never>, stale: false };
    record.promise = (async () => {
      try {
        const value = await loader(key);
        if (!record.stale) {
          this.loads?.delete(key);
          this.set(key, value, options);
        }
        return value;
      } finally {
        if (this.loads?.get(key) === record) this.loads.delete(key);
      }
    })();
    loads.set(key, record);
    return record.promise;
  }

  /** Every live entry, most valuable first, as plain data for {@link Cache.load}. */
  dump(): CacheDump<K, V> {
    const out: CacheDump<K, V> = [];
    const now = this.expiresAt === null ? 0 : this.now();
    this.forEachLive((slot) => {
      const entry: CacheDumpEntry<K, V> = {
        key: this.index.keys[slot] as K,
        value: this.valueAt[slot] as V,
        accessCount: this.policy.accessCount(slot),
      };
      if (this.expiresAt !== null && this.expiresAt[slot] !== 0) entry.ttlRemainingMs = this.expiresAt[slot] - now;
      out.push(entry);
    });
    return out;
  }

  private liveSlot(key: K): number {
    const hash = this.index.hash(key);
    const slot = this.index.find(key, hash);
    this.seenKey = key;
    this.seenHash = hash;
    this.seenSlot = slot;
    this.seenVersion = this.index.version;
    if (slot === -1) return -1;
    if (this.isExpired(slot)) {
      this.expire(slot);
      if (this.pending.length !== 0) this.flush();
      return -1;
    }
    return slot;
  }

  private isExpired(slot: number): boolean {
    const expiresAt = this.expiresAt;
    if (expiresAt === null) return false;
    const at = expiresAt[slot];
    return at !== 0 && at <= this.now();
  }

  private forEachLive(visit: (slot: number) => void): void {
    const expiresAt = this.expiresAt;
    const now = expiresAt === null ? 0 : this.now();
    for (let slot = this.policy.mostValuable(); slot !== -1; slot = this.policy.lessValuable(slot)) {
      if (expiresAt !== null && expiresAt[slot] !== 0 && expiresAt[slot] <= now) continue;
      visit(slot);
    }
  }

  private measure(key: K, value: V): number | SetRefusal {
    const size = (this.sizeOf as (value: V, key: K) => number)(value, key);
    if (typeof size !== 'number' || !(size >= 0) || size === Infinity) {
      return {
        ok: false,
        code: 'INVALID_SIZE',
        message: `sizeOf must return a finite number >= 0, got ${String(size)}`,
        size: NaN,
        maxBytes: this.byteLimit,
      };
    }
    if (size > this.byteLimit) {
      return {
        ok: false,
        code: 'TOO_LARGE',
        message: `entry of size ${size} exceeds maxBytes ${this.byteLimit}`,
        size,
        maxBytes: this.byteLimit,
      };
    }
    return size;
  }

  private stampExpiry(slot: number, ttl: number): void {
    let expiresAt = this.expiresAt;
    if (expiresAt === null) {
      expiresAt = this.expiresAt = new Float64Array(this.slotsAllocated);
      this.refreshPlain();
    }
    const now = this.now();
    expiresAt[slot] = ttl === 0 ? 0 : now + ttl;
    this.sweep(expiresAt, now);
  }

  /** Bounded incremental purge: a cursor walks the slots, a few per write. */
  private sweep(expiresAt: Float64Array, now: number): void {
    const end = this.index.keys.length;
    for (let i = 0; i < SWEEP_STEPS; i++) {
      let slot = this.sweepCursor;
      if (slot >= end) slot = 0;
      this.sweepCursor = slot + 1;
      const at = expiresAt[slot];
      if (at !== 0 && at <= now) this.expire(slot);
    }
  }

  private expire(slot: number): void {
    this.policy.remove(slot);
    this.release(slot, 'expire');
    this.expirationCount++;
  }

  /** Evicts `slot` chosen by the policy; an already expired victim counts as an expiration. */
  private evict(slot: number): void {
    const expired = this.isExpired(slot);
    this.policy.evict(slot);
    this.release(slot, expired ? 'expire' : 'evict');
    if (expired) this.expirationCount++;
    else this.evictionCount++;
  }

  /**
   * Frees the victim's slot for a new entry at full capacity without unlinking it: the
   * caller hands it straight to `policy.recycle`. The slot's key, value and size are
   * overwritten by the caller.
   */
  private evictForInsert(): number {
    const slot = this.policy.victim();
    const expired = this.expiresAt !== null && this.isExpired(slot);
    if (this.onEvict !== undefined) this.pending.push(this.index.keys[slot], this.valueAt[slot], expired ? 'expire' : 'evict');
    this.index.remove(slot);
    if (this.sizes !== null) this.totalBytes -= this.sizes[slot];
    if (expired) this.expirationCount++;
    else this.evictionCount++;
    return slot;
  }

  /** Evicts least valuable entries, never `keep` (the one just written), until bytes fit. */
  private evictBytes(keep: number): void {
    while (this.totalBytes > this.byteLimit) {
      let victim = this.policy.victim();
      if (victim === keep) {
        victim = this.policy.leastValuable();
        if (victim === keep) victim = this.policy.moreValuable(victim);
      }
      this.evict(victim);
    }
  }

  private release(slot: number, reason: EvictionReason): void {
    if (this.onEvict !== undefined) this.pending.push(this.index.keys[slot], this.valueAt[slot], reason);
    this.index.remove(slot);
    this.valueAt[slot] = undefined;
    if (this.expiresAt !== null) this.expiresAt[slot] = 0;
    if (this.sizes !== null) {
      this.totalBytes -= this.sizes[slot];
      this.sizes[slot] = 0;
    }
    this.freeSlots.push(slot);
  }

  private allocateSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.index.keys.length;
    if (slot === this.slotsAllocated) this.growSlots(Math.min(this.maxEntries, slot * 2));
    this.index.keys.push(undefined);
    this.valueAt.push(undefined);
    return slot;
  }

  private growSlots(slots: number): void {
    this.slotsAllocated = slots;
    if (this.expiresAt !== null) this.expiresAt = grownFloat64(this.expiresAt, slots);
    if (this.sizes !== null) this.sizes = grownFloat64(this.sizes, slots);
    this.policy.grow(slots);
  }

  /** Calls `onEvict` for removals queued by the operation that just finished, so it may re-enter. */
  private flush(): void {
    const batch = this.pending;
    // Removals queued by a re-entering onEvict go to the spare array and are reported by the
    // flush of that inner operation. Two arrays in turn, not a new one per overwrite.
    this.pending = this.sparePending ?? [];
    this.sparePending = null;
    const onEvict = this.onEvict as EvictHandler<K, V>;
    for (let i = 0; i < batch.length; i += 3) onEvict(batch[i] as K, batch[i + 1] as V, batch[i + 2] as EvictionReason);
    // Emptied by pops: `length = 0` is a call into the runtime, dearer than the array it saves.
    for (let i = batch.length; i > 0; i--) batch.pop();
    this.sparePending = batch;
  }

  private invalidateLoad(key: K): void {
    const load = (this.loads as Map<K, PendingLoad<V>>).get(key);
    if (load !== undefined) {
      load.stale = true;
      (this.loads as Map<K, PendingLoad<V>>).delete(key);
    }
  }

  private createPolicy(strategy: Strategy, slots: number): EvictionPolicy {
    this.descriptor = policyDescriptor(strategy);
    this.hashesKeys = this.descriptor.hashesKeys;
    const created = this.descriptor.create(slots, this.maxEntries);
    this.replacePolicy(created);
    return created;
  }

  /**
   * Places `slots` (least recently used first, `counts[i]` the access count of `slots[i]`) in
   * the new policy, in the order its descriptor asks for; a stable sort keeps recency among
   * equal counts.
   */
  private seedPolicy(policy: EvictionPolicy, slots: Int32Array, counts: Uint32Array): void {
    const order = this.descriptor.seedOrder === 'frequency' ? sortByKey(positions(slots.length), counts) : null;
    for (let i = 0; i < slots.length; i++) {
      const at = order === null ? i : order[i];
      const slot = slots[at];
      policy.seed(slot, counts[at], this.hashesKeys ? hashKey(this.index.keys[slot] as K) : 0, at);
    }
  }

  /** Re-creates storage compactly (slots 0..n-1) under `strategy`, keeping recency and access counts. */
  private rebuild(strategy: Strategy): void {
    const old = this.policy;
    this.install(
      strategy,
      Array.from(old.byRecency(), (slot) => ({
        key: this.index.keys[slot] as K,
        value: this.valueAt[slot] as V,
        accessCount: old.accessCount(slot),
        expiresAt: this.expiresAt === null ? 0 : this.expiresAt[slot],
        size: this.sizes === null ? 0 : this.sizes[slot],
      })),
    );
  }

  /** Replaces all storage with `entries`, given least recently used first. */
  private install(strategy: Strategy, entries: InstalledEntry<K, V>[]): void {
    this.layout++;
    const slots = Math.min(this.maxEntries, Math.max(INITIAL_SLOTS, entries.length));
    this.slotsAllocated = slots;
    const created = this.createPolicy(strategy, slots);
    const hasExpiry = this.expiresAt !== null || entries.some((e) => e.expiresAt !== 0);
    this.expiresAt = hasExpiry ? new Float64Array(slots) : null;
    this.refreshPlain();
    if (this.sizes !== null) this.sizes = new Float64Array(slots);
    this.index.clear(entries.length, this.maxEntries);
    this.valueAt = [];
    this.freeSlots = [];
    this.sweepCursor = 0;
    this.totalBytes = 0;
    const counts = new Uint32Array(entries.length);
    entries.forEach((entry, slot) => {
      this.index.insert(entry.key, this.index.hash(entry.key), slot);
      this.valueAt.push(entry.value);
      counts[slot] = Math.min(entry.accessCount, MAX_ACCESS_COUNT);
      if (this.expiresAt !== null) this.expiresAt[slot] = entry.expiresAt;
      if (this.sizes !== null) {
        this.sizes[slot] = entry.size;
        this.totalBytes += entry.size;
      }
    });
    // Slot i holds the i-th least recent entry.
    this.seedPolicy(created, positions(entries.length), counts);
  }

  private restore(dump: CacheDump<K, V>): void {
    const now = this.now();
    const taken: { entry: CacheDumpEntry<K, V>; size: number }[] = [];
    const seen = new Set<K>();
    let bytes = 0;
    for (const entry of dump) {
      if (taken.length === this.maxEntries) break;
      if (seen.has(entry.key)) continue;
      if (entry.ttlRemainingMs !== undefined && !(entry.ttlRemainingMs > 0)) continue;
      let size = 0;
      if (this.sizes !== null) {
        const measured = this.measure(entry.key, entry.value);
        if (typeof measured !== 'number' || bytes + measured > this.byteLimit) continue;
        size = measured;
        bytes += size;
      }
      seen.add(entry.key);
      taken.push({ entry, size });
    }
    // Least valuable first stands in for least recently used first: exact for a dump of LRU,
    // and for a dump of LFU the policy's (count, recency) order is what seeding by count rebuilds.
    taken.reverse();
    this.install(
      this.descriptor.name,
      taken.map(({ entry, size }) => ({
        key: entry.key,
        value: entry.value,
        accessCount: entry.accessCount,
        expiresAt:
          entry.ttlRemainingMs === undefined || entry.ttlRemainingMs === Infinity ? 0 : now + entry.ttlRemainingMs,
        size,
      })),
    );
  }
}

interface InstalledEntry<K, V> {
  key: K;
  value: V;
  accessCount: number;
  expiresAt: number;
  size: number;
}
