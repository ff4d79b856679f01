import type { ClockStanding } from '@meshcache/sync-protocol';

export interface ClockHealthOptions {
  maxOffsetMs: number;
  /** Physical wall clock (ms since the epoch). */
  now(): number;
  /** A clock that never jumps (ms, any origin), to notice the wall clock jumping. */
  monotonic(): number;
  /** How long a peer's clock reading stays a vote. */
  freshForMs: number;
  /** Untrusted until a peer's reading agrees with it (when the node has peers to ask). */
  requireConfirmation: boolean;
  /** How many nodes the cluster has as far as this node knows, itself included (reachable or not). */
  clusterSize(): number;
}

/** Why this node's clock is not trusted, for `/health`, the log and the history. */
export interface ClockVerdict {
  skewed: boolean;
  /** Which evidence: peers outvoting our clock, a jump, or a peer refusing our operations. */
  kind: 'outvoted' | 'jumped' | 'refused' | 'stamped-ahead' | 'unconfirmed' | null;
  message: string;
  /** When the current spell began (ms since the epoch), null when healthy. */
  since: number | null;
}

/** What the last `assess` read, and what it answered. */
interface Assessment {
  revision: number;
  now: number;
  monotonicMs: number;
  origin: string;
  hlcWall: number;
  clusterSize: number;
  verdict: ClockVerdict;
}

interface PeerReading {
  /** Peer clock minus ours, in ms. */
  offsetMs: number;
  at: number;
}

/**
 * Whether this node's own clock can be trusted, from three kinds of evidence:
 * - each peer's heartbeat carries its physical clock: when a majority of the peers heard from
 *   recently disagree with ours by more than `maxOffsetMs`, ours is the odd one out (with one
 *   peer, both ends count themselves out of bounds: neither can tell which clock is wrong);
 * - a peer tells us it refused our operations for being stamped too far ahead;
 * - the wall clock moved against the monotonic clock by more than half the bound (someone set
 *   the time): untrusted until readings taken after the jump from enough peers agree with it
 *   that, with this node, they are a strict majority of ALL known members (reachable or not).
 *   Counting only the peers in reach let two hosts of a minority partition, set forward
 *   together, vouch for each other and acknowledge writes the majority then refused. Only a
 *   peer whose own clock is confirmed (see `standing`) confirms a jump, and a peer whose clock
 *   jumped unconfirmed confirms no start: two hosts set off together, each waiting for
 *   confirmation, confirmed each other with the one correct member outvoted, and acknowledged
 *   writes the cluster dropped once their clocks were set right (simulation seed 4191).
 * A node whose clock is not trusted refuses client writes (so none is acknowledged and then
 * refused by its peers), and refuses peers' timestamps without holding them against the peer.
 */
export class ClockHealth {
  private readonly readings = new Map<string, PeerReading>();
  private wallMinusMonotonic: number;
  private jumped: { byMs: number; at: number } | null = null;
  /** Peers whose readings since the last jump agree with our clock as it is now. */
  private readonly confirmers = new Set<string>();
  private refusal: { peer: string; origin: string; seq: number; aheadMs: number } | null = null;
  private since: number | null = null;
  /** A peer's reading has agreed with our clock since this node started. */
  private confirmed = false;
  /** Peers starting unconfirmed like us whose readings agree with our clock, until it is confirmed. */
  private readonly startVouchers = new Set<string>();
  /** Bumped by every change to the evidence above (readings, jump, refusal, confirmation). */
  private revision = 0;
  private last: Assessment | null = null;

  constructor(private readonly options: ClockHealthOptions) {
    this.wallMinusMonotonic = options.now() - options.monotonic();
  }

