import { PREVIEW_LENGTH, versionOf, type CacheItem, type KeyEntry } from '@meshcache/api-contract';
import type { NodeValue, ReplicaNode } from '@meshcache/sync-node';
import { entryBytes } from './entry-bytes.js';

/** The seed's `{value, timestamp, accessCount}` plus epoch times and the version. */
export const itemView = (item: NodeValue): CacheItem => ({
  value: item.value as CacheItem['value'],
  timestamp: new Date(item.updatedAt).toISOString(),
  accessCount: item.accessCount,
  updatedAt: item.updatedAt,
  expiresAt: item.expiresAt ?? null,
  version: versionOf(item.hlc),
});

/** A key-browser row, read without counting as an access; undefined if the key is gone. */
export const keyEntry = (node: ReplicaNode, key: string): KeyEntry | undefined => {
  const item = node.peek(key);
  if (!item) return undefined;
  const json = JSON.stringify(item.value) ?? 'null';
  return {
    key,
    preview: json.length > PREVIEW_LENGTH ? `${json.slice(0, PREVIEW_LENGTH - 1)}…` : json,
    bytes: entryBytes(key, json),
    accessCount: item.accessCount,
    updatedAt: item.updatedAt,
    expiresAt: item.expiresAt ?? null,
  };
};
