import { Cache } from '@meshcache/cache-core';
import { StrategySwitcher } from './strategy-switcher.js';
import type { Timers } from './timers.js';

/** Timers whose callbacks run only when the test says so, one turn at a time. */
function manualTimers(): Timers & { turn(): boolean; queued(): number; delays: number[] } {
  const queue: (() => void)[] = [];
  const delays: number[] = [];
  return {
    delays,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return queue.push(fn);
    },
    clearTimeout: () => undefined,
    turn: () => {
      const fn = queue.shift();
      fn?.();
      return fn !== undefined;
    },
    queued: () => queue.length,
  };
}

function filled(n: number): Cache<string, unknown> {
  const cache = new Cache<string, unknown>({ capacity: n, strategy: 'lru' });
  for (let i = 0; i < n; i++) cache.set(`k${i}`, i);
  for (let i = 0; i < n; i += 3) cache.get(`k${i}`);
  return cache;
}

describe('StrategySwitcher', () => {
  it('switches in steps, one per turn of the loop, and a second switch takes over the same driver', () => {
    const cache = filled(20_000);
    const timers = manualTimers();
    const switcher = new StrategySwitcher(cache, timers, () => true);
    switcher.switchTo('lfu');
    // The first step ran at once; the rest wait for later turns.
    expect(cache.strategy).toBe('lfu');
    expect(cache.switchingStrategy).toBe(true);
    expect(timers.queued()).toBe(1);
    for (let i = 0; i < 3; i++) timers.turn();
    cache.set('written-meanwhile', 1);
    switcher.switchTo('tinylfu');
    expect(timers.queued()).toBe(1);
    let turns = 0;
    while (timers.turn()) turns++;
    expect(turns).toBeGreaterThan(10);
    expect(cache.switchingStrategy).toBe(false);
    expect(cache.strategy).toBe('tinylfu');
    expect(cache.peek('written-meanwhile')).toBe(1);
    expect(cache.size).toBe(20_000);
  });

  it("rests after each step as long as the step took, by the node's monotonic clock", () => {
    const cache = filled(20_000);
    const timers = manualTimers();
    // A clock that moves 3 ms during each step (it is read once before and once after).
    let t = 0;
    let reads = 0;
    const switcher = new StrategySwitcher(cache, timers, () => true, () => (reads++ % 2 === 0 ? t : (t += 3)));
    switcher.switchTo('lfu');
    while (timers.turn());
    expect(cache.switchingStrategy).toBe(false);
    expect(timers.delays.length).toBeGreaterThan(5);
    expect(new Set(timers.delays)).toEqual(new Set([3]));
    // A clock that stands still during a step (the simulation's virtual one) gives the old schedule: no rest.
    const still = manualTimers();
    new StrategySwitcher(filled(20_000), still, () => true, () => 42).switchTo('lfu');
    while (still.turn());
    expect(new Set(still.delays)).toEqual(new Set([0]));
  });

  it('a switch to the strategy in force schedules nothing; a closed node stops driving', () => {
    const cache = filled(10_000);
    const timers = manualTimers();
    let open = true;
    const switcher = new StrategySwitcher(cache, timers, () => open);
    switcher.switchTo('lru');
    expect(timers.queued()).toBe(0);
    switcher.switchTo('lfu');
    open = false;
    while (timers.turn());
    expect(cache.switchingStrategy).toBe(true);
    expect(cache.get('k1')).toBe(1);
  });
});
