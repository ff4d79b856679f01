import { ClockHealth } from './clock-health.js';

/**
 * `assess` answers every client write from its last answer while nothing it depends on changed.
 * Each test keeps both clocks frozen on the same ms (as during a pipelined batch of writes) and
 * changes one piece of evidence: the very next answer must see it.
 */
describe('ClockHealth.assess', () => {
  const MAX = 500;
  const setup = (clusterSize = 3) => {
    const clocks = { wall: 1_000_000, monotonic: 5_000 };
    const size = { n: clusterSize };
    const health = new ClockHealth({
      maxOffsetMs: MAX,
      now: () => clocks.wall,
      monotonic: () => clocks.monotonic,
      freshForMs: 10_000,
      requireConfirmation: false,
      clusterSize: () => size.n,
    });
    const jumps: number[] = [];
    const assess = (origin = 'n#1', hlcWall = clocks.wall) => health.assess(origin, hlcWall, () => jumps.push(clocks.wall));
    return { clocks, size, health, jumps, assess };
  };

  it('gives the same answer, computed once, while nothing changed', () => {
    const { assess } = setup();
    const first = assess();
    expect(first.skewed).toBe(false);
    expect(assess()).toBe(first);
  });

  it('sees peers outvoting the clock within the same ms', () => {
    const { health, clocks, assess } = setup();
    expect(assess().skewed).toBe(false);
    health.peerClock('p1', clocks.wall + 2 * MAX);
    health.peerClock('p2', clocks.wall + 2 * MAX);
    expect(assess()).toMatchObject({ skewed: true, kind: 'outvoted' });
    // Back within bounds as soon as the peers' readings say so.
    health.peerClock('p1', clocks.wall);
    health.peerClock('p2', clocks.wall);
    expect(assess().skewed).toBe(false);
  });

  it('sees a peer refusing our origin within the same ms, and a new origin clearing it', () => {
    const { health, assess } = setup();
    expect(assess().skewed).toBe(false);
    health.refusedByPeer('p1', 'n#1', 7, 900);
    expect(assess()).toMatchObject({ skewed: true, kind: 'refused' });
    expect(assess('n#2').skewed).toBe(false);
  });

  it('sees state stamped ahead of the clock within the same ms', () => {
    const { clocks, assess } = setup();
    expect(assess('n#1', clocks.wall).skewed).toBe(false);
    expect(assess('n#1', clocks.wall + MAX + 1)).toMatchObject({ skewed: true, kind: 'stamped-ahead' });
  });

  it('sees a wall-clock jump on the next write and reports it once', () => {
    const { clocks, jumps, assess } = setup();
    expect(assess().skewed).toBe(false);
    clocks.wall += 60_000;
    expect(assess(undefined, clocks.wall)).toMatchObject({ skewed: true, kind: 'jumped' });
    expect(assess(undefined, clocks.wall)).toMatchObject({ skewed: true, kind: 'jumped' });
    expect(jumps).toEqual([clocks.wall]);
  });

  it('sees a wall clock that stands still while the monotonic clock runs on', () => {
    const { clocks, jumps, assess } = setup();
    expect(assess().skewed).toBe(false);
    clocks.monotonic += 60_000;
    expect(assess()).toMatchObject({ skewed: true, kind: 'jumped' });
    expect(jumps).toHaveLength(1);
  });

  it('sees the cluster growing: a node alone only reports a jump, one with peers refuses', () => {
    const { clocks, size, jumps, assess } = setup(1);
    clocks.wall += 60_000;
    expect(assess(undefined, clocks.wall).skewed).toBe(false);
    expect(jumps).toHaveLength(1);
    size.n = 2;
    clocks.wall += 60_000;
    expect(assess(undefined, clocks.wall)).toMatchObject({ skewed: true, kind: 'jumped' });
  });
});
