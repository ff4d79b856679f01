import fc from 'fast-check';
import { IDENTITY, KeyIndex, keyHash, STRING_TABLE_MIN } from './key-index.js';

/** A KeyIndex used as a Map<key, slot>, slots handed out from a free list as the cache does. */
class IndexedMap {
  readonly index: KeyIndex<unknown>;
  private free: number[] = [];

  constructor(capacity: number) {
    this.index = new KeyIndex<unknown>(capacity);
  }

  get(key: unknown): number | undefined {
    const slot = this.index.get(key);
    return slot === -1 ? undefined : slot;
  }

  set(key: unknown): number {
    const found = this.index.get(key);
    if (found !== -1) return found;
    const slot = this.free.pop() ?? this.index.keys.length;
    this.index.insert(key, this.index.hash(key), slot);
    return slot;
  }

  /** What an evicting write does: `key` (absent) takes over the slot of `victim` (present). */
  replace(victim: unknown, key: unknown): number {
    const slot = this.index.get(victim);
    this.index.replace(slot, key, this.index.hash(key));
    return slot;
  }

  delete(key: unknown): boolean {
    const slot = this.index.get(key);
    if (slot === -1) return false;
    this.index.remove(slot);
    this.free.push(slot);
    return true;
  }
}

const objectA = { id: 'a' };
const objectB = { id: 'a' };
const symbol = Symbol('k');
const long = (middle: string) => `${'x'.repeat(40)}${middle}${'y'.repeat(40)}`;
/** Keys that a Map keeps apart or together by SameValueZero, and that prototype lookups would confuse. */
const awkwardKeys: unknown[] = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  0,
  -0,
  NaN,
  1,
  '1',
  1.5,
  '1.5',
  2 ** 31,
  -(2 ** 31),
  1n,
  '1n',
  true,
  false,
  null,
  undefined,
  objectA,
  objectB,
  symbol,
  long('a'),
  long('b'),
  'é',
  '\u{1F600}',
];

const keyArb = fc.oneof(
  fc.constantFrom(...awkwardKeys),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -50, max: 50 }),
  fc.double({ noNaN: false }),
);
const opArb = fc.tuple(fc.constantFrom('set', 'delete', 'get', 'replace'), keyArb);

// A large cache hashes strings into the table; a small one keeps them in the Map beside it.
describe.each([
  ['strings in the table', STRING_TABLE_MIN],
  ['strings in the Map', STRING_TABLE_MIN - 1],
])('KeyIndex, %s', (_mode, capacity) => {
  it('answers exactly as a Map under random sets, deletes, gets and evicting replaces, through growth and backward shifts', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const model = new Map<unknown, number>();
        const index = new IndexedMap(capacity);
        for (const [op, key] of ops) {
          if (op === 'set') {
            const slot = index.set(key);
            if (model.has(key)) expect(slot).toBe(model.get(key));
            model.set(key, slot);
          } else if (op === 'replace') {
            // The oldest key is evicted for `key`, as a full cache's write of a new key does.
            const victim = model.keys().next();
            if (victim.done === true || model.has(key)) continue;
            const slot = index.replace(victim.value, key);
            expect(slot).toBe(model.get(victim.value));
            model.delete(victim.value);
            model.set(key, slot);
          } else if (op === 'delete') {
            expect(index.delete(key)).toBe(model.delete(key));
          } else {
            expect(index.get(key)).toBe(model.get(key));
          }
          expect(index.index.size).toBe(model.size);
        }
        for (const [key, slot] of model) {
          expect(index.get(key)).toBe(slot);
          expect([key].includes(index.index.keys[slot])).toBe(true); // SameValueZero, as Map: -0 may stand for 0
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every awkward key apart from the others, and finds each after all the rest are removed', () => {
    const index = new IndexedMap(capacity);
    const slots = awkwardKeys.map((key) => index.set(key));
    // -0 and 0 are one key (SameValueZero), so 27 keys hold 26 entries.
    expect(new Set(slots).size).toBe(awkwardKeys.length - 1);
    expect(index.get(-0)).toBe(index.get(0));
    expect(index.get(Number('NaN'))).toBe(slots[awkwardKeys.findIndex((k) => Number.isNaN(k))]);
    expect(index.get({ id: 'a' })).toBeUndefined();
    for (const key of awkwardKeys.slice(1)) index.delete(key);
    expect(index.index.size).toBe(1);
    expect(index.get('__proto__')).toBe(slots[0]);
    expect(index.get('constructor')).toBeUndefined();
  });

  it('hashes long strings whole: keys differing only in the middle spread over the table', () => {
    const hashes = new Set(Array.from({ length: 1000 }, (_, i) => keyHash(long(String(i))) & 1023));
    // 1000 keys over 1024 positions: a bounded hash (first and last characters) would give 1.
    expect(hashes.size).toBeGreaterThan(500);
  });

  it('sends keys without content to the identity side', () => {
    for (const key of [objectA, symbol, null, undefined]) expect(keyHash(key)).toBe(IDENTITY);
    for (const key of ['', 0, 1n, true]) expect(keyHash(key)).toBeGreaterThanOrEqual(0);
  });

  it('stays correct through 30k churning entries (growth, wrap-around and shifts at scale)', () => {
    const index = new IndexedMap(capacity);
    const live: number[] = [];
    let wrong = 0;
    for (let i = 0; i < 30_000; i++) {
      index.set(`user:${i}:profile`);
      live.push(i);
      if (i % 3 === 2) {
        const at = (i * 7919) % live.length;
        const gone = live[at];
        live[at] = live[live.length - 1];
        live.pop();
        if (!index.delete(`user:${gone}:profile`)) wrong++;
      }
    }
    for (const i of live) if (index.get(`user:${i}:profile`) === undefined) wrong++;
    expect(wrong).toBe(0);
    expect(index.index.size).toBe(live.length);
    expect(index.get('user:30000:profile')).toBeUndefined();
  });
});
