import { makeHistoryEntry } from '../../test-support/fixtures';
import { EventLogStore, mergeEvents } from './event-log';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
}

describe('event log', () => {
  it('keeps peer and sync events, drops operation batches, each event once, newest first', () => {
    const kept = [makeHistoryEntry('1', { type: 'peer-down', peer: 'n2', timestamp: 1_000 })];
    const merged = mergeEvents(kept, [
      makeHistoryEntry('1', { type: 'peer-down', peer: 'n2', timestamp: 1_000 }),
      makeHistoryEntry('2', { type: 'ops-received', peer: 'n2', timestamp: 2_000 }),
      makeHistoryEntry('3', { type: 'peer-up', peer: 'n2', timestamp: 3_000 }),
      // Same id after the node restarted: another event.
      makeHistoryEntry('1', { type: 'full-sync-received', peer: 'n3', timestamp: 4_000 }),
    ]);
    expect(merged.map((e) => e.type)).toEqual(['full-sync-received', 'peer-up', 'peer-down']);
  });

  it('is bounded', () => {
    const many = Array.from({ length: 30 }, (_, i) => makeHistoryEntry(String(i), { type: 'peer-up', timestamp: i }));
    expect(mergeEvents([], many, 10).map((e) => e.id)).toEqual(['29', '28', '27', '26', '25', '24', '23', '22', '21', '20']);
  });

  it('survives a reload through storage, per node, and ignores storage holding something else', () => {
    const storage = new MemoryStorage();
    new EventLogStore(storage).record('n1', [makeHistoryEntry('7', { type: 'rejected', peer: 'n9' })]);
    const reloaded = new EventLogStore(storage);
    expect(reloaded.load('n1').map((e) => e.type)).toEqual(['rejected']);
    expect(reloaded.load('n2')).toEqual([]);
    storage.setItem('meshcache:event-log:n3', '{"not":"a list"');
    expect(reloaded.load('n3')).toEqual([]);
    expect(new EventLogStore(undefined).record('n1', [makeHistoryEntry('8', { type: 'peer-up' })])).toHaveLength(1);
  });
});
