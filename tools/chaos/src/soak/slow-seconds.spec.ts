import { slowSecondsNote } from './slow-seconds';

describe('slowSecondsNote', () => {
  it('counts the slow reads, their share and the first 10 s, and names the events beside the worst seconds', () => {
    const perSecond = new Array<number>(120).fill(0);
    perSecond[2] = 30;
    perSecond[61] = 50;
    perSecond[90] = 7;
    const note = slowSecondsNote(perSecond, 10_000, 10, [
      { label: 'strategy switch', at: 60_200 },
      { label: 's2 snapshot', at: 61_500 },
      { label: 'strategy switch', at: 100_000 },
    ]);
    expect(note).toBe(
      '87 GETs took over 10 ms (0.87 % of reads; p99 allows 1 %), 30 of them in the first 10 s; the seconds with the most: ' +
        '61 s: 50 (strategy switch at 60.2 s, s2 snapshot at 61.5 s); 2 s: 30; 90 s: 7',
    );
  });

  it('says so when no read was slow', () => {
    expect(slowSecondsNote([0, 0, 0], 500, 10, [])).toBe('0 GETs took over 10 ms (0.00 % of reads; p99 allows 1 %), 0 of them in the first 10 s');
  });
});
