import type { RespConnection } from '../server/connection.js';
import { compileGlob, globPrefix } from './glob.js';
import { RedisErrors } from './redis-errors.js';
import { readExpiry, replyRefusal, writeUntil } from './write-helpers.js';

/** DEL and UNLINK: how many of the keys existed. */
export const del = (c: RespConnection): void => {
  const { argv, argc, store } = c;
  let removed = 0;
  for (let i = 1; i < argc; i++) {
    const result = store.delete(argv[i]);
    if (!result.ok) {
      replyRefusal(c, result);
      return;
    }
    if (result.existed) removed++;
  }
  c.reply.integer(removed);
};

export const exists = (c: RespConnection): void => {
  const { argv, argc, store } = c;
  let found = 0;
  for (let i = 1; i < argc; i++) if (store.peek(argv[i]) !== undefined) found++;
  c.reply.integer(found);
};

/** Every meshcache value is a Redis string. */
export const type = (c: RespConnection): void => {
  c.reply.simple(c.store.peek(c.argv[1]) === undefined ? 'none' : 'string');
};

/** EXPIRE key time [NX | XX | GT | LT] and its PEXPIRE / EXPIREAT / PEXPIREAT forms. */
const expireCommand =
  (unit: 1 | 1000, absolute: boolean, command: string) =>
  (c: RespConnection): void => {
    const { argv, argc, reply, store } = c;
    let nx = false;
    let xx = false;
    let gt = false;
    let lt = false;
    for (let i = 3; i < argc; i++) {
      const option = argv[i].toUpperCase();
      if (option === 'NX') nx = true;
      else if (option === 'XX') xx = true;
      else if (option === 'GT') gt = true;
      else if (option === 'LT') lt = true;
      else {
        reply.error(`ERR Unsupported option ${argv[i]}`);
        return;
      }
    }
    if (nx && (xx || gt || lt)) {
      reply.error(RedisErrors.expireOptions);
      return;
    }
    if (gt && lt) {
      reply.error(RedisErrors.gtLt);
      return;
    }
    const at = readExpiry(c, argv[2], unit, absolute, command, true);
    if (at === null) return;
    const stored = store.peek(argv[1]);
    if (stored === undefined) {
      reply.integer(0);
      return;
    }
    const current = stored.expiresAt;
    // A key without expiry counts as expiring at infinity for GT and LT, as in Redis.
    if ((nx && current !== undefined) || (xx && current === undefined) || (gt && (current === undefined || at <= current)) || (lt && current !== undefined && at >= current)) {
      reply.integer(0);
      return;
    }
    if (writeUntil(c, argv[1], stored.value, at)) reply.integer(1);
  };

export const expire = expireCommand(1000, false, 'expire');
export const pexpire = expireCommand(1, false, 'pexpire');
export const expireat = expireCommand(1000, true, 'expireat');
export const pexpireat = expireCommand(1, true, 'pexpireat');

const ttlCommand =
  (unit: 1 | 1000) =>
  (c: RespConnection): void => {
    const stored = c.store.peek(c.argv[1]);
    if (stored === undefined) c.reply.integer(-2);
    else if (stored.expiresAt === undefined) c.reply.integer(-1);
    else c.reply.integer(Math.max(0, Math.round((stored.expiresAt - c.store.now()) / unit)));
  };

export const ttl = ttlCommand(1000);
export const pttl = ttlCommand(1);

export const persist = (c: RespConnection): void => {
  const stored = c.store.peek(c.argv[1]);
  if (stored === undefined || stored.expiresAt === undefined) c.reply.integer(0);
  else if (writeUntil(c, c.argv[1], stored.value, undefined)) c.reply.integer(1);
};

const PAGE = 1000;

/** KEYS pattern: walks the whole key listing in pages, from the pattern's literal prefix. */
export const keys = (c: RespConnection): void => {
  const pattern = c.argv[1];
  const matcher = compileGlob(pattern);
  const prefix = globPrefix(pattern);
  const found: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = c.store.keyPage(after === undefined ? { prefix, limit: PAGE } : { prefix, after, limit: PAGE });
    for (const key of page.keys) if (matcher.test(key)) found.push(key);
    if (!page.more || page.keys.length === 0) break;
    after = page.keys[page.keys.length - 1];
  }
  c.reply.bulkArray(found);
};

const CURSOR = /^\d{1,20}$/;

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. Keys are walked in order; a cursor
 * names the last key of the page before it, so every key present for the whole scan is returned
 * exactly once, whatever is written meanwhile.
 */
export const scan = (c: RespConnection): void => {
  const { argv, argc, reply } = c;
  const cursor = argv[1];
  if (!CURSOR.test(cursor)) {
    reply.error(RedisErrors.invalidCursor);
    return;
  }
  let pattern: string | undefined;
  let count = 10;
  let typeFilter: string | undefined;
  for (let i = 2; i < argc; i += 2) {
    const option = argv[i].toUpperCase();
    if (i + 1 >= argc) {
      reply.error(RedisErrors.syntax);
      return;
    }
    if (option === 'MATCH') pattern = argv[i + 1];
    else if (option === 'COUNT') {
      const n = Number(argv[i + 1]);
      if (!/^\d+$/.test(argv[i + 1]) || !Number.isSafeInteger(n)) {
        reply.error(RedisErrors.notInteger);
        return;
      }
      if (n < 1) {
        reply.error(RedisErrors.syntax);
        return;
      }
      count = Math.min(n, 100_000);
    } else if (option === 'TYPE') typeFilter = argv[i + 1].toLowerCase();
    else {
      reply.error(RedisErrors.syntax);
      return;
    }
  }
  const after = c.keyOfCursor(cursor);
  if (after === null) {
    reply.error(RedisErrors.invalidCursor);
    return;
  }
  // Only strings exist here: a scan for another type finds nothing.
  if (typeFilter !== undefined && typeFilter !== 'string') {
    reply.array(2);
    reply.bulk('0');
    reply.array(0);
    return;
  }
  const prefix = pattern === undefined ? '' : globPrefix(pattern);
  const page = c.store.keyPage(after === undefined ? { prefix, limit: count } : { prefix, after, limit: count });
  const matcher = pattern === undefined ? undefined : compileGlob(pattern);
  const matched = matcher === undefined ? page.keys : page.keys.filter((k) => matcher.test(k));
  reply.array(2);
  reply.bulk(page.more && page.keys.length > 0 ? c.cursorFor(page.keys[page.keys.length - 1]) : '0');
  reply.bulkArray(matched);
};
