import { compareHlc, type Hlc } from '@meshcache/sync-protocol';

/**
 * An entry version as the server answers it, `<wall>.<logical>.<origin>` (api-contract's
 * versionOf). The origin may itself hold dots (node ids allow them), so only the first two
 * fields are split off.
 */
export function parseVersion(version: string): Hlc | undefined {
  const m = /^(\d+)\.(\d+)\.(.+)$/.exec(version);
  if (!m) return undefined;
  return { wall: Number(m[1]), logical: Number(m[2]), node: m[3] };
}

/** Last-writer-wins order of two versions (the engine's compareHlc); unparsable sorts first. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  return compareHlc(va, vb);
}

export const wallOf = (version: string): number => parseVersion(version)?.wall ?? 0;
