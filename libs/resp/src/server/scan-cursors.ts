/** How many SCAN cursors one connection keeps; the oldest is forgotten past this. */
export const MAX_CURSORS_PER_CONNECTION = 1024;

/**
 * SCAN cursors must be integers (redis-cli parses them as unsigned 64-bit numbers), but the key
 * listing resumes after a key. Each page's cursor is a fresh number standing for its last key.
 * Every connection keeps its own: one client's scans can neither evict another's cursors nor be
 * continued by it. The numbers come from one server-wide sequence (`nextId`), so a cursor handed
 * to another connection is unknown there rather than standing for some other key. Only the most
 * recent {@link MAX_CURSORS_PER_CONNECTION} of a connection are kept: a scan that outlives that
 * many newer pages of its connection gets `ERR invalid cursor` rather than a silent restart.
 */
export class ScanCursors {
  private readonly keys = new Map<string, string>();

  constructor(private readonly nextId: () => number) {}

  issue(lastKey: string): string {
    const id = String(this.nextId());
    this.keys.set(id, lastKey);
    if (this.keys.size > MAX_CURSORS_PER_CONNECTION) this.keys.delete(this.keys.keys().next().value as string);
    return id;
  }

  /** The key a cursor resumes after: undefined for `0` (from the start), null when unknown. */
  resolve(cursor: string): string | undefined | null {
    if (cursor === '0') return undefined;
    return this.keys.get(cursor) ?? null;
  }
}
