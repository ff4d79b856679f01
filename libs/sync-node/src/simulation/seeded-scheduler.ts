import type { Timers } from '../timers.js';

interface Task {
  at: number;
  id: number;
  fn: () => void;
  owner: string | null;
  cancelled: boolean;
}

/**
 * Virtual time and a seeded random source (mulberry32): every run with the same seed makes the
 * same choices in the same order, so a failing schedule replays exactly.
 */
export class SeededScheduler {
  private heap: Task[] = [];
  private nextId = 0;
  private state: number;
  private readonly byOwner = new Map<string, Set<Task>>();
  now = 0;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  /** Runs `fn` after `delayMs` of virtual time; tasks at the same time run in schedule order. */
  after(delayMs: number, fn: () => void, owner: string | null = null): Task {
    const task: Task = { at: this.now + Math.max(0, delayMs), id: this.nextId++, fn, owner, cancelled: false };
    this.push(task);
    if (owner !== null) {
      let set = this.byOwner.get(owner);
      if (set === undefined) this.byOwner.set(owner, (set = new Set()));
      set.add(task);
    }
    return task;
  }

  cancel(task: Task): void {
    task.cancelled = true;
    if (task.owner !== null) this.byOwner.get(task.owner)?.delete(task);
  }

  /** Cancels every pending task of `owner` (a crashed node's timers). */
  cancelOwner(owner: string): void {
    for (const task of this.byOwner.get(owner) ?? []) task.cancelled = true;
    this.byOwner.delete(owner);
  }

  /** `Timers` for a node: its tasks can be cancelled together when it crashes. */
  timersFor(owner: string): Timers {
    return {
      setTimeout: (fn, ms) => this.after(ms, fn, owner),
      clearTimeout: (handle) => this.cancel(handle as Task),
    };
  }

  /** Runs tasks in time order until virtual time `until` (inclusive) or `maxTasks` ran. */
  runUntil(until: number, maxTasks = 5_000_000): number {
    let ran = 0;
    while (this.heap.length > 0 && this.heap[0].at <= until && ran < maxTasks) {
      const task = this.pop();
      if (task.cancelled) continue;
      if (task.owner !== null) this.byOwner.get(task.owner)?.delete(task);
      this.now = task.at;
      task.fn();
      ran++;
    }
    if (ran < maxTasks) this.now = Math.max(this.now, until);
    return ran;
  }

  private push(task: Task): void {
    const heap = this.heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Task {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Task;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(heap[l], heap[m])) m = l;
        if (r < heap.length && this.before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }

  private before(a: Task, b: Task): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }
}
