import { FrequencySketch, hashKey } from './frequency-sketch.js';

describe('FrequencySketch', () => {
  it('estimates how often a hash was incremented, saturating at 15', () => {
    const sketch = new FrequencySketch(1000);
    const a = hashKey('a');
    const b = hashKey('b');
    for (let i = 0; i < 5; i++) sketch.increment(a);
    expect(sketch.estimate(a)).toBe(5);
    expect(sketch.estimate(b)).toBe(0);
    for (let i = 0; i < 50; i++) sketch.increment(a);
    expect(sketch.estimate(a)).toBe(15);
  });

  it('never underestimates among many keys', () => {
    const sketch = new FrequencySketch(64);
    const counts = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const h = hashKey(`k${i % 40}`);
      sketch.increment(h);
      counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    // 200 increments at width 64 decay each cell at most once, halving at worst.
    for (const [h, n] of counts) expect(sketch.estimate(h)).toBeGreaterThanOrEqual(Math.floor(Math.min(n, 15) / 2));
  });

  it('keeps most of the 10 x capacity keys counted between halvings of a small cache apart', () => {
    // A 1,000-entry cache sees up to 10,000 distinct keys between halvings; with 8 cells per
    // entry (the sketch before 2026-12-01) about 5% of 9,000 keys seen once read back as 1.
    const sketch = new FrequencySketch(1000);
    const hashes = Array.from({ length: 9000 }, (_, i) => hashKey(`user:${i}:profile`));
    for (const h of hashes) sketch.increment(h);
    const exact = hashes.filter((h) => sketch.estimate(h) === 1).length;
    expect(exact / hashes.length).toBeGreaterThan(0.3);
  });

  it('forgets: counts halve as other keys keep arriving', () => {
    const sketch = new FrequencySketch(16);
    const hot = hashKey('hot');
    for (let i = 0; i < 15; i++) sketch.increment(hot);
    for (let i = 0; i < 16 * 8 * 4; i++) sketch.increment(hashKey(`other-${i}`));
    expect(sketch.estimate(hot)).toBeLessThan(15);
  });
});

describe('hashKey', () => {
  it('hashes content, not identity, and is non-negative', () => {
    expect(hashKey('user:1')).toBe(hashKey(['user', '1'].join(':')));
    expect(hashKey('user:1')).not.toBe(hashKey('user:2'));
    expect(hashKey(42)).toBe(hashKey(42));
    expect(hashKey(1.5)).toBe(hashKey(1.5));
    for (const k of ['', '__proto__', 'x'.repeat(100), 7, -3, true, 10n]) expect(hashKey(k)).toBeGreaterThanOrEqual(0);
  });

  it('distinguishes long keys by their ends and length, and gives up on objects', () => {
    const long = 'a'.repeat(80);
    expect(hashKey(`${long}1`)).not.toBe(hashKey(`${long}2`));
    expect(hashKey({})).toBe(-1);
    expect(hashKey(Symbol('s'))).toBe(-1);
  });
});
