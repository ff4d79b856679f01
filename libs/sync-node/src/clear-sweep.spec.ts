import type { ChangeEvent } from './node-types.js';
import { RECENT_WRITES } from './recent-writes.js';
import { memoryCluster } from './test/memory-cluster.js';
import { rawCache } from './test/raw-cache.js';

const OLD = 20_000;
const NEW = RECENT_WRITES + 100;

/**
 * b holds OLD keys from before a's clear and NEW keys written after it while the two were apart:
 * when the clear reaches b, more writes than b remembers are newer than it, so b cannot apply it
 * wholesale and sweeps its entries instead.
 */
function lateClear() {
  const cluster = memoryCluster(['a', 'b'], { cache: { capacity: OLD + NEW + 100, strategy: 'lru' } });
  const { nodes, run, net } = cluster;
  const [a, b] = nodes;
  run(50);
  for (let i = 0; i < OLD; i++) b.set(`old${i}`, i);
  run(2000);
  net.partition([['a'], ['b']]);
  run(10);
  expect(a.clear().ok).toBe(true);
  run(10);
  for (let i = 0; i < NEW; i++) b.set(`new${i}`, i);
  return { ...cluster, a, b };
}

describe('a clear that arrives after more writes than a node remembers', () => {
  it('is swept in steps, and from the moment it applies no read returns an entry it removes', () => {
    const { a, b, net, run } = lateClear();
    const atClear: { cached: number; reads: unknown[]; keys: number; listedOld: boolean }[] = [];
    b.on('change', (event: ChangeEvent) => {
      if (event.kind !== 'clear') return;
      atClear.push({
        // What the cache still holds: the sweep has not passed every slot yet.
        cached: rawCache(b).size,
        reads: [b.get('old1'), b.peek('old2'), b.has('old3'), b.cache.get('old4'), b.cache.peek('old5'), b.cache.peekEntry('old6'), b.cache.has('old7')],
        keys: [...b.cache.keys()].length,
        listedOld: [...b.cache.entries()].some(([key]) => key.startsWith('old')),
      });
    });
    net.heal();
    run(3000);

    expect(atClear.length).toBeGreaterThanOrEqual(1);
    const first = atClear[0];
    // One step does a bounded part: most of the old entries are still in the cache...
    expect(first.cached).toBeGreaterThan(NEW + OLD / 2);
    // ...yet no read path shows one.
    expect(first.reads).toEqual([undefined, undefined, false, undefined, undefined, undefined, false]);
    expect(first.keys).toBe(NEW);
    expect(first.listedOld).toBe(false);
    // Once the sweep is done the cache holds only the writes newer than the clear, on both nodes.
    expect(rawCache(b).size).toBe(NEW);
    expect(b.get(`new${NEW - 1}`)?.value).toBe(NEW - 1);
    expect(a.get(`new${NEW - 1}`)?.value).toBe(NEW - 1);
    expect(a.get('old1')).toBeUndefined();
  });

  it('leaves the node that swept holding what the node that cleared at once holds', async () => {
    const { a, b, net, run, settle } = lateClear();
    net.heal();
    run(3000);
    await settle(a.forceSync());
    await settle(b.forceSync());
    const held = (node: typeof a) => [...node.cache.entries()].map(([key, record]) => `${key}=${JSON.stringify(record.value)}@${record.hlc.wall}.${record.hlc.logical}`).sort();
    expect(held(b)).toHaveLength(NEW);
    expect(held(b)).toEqual(held(a));
  });
});
