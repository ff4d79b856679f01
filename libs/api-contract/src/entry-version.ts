import type { Hlc } from '@meshcache/sync-protocol';

/**
 * An entry's version is the hybrid-logical-clock stamp of the write that produced it, as
 * `<wall ms>.<logical>.<origin>`: unique across the cluster, so two reads that show the same
 * version show the same write. It is the `version` field of a write's answer and the `ETag` of
 * `GET /api/cache/:key` (quoted, as HTTP wants it).
 */
export const versionOf = (hlc: Hlc): string => `${hlc.wall}.${hlc.logical}.${hlc.node}`;

export const etagOf = (version: string): string => `"${version}"`;

/** Whether an `If-None-Match` header names `version` (`*`, a list, weak tags compare equal). */
export const ifNoneMatchHits = (header: string | undefined, version: string): boolean => {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etagOf(version);
  });
};
