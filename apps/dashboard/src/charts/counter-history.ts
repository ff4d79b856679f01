/**
 * A bounded history of counter samples (cumulative counters such as hits or evictions, plus
 * gauges such as memory). Rates are derived from deltas between consecutive samples, so the
 * charts are right whatever the push interval is, and a counter that goes backwards (the node
 * restarted) leaves a gap instead of a negative spike.
 */
export interface Sample<Name extends string> {
  /** wall-clock time of the sample in milliseconds */
  readonly at: number;
  readonly values: Readonly<Record<Name, number>>;
}

interface Stored<Name extends string> extends Sample<Name> {
  /** the interval ending here spans an outage: nothing is known about it */
  readonly afterGap: boolean;
}

export class CounterHistory<Name extends string> {
  private readonly samples: Stored<Name>[] = [];
  private version = 0;
  private gapPending = false;

  constructor(private readonly maxSamples: number) {}

  /** Appends a sample; returns false (and keeps nothing) when it is not newer than the last one. */
  push(sample: Sample<Name>): boolean {
    const last = this.samples[this.samples.length - 1];
    if (last && sample.at <= last.at) return false;
    this.samples.push({ ...sample, afterGap: this.gapPending });
    this.gapPending = false;
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
    this.version += 1;
    return true;
  }

  /**
   * The source went away (the socket dropped): the interval up to the next sample is an outage,
   * drawn as a gap in every series, gauges included, rather than a line across it.
   */
  markGap(): void {
    if (this.samples.length > 0) this.gapPending = true;
  }

  clear(): void {
    this.samples.length = 0;
    this.version += 1;
  }

  /** Changes whenever the samples change; cheap to compare for re-render decisions. */
  get revision(): number {
    return this.version;
  }

  get length(): number {
    return this.samples.length;
  }

  /** Times (seconds, as uPlot wants) of every interval between two samples. */
  intervalTimes(): number[] {
    return this.samples.slice(1).map((s) => s.at / 1000);
  }

  /** Per-second rate of a counter over each interval; null where the counter was reset. */
  rate(name: Name): (number | null)[] {
    const out: (number | null)[] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const prev = this.samples[i - 1];
      const cur = this.samples[i];
      const delta = cur.values[name] - prev.values[name];
      const seconds = (cur.at - prev.at) / 1000;
      out.push(delta < 0 || cur.afterGap ? null : delta / seconds);
    }
    return out;
  }

  /**
   * part / (part + rest) of the increments in each interval, as a percentage; null when
   * nothing happened in the interval (no reads means no hit ratio, not 0 %).
   */
  ratio(part: Name, rest: Name): (number | null)[] {
    const out: (number | null)[] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const prev = this.samples[i - 1].values;
      const cur = this.samples[i].values;
      const dPart = cur[part] - prev[part];
      const dRest = cur[rest] - prev[rest];
      const total = dPart + dRest;
      out.push(dPart < 0 || dRest < 0 || total === 0 || this.samples[i].afterGap ? null : (dPart / total) * 100);
    }
    return out;
  }

  /** Increase of a counter over each interval; null where it was reset or across an outage. */
  increase(name: Name): (number | null)[] {
    const out: (number | null)[] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const delta = this.samples[i].values[name] - this.samples[i - 1].values[name];
      out.push(delta < 0 || this.samples[i].afterGap ? null : delta);
    }
    return out;
  }

  /** A gauge's value at the end of each interval; null for an interval across an outage. */
  gauge(name: Name): (number | null)[] {
    return this.samples.slice(1).map((s) => (s.afterGap ? null : s.values[name]));
  }
}
