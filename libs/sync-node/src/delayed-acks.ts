import type { Acked } from '@meshcache/sync-protocol';
import type { PeerSession } from './peer-session.js';
import type { Timers } from './timers.js';

interface Owed {
  readonly origin: string;
  readonly handle: unknown;
}

/**
 * Acknowledgements of a peer's operation batches, held up to `delayMs` so that the batches of
 * that time share one ack (what TCP's delayed ACK does for segments). An ack names the highest
 * sequence applied, so a later one covers every earlier one: the ack sent when the delay runs
 * out carries what is applied then. With a delay of 0, or for a batch a writer waits for
 * (`ackNow`), the ack goes at once, and one still owed on that session goes with it.
 *
 * Why: at a few hundred writes/s per node, writes are milliseconds apart, so each is its own
 * batch and each batch had its own ack, a whole message each way (docs/RELIABILITY.md, "Delayed
 * acknowledgements").
 *
 * An ack still owed when this node sends the peer a batch of its own rides on that batch
 * (`take`, protocol v3): a node that writes as well as receives then sends hardly any ack
 * messages at all (docs/RELIABILITY.md, "Acks ride on batches").
 */
export class DelayedAcks {
  private readonly owed = new Map<PeerSession, Owed>();

  constructor(
    private readonly timers: Timers,
    private readonly delayMs: number,
    /** What this node has applied of `origin`, read when the ack is sent. */
    private readonly appliedOf: (origin: string) => number,
  ) {}

  /** A batch of `origin`'s operations was taken from `session` (applied, or found already applied). */
  owe(session: PeerSession, origin: string, now: boolean): void {
    const earlier = this.owed.get(session);
    if (earlier !== undefined && earlier.origin !== origin) this.sendOwed(session);
    if (now || this.delayMs === 0) {
      this.settle(session);
      session.send({ type: 'ack', origin, seq: this.appliedOf(origin) });
      return;
    }
    if (this.owed.has(session)) return;
    const handle = this.timers.setTimeout(() => this.sendOwed(session), this.delayMs);
    this.owed.set(session, { origin, handle });
  }

  /**
   * Nothing stays owed on `session`: an ack is about to go on it by another way (a snapshot
   * chunk's), or it closed (the peer resends, or learns what we applied from our heartbeats).
   */
  settle(session: PeerSession): void {
    const owed = this.owed.get(session);
    if (owed === undefined) return;
    this.timers.clearTimeout(owed.handle);
    this.owed.delete(session);
  }

  /**
   * The ack owed on any of `sessions` (one peer's), taken to ride on a message about to go to
   * that peer: it is no longer owed (its timer is cleared), and carries what is applied now.
   * The next batch from the peer owes a new one, with a new delay, so while both sides write
   * almost every ack rides. (Keeping one timer per delay and sending a message when it ran out
   * for the batches come since the last ride saves the timers, but in a simulation of the soak's
   * rates half the acks still went as messages, against 6 % this way.) At most one is taken;
   * another owed on a second session to the same peer goes when its delay runs out.
   */
  take(sessions: readonly PeerSession[]): Acked | undefined {
    for (const session of sessions) {
      const owed = this.owed.get(session);
      if (owed === undefined) continue;
      this.settle(session);
      return { origin: owed.origin, seq: this.appliedOf(owed.origin) };
    }
    return undefined;
  }

  /** Acks owed right now, for tests and introspection. */
  get pending(): number {
    return this.owed.size;
  }

  private sendOwed(session: PeerSession): void {
    const owed = this.owed.get(session);
    if (owed === undefined) return;
    this.settle(session);
    if (session.isUp) session.send({ type: 'ack', origin: owed.origin, seq: this.appliedOf(owed.origin) });
  }
}
