import { ReplicaNode } from '@meshcache/sync-node';
import { BatchedArray, jsonChunks } from './json-chunks.js';
import { batchedSnapshot, SNAPSHOT_BATCH } from './open-persistence.js';

describe('batchedSnapshot', () => {
  it('reads the cache a small batch at a time (one pull is one synchronous step) and still writes every entry', async () => {
    const node = new ReplicaNode({ nodeId: 'batches', cache: { capacity: 5000, strategy: 'lru' }, clusterSecret: 'batch-test-secret' });
    for (let i = 0; i < 3000; i++) node.set(`k${i}`, { i });
    const snapshot = batchedSnapshot(node) as { entries: BatchedArray };
    const sizes: number[] = [];
    const counted = new BatchedArray(
      (function* () {
        for (const batch of snapshot.entries.batches) {
          sizes.push(batch.length);
          yield batch;
        }
      })(),
    );
    let text = '';
    for await (const chunk of jsonChunks({ ...snapshot, entries: counted })) text += chunk;
    expect((JSON.parse(text) as { entries: unknown[] }).entries).toHaveLength(3000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SNAPSHOT_BATCH);
    expect(SNAPSHOT_BATCH).toBeLessThanOrEqual(256);
    await node.close();
  });
});
