import type { Timers } from './timers.js';

/**
 * Runs `work` one `next()` per turn of the event loop until it returns, so a job over millions
 * of items never holds the loop for more than one of its steps (each generator yields after a
 * bounded piece of work). The first step runs now. It stops early, without `done`, once
 * `alive()` is false (the peer left, the exchange ended).
 *
 * With `paceBy` (a monotonic clock in ms), each step is followed by a rest as long as the step
 * took, so the job takes at most about half of the process's time: for work every node of a
 * cluster does at the same moment (a replicated strategy switch), on machines whose cores the
 * nodes share. A virtual clock that does not move during a step (the simulation's) rests 0 ms:
 * the schedule is the same as without it.
 */
export function runInSteps(timers: Timers, work: Iterator<unknown>, alive: () => boolean, done: () => void = () => undefined, paceBy?: () => number): void {
  const step = () => {
    if (!alive()) return;
    const started = paceBy?.() ?? 0;
    if (work.next().done === true) return done();
    timers.setTimeout(step, paceBy === undefined ? 0 : Math.round(paceBy() - started));
  };
  step();
}
