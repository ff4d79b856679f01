import type { Timers } from './timers.js';

/**
 * Runs `work` one `next()` per turn of the event loop until it returns, so a job over millions
 * of items never holds the loop for more than one of its steps (each generator yields after a
 * bounded piece of work). The first step runs now. It stops early, without `done`, once
 * `alive()` is false (the peer left, the exchange ended).
 */
export function runInSteps(timers: Timers, work: Iterator<unknown>, alive: () => boolean, done: () => void = () => undefined): void {
  const step = () => {
    if (!alive()) return;
    if (work.next().done === true) return done();
    timers.setTimeout(step, 0);
  };
  step();
}
