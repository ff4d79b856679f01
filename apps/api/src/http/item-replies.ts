import { ttlMsOf, type SetItemBody } from '@meshcache/api-contract';
import type { ReplicaNode, WriteResult } from '@meshcache/sync-node';
import { itemView } from '../views/item-views.js';
import { writeFailureCode } from '../views/write-failure.js';
import type { Reply } from './json-response.js';
import { errorReply } from './send-error.js';

/** Answers of the item routes, shared by the Express routes and the fast path so both say the same. */
export const NOT_FOUND: Reply = errorReply('NOT_FOUND', 'Key not found');

export const readItemReply = (node: ReplicaNode, key: string): Reply => {
  const item = node.get(key);
  return item ? { body: { success: true, key, value: itemView(item) } } : NOT_FOUND;
};

export const writeItem = (node: ReplicaNode, item: SetItemBody): WriteResult => node.set(item.key, item.value, { ttlMs: ttlMsOf(item) });

export const setItemReply = (node: ReplicaNode, item: SetItemBody): Reply => {
  const result = writeItem(node, item);
  if (!result.ok) {
    return errorReply(writeFailureCode(result), result.message);
  }
  return { body: { success: true, message: 'Item cached successfully', key: item.key } };
};
