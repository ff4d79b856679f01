/** How many SCAN cursors are remembered; the oldest is forgotten past this. */
const MAX_CURSORS = 65_536;

/**
 * SCAN cursors must be integers (redis-cli parses them as unsigned 64-bit numbers), but the key
 * listing resumes after a key. Each page's cursor is a fresh number standing for its last key,
 * shared by every connection of the server, so a cursor may be continued from another
 * connection. Only the most recent {@link MAX_CURSORS} are kept: a scan that outlives that many
 * newer pages gets `ERR invalid cursor` rather than a silent restart.
 */
export class ScanCursors {
  private readonly keys = new Map<string, string>();
  private next = 1;

  issue(lastKey: string): string {
    const id = String(this.next++);
    this.keys.set(id, lastKey);
    if (this.keys.size > MAX_CURSORS) this.keys.delete(this.keys.keys().next().value as string);
    return id;
  }

  /** The key a cursor resumes after: undefined for `0` (from the start), null when unknown. */
  resolve(cursor: string): string | undefined | null {
    if (cursor === '0') return undefined;
    return this.keys.get(cursor) ?? null;
  }
}
