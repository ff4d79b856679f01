import type { Cache, Strategy } from '@meshcache/cache-core';
import type { Timers } from './timers.js';
import { runInSteps } from './work-steps.js';

/**
 * Applies a replicated strategy switch to the node's cache in bounded steps, one per turn of
 * the event loop (cache-core's `beginStrategySwitch`): at a million keys a switch in one call
 * blocked the loop for a second, and even at 20,000 keys the first switches of a process (cold
 * code) took 30-50 ms. Reads and writes go on meanwhile; the old policy decides evictions
 * until the last step. A switch arriving during another replaces it (one driver at a time).
 * Slots do not move, so scans, snapshot streams and anti-entropy walks under way go on.
 */
export class StrategySwitcher {
  private driving = false;

  /**
   * `monotonic`: the node's monotonic clock in ms. Each step is followed by a rest as long as it
   * took (runInSteps): a switch is replicated, so every node of the cluster runs it at the same
   * moment, and in the soak (3 nodes on 2 cores) the seconds of a switch held up to 165 slow reads.
   */
  constructor(
    private readonly cache: Pick<Cache<string, unknown>, 'beginStrategySwitch' | 'continueStrategySwitch' | 'switchingStrategy'>,
    private readonly timers: Timers,
    private readonly alive: () => boolean,
    private readonly monotonic?: () => number,
  ) {}

  switchTo(strategy: Strategy): void {
    this.cache.beginStrategySwitch(strategy);
    if (this.driving || !this.cache.switchingStrategy) return;
    this.driving = true;
    runInSteps(
      this.timers,
      this.steps(),
      this.alive,
      () => {
        this.driving = false;
      },
      this.monotonic,
    );
  }

  private *steps(): Generator<void, void> {
    while (this.cache.continueStrategySwitch()) yield;
  }
}
