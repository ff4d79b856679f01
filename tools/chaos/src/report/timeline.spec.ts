import type { HistoryRecord } from '../check/history.js';
import { timelineSpec } from './timeline-spec.js';

const T = 1_700_000_000_000;
const history: HistoryRecord[] = [
  { kind: 'op', id: 'a', client: 1, node: 'node1', type: 'set', key: 'k', value: 'v', start: T + 100, end: T + 110, outcome: 'ok' },
  { kind: 'op', id: 'b', client: 1, node: 'node2', type: 'read', key: 'k', start: T + 1500, end: T + 3500, outcome: 'unknown' },
];
const faults = [{ index: 1, group: 'pause', fault: 'pause', targets: ['node2'], start: T + 1000, end: T + 4000, recoveredAt: T + 4500, mechanism: 'SIGSTOP' }];

// vega ships ES modules only; its rendering is checked by chaos.process.spec.ts (timeline.svg of a real run).
describe('timeline', () => {
  it('puts faults in bands and counts errors per second', () => {
    const spec = timelineSpec(history, faults, T) as { vconcat: Array<{ layer: Array<{ data: { values: unknown[] } }> }> };
    expect(spec.vconcat[0].layer[0].data.values).toEqual([{ from: 1, to: 4, fault: 'pause node2' }]);
    expect(spec.vconcat[1].layer[1].data.values).toEqual([{ t: 3, count: 1, outcome: 'unknown' }]);
    expect(spec.vconcat[0].layer[1].data.values).toContainEqual({ t: 0, ms: 10, series: 'p50' });
  });
});
