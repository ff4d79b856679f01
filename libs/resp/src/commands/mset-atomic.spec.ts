import { MemoryRespStore } from '../memory-store.js';
import type { WriteOutcome } from '../store.js';
import { startRespServer, type TestRespServer } from '../test/raw-client.js';

/** A store with meshcache's key limit (shortened): it refuses long keys in `set` and says so in `canSet`. */
const shortKeyStore = (): MemoryRespStore => {
  const memory = new MemoryRespStore();
  const canSet = (key: string): WriteOutcome => (key.length > 8 ? { ok: false, refusal: 'invalid', message: 'key must be at most 8 characters' } : { ok: true });
  return Object.assign(Object.create(memory) as MemoryRespStore, {
    canSet,
    set: (key: string, value: unknown, ttlMs: number | undefined): WriteOutcome => {
      const check = canSet(key);
      return check.ok ? memory.set(key, value, ttlMs) : check;
    },
  });
};

describe('MSET and MSETNX write all pairs or none', () => {
  let server: TestRespServer;
  beforeEach(async () => {
    server = await startRespServer({ store: shortKeyStore() });
  });
  afterEach(() => server.close());

  it.each(['MSET', 'MSETNX'])('%s with a refused key in the middle writes none of the pairs', async (command) => {
    const c = await server.client();
    expect(await c.call(command, 'a', '1', 'much-too-long-key', '2', 'c', '3')).toEqual({ error: 'ERR key must be at most 8 characters' });
    expect(await c.call('EXISTS', 'a', 'c')).toBe(0);
    expect(await c.call(command, 'a', '1', 'c', '3')).toBe(command === 'MSET' ? 'OK' : 1);
    expect(await c.call('MGET', 'a', 'c')).toEqual(['1', '3']);
  });
});
