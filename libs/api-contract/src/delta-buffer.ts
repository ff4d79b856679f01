import { rangeCovers, type KeyRange } from './key-view.js';
import type { KeyEntry } from './schemas/cache.js';
import type { CacheChange } from './schemas/events.js';
import type { Strategy } from './schemas/primitives.js';

export interface ChangeNotice {
  readonly kind: 'set' | 'delete' | 'clear' | 'strategy';
  readonly key?: string;
  readonly source: 'local' | 'remote';
}

export interface DrainedDelta {
  changes: CacheChange[];
  truncated: boolean;
  /** key changes outside the view since the previous drain, counted instead of sent */
  elsewhere: number;
}

/**
 * Server side of the `cache-delta` event for one dashboard tab. Collects the changes of keys in
 * the tab's view (see {@link KeyRange}) between two deltas, keeping only the last change per key,
 * and at most `maxKeys` keys: past that the batch is marked truncated and the keys dropped, since
 * the client will reload its page anyway. Changes of keys outside the view are only counted: a
 * tab showing 50 rows must not pay for thousands of writes per second elsewhere. A clear drops
 * everything collected before it. Without a view nothing but counts is collected.
 */
export class DeltaBuffer {
  private readonly keys = new Map<string, ChangeNotice>();
  private cleared: ChangeNotice | undefined;
  private strategy: ChangeNotice | undefined;
  private truncated = false;
  private elsewhere = 0;
  private range: KeyRange | null;

  constructor(
    private readonly maxKeys: number,
    range: KeyRange | null = { prefix: '' },
  ) {
    this.range = range;
  }

  get empty(): boolean {
    return this.keys.size === 0 && !this.cleared && !this.strategy && !this.truncated && this.elsewhere === 0;
  }

  /** The prefix of the tab's view ('' without one): what the delta's `totalKeys` counts. */
  get viewPrefix(): string {
    return this.range?.prefix ?? '';
  }

  /** Narrows (or widens) what is collected from now on; keys already collected still go out. */
  setView(range: KeyRange | null): void {
    this.range = range;
  }

  add(change: ChangeNotice): void {
    if (change.key !== undefined && (this.range === null || !rangeCovers(this.range, change.key))) {
      this.elsewhere += 1;
      return;
    }
    if (change.kind === 'clear') {
      this.keys.clear();
      this.truncated = false;
      this.cleared = change;
    } else if (change.kind === 'strategy') {
      this.strategy = change;
    } else if (change.key !== undefined && !this.truncated) {
      // Re-inserting moves the key to the end, so changes stay in the order they last happened.
      this.keys.delete(change.key);
      this.keys.set(change.key, change);
      if (this.keys.size > this.maxKeys) {
        this.keys.clear();
        this.truncated = true;
      }
    }
  }

  /** Empties the buffer into wire changes; `entryOf` reads a key's current row (undefined if gone). */
  drain(entryOf: (key: string) => KeyEntry | undefined, strategyNow: Strategy): DrainedDelta {
    const changes: CacheChange[] = [];
    if (this.cleared) changes.push({ kind: 'clear', source: this.cleared.source });
    for (const [key, change] of this.keys) {
      const entry = change.kind === 'set' ? entryOf(key) : undefined;
      // A key set and then evicted before the flush is reported as deleted.
      changes.push(entry ? { kind: 'set', key, entry, source: change.source } : { kind: 'delete', key, source: change.source });
    }
    if (this.strategy) changes.push({ kind: 'strategy', strategy: strategyNow, source: this.strategy.source });
    const drained = { changes, truncated: this.truncated, elsewhere: this.elsewhere };
    this.keys.clear();
    this.cleared = undefined;
    this.strategy = undefined;
    this.truncated = false;
    this.elsewhere = 0;
    return drained;
  }
}
