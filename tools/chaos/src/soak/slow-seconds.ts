/** Something the soak did or saw at a moment of the run, to name beside the seconds of slow reads. */
export interface RunEvent {
  label: string;
  /** ms since the run started. */
  at: number;
}

/** How close (s) an event must be to a second of slow reads to be named beside it: a switch or a snapshot slows the seconds right after it. */
const BEFORE_S = 2;
const AFTER_S = 1;

/**
 * Where in the run the GETs over the p99 goal came from: their count and share, how many fell in
 * the first 10 s (cold code in every process), and the seconds with the most, each with the
 * strategy switches and disk snapshots next to it. A p99 miss then says whether it was the
 * warm-up, the periodic work, or spread over the whole run.
 */
export function slowSecondsNote(slowPerSecond: readonly number[], reads: number, limitMs: number, events: readonly RunEvent[], top = 5): string {
  const total = slowPerSecond.reduce((a, b) => a + b, 0);
  const firstTen = slowPerSecond.slice(0, 10).reduce((a, b) => a + b, 0);
  const worst = slowPerSecond
    .map((count, second) => ({ count, second }))
    .filter((s) => s.count > 0)
    .sort((a, b) => b.count - a.count || a.second - b.second)
    .slice(0, top);
  const near = (second: number) =>
    events
      .filter((e) => e.at / 1000 >= second - BEFORE_S && e.at / 1000 < second + 1 + AFTER_S)
      .map((e) => `${e.label} at ${(e.at / 1000).toFixed(1)} s`);
  const seconds = worst.map((s) => {
    const nearby = near(s.second);
    return `${s.second} s: ${s.count}${nearby.length === 0 ? '' : ` (${nearby.join(', ')})`}`;
  });
  const share = reads === 0 ? 0 : (100 * total) / reads;
  return `${total} GETs took over ${limitMs} ms (${share.toFixed(2)} % of reads; p99 allows 1 %), ${firstTen} of them in the first 10 s${seconds.length === 0 ? '' : `; the seconds with the most: ${seconds.join('; ')}`}`;
}
