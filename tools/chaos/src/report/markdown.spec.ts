import { renderReport, type RunSummary } from './markdown.js';

describe('renderReport', () => {
  it('lists what each crashed node\'s disk held, with the bound a power cut was held to', () => {
    const crash = { id: 'f3', node: 'node2', mode: 'power' as const, at: 10, checked: 120, cut: 14, oldestCutMs: 617, cutBytes: 5000, sinceFsyncMs: 832, longestFsyncGapMs: 1118, excused: [], lostEverywhere: 0 };
    const summary: RunSummary = {
      command: 'npm run chaos -- --seed 1',
      seed: 1,
      mode: 'netns',
      networkNote: 'namespaces',
      fsync: 'everysec',
      powerLossBoundMs: 1500,
      startedAt: 0,
      seconds: 60,
      faults: [],
      result: { valid: true, anomalies: [], findings: [], keys: 1, ops: { ok: 1, failed: 0, unknown: 0 }, convergeMs: 0, crashes: [crash, { ...crash, id: 'f4', mode: 'kill', cut: 0, oldestCutMs: null, sinceFsyncMs: null }] },
      screenshots: [],
      notes: [],
    };
    const report = renderReport(summary);
    expect(report).toContain('within 1500 ms before it');
    expect(report).toContain('| f3 | node2 | power cut | 120 | 14 | 617 ms | 0 | 5000 | 832 ms | 1118 ms |');
    expect(report).toContain('| f4 | node2 | kill -9 | 120 | 0 | – | 0 | 5000 | – | 1118 ms |');
  });
});
