import { DEFAULT_WRITE_CONCERN_TIMEOUT_MS, WRITE_CONCERN_HEADER, writeConcernOf, type WriteConcernQuery, type WriteConcernResult } from '@meshcache/api-contract';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ServerContext } from '../server/context.js';
import type { Reply } from './json-response.js';
import { errorReply, validationReply } from './send-error.js';

/**
 * The write concern a request asks for: its query, over the `Meshcache-Write-Concern` header. A bad
 * header is a 400 whose issues name the header's field.
 */
export const requestConcern = (query: WriteConcernQuery, req: IncomingMessage): { concern: WriteConcernQuery } | { reply: Reply } => {
  const raw = req.headers[WRITE_CONCERN_HEADER];
  const found = writeConcernOf(query, Array.isArray(raw) ? raw.join('&') : raw);
  if (found.ok) return { concern: found.concern };
  const issues = found.error.issues.map((issue) => ({ ...issue, path: [WRITE_CONCERN_HEADER, ...issue.path] }));
  return { reply: validationReply(new z.ZodError(issues)) };
};

/**
 * Runs a write that may ask for more durability: applied like any other, answered once that is
 * reached (200), or at the timeout with what was reached (202, `durability` in the body). `write`
 * returns its reply and the sequence number to wait for (undefined: nothing to wait for).
 */
export const withWriteConcern = async (ctx: ServerContext, concern: WriteConcernQuery, write: () => { reply: Reply; seq?: number }): Promise<Reply> => {
  if (!asksForMore(concern)) return write().reply;
  const impossible = unmeetable(ctx, concern);
  if (impossible !== undefined) return errorReply('VALIDATION_FAILED', impossible);
  const { reply, seq } = write();
  if (seq === undefined) return reply;
  const durability = await awaitWriteConcern(ctx, seq, concern);
  return { ...reply, status: durability.met ? (reply.status ?? 200) : 202, body: { ...(reply.body as object), durability } };
};

/** True when the write asked for more than the server's default durability. */
export const asksForMore = (concern: WriteConcernQuery): boolean => concern.durability !== undefined || (concern.acks ?? 0) > 0;

/** Why this node can never meet `concern`, or undefined. Checked before the write is applied. */
export const unmeetable = (ctx: ServerContext, concern: WriteConcernQuery): string | undefined =>
  concern.durability === 'fsync' && ctx.config.dataDir === undefined ? 'durability=fsync needs DATA_DIR: this node keeps no operation log' : undefined;

/**
 * Waits, at most `timeoutMs` in all, for the operation log to be fsynced (with APPEND_FSYNC=always
 * it already is) and for `acks` peers to acknowledge the write `seq`; both run at once.
 */
export const awaitWriteConcern = async (ctx: ServerContext, seq: number, concern: WriteConcernQuery): Promise<WriteConcernResult> => {
  const timeoutMs = concern.timeoutMs ?? DEFAULT_WRITE_CONCERN_TIMEOUT_MS;
  const wantedAcks = concern.acks ?? 0;
  const store = ctx.persistence.store;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const fsync = async (): Promise<boolean> => {
    if (concern.durability !== 'fsync' || store === undefined) return store !== undefined && ctx.config.appendFsync === 'always';
    if (ctx.config.appendFsync === 'always') return true;
    return (await store.flush()).ok;
  };
  const [fsynced, acks] = await Promise.all([
    Promise.race([fsync(), deadline]),
    wantedAcks > 0 ? ctx.node.waitForAcks(seq, wantedAcks, timeoutMs) : Promise.resolve(0),
  ]);
  clearTimeout(timer);
  const met = (concern.durability !== 'fsync' || fsynced) && acks >= wantedAcks;
  return { met, fsynced, acks };
};
