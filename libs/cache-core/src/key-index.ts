/**
 * The cache's key → slot map: an open-addressing hash table over one Int32Array, replacing
 * a JS `Map`. A `Map` entry costs a key, a value and a chain pointer (24 bytes on 64-bit
 * Node) plus its bucket array, and after churn its deleted entries linger until it rehashes:
 * about 75 bytes per entry measured. Here the cache already keeps each slot's key in
 * `keys`, so the table only holds, per position, [hash, slot + 1]: 8 bytes at a load factor
 * of at most 1/2, about 21 bytes per entry at 100k entries, plus 4 for the slot's hash.
 *
 * Linear probing with backward-shift deletion: no tombstones, so churn never degrades it.
 * Keys are compared like `Map` keys (SameValueZero); `'__proto__'` and `'constructor'` are
 * strings like any other, as nothing here is an object property.
 *
 * Strings and numbers (also booleans and bigints) are hashed by content, the whole string,
 * with a per-process random seed as V8 does for its own tables, so that a client cannot pick
 * keys that all collide. Keys without content (objects, symbols, null, undefined) are hashed
 * by identity, which JS does not expose: they go to a small `Map` beside the table.
 *
 * Strings also go to that `Map` in caches of fewer than STRING_TABLE_MIN entries: V8 keeps
 * each string's hash inside the string, which JS cannot read, so hashing one here costs a
 * pass over its characters on every lookup. Measured (docs/BENCHMARKS.md), that pass made a
 * 1,000-entry cache's string reads slower than a `Map`'s, while at 100,000 entries memory
 * traffic dominates and the table was as fast for reads, faster for evicting writes, and
 * 30 bytes per entry smaller. Below the threshold the `Map` costs at most ~3 MB more.
 */
/** Capacity from which string keys are hashed into the table (see above). */
export const STRING_TABLE_MIN = 65_536;
const EMPTY = 0;
/** Positions per entry at least (load factor ≤ 1/2): misses stay at ~2.5 probes. */
const MIN_POSITIONS_PER_ENTRY = 2;
const INITIAL_POSITIONS = 32;
/** Positions are [hash, slot + 1]; slot + 1 so that a zeroed array is empty. */
const WIDTH = 2;
/** Hash value meaning "no content hash": the key lives in `byIdentity`. */
export const IDENTITY = -1;

/** Changes once per process: collisions found against one process do not carry to another. */
const SEED = (Math.random() * 0x100000000) | 0;

export class KeyIndex<K> {
  /** The key held by each slot; the cache reads it, the index writes it. */
  keys: (K | undefined)[] = [];
  private table = new Int32Array(INITIAL_POSITIONS * WIDTH);
  private mask = INITIAL_POSITIONS - 1;
  /** Keys in the table; `count` is all keys, the table's and `byIdentity`'s. */
  private hashed = 0;
  private count = 0;
  private byIdentity = new Map<K, number>();
  /** Each slot's hash, so that removing a slot does not hash its key again. */
  private slotHash = new Int32Array(16);
  /** Strings go to `byIdentity` (a small cache, see STRING_TABLE_MIN); fixed until `clear`. */
  private stringsByIdentity: boolean;
  /** Bumped by every change of which key a slot holds: a slot found at one version is still the key's at the same version. */
  version = 0;

  constructor(capacity: number) {
    this.stringsByIdentity = capacity < STRING_TABLE_MIN;
  }

  get size(): number {
    return this.count;
  }

  /** keyHash(key), as a method: a call through an import is a getter under tsx and ts-jest. */
  hash(key: K): number {
    if (this.stringsByIdentity && typeof key === 'string') return IDENTITY;
    return keyHash(key);
  }

  /** The slot holding `key`, or -1. */
  get(key: K): number {
    return this.find(key, this.hash(key));
  }

  /**
   * Like `get` with `hash = keyHash(key)` computed by the caller, who needs it again. Each
   * kind of lookup is a method of its own, so that the caller's optimised code inlines the
   * one it uses without the other's bytecode counting against V8's inlining budget.
   */
  find(key: K, hash: number): number {
    return hash === IDENTITY ? this.findByIdentity(key) : this.findHashed(key, hash);
  }

  private findByIdentity(key: K): number {
    const slot = this.byIdentity.get(key);
    return slot === undefined ? -1 : slot;
  }

