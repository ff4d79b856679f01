import { z } from 'zod';

/**
 * The deepest nesting of arrays and objects a cached value may have (`[]` is 1, `{"a":[1]}` 2).
 * Every node refuses deeper values when they are written, and a peer message carrying one is a
 * bad message. A value ~4,000 levels deep used to pass the writer's check (one `JSON.stringify`
 * from a shallow stack) and then overflow the stack of every later step that walks it
 * recursively from a deeper one (the answer to a GET, socket.io's encoder sending it to a peer,
 * a snapshot), killing the writer and each peer it reached. 256 is far below any of those
 * limits and far above any document people cache (RedisJSON stops at 128).
 */
export const MAX_VALUE_DEPTH = 256;

/**
 * True when `value`, a tree as JSON.parse returns it (no cycles), nests arrays and objects
 * deeper than `limit`. Iterative, so that the check itself cannot overflow the stack; it stops
 * at the first branch past the limit.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_VALUE_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const pending: unknown[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const node = pending.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Any JSON value a peer may send as a cached value: nested at most MAX_VALUE_DEPTH levels. */
export const CacheValueSchema = z.unknown().refine((v) => !nestsDeeperThan(v), { message: `value nests arrays and objects deeper than ${MAX_VALUE_DEPTH} levels` });
