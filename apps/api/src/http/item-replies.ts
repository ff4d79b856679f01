import { etagOf, ifNoneMatchHits, ttlMsOf, versionOf, type SetItemBody } from '@meshcache/api-contract';
import type { ReplicaNode, WriteResult } from '@meshcache/sync-node';
import { itemView } from '../views/item-views.js';
import { writeFailureCode } from '../views/write-failure.js';
import type { Reply } from './json-response.js';
import { errorReply } from './send-error.js';

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

export const setItemReply = (node: ReplicaNode, item: SetItemBody): Reply => {
  const result = writeItem(node, item);
  if (!result.ok) {
    return errorReply(writeFailureCode(result), result.message);
  }
  const version = versionOf(result.hlc);
  return { body: { success: true, message: 'Item cached successfully', key: item.key, version }, headers: { ETag: etagOf(version) } };
};
