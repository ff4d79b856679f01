import { OperationSchema } from './operation.js';
import { PackedEntrySchema } from './messages.js';
import { SnapshotEntrySchema } from './snapshot.js';
import { MAX_VALUE_DEPTH, nestsDeeperThan } from './value-depth.js';

const arrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const objects = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: 0, b: v, c: 'x' };
  return v;
};
const hlc = { wall: 1, logical: 0, node: 'a#1' };

describe('value nesting limit', () => {
  it('counts levels of arrays and objects, scalars being 0', () => {
    for (const scalar of ['s', 1, true, null, undefined]) expect(nestsDeeperThan(scalar, 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan([], 1)).toBe(false);
    expect(nestsDeeperThan({ a: [1] }, 1)).toBe(true);
    expect(nestsDeeperThan({ a: [1] }, 2)).toBe(false);
    // The deep branch may be any child, not only the first or the last.
    expect(nestsDeeperThan([[], [[[]]], []], 3)).toBe(true);
    expect(nestsDeeperThan({ x: 1, y: { z: {} }, w: 2 }, 2)).toBe(true);
  });

  it(`lets ${MAX_VALUE_DEPTH} levels through and refuses one more, for arrays and objects`, () => {
    for (const make of [arrays, objects]) {
      expect(nestsDeeperThan(make(MAX_VALUE_DEPTH))).toBe(false);
      expect(nestsDeeperThan(make(MAX_VALUE_DEPTH + 1))).toBe(true);
    }
  });

  it('walks without recursion: a value 200,000 levels deep is refused, not a stack overflow', () => {
    expect(nestsDeeperThan(arrays(200_000))).toBe(true);
    expect(nestsDeeperThan(objects(200_000))).toBe(true);
  });

  it('makes a peer message carrying a deeper value a bad message (operations, snapshot entries, packed entries)', () => {
    const op = (value: unknown) => ({ origin: 'a#1', seq: 1, hlc, op: { type: 'set', key: 'k', value } });
    expect(OperationSchema.safeParse(op(arrays(MAX_VALUE_DEPTH))).success).toBe(true);
    const refused = OperationSchema.safeParse(op(arrays(5000)));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].message).toMatch(/deeper than 256/);
    expect(SnapshotEntrySchema.safeParse({ key: 'k', value: objects(MAX_VALUE_DEPTH + 1), hlc, seq: 1 }).success).toBe(false);
    expect(SnapshotEntrySchema.safeParse({ key: 'k', value: objects(MAX_VALUE_DEPTH), hlc, seq: 1 }).success).toBe(true);
    expect(PackedEntrySchema.safeParse(['k', arrays(MAX_VALUE_DEPTH + 1), 0, 0, 0, 1, 0]).success).toBe(false);
  });
});
