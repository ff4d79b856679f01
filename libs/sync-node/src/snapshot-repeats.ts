/** Longest wait between two repeats of a snapshot for one repair, in retransmit periods. */
export const MAX_REPEAT_WAIT_PERIODS = 16;

/** What the peer looked like when a snapshot of the current repair started. */
interface RepairContext {
  /** The peer's incarnation: a restarted peer holds other state, so its repair is a new one. */
  origin: string | null;
  /** The peer's clock standing: a clock confirmed since may take what a clock in doubt dropped. */
  standing: string | undefined;
}

/**
 * The snapshots sent to one peer for one repair. A snapshot after which the peer still lacks
 * what only a snapshot brings did not repair it; one more may have been lost on the way, but a
 * peer that cannot take it (its own clock in doubt drops state stamped ahead of it, its guard
 * refuses an origin for good, its journal refuses) was sent the whole state again every
 * retransmit period for as long as the cause lasted: simulation seed 61113, two senders, every
 * 300 ms, to the end of the run. So from the second snapshot of a repair on, each one makes the
 * next wait twice as long, up to {@link MAX_REPEAT_WAIT_PERIODS} periods. The repair ends (and
 * the count starts over) when the peer needs no snapshot any more, restarted, or its clock's
 * standing changed.
 */
export class SnapshotRepeats {
  #count = 0;
  #notBefore = -Infinity;
  #context: RepairContext = { origin: null, standing: undefined };

  /** Snapshots sent for the current repair (0: none, 1: the one it needed, more: repeats). */
  get count(): number {
    return this.#count;
  }

  /**
   * Whether a snapshot may start now for a peer in `context`; a changed context ends the repair
   * (true when that cleared repeats, so the caller can clear what it reported about them).
   */
  mayStart(now: number, context: RepairContext): { ok: boolean; ended: boolean } {
    const ended = this.#count > 0 && (context.origin !== this.#context.origin || context.standing !== this.#context.standing) && this.end();
    return { ok: now >= this.#notBefore, ended };
  }

  /** A snapshot starts: its number in the repair, and how long the next one must wait. */
  started(now: number, context: RepairContext, periodMs: number): { count: number; nextWaitMs: number } {
    this.#count++;
    this.#context = context;
    const nextWaitMs = this.#count === 1 ? 0 : Math.min(MAX_REPEAT_WAIT_PERIODS, 2 ** (this.#count - 1)) * periodMs;
    this.#notBefore = now + nextWaitMs;
    return { count: this.#count, nextWaitMs };
  }

  /** The peer needs no snapshot any more. True when repeats had been sent. */
  end(): boolean {
    const repeated = this.#count > 1;
    this.#count = 0;
    this.#notBefore = -Infinity;
    return repeated;
  }
}