  /**
   * A peer's heartbeat said its clock read `peerClock` (ms since the epoch) just now, with its
   * own clock's `standing` (older peers do not say: `confirmed`).
   */
  peerClock(peer: string, peerClock: number, standing: ClockStanding = 'confirmed'): number {
    const now = this.options.now();
    const offsetMs = Math.round(peerClock - now);
    this.revision++;
    this.readings.set(peer, { offsetMs, at: now });
    const agrees = Math.abs(offsetMs) <= this.options.maxOffsetMs;
    // A confirmed clock confirms our start alone; unconfirmed ones (nodes starting together) only
    // as a strict majority of all known members, as for a jump; a jumped clock confirms nothing.
    if (agrees && standing === 'unconfirmed') this.startVouchers.add(peer);
    else this.startVouchers.delete(peer);
    if (agrees && (standing === 'confirmed' || (this.startVouchers.size + 1) * 2 > this.options.clusterSize())) this.confirmed = true;
    if (this.jumped !== null) {
      if (agrees && standing === 'confirmed') this.confirmers.add(peer);
      else this.confirmers.delete(peer);
      // Enough of the cluster agrees with the clock as it is now: the jump was a correction, or is accepted.
      if ((this.confirmers.size + 1) * 2 > this.options.clusterSize()) {
        this.jumped = null;
        this.confirmers.clear();
        this.wallMinusMonotonic = now - this.options.monotonic();
      }
    }
    return offsetMs;
  }

  /** How far peers vouch for this node's clock, for its heartbeats (see the class comment). */
  standing(): ClockStanding {
    if (this.jumped !== null) return 'jumped';
    return this.confirmed ? 'confirmed' : 'unconfirmed';
  }

  peerGone(peer: string): void {
    this.revision++;
    this.readings.delete(peer);
    this.confirmers.delete(peer);
    this.startVouchers.delete(peer);
  }

  /** The peer's clock minus ours (ms) at its last fresh reading, or null without one. */
  peerOffset(peer: string): number | null {
    const reading = this.readings.get(peer);
    if (reading === undefined || Math.abs(this.options.now() - reading.at) > this.options.freshForMs) return null;
    return reading.offsetMs;
  }

  /** A peer refused our operations of `origin` from `seq` on: they are lost to it. */
  refusedByPeer(peer: string, origin: string, seq: number, aheadMs: number): void {
    this.revision++;
    if (this.refusal === null || this.refusal.origin !== origin || seq < this.refusal.seq) this.refusal = { peer, origin, seq, aheadMs };
  }

  /** A peer refused our current origin: only a new origin and a fresh state clear it. */
  refusedOrigin(origin: string): boolean {
    return this.refusal !== null && this.refusal.origin === origin;
  }

  /** The first of our operations a peer refused, if our `origin` was refused. */
  refusedSeq(origin: string): number | null {
    return this.refusal !== null && this.refusal.origin === origin ? this.refusal.seq : null;
  }

  /** Forgets refusals of an origin this node no longer writes under. */
  newOrigin(): void {
    this.revision++;
    this.refusal = null;
  }

  /** Checks the wall clock against the monotonic one; true when it jumped since last checked. */
  checkJump(hasPeers: boolean): boolean {
    const now = this.options.now();
    const drift = now - this.options.monotonic() - this.wallMinusMonotonic;
    if (Math.abs(drift) <= this.options.maxOffsetMs / 2) return false;
    this.revision++;
    this.wallMinusMonotonic += drift;
    // A node alone has nobody to disagree with: the jump is only reported.
    if (hasPeers) {
      this.jumped = { byMs: Math.round(drift), at: now };
      this.confirmers.clear();
    }
    return true;
  }

