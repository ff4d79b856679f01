import { compareHlc, type Hlc } from '@meshcache/sync-protocol';

export type ObserveResult = { ok: true } | { ok: false; code: 'CLOCK_SKEW'; message: string };

/**
 * Hybrid logical clock (Kulkarni et al., 2014): timestamps stay close to physical time, never
 * go backwards, and every timestamp issued after receiving one is greater than it. A remote
 * timestamp more than `maxOffsetMs` ahead of our physical clock is refused rather than adopted,
 * so one node with a runaway clock cannot drag the whole cluster into the future.
 */
export class HybridClock {
  private wall = 0;
  private logical = 0;

  constructor(
    readonly origin: string,
    private readonly physicalNow: () => number,
    private readonly maxOffsetMs: number,
  ) {}

  /** A new timestamp for a local event, greater than every timestamp seen so far. */
  tick(): Hlc {
    const pt = Math.floor(this.physicalNow());
    if (pt > this.wall) {
      this.wall = pt;
      this.logical = 0;
    } else {
      this.logical++;
    }
    return { wall: this.wall, logical: this.logical, node: this.origin };
  }

  /** The last timestamp issued or observed; every later `tick()` is greater. */
  peek(): Hlc {
    return { wall: this.wall, logical: this.logical, node: this.origin };
  }

  /** Merges a remote timestamp, unless it is too far ahead of our physical clock. */
  observe(remote: Hlc): ObserveResult {
    const pt = Math.floor(this.physicalNow());
    if (remote.wall - pt > this.maxOffsetMs) {
      return {
        ok: false,
        code: 'CLOCK_SKEW',
        message: `timestamp from ${remote.node} is ${remote.wall - pt} ms ahead of this node's clock (max offset ${this.maxOffsetMs} ms): check NTP on both hosts`,
      };
    }
    this.advanceTo(remote);
    return { ok: true };
  }

  /** Merges the newest timestamp of a batch of state: a snapshot or repair is one remote event. */
  observeNewest(items: Iterable<{ hlc: Hlc }>): ObserveResult {
    let newest: Hlc | null = null;
    for (const item of items) if (newest === null || compareHlc(item.hlc, newest) > 0) newest = item.hlc;
    return newest === null ? { ok: true } : this.observe(newest);
  }

  /** Adopts a timestamp unconditionally (state restored from our own disk). */
  advanceTo(remote: Hlc): void {
    if (remote.wall > this.wall) {
      this.wall = remote.wall;
      this.logical = remote.logical;
    } else if (remote.wall === this.wall && remote.logical > this.logical) {
      this.logical = remote.logical;
    }
  }
}
