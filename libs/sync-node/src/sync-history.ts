import type { SyncEvent } from '@meshcache/sync-protocol';

type NewEvent = Omit<SyncEvent, 'id' | 'timestamp'>;

/** How long the history is kept: state changes and batch traffic each have their own room. */
export interface HistoryRetention {
  /** State changes kept (peer up/down, resyncs, snapshots, rejections, clock, force syncs). */
  stateEvents: number;
  /** Aggregated traffic entries kept (one per peer, direction and interval). */
  trafficEvents: number;
  /** Batches to or from one peer within this long are one `ops-sent`/`ops-received` entry. */
  trafficIntervalMs: number;
}

export const DEFAULT_RETENTION: HistoryRetention = { stateEvents: 1000, trafficEvents: 200, trafficIntervalMs: 5000 };

/** An event with the order it was recorded in, to break timestamp ties newest first. */
interface Kept {
  order: number;
  event: SyncEvent;
}

/**
 * Traffic of one peer and direction in the current interval, counted as it comes and made an
 * event only when the history is read or the interval closes: a busy node records a batch every
 * millisecond or two, and building the entry each time (a new object, a formatted message) was
 * most of what the history cost.
 */
interface OpenTraffic {
  order: number;
  startedAt: number;
  batches: number;
  count: number;
  lastAt: number;
  /** The interval's first batch as recorded: shown as it is (its op and key) while it is the only one. */
  first: SyncEvent;
}

/** The entry an interval's traffic shows: its first batch alone, or the sum of its batches. */
const trafficEvent = (open: OpenTraffic): SyncEvent => {
  if (open.batches === 1) return open.first;
  const { op: _op, key: _key, ...rest } = open.first;
  return { ...rest, timestamp: open.lastAt, count: open.count, message: `${open.batches} batches in ${((open.lastAt - open.startedAt) / 1000).toFixed(1)} s` };
};

const isTraffic = (type: SyncEvent['type']): type is 'ops-sent' | 'ops-received' => type === 'ops-sent' || type === 'ops-received';

/**
 * The replication history, newest first. A busy node sends and receives a batch every few
 * milliseconds: logged one by one, those would push out within a second the events that explain
 * an outage. So batches are summed per peer, direction and interval, and state changes are kept
 * in their own, larger ring.
 */
export class SyncHistory {
  private readonly states: Kept[] = [];
  private readonly traffic: Kept[] = [];
  private readonly open = new Map<string, OpenTraffic>();
  private nextId = 1;

  constructor(
    private readonly idPrefix: string,
    private readonly now: () => number,
    private readonly retention: HistoryRetention = DEFAULT_RETENTION,
  ) {}

  record(event: NewEvent): void {
    if (isTraffic(event.type) && event.peer !== undefined) return this.recordTraffic(event);
    const kept = this.keep(event);
    this.states.unshift(kept);
    if (this.states.length > this.retention.stateEvents) this.states.length = this.retention.stateEvents;
  }

  /** Newest first; `limit` is clamped to what is kept. */
  list(limit = 20): SyncEvent[] {
    const now = Math.floor(this.now());
    for (const [key, open] of this.open) if (now - open.startedAt >= this.retention.trafficIntervalMs) this.close(key, open);
    const all: Kept[] = [...this.traffic, ...this.states];
    for (const open of this.open.values()) all.push({ order: open.order, event: trafficEvent(open) });
    all.sort((a, b) => b.event.timestamp - a.event.timestamp || b.order - a.order);
    const n = Math.max(0, Math.min(Math.floor(limit), all.length));
    return all.slice(0, n).map((k) => ({ ...k.event }));
  }

  private keep(event: NewEvent): Kept {
    const order = this.nextId++;
    return { order, event: { id: `${this.idPrefix}-${order}`, timestamp: Math.floor(this.now()), ...event } };
  }

  /** Adds a batch to its peer's entry of this interval; a lone one-operation batch keeps its key. */
  private recordTraffic(event: NewEvent): void {
    const now = Math.floor(this.now());
    const key = `${event.type} ${event.peer}`;
    const current = this.open.get(key);
    if (current !== undefined && now - current.startedAt < this.retention.trafficIntervalMs) {
      current.batches++;
      current.count += event.count ?? 0;
      current.lastAt = now;
      current.order = this.nextId++;
      return;
    }
    if (current !== undefined) this.close(key, current);
    const kept = this.keep(event);
    this.open.set(key, { order: kept.order, startedAt: now, batches: 1, count: event.count ?? 0, lastAt: now, first: kept.event });
  }

  private close(key: string, open: OpenTraffic): void {
    this.open.delete(key);
    this.traffic.unshift({ order: open.order, event: trafficEvent(open) });
    if (this.traffic.length > this.retention.trafficEvents) this.traffic.length = this.retention.trafficEvents;
  }
}
