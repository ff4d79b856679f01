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

/**
 * Simulation seed 4191: two of three hosts set 22 s ahead together. Each node's jump waited for
 * confirmation; the other jumped node agreed with it, and with the two of them a majority of
 * three, they confirmed each other while the one correct member was outvoted. They acknowledged
 * writes stamped 22 s ahead, which the cluster dropped once the clocks were set right.
 */
describe('ClockHealth: who may vouch for a clock', () => {
  const MAX = 500;
  const setup = (requireConfirmation = false) => {
    const clocks = { wall: 1_000_000, monotonic: 5_000 };
    const health = new ClockHealth({
      maxOffsetMs: MAX,
      now: () => clocks.wall,
      monotonic: () => clocks.monotonic,
      freshForMs: 10_000,
      requireConfirmation,
      clusterSize: () => 3,
    });
    const assess = () => health.assess('n#1', clocks.wall, () => undefined);
    return { clocks, health, assess };
  };

  it('a peer whose own clock jumped, or was never confirmed, does not confirm a jump; a confirmed one does', () => {
    const { clocks, health, assess } = setup();
    health.peerClock('right', clocks.wall, 'confirmed');
    expect(assess().skewed).toBe(false);
    clocks.wall += 22_000;
    expect(assess()).toMatchObject({ skewed: true, kind: 'jumped' });
    expect(health.standing()).toBe('jumped');
    // The other host set forward with ours agrees, but its clock is in doubt too.
    health.peerClock('twin', clocks.wall, 'jumped');
    health.peerClock('right', clocks.wall - 22_000, 'confirmed');
    expect(assess()).toMatchObject({ skewed: true, kind: 'jumped' });
    // Restarted on its host, it is unconfirmed: still no vouch.
    health.peerClock('twin', clocks.wall, 'unconfirmed');
    expect(assess()).toMatchObject({ skewed: true, kind: 'jumped' });
    // A member whose clock is confirmed agrees (ours was a correction): confirmed.
    health.peerClock('right', clocks.wall, 'confirmed');
    expect(assess().skewed).toBe(false);
    expect(health.standing()).toBe('confirmed');
  });

  it('nodes starting together confirm each other, but a jumped clock confirms no start', () => {
    const { clocks, health, assess } = setup(true);
    expect(assess()).toMatchObject({ skewed: true, kind: 'unconfirmed' });
    expect(health.standing()).toBe('unconfirmed');
    health.peerClock('twin', clocks.wall, 'jumped');
    expect(assess()).toMatchObject({ skewed: true, kind: 'unconfirmed' });
    health.peerClock('other', clocks.wall, 'unconfirmed');
    expect(assess().skewed).toBe(false);
    expect(health.standing()).toBe('confirmed');
  });

  it('unconfirmed peers confirm a start only as a strict majority of all known members; one confirmed peer suffices (simulation seed 61113)', () => {
    // Five members; two of them restarted on hosts set 141 s ahead, within 200 ms of each other.
    const clocks = { wall: 1_000_000, monotonic: 5_000 };
    const health = new ClockHealth({ maxOffsetMs: MAX, now: () => clocks.wall, monotonic: () => clocks.monotonic, freshForMs: 10_000, requireConfirmation: true, clusterSize: () => 5 });
    const assess = () => health.assess('n1#2', clocks.wall, () => undefined);
    health.peerClock('n2', clocks.wall + 200, 'unconfirmed');
    health.peerClock('n5', clocks.wall + 122_000, 'jumped');
    // Before: n2 alone confirmed n1's start, and n1 acknowledged a strategy switch stamped
    // 141 s ahead that the members with a right clock refused for good.
    expect(assess()).toMatchObject({ skewed: true, kind: 'unconfirmed' });
    expect(health.standing()).toBe('unconfirmed');
    // A second unconfirmed peer agreeing makes three of five: as at a cluster's first start.
    health.peerClock('n4', clocks.wall - 300, 'unconfirmed');
    expect(assess().skewed).toBe(false);
    expect(health.standing()).toBe('confirmed');

    const alone = new ClockHealth({ maxOffsetMs: MAX, now: () => clocks.wall, monotonic: () => clocks.monotonic, freshForMs: 10_000, requireConfirmation: true, clusterSize: () => 5 });
    alone.peerClock('n3', clocks.wall, 'confirmed');
    expect(alone.assess('n1#3', clocks.wall, () => undefined).skewed).toBe(false);
  });

  it('takes a reading without a standing (an older peer) as a confirmed clock', () => {
    const { clocks, health, assess } = setup();
    health.peerClock('right', clocks.wall);
    clocks.wall += 22_000;
    expect(assess()).toMatchObject({ skewed: true, kind: 'jumped' });
    health.peerClock('old', clocks.wall);
    expect(assess().skewed).toBe(false);
  });
});
