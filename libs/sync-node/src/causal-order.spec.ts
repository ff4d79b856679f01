import { EPOCH, memoryCluster } from './test/memory-cluster.js';

describe('ReplicaNode.orderAfter: a client orders its writes across nodes', () => {
  /** a's clock runs 40 ms ahead of b's: within maxClockOffsetMs, so both accept each other's stamps. */
  const skewedPair = () => {
    const { nodes, run, net, make, sched } = memoryCluster(['b'], { members: ['a', 'b'] });
    const [b] = nodes;
    const a = make('a', { now: () => EPOCH + sched.now + 40 });
    net.add(a);
    return { a, b, run, sched };
  };

  it('stamps the next write after the version the client passes, so it wins on every node', () => {
    const { a, b, run } = skewedPair();
    run(500);
    // Without a token, the clocks decide: b's later write loses to a's earlier one.
    a.set('plain', 'first');
    b.set('plain', 'second');
    // With one, the client's order holds.
    expect(a.set('ordered', 'first').ok).toBe(true);
    const token = a.peek('ordered')?.hlc;
    expect(b.orderAfter(token as NonNullable<typeof token>)).toBeNull();
    expect(b.set('ordered', 'second').ok).toBe(true);
    run(500);
    expect([a, b].map((n) => n.get('plain')?.value)).toEqual(['first', 'first']);
    expect([a, b].map((n) => n.get('ordered')?.value)).toEqual(['second', 'second']);
  });

  it('refuses a version further ahead of its clock than maxClockOffsetMs, and leaves its clock alone', () => {
    const { b, run, sched } = skewedPair();
    run(100);
    const refused = b.orderAfter({ wall: EPOCH + sched.now + 3_600_000, logical: 0, node: 'a~x' });
    expect(refused).toMatchObject({ ok: false, code: 'CLOCK_SKEW', message: expect.stringContaining('ahead of this node') });
    expect(b.set('k', 1).ok).toBe(true);
    expect((b.peek('k')?.hlc.wall ?? 0) - (EPOCH + sched.now)).toBeLessThan(1000);
  });
});
