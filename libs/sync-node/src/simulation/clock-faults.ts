import type { SeededScheduler } from './seeded-scheduler.js';

/** The bound every simulated node is configured with: faults go far beyond it. */
export const SIM_MAX_CLOCK_OFFSET_MS = 1000;
/** Ordinary NTP jitter between hosts, well inside the bound. */
const JITTER_MS = 20;
/** Faulty clocks are set up to this far off, either way. */
const MAX_FAULT_MS = 10 * 60_000;

/**
 * The hosts' wall clocks in one schedule: every host is off by a small jitter; during the
 * schedule some hosts' clocks are set minutes ahead or behind (an operator, a broken NTP
 * server), and some are set right again. A host's clock survives its node's restarts. The
 * monotonic clock (`sched.now`) never jumps, so nodes can notice the wall clock jumping.
 */
export class ClockFaults {
  private readonly jitter = new Map<string, number>();
  private readonly fault = new Map<string, number>();
  jumps = 0;

  constructor(
    private readonly sched: SeededScheduler,
    ids: string[],
  ) {
    for (const id of ids) this.jitter.set(id, sched.int(-JITTER_MS, JITTER_MS));
  }

  /** How far `id`'s wall clock is from true time now. */
  offset(id: string): number {
    return (this.jitter.get(id) ?? 0) + (this.fault.get(id) ?? 0);
  }

  /** Sets one host's clock off by minutes, or a faulty one right again; returns a log line. */
  step(ids: string[]): string {
    const id = this.sched.pick(ids);
    this.jumps++;
    if (this.fault.has(id) && this.sched.chance(0.5)) {
      this.fault.delete(id);
      return `clock of ${id} set right`;
    }
    const sign = this.sched.chance(0.5) ? 1 : -1;
    const off = sign * this.sched.int(2 * SIM_MAX_CLOCK_OFFSET_MS, MAX_FAULT_MS);
    this.fault.set(id, off);
    return `clock of ${id} set ${off} ms off`;
  }

  /** Before the final check: each faulty clock is set right with probability 1/2. */
  repairSome(): void {
    for (const id of [...this.fault.keys()]) if (this.sched.chance(0.5)) this.fault.delete(id);
  }

  /** Hosts whose clock is still out of bounds: their nodes are not honest. */
  faulty(): Set<string> {
    return new Set(this.fault.keys());
  }
}