  /**
   * `checkJump` then `verdict`, asked before every client write. The answer depends only on the
   * wall and monotonic clocks, the evidence above, the origin, our HLC's wall time and the
   * cluster's size, so while none of them changed — within the same wall-clock ms and monotonic
   * ms — the previous answer stands and nothing is recomputed. A change of any of them (a peer's
   * heartbeat, a refusal, a jump, a new ms) recomputes it at once, so a node whose clock is out
   * of bounds refuses the very next write; a jump is noticed at most one ms later than if it
   * were checked continuously. `onJump` is called when the wall clock jumped. `now` is the wall
   * clock, when the caller has just read it.
   */
  assess(origin: string, hlcWall: number, onJump: () => void, now: number = this.options.now()): ClockVerdict {
    const monotonicMs = Math.floor(this.options.monotonic());
    const clusterSize = this.options.clusterSize();
    const last = this.last;
    if (
      last !== null &&
      last.revision === this.revision &&
      last.now === now &&
      last.monotonicMs === monotonicMs &&
      last.origin === origin &&
      last.hlcWall === hlcWall &&
      last.clusterSize === clusterSize
    ) {
      return last.verdict;
    }
    const hasPeers = clusterSize > 1;
    if (this.checkJump(hasPeers)) onJump();
    const verdict = this.verdict(origin, hlcWall - Math.floor(now), hasPeers);
    // Read after the check: a jump it found bumped the revision, and is part of this answer.
    this.last = { revision: this.revision, now, monotonicMs, origin, hlcWall, clusterSize, verdict };
    return verdict;
  }

  /**
   * Out of bounds with the majority of recently heard peers, refused, jumped unconfirmed, or
   * holding state stamped beyond the bound (`hlcAheadMs`: our HLC minus our physical clock), so
   * that every write would be stamped where peers refuse it.
   */
  verdict(origin: string, hlcAheadMs: number, hasPeers: boolean): ClockVerdict {
    const now = this.options.now();
    const max = this.options.maxOffsetMs;
    const votes = this.votes();
    let message: string | null = null;
    let kind: ClockVerdict['kind'] = null;
    if (votes.outvoted) {
      kind = 'outvoted';
      const direction = votes.worst < 0 ? 'ahead of' : 'behind';
      message = `this node's clock is ${Math.abs(votes.worst)} ms ${direction} ${votes.out} of ${votes.fresh} peer(s) (max offset ${max} ms): fix NTP on this host; writes are refused until then`;
    } else if (this.jumped !== null) {
      kind = 'jumped';
      message = `this node's wall clock jumped by ${this.jumped.byMs} ms: writes are refused until peers that are, with this node, a majority of the ${this.options.clusterSize()} known members confirm the clock (${this.confirmers.size} so far)`;
    } else if (this.refusal !== null && this.refusal.origin === origin) {
      const r = this.refusal;
      kind = 'refused';
      message = `peer ${r.peer} refused this node's writes from seq ${r.seq}, stamped ${r.aheadMs} ms ahead of its clock: this node replaces its state from a peer once its clock agrees with theirs`;
    } else if (this.options.requireConfirmation && hasPeers && !this.confirmed) {
      kind = 'unconfirmed';
      message = `no peer has confirmed this node's clock since it started: writes are refused until one answers`;
    } else if (hlcAheadMs > max) {
      kind = 'stamped-ahead';
      message = `this node holds state stamped ${hlcAheadMs} ms ahead of its clock (max offset ${max} ms), so its writes would be refused: it drops that state once a peer confirms its clock`;
    }
    if (message === null) {
      this.since = null;
      return { skewed: false, kind, message: 'clock within bounds', since: null };
    }
    if (this.since === null) this.since = Math.floor(now);
    return { skewed: true, kind, message, since: this.since };
  }

  /** True when recently heard peers vouch for our clock (a refusal of our origin may still stand). */
  agreesWithPeers(): boolean {
    const votes = this.votes();
    return votes.fresh > 0 && !votes.outvoted && this.jumped === null;
  }

  /** A strict majority of fresh readings out of bounds (with one peer, that peer alone). */
  private votes(): { fresh: number; out: number; worst: number; outvoted: boolean } {
    const now = this.options.now();
    const { maxOffsetMs: max, freshForMs } = this.options;
    let fresh = 0;
    let out = 0;
    let worst = 0;
    for (const [peer, reading] of this.readings) {
      if (Math.abs(now - reading.at) > freshForMs) {
        this.readings.delete(peer);
        continue;
      }
      fresh++;
      if (Math.abs(reading.offsetMs) > max) {
        out++;
        if (Math.abs(reading.offsetMs) > Math.abs(worst)) worst = reading.offsetMs;
      }
    }
    return { fresh, out, worst, outvoted: out * 2 > fresh };
  }
}
