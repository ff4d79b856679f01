import { Cache } from '@meshcache/cache-core';
import { StrategySwitcher } from './strategy-switcher.js';
import type { Timers } from './timers.js';

/** Timers whose callbacks run only when the test says so, one turn at a time. */
function manualTimers(): Timers & { turn(): boolean; queued(): number } {
  const queue: (() => void)[] = [];
  return {
    setTimeout: (fn) => queue.push(fn),
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
