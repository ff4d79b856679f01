import type { SyncEvent } from '@meshcache/sync-protocol';

type NewEvent = Omit<SyncEvent, 'id' | 'timestamp'>;

/** The last `limit` sync events, newest first, each with a unique id. */
export class SyncHistory {
  private readonly events: SyncEvent[] = [];
  private nextId = 1;

  constructor(
    private readonly idPrefix: string,
    private readonly now: () => number,
    private readonly limit = 100,
  ) {}

  record(event: NewEvent): SyncEvent {
    const full: SyncEvent = { id: `${this.idPrefix}-${this.nextId++}`, timestamp: Math.floor(this.now()), ...event };
    this.events.unshift(full);
    if (this.events.length > this.limit) this.events.length = this.limit;
    return full;
  }

  /** Newest first; `limit` is clamped to what is kept. */
  list(limit = 20): SyncEvent[] {
    const n = Math.max(0, Math.min(Math.floor(limit), this.events.length));
    return this.events.slice(0, n);
  }
}
