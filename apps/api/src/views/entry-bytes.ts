/**
 * What an entry costs, in the one unit the server uses for bytes: the UTF-8 length of its key plus
 * the UTF-8 length of the JSON text of its value. CACHE_MAX_BYTES budgets the sum of these, and
 * the key listing's `bytes` shows each entry's.
 */
export const entryBytes = (key: string, json: string): number => Buffer.byteLength(key) + Buffer.byteLength(json);

/** {@link entryBytes} of a value not serialised yet (the cache's `sizeOf`). */
export const valueEntryBytes = (value: unknown, key: string): number => entryBytes(key, JSON.stringify(value) ?? 'null');
