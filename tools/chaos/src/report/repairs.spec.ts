import { costlyRepairs } from './markdown.js';
import { countersOf, summarizeRepair, type StatusCounters } from './repairs.js';

const zero: StatusCounters = { partialSyncs: 0, fullSyncs: 0, snapshotsSent: 0, forceSyncs: 0, repairedKeys: 0, rejectedMessages: 0 };

describe('summarizeRepair', () => {
  it('names the repairs by counter growth and counts the events of the window only', () => {
    const before = new Map([['n1', zero], ['n2', { ...zero, partialSyncs: 2 }]]);
    const after = new Map([['n1', { ...zero, fullSyncs: 1 }], ['n2', { ...zero, partialSyncs: 3 }]]);
    const events = [
      { timestamp: 5, type: 'peer-down', peer: 'n1' },
      { timestamp: 5, type: 'peer-down', peer: 'n1' },
      { timestamp: 6, type: 'ops-sent', count: 3 },
      { timestamp: 50, type: 'peer-up', peer: 'n1' },
    ];
    const s = summarizeRepair(before, after, events, { from: 0, to: 10 }, 1234);
    expect(s).toMatchObject({ partial: 1, snapshot: 1, kind: 'snapshot ×1, partial ×1', events: { 'peer-down': 1 }, bytes: 1234 });
  });

  it('counts a received snapshot that no sender counted as a whole-state one (a restarted node\'s tail) as partial', () => {
    const before = new Map([['n1', { ...zero, snapshotRepairs: 0 }], ['n2', { ...zero, snapshotRepairs: 0 }]]);
    const tails = new Map([['n1', { ...zero, fullSyncs: 1, snapshotRepairs: 0 }], ['n2', { ...zero, fullSyncs: 1, snapshotRepairs: 0 }]]);
    expect(summarizeRepair(before, tails, [], { from: 0, to: 1 }, 0)).toMatchObject({ snapshot: 0, partial: 2, kind: 'partial ×2' });
    const whole = new Map([['n1', { ...zero, fullSyncs: 1, snapshotRepairs: 0 }], ['n2', { ...zero, fullSyncs: 0, snapshotRepairs: 1 }]]);
    expect(summarizeRepair(before, whole, [], { from: 0, to: 1 }, 0)).toMatchObject({ snapshot: 1, partial: 0 });
    // A node without the counter: the receivers' count, as before.
    expect(summarizeRepair(new Map(), new Map([['n1', { ...zero, fullSyncs: 1 }]]), [], { from: 0, to: 1 }, 0).snapshot).toBe(1);
    expect(countersOf({ ...zero, repairs: { snapshot: { count: 3 } } })).toMatchObject({ snapshotRepairs: 3 });
  });

  it('counts a restarted node (counters back at zero) from zero', () => {
    const s = summarizeRepair(new Map([['n1', { ...zero, partialSyncs: 5 }]]), new Map([['n1', { ...zero, partialSyncs: 1 }]]), [], { from: 0, to: 1 }, 0);
    expect(s.partial).toBe(1);
    expect(summarizeRepair(new Map(), new Map(), [], { from: 0, to: 1 }, 0).kind).toBe('none (live stream only)');
  });
});

describe('costlyRepairs', () => {
  const row = (group: string, snapshot: number, writesDuring: number) => ({
    index: 1,
    group,
    fault: group,
    targets: ['node1'],
    start: 0,
    end: 1,
    recoveredAt: 2,
    mechanism: '',
    writesDuring,
    repair: summarizeRepair(new Map(), new Map([['node1', { ...zero, fullSyncs: snapshot }]]), [], { from: 0, to: 1 }, 0),
  });

  it('flags a snapshot after a short outage, not after a clock fault or a long one', () => {
    expect(costlyRepairs([row('kill', 1, 40)])).toEqual([expect.stringContaining('snapshot ×1 although only 40 writes')]);
    expect(costlyRepairs([row('clock', 1, 40), row('kill', 0, 40), row('pause', 1, 20_000)])).toEqual([]);
  });
});
