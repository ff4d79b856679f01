import { SnapshotChunkMessageSchema, type SnapshotEntry, type Tombstone } from '@meshcache/sync-protocol';
import { packState, unpackState } from './snapshot-codec.js';

describe('snapshot chunk codec', () => {
  const entries: SnapshotEntry[] = [
    { key: '__proto__', value: { deep: [1, null] }, hlc: { wall: 10, logical: 2, node: 'a#1' }, seq: 4, expiresAt: 99 },
    { key: '', value: null, hlc: { wall: 11, logical: 0, node: 'b#2' }, seq: 1 },
  ];
  const tombstones: Tombstone[] = [{ key: 'gone', hlc: { wall: 12, logical: 0, node: 'a#1' }, seq: 5 }];

  it('round-trips entries and tombstones through the wire schema, sharing origins', () => {
    const packed = packState(entries, tombstones);
    expect(packed.origins).toEqual(['a#1', 'b#2']);
    const message = { type: 'snapshot-chunk', snapshotId: 's', index: 0, last: true, ...packed, watermark: null, strategy: null, vv: [] };
    const parsed = SnapshotChunkMessageSchema.parse(JSON.parse(JSON.stringify(message)));
    expect(unpackState(parsed)).toEqual({ entries, tombstones });
  });

  it('refuses an origin index outside the table', () => {
    const packed = packState(entries, []);
    packed.entries[0][2] = 7;
    expect(unpackState(packed)).toBeNull();
  });
});
