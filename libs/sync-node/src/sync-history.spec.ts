import { SyncHistory } from './sync-history.js';

describe('SyncHistory', () => {
  let clock = 1_000_000;
  const history = () => new SyncHistory('n', () => clock, { stateEvents: 50, trafficEvents: 10, trafficIntervalMs: 1000 });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('keeps a peer-down among thousands of batches: traffic is summed per peer, direction and interval', () => {
    const h = history();
    h.record({ type: 'peer-down', peer: 'b' });
    for (let i = 0; i < 5000; i++) {
      clock += 2;
      h.record({ type: i % 2 ? 'ops-sent' : 'ops-received', peer: i % 3 ? 'b' : 'c', count: 3 });
    }
    h.record({ type: 'partial-sync', peer: 'b', message: 'from seq 7' });
    const all = h.list(1000);
    expect(all.filter((e) => e.type === 'peer-down')).toHaveLength(1);
    expect(all[0].type).toBe('partial-sync');
    const traffic = all.filter((e) => e.type === 'ops-sent' || e.type === 'ops-received');
    // 10 s of traffic in 1 s intervals, 4 peer/direction pairs: at most 10 kept plus 4 open.
    expect(traffic.length).toBeLessThanOrEqual(14);
    expect(traffic.every((e) => (e.count ?? 0) > 3)).toBe(true);
    expect(traffic[0].message).toMatch(/batches in/);
  });

  it('keeps a lone one-operation batch with its key, and drops the key once others join it', () => {
    const h = history();
    h.record({ type: 'ops-received', peer: 'b', count: 1, op: 'set', key: 'user:1' });
    expect(h.list(5)[0]).toMatchObject({ type: 'ops-received', count: 1, op: 'set', key: 'user:1' });
    h.record({ type: 'ops-received', peer: 'b', count: 2 });
    const [merged] = h.list(5);
    expect(merged).toMatchObject({ count: 3 });
    expect(merged.key).toBeUndefined();
  });

  it('shows the interval as it is when read: the sum so far, stamped with its last batch, and goes on counting after', () => {
    const h = history();
    h.record({ type: 'ops-sent', peer: 'b', count: 2 });
    const [first] = h.list(5);
    clock += 300;
    h.record({ type: 'ops-sent', peer: 'b', count: 5 });
    expect(h.list(5)).toEqual([{ ...first, timestamp: 1_000_300, count: 7, message: '2 batches in 0.3 s' }]);
    clock += 400;
    h.record({ type: 'ops-sent', peer: 'b', count: 1 });
    expect(h.list(5)[0]).toMatchObject({ id: first.id, timestamp: 1_000_700, count: 8, message: '3 batches in 0.7 s' });
    clock += 1000;
    h.record({ type: 'ops-sent', peer: 'b', count: 1 });
    // The closed interval keeps what it had summed.
    expect(h.list(5)[1]).toMatchObject({ id: first.id, count: 8, message: '3 batches in 0.7 s' });
  });

  it('closes an interval by time and lists newest first with unique ids', () => {
    const h = history();
    h.record({ type: 'ops-sent', peer: 'b', count: 1 });
    clock += 1500;
    h.record({ type: 'peer-up', peer: 'c' });
    clock += 10;
    h.record({ type: 'ops-sent', peer: 'b', count: 4 });
    const all = h.list(10);
    expect(all.map((e) => [e.type, e.count])).toEqual([
      ['ops-sent', 4],
      ['peer-up', undefined],
      ['ops-sent', 1],
    ]);
    expect(new Set(all.map((e) => e.id)).size).toBe(3);
  });

  it('bounds state changes separately from traffic', () => {
    const h = history();
    for (let i = 0; i < 200; i++) h.record({ type: 'rejected', message: `r${i}` });
    expect(h.list(1000)).toHaveLength(50);
    expect(h.list(3).map((e) => e.message)).toEqual(['r199', 'r198', 'r197']);
  });
});