  private findHashed(key: K, hash: number): number {
    const table = this.table;
    const mask = this.mask;
    const keys = this.keys;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const stored = table[at * WIDTH + 1];
      if (stored === EMPTY) return -1;
      if (table[at * WIDTH] === hash) {
        const slot = stored - 1;
        const k = keys[slot];
        // SameValueZero: NaN is a key equal to itself.
        if (k === key || (k !== k && key !== key)) return slot;
      }
    }
  }

  /** Maps `key` (absent, `hash = keyHash(key)`) to `slot` and records it in `keys`. */
  insert(key: K, hash: number, slot: number): void {
    const keys = this.keys;
    while (keys.length <= slot) keys.push(undefined);
    keys[slot] = key;
    if (slot >= this.slotHash.length) {
      const grown = new Int32Array(Math.max(slot + 1, this.slotHash.length * 2));
      grown.set(this.slotHash);
      this.slotHash = grown;
    }
    this.slotHash[slot] = hash;
    this.mapKey(key, hash, slot);
    this.count++;
    this.version++;
  }

  /** Unmaps the key held by `slot` and clears `keys[slot]`. */
  remove(slot: number): void {
    this.unmapSlot(slot);
    this.keys[slot] = undefined;
    this.count--;
    this.version++;
  }

  /**
   * `remove(slot)` then `insert(key, hash, slot)` in one step, for a write that evicts the entry
   * in `slot` to store `key` there: the slot's arrays exist already and the size stays the same.
   */
  replace(slot: number, key: K, hash: number): void {
    this.unmapSlot(slot);
    this.keys[slot] = key;
    this.slotHash[slot] = hash;
    this.mapKey(key, hash, slot);
    this.version++;
  }

  private mapKey(key: K, hash: number, slot: number): void {
    if (hash === IDENTITY) this.byIdentity.set(key, slot);
    else this.mapHashed(hash, slot);
  }

  private mapHashed(hash: number, slot: number): void {
    if ((this.hashed + 1) * MIN_POSITIONS_PER_ENTRY > this.mask + 1) this.rehash((this.mask + 1) * 2);
    this.place(hash, slot);
    this.hashed++;
  }

  /** Takes the key held by `slot` out of the table or `byIdentity`; `keys` is left to the caller. */
  private unmapSlot(slot: number): void {
    const hash = this.slotHash[slot];
    if (hash === IDENTITY) this.byIdentity.delete(this.keys[slot] as K);
    else this.unmapHashed(slot, hash);
  }

  private unmapHashed(slot: number, hash: number): void {
    const table = this.table;
    const mask = this.mask;
    let at = hash & mask;
    while (table[at * WIDTH + 1] !== slot + 1) at = (at + 1) & mask;
    // Backward shift: move later entries of the run into the hole when their home position
    // does not lie (cyclically) between the hole and themselves.
    for (let next = (at + 1) & mask; table[next * WIDTH + 1] !== EMPTY; next = (next + 1) & mask) {
      const home = table[next * WIDTH] & mask;
      if (((next - home) & mask) >= ((next - at) & mask)) {
        table[at * WIDTH] = table[next * WIDTH];
        table[at * WIDTH + 1] = table[next * WIDTH + 1];
        at = next;
      }
    }
    table[at * WIDTH] = 0;
    table[at * WIDTH + 1] = EMPTY;
    this.hashed--;
  }

  /** Empties the index, sized for about `entries` keys of a cache of `capacity`. */
  clear(entries: number, capacity: number): void {
    this.stringsByIdentity = capacity < STRING_TABLE_MIN;
    this.version++;
    this.keys = [];
    this.byIdentity = new Map();
    this.hashed = 0;
    this.count = 0;
    this.slotHash = new Int32Array(Math.max(16, entries));
    const positions = positionsFor(entries);
    this.table = new Int32Array(positions * WIDTH);
    this.mask = positions - 1;
  }

  private place(hash: number, slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let at = hash & mask;
    while (table[at * WIDTH + 1] !== EMPTY) at = (at + 1) & mask;
    table[at * WIDTH] = hash;
    table[at * WIDTH + 1] = slot + 1;
  }

  private rehash(positions: number): void {
    const old = this.table;
    this.table = new Int32Array(positions * WIDTH);
    this.mask = positions - 1;
    for (let at = 0; at < old.length; at += WIDTH) if (old[at + 1] !== EMPTY) this.place(old[at], old[at + 1] - 1);
  }
}

function positionsFor(entries: number): number {
  let positions = INITIAL_POSITIONS;
  while (positions < entries * MIN_POSITIONS_PER_ENTRY) positions *= 2;
  return positions;
}

/**
 * A non-negative 31-bit content hash of `key` under the process seed, or IDENTITY for keys
 * without content. Computed once per operation: `set` passes it on to `find` and `insert`.
 */
export function keyHash(key: unknown): number {
  if (typeof key === 'string') return stringHash(key);
  if (typeof key === 'number') return (key | 0) === key ? mix(key ^ SEED) : stringHash(String(key));
  if (typeof key === 'boolean') return mix((key ? 1 : 2) ^ SEED);
  if (typeof key === 'bigint') return stringHash(`${key}n`);
  return IDENTITY;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 1;
}

/** FNV-1a over pairs of UTF-16 units, seeded, finished by `mix`. The whole string: a bounded hash would let long keys that differ only in the middle all collide. */
function stringHash(s: string): number {
  const n = s.length;
  let h = 0x811c9dc5 ^ SEED ^ n;
  let i = 0;
  for (; i + 1 < n; i += 2) h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < n) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}
