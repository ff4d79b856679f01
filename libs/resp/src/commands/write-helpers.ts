import type { RespConnection } from '../server/connection.js';
import type { StoredValue, WriteRefusal } from '../store.js';
import { parseInt64 } from './args.js';
import { RedisErrors } from './redis-errors.js';

const REFUSAL_PREFIX: Record<WriteRefusal['refusal'], string> = { oom: 'OOM', readonly: 'READONLY', invalid: 'ERR' };

/** Answers a write the store refused, with the Redis error code clients know for it. */
export const replyRefusal = (c: RespConnection, refusal: WriteRefusal): void => {
  c.reply.error(`${REFUSAL_PREFIX[refusal.refusal]} ${refusal.message}`);
};

/** Milliseconds `stored` has left to live, undefined when it does not expire. */
export const remainingMs = (stored: StoredValue, now: number): number | undefined =>
  stored.expiresAt === undefined ? undefined : Math.max(1, Math.ceil(stored.expiresAt - now));

/**
 * Reads an expiry argument (`unit` 1000 for seconds; `absolute` for the *AT forms) into an
 * absolute time in ms, as Redis does: not an integer → "not an integer"; zero or negative
 * (for relative times), or too large to add to the clock → "invalid expire time in '<cmd>'".
 * Absolute times in the past are allowed: the key is then deleted. Replies and returns null on error.
 */
export const readExpiry = (c: RespConnection, text: string, unit: 1 | 1000, absolute: boolean, command: string, allowNonPositive = false): number | null => {
  const n = parseInt64(text);
  if (n === null) {
    c.reply.error(RedisErrors.notInteger);
    return null;
  }
  const value = Number(n);
  if ((!allowNonPositive && value <= 0) || !Number.isSafeInteger(value * unit)) {
    c.reply.error(RedisErrors.invalidExpire(command));
    return null;
  }
  const at = absolute ? value * unit : c.store.now() + value * unit;
  if (!Number.isSafeInteger(at)) {
    c.reply.error(RedisErrors.invalidExpire(command));
    return null;
  }
  return at;
};

/**
 * Stores `value` to expire at `at` (undefined: never); an `at` already past deletes the key, as
 * Redis does. Replies only on refusal; returns whether the write went through.
 */
export const writeUntil = (c: RespConnection, key: string, value: unknown, at: number | undefined): boolean => {
  const store = c.store;
  if (at !== undefined && at <= store.now()) {
    const deleted = store.delete(key);
    if (!deleted.ok) replyRefusal(c, deleted);
    return deleted.ok;
  }
  const result = store.set(key, value, at === undefined ? undefined : at - store.now());
  if (!result.ok) replyRefusal(c, result);
  return result.ok;
};
