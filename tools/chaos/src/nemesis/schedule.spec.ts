import { seededRandom } from '../prng.js';
import { FAULT_GROUPS, groupOrder, halvesOf, planFault, type FaultGroup } from './schedule.js';

describe('planFault', () => {
  const nodes = ['node1', 'node2', 'node3'];
  const groups = Object.keys(FAULT_GROUPS) as FaultGroup[];

  it('covers every asked group in the first rounds, and replays the same plan for the same seed', () => {
    const plan = (seed: number) => {
      const random = seededRandom(seed);
      const order = groupOrder(random, groups);
      return Array.from({ length: 10 }, (_, i) => planFault(random, i, groups, nodes, order));
    };
    const first = plan(7);
    expect(new Set(first.slice(0, groups.length).map((p) => p.group))).toEqual(new Set(groups));
    expect(plan(7)).toEqual(first);
    for (const p of first) expect((FAULT_GROUPS[p.group] as readonly string[]).includes(p.fault)).toBe(true);
  });

  it('names one target for single-node faults and every node, shuffled, for a split (the cut-off node first)', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      const p = planFault(random, i, ['partition', 'kill', 'power'], nodes, []);
      const expected = (p.group === 'partition' && p.fault !== 'isolate') || p.fault === 'cut-off-power-loss' ? 3 : 1;
      expect(p.targets).toHaveLength(expected);
      expect(p.holdMs).toBeGreaterThan(0);
    }
  });

  it('splits into two non-empty halves', () => {
    expect(halvesOf(['a', 'b', 'c'])).toEqual([['a'], ['b', 'c']]);
    expect(halvesOf(['a', 'b', 'c', 'd', 'e'])).toEqual([['a', 'b'], ['c', 'd', 'e']]);
  });
});
