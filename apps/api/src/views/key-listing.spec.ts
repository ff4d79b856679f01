import { MemoryNetwork, ReplicaNode, SeededScheduler } from '@meshcache/sync-node';
import fc from 'fast-check';
import type { Logger } from 'pino';
import { KeyListing } from './key-listing.js';

type Step =
  | { type: 'set'; key: string; ttlMs?: number }
  | { type: 'delete'; key: string }
  | { type: 'read'; key: string }
  | { type: 'advance'; ms: number }
  | { type: 'slowJournal'; ms: number }
  | { type: 'clear' };

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', '__proto__', ''];
const key = fc.constantFrom(...KEYS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('set' as const), key, ttlMs: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }) }, { requiredKeys: ['type', 'key'] }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('read' as const), key }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('slowJournal' as const), ms: fc.integer({ min: 0, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('clear' as const) }) },
);

/**
 * The listing inserts a key into its sorted index only when a write created it (an overwrite
 * skips the insert). Whatever the writes, expiries, evictions and clears, the index must hold
 * exactly the cache's live keys without ever needing its self-repair (which logs a warning).
 */
describe('KeyListing', () => {
  it('stays in step with the cache through overwrites, expiry, eviction, clear and a slow journal', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 2, max: 6 }), (steps, capacity) => {
        let t = 1_000_000;
        let journalDelay = 0;
        const warn = jest.fn();
        const listing = new KeyListing({ warn } as unknown as Logger);
        const node = new ReplicaNode({ nodeId: 'n', now: () => t, cache: { capacity, strategy: 'lru', onEvict: listing.onEvict } });
        // A journal that takes time: an entry live when the write was checked may expire before it is applied.
        node.setJournal(() => {
          t += journalDelay;
          return { ok: true };
        });
        listing.attach(node);
        try {
          for (const s of steps) {
            if (s.type === 'set') expect(node.set(s.key, 1, s.ttlMs === undefined ? undefined : { ttlMs: s.ttlMs }).ok).toBe(true);
            else if (s.type === 'delete') node.delete(s.key);
            else if (s.type === 'read') node.get(s.key);
            else if (s.type === 'advance') t += s.ms;
            else if (s.type === 'slowJournal') journalDelay = s.ms;
            else node.clear();
            // A look at every key purges the expired ones (reported to the listing as removals).
            for (const k of KEYS) node.peek(k);
            const live = [...node.cache.keys()].sort();
            expect(listing.page({ limit: 100 }).keys).toEqual(live);
            expect(listing.count(undefined)).toBe(live.length);
            // The page would also be right after a rebuild: the listing must not have needed one.
            expect(warn).not.toHaveBeenCalled();
          }
        } finally {
          node.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a peer's newer key and drops the others when the peer's older clear arrives (no report per key)", () => {
    const sched = new SeededScheduler(3);
    const net = new MemoryNetwork(sched);
    const warn = jest.fn();
    const listing = new KeyListing({ warn } as unknown as Logger);
    const make = (nodeId: string, onEvict?: KeyListing['onEvict']) =>
      new ReplicaNode({ nodeId, now: () => 1_000_000 + sched.now, timers: sched.timersFor(nodeId), heartbeatMs: 100, cache: { capacity: 100, strategy: 'lru', onEvict } });
    const a = make('a');
    const b = make('b', listing.onEvict);
    listing.attach(b);
    net.add(a);
    net.add(b);
    try {
      for (let i = 0; i < 20; i++) a.set(`k${i}`, i);
      sched.runUntil(sched.now + 2000);
      expect(listing.count(undefined)).toBe(20);
      net.partition([['a'], ['b']]);
      expect(a.clear().ok).toBe(true);
      sched.runUntil(sched.now + 50);
      expect(b.set('late', 1).ok).toBe(true);
      net.heal();
      sched.runUntil(sched.now + 10_000);
      expect([...a.cache.keys()]).toEqual(['late']);
      expect([...b.cache.keys()]).toEqual(['late']);
      expect(listing.page({ limit: 100 }).keys).toEqual(['late']);
      expect(listing.count(undefined)).toBe(1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      a.close();
      b.close();
    }
  });
});
