import type { RespConnection } from '../server/connection.js';
import { addInt64, byteLength, parseInt64, valueText } from './args.js';
import { RedisErrors } from './redis-errors.js';
import { readExpiry, remainingMs, replyRefusal, writeUntil } from './write-helpers.js';

export const get = (c: RespConnection): void => {
  const stored = c.store.get(c.argv[1]);
  if (stored === undefined) c.reply.null();
  else c.reply.bulk(valueText(stored.value));
};

/** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL] */
export const set = (c: RespConnection): void => {
  const { argv, argc, reply, store } = c;
  const key = argv[1];
  if (argc === 3) {
    const result = store.set(key, argv[2], undefined);
    if (result.ok) reply.ok();
    else replyRefusal(c, result);
    return;
  }
  let nx = false;
  let xx = false;
  let withGet = false;
  let keepTtl = false;
  let expiry: string | undefined;
  let expiryArg = '';
  for (let i = 3; i < argc; i++) {
    const option = argv[i].toUpperCase();
    if (option === 'NX' && !xx) nx = true;
    else if (option === 'XX' && !nx) xx = true;
    else if (option === 'GET') withGet = true;
    else if (option === 'KEEPTTL' && expiry === undefined) keepTtl = true;
    else if ((option === 'EX' || option === 'PX' || option === 'EXAT' || option === 'PXAT') && expiry === undefined && !keepTtl && i + 1 < argc) {
      expiry = option;
      expiryArg = argv[++i];
    } else {
      reply.error(RedisErrors.syntax);
      return;
    }
  }
  let at: number | undefined;
  if (expiry !== undefined) {
    const parsed = readExpiry(c, expiryArg, expiry === 'EX' || expiry === 'EXAT' ? 1000 : 1, expiry.endsWith('AT'), 'set');
    if (parsed === null) return;
    at = parsed;
  }
  const old = store.peek(key);
  const oldText = withGet && old !== undefined ? valueText(old.value) : undefined;
  if ((nx && old !== undefined) || (xx && old === undefined)) {
    if (withGet) reply.bulkOrNull(oldText);
    else reply.null();
    return;
  }
  if (keepTtl && old?.expiresAt !== undefined) at = old.expiresAt;
  if (!writeUntil(c, key, argv[2], at)) return;
  if (withGet) reply.bulkOrNull(oldText);
  else reply.ok();
};

const setWithExpiry = (c: RespConnection, unit: 1 | 1000, command: string): void => {
  const at = readExpiry(c, c.argv[2], unit, false, command);
  if (at === null) return;
  if (writeUntil(c, c.argv[1], c.argv[3], at)) c.reply.ok();
};

export const setex = (c: RespConnection): void => setWithExpiry(c, 1000, 'setex');
export const psetex = (c: RespConnection): void => setWithExpiry(c, 1, 'psetex');

export const setnx = (c: RespConnection): void => {
  if (c.store.peek(c.argv[1]) !== undefined) {
    c.reply.integer(0);
    return;
  }
  const result = c.store.set(c.argv[1], c.argv[2], undefined);
  if (result.ok) c.reply.integer(1);
  else replyRefusal(c, result);
};

export const getdel = (c: RespConnection): void => {
  const stored = c.store.get(c.argv[1]);
  if (stored === undefined) {
    c.reply.null();
    return;
  }
  const deleted = c.store.delete(c.argv[1]);
  if (deleted.ok) c.reply.bulk(valueText(stored.value));
  else replyRefusal(c, deleted);
};

/** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST] */
export const getex = (c: RespConnection): void => {
  const { argv, argc, reply, store } = c;
  let at: number | undefined;
  let change = false;
  if (argc > 2) {
    const option = argv[2].toUpperCase();
    if (option === 'PERSIST' && argc === 3) change = true;
    else if ((option === 'EX' || option === 'PX' || option === 'EXAT' || option === 'PXAT') && argc === 4) {
      const parsed = readExpiry(c, argv[3], option === 'EX' || option === 'EXAT' ? 1000 : 1, option.endsWith('AT'), 'getex');
      if (parsed === null) return;
      at = parsed;
      change = true;
    } else {
      reply.error(RedisErrors.syntax);
      return;
    }
  }
  const stored = store.get(argv[1]);
  if (stored === undefined) {
    reply.null();
    return;
  }
  if (change && !(at === undefined && stored.expiresAt === undefined) && !writeUntil(c, argv[1], stored.value, at)) return;
  reply.bulk(valueText(stored.value));
};

