import { etagOf, ifNoneMatchHits, ttlMsOf, versionOf, type SetItemBody, type WriteConcernQuery } from '@meshcache/api-contract';
import type { ReplicaNode, WriteFailure, WriteResult } from '@meshcache/sync-node';
import type { ServerContext } from '../server/context.js';
import { itemView } from '../views/item-views.js';
import { writeFailureCode } from '../views/write-failure.js';
import type { Reply } from './json-response.js';
import { errorReply } from './send-error.js';
import { withWriteConcern } from './write-concern.js';

/** Answers of the item routes, shared by the Express routes and the fast path so both say the same. */
export const NOT_FOUND: Reply = errorReply('NOT_FOUND', 'Key not found');

/** The item with its version as ETag; 304 without a body when `ifNoneMatch` names that version. */
export const readItemReply = (node: ReplicaNode, key: string, ifNoneMatch?: string): Reply => {
  const item = node.get(key);
  if (!item) return NOT_FOUND;
  const version = versionOf(item.hlc);
  const headers = { ETag: etagOf(version) };
  if (ifNoneMatchHits(ifNoneMatch, version)) return { status: 304, body: undefined, headers };
  return { body: { success: true, key, value: itemView(item) }, headers };
};

export const writeItem = (node: ReplicaNode, item: SetItemBody): WriteResult => node.set(item.key, item.value, { ttlMs: ttlMsOf(item) });

/** The answer to a write the node refused; `applied` counts the changes made before it, for multi-key requests. */
export const refusedWriteReply = (result: WriteFailure, applied?: number): Reply =>
  errorReply(writeFailureCode(result), result.message, applied === undefined ? undefined : { applied });

const writtenReply = (result: WriteResult, key: string): Reply => {
  if (!result.ok) return refusedWriteReply(result);
  const version = versionOf(result.hlc);
  return { body: { success: true, message: 'Item cached successfully', key, version }, headers: { ETag: etagOf(version) } };
};

export const setItemReply = (node: ReplicaNode, item: SetItemBody): Reply => writtenReply(writeItem(node, item), item.key);

/**
 * A write that may ask for more durability (`?durability=fsync&acks=N&timeoutMs=`): applied like
 * any other, answered once that is reached (200), or at the timeout with what was reached (202).
 */
export const setItemWithConcernReply = (ctx: ServerContext, item: SetItemBody, concern: WriteConcernQuery): Promise<Reply> =>
  withWriteConcern(ctx, concern, () => {
    const result = writeItem(ctx.node, item);
    return { reply: writtenReply(result, item.key), seq: result.ok ? result.seq : undefined };
  });
