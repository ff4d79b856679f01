import type { Hlc } from '@meshcache/sync-protocol';

/**
 * Hybrid logical clock (Kulkarni et al., 2014): timestamps stay close to physical time, never
 * go backwards, and every timestamp issued after receiving one is greater than it. Remote
 * timestamps reach it only through `ClockGuard`, which refuses those too far ahead, so one node
 * with a runaway clock cannot drag the whole cluster into the future.
 */
export class HybridClock {
  private wall = 0;
  private logical = 0;

  constructor(
    readonly origin: string,
    private readonly physicalNow: () => number,
  ) {}

  /** A new timestamp for a local event, greater than every timestamp seen so far. */
  tick(): Hlc {
    return this.tickAt(this.physicalNow());
  }

  /** `tick()` with the physical clock already read (`physicalMs`, from the same clock). */
  tickAt(physicalMs: number): Hlc {
    const pt = Math.floor(physicalMs);
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

  /** `peek().wall` without a new object: asked before every client write. */
  get wallTime(): number {
    return this.wall;
  }

  /** Adopts a timestamp (one the guard accepted, or state restored from our own disk). */
  advanceTo(remote: Hlc): void {
    if (remote.wall > this.wall) {
      this.wall = remote.wall;
      this.logical = remote.logical;
    } else if (remote.wall === this.wall && remote.logical > this.logical) {
      this.logical = remote.logical;
    }
  }
}
