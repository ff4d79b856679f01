import { STRATEGIES } from '@meshcache/sync-protocol';
import { STRATEGY_LABELS, enginePolicy, strategyLabel, bulkItemSchema, setItemBodySchema, setStrategyBodySchema, listKeysQuerySchema, validationErrorBody, cacheDeltaEventSchema } from '../index.js';

describe('request schemas', () => {
  it('accept any JSON value and the keys __proto__, constructor and the empty string', () => {
    for (const key of ['__proto__', 'constructor', '']) {
      expect(setItemBodySchema.parse({ key, value: null })).toEqual({ key, value: null });
    }
    expect(bulkItemSchema.safeParse({ key: 'k', value: [1, { a: 'b' }], ttlMs: 10 }).success).toBe(true);
  });

  it('name the offending field in the 400 body', () => {
    const r = setItemBodySchema.safeParse({ key: 5 });
    expect(r.success).toBe(false);
    if (r.success) return;
    const body = validationErrorBody(r.error);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.issues?.map((i) => i.path)).toEqual(['key', 'value']);
    expect(body.message).toMatch(/^Invalid request: key: .*; value: value is required/);
  });

  it('normalize strategy case and coerce query numbers', () => {
    expect(setStrategyBodySchema.parse({ strategy: 'lfu' })).toEqual({ strategy: 'LFU' });
    expect(setStrategyBodySchema.safeParse({ strategy: 'FIFO' }).success).toBe(false);
    expect(setStrategyBodySchema.safeParse({ strategy: 42 }).success).toBe(false);
    expect(setStrategyBodySchema.safeParse({ strategy: '__proto__' }).success).toBe(false);
    // Every engine strategy (cache-core's table) is a REST strategy, in upper case.
    expect(STRATEGIES.map((s) => setStrategyBodySchema.parse({ strategy: s }).strategy)).toEqual([...STRATEGY_LABELS]);
    expect(STRATEGY_LABELS).toEqual(expect.arrayContaining(['LRU', 'LFU', 'TINYLFU']));
    expect(STRATEGY_LABELS.map((s) => strategyLabel(enginePolicy(s)))).toEqual([...STRATEGY_LABELS]);
    expect(listKeysQuerySchema.parse({ limit: '20' })).toEqual({ limit: 20 });
    expect(listKeysQuerySchema.safeParse({ limit: 'abc' }).success).toBe(false);
    expect(listKeysQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });

  it('describe a delta event', () => {
    const ok = cacheDeltaEventSchema.safeParse({
      nodeId: 'n1',
      changes: [
        { kind: 'delete', key: 'a', source: 'remote' },
        { kind: 'strategy', strategy: 'LFU', source: 'local' },
      ],
      truncated: false,
      elsewhere: 12,
      totalKeys: 3,
      timestamp: 1,
    });
    expect(ok.success).toBe(true);
  });
});
