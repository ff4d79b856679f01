import fc from 'fast-check';
import { compareHlc, nodeIdOfOrigin, type Hlc } from './index.js';

const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  wall: fc.integer({ min: 0, max: 5 }),
  logical: fc.integer({ min: 0, max: 3 }),
  node: fc.constantFrom('a#1', 'b#1', 'b#2', 'c#z'),
});

describe('compareHlc', () => {
  it('is a total order: antisymmetric and transitive, equal only for identical stamps', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, hlcArb, (a, b, c) => {
        expect(Math.sign(compareHlc(a, b)) + Math.sign(compareHlc(b, a))).toBe(0);
        if (compareHlc(a, b) <= 0 && compareHlc(b, c) <= 0) expect(compareHlc(a, c)).toBeLessThanOrEqual(0);
        expect(compareHlc(a, b) === 0).toBe(a.wall === b.wall && a.logical === b.logical && a.node === b.node);
      }),
    );
  });

  it('orders by wall time, then logical counter, then origin', () => {
    expect(compareHlc({ wall: 1, logical: 9, node: 'z#1' }, { wall: 2, logical: 0, node: 'a#1' })).toBeLessThan(0);
    expect(compareHlc({ wall: 2, logical: 1, node: 'a#1' }, { wall: 2, logical: 0, node: 'z#1' })).toBeGreaterThan(0);
    expect(compareHlc({ wall: 2, logical: 0, node: 'a#1' }, { wall: 2, logical: 0, node: 'b#1' })).toBeLessThan(0);
  });

  it('extracts the node id of an origin', () => {
    expect(nodeIdOfOrigin('node-1#k2')).toBe('node-1');
  });
});
