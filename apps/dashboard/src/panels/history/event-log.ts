import { syncHistoryEntrySchema, type SyncHistoryEntry } from '@meshcache/api-contract';
import { z } from 'zod';

/** Most events the browser keeps per node. */
export const EVENT_LOG_LIMIT = 500;

/**
 * What the log keeps: everything but the per-batch operation events, which write traffic
 * produces by the hundred and which would push peer changes, resyncs and refusals out.
 */
export const isNotable = (e: SyncHistoryEntry): boolean => e.type !== 'ops-sent' && e.type !== 'ops-received';

/** Event ids restart with the node, so an id alone could merge two events. */
const identity = (e: SyncHistoryEntry) => `${e.id}|${e.timestamp}|${e.type}|${e.peer ?? ''}`;

/** The kept events plus the notable new ones, each once, newest first, at most `limit`. */
export function mergeEvents(kept: readonly SyncHistoryEntry[], incoming: readonly SyncHistoryEntry[], limit = EVENT_LOG_LIMIT): SyncHistoryEntry[] {
  const byId = new Map(kept.map((e) => [identity(e), e]));
  for (const e of incoming) if (isNotable(e)) byId.set(identity(e), e);
  return [...byId.values()].sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
}

const storedSchema = z.array(syncHistoryEntrySchema);

/**
 * The node's notable replication events kept in this browser's localStorage (one list per node
 * id), so the log survives a page reload and the node's own bounded history filling with
 * operation batches. Storage that is missing, full or holds something else is treated as empty.
 */
export class EventLogStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined) {}

  private key = (nodeId: string) => `meshcache:event-log:${nodeId}`;

  load(nodeId: string): SyncHistoryEntry[] {
    try {
      const parsed = storedSchema.safeParse(JSON.parse(this.storage?.getItem(this.key(nodeId)) ?? '[]'));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  /** Merges `incoming` into the node's log and returns the log. */
  record(nodeId: string, incoming: readonly SyncHistoryEntry[]): SyncHistoryEntry[] {
    const kept = this.load(nodeId);
    const merged = mergeEvents(kept, incoming);
    try {
      this.storage?.setItem(this.key(nodeId), JSON.stringify(merged));
    } catch {
      // Quota exceeded or storage disabled: the log lives for this page only.
    }
    return merged;
  }
}
