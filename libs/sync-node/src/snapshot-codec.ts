import type { PackedEntry, PackedTombstone, SnapshotEntry, Tombstone } from '@meshcache/sync-protocol';

export interface PackedState {
  origins: string[];
  entries: PackedEntry[];
  tombstones: PackedTombstone[];
}

/** Packs entries and tombstones into the snapshot chunk's tuple form, origins in a table. */
export function packState(entries: SnapshotEntry[], tombstones: Tombstone[]): PackedState {
  const origins: string[] = [];
  const index = new Map<string, number>();
  const originIndex = (origin: string) => {
    let i = index.get(origin);
    if (i === undefined) {
      i = origins.push(origin) - 1;
      index.set(origin, i);
    }
    return i;
  };
  return {
    origins,
    entries: entries.map((e) => [e.key, e.value, originIndex(e.hlc.node), e.hlc.wall, e.hlc.logical, e.seq, e.expiresAt ?? 0]),
    tombstones: tombstones.map((t) => [t.key, originIndex(t.hlc.node), t.hlc.wall, t.hlc.logical, t.seq]),
  };
}

/** The inverse of `packState`; null when an origin index points outside the table. */
export function unpackState(packed: PackedState): { entries: SnapshotEntry[]; tombstones: Tombstone[] } | null {
  const { origins } = packed;
  const entries: SnapshotEntry[] = [];
  for (const [key, value, o, wall, logical, seq, expiresAt] of packed.entries) {
    if (o >= origins.length) return null;
    const entry: SnapshotEntry = { key, value, hlc: { wall, logical, node: origins[o] }, seq };
    if (expiresAt !== 0) entry.expiresAt = expiresAt;
    entries.push(entry);
  }
  const tombstones: Tombstone[] = [];
  for (const [key, o, wall, logical, seq] of packed.tombstones) {
    if (o >= origins.length) return null;
    tombstones.push({ key, hlc: { wall, logical, node: origins[o] }, seq });
  }
  return { entries, tombstones };
}