export const mget = (c: RespConnection): void => {
  const { argv, argc, reply, store } = c;
  reply.array(argc - 1);
  for (let i = 1; i < argc; i++) {
    const stored = store.get(argv[i]);
    if (stored === undefined) reply.null();
    else reply.bulk(valueText(stored.value));
  }
};

/**
 * Writes every pair, or none when the store can tell beforehand that one would be refused.
 * A refusal only the write itself finds (a journal failing between two pairs) still leaves
 * the earlier pairs written.
 */
const setPairs = (c: RespConnection): boolean => {
  const { argv, argc, store } = c;
  for (let i = 1; i < argc; i += 2) {
    const check = store.canSet(argv[i], argv[i + 1], undefined);
    if (!check.ok) {
      replyRefusal(c, check);
      return false;
    }
  }
  for (let i = 1; i < argc; i += 2) {
    const result = store.set(argv[i], argv[i + 1], undefined);
    if (!result.ok) {
      replyRefusal(c, result);
      return false;
    }
  }
  return true;
};

export const mset = (c: RespConnection): void => {
  if (c.argc % 2 === 0) c.reply.error(RedisErrors.wrongArity('mset'));
  else if (setPairs(c)) c.reply.ok();
};

export const msetnx = (c: RespConnection): void => {
  const { argv, argc, reply, store } = c;
  if (argc % 2 === 0) {
    reply.error(RedisErrors.wrongArity('msetnx'));
    return;
  }
  for (let i = 1; i < argc; i += 2) {
    if (store.peek(argv[i]) !== undefined) {
      reply.integer(0);
      return;
    }
  }
  if (setPairs(c)) reply.integer(1);
};

/**
 * INCR and friends: the stored text must be a 64-bit integer; the result is stored as text and
 * keeps the key's expiry. Atomic on this node only: see the README on last-writer-wins.
 */
const incrementBy = (c: RespConnection, delta: number | bigint): void => {
  const { argv, store, reply } = c;
  const stored = store.peek(argv[1]);
  const current = stored === undefined ? 0 : parseInt64(valueText(stored.value));
  if (current === null) {
    reply.error(RedisErrors.notInteger);
    return;
  }
  const next = addInt64(current, delta);
  if (next === null) {
    reply.error(RedisErrors.overflow);
    return;
  }
  const result = store.set(argv[1], String(next), stored === undefined ? undefined : remainingMs(stored, store.now()));
  if (result.ok) reply.integer(next);
  else replyRefusal(c, result);
};

const readDelta = (c: RespConnection, negate: boolean): number | bigint | null => {
  const n = parseInt64(c.argv[2]);
  if (n === null) {
    c.reply.error(RedisErrors.notInteger);
    return null;
  }
  if (!negate) return n;
  const negated = typeof n === 'number' ? -n : -n;
  if (typeof negated === 'bigint' && negated > 2n ** 63n - 1n) {
    c.reply.error('ERR decrement would overflow');
    return null;
  }
  return negated;
};

export const incr = (c: RespConnection): void => incrementBy(c, 1);
export const decr = (c: RespConnection): void => incrementBy(c, -1);
export const incrby = (c: RespConnection): void => {
  const delta = readDelta(c, false);
  if (delta !== null) incrementBy(c, delta);
};
export const decrby = (c: RespConnection): void => {
  const delta = readDelta(c, true);
  if (delta !== null) incrementBy(c, delta);
};

export const append = (c: RespConnection): void => {
  const { argv, store, reply } = c;
  const stored = store.peek(argv[1]);
  const text = stored === undefined ? argv[2] : valueText(stored.value) + argv[2];
  const result = store.set(argv[1], text, stored === undefined ? undefined : remainingMs(stored, store.now()));
  if (result.ok) reply.integer(byteLength(text));
  else replyRefusal(c, result);
};

export const strlen = (c: RespConnection): void => {
  const stored = c.store.peek(c.argv[1]);
  c.reply.integer(stored === undefined ? 0 : byteLength(valueText(stored.value)));
};
