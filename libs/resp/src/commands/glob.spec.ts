import fc from 'fast-check';
import { compileGlob, globPrefix } from './glob.js';

/**
 * Reference: glob matching by dynamic programming over code points, for patterns of `a`, `b`,
 * `*`, `?`, `[ab]`, `[^a]` and `\*` only, written independently of glob.ts.
 */
type Ref = { star: true } | { star: false; ok: (c: string) => boolean };
const refTokens = (pattern: string): Ref[] => {
  const out: Ref[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith('[ab]', i)) {
      out.push({ star: false, ok: (c) => c === 'a' || c === 'b' });
      i += 3;
    } else if (pattern.startsWith('[^a]', i)) {
      out.push({ star: false, ok: (c) => c !== 'a' });
      i += 3;
    } else if (pattern.startsWith('\\*', i)) {
      out.push({ star: false, ok: (c) => c === '*' });
      i += 1;
    } else if (pattern[i] === '*') out.push({ star: true });
    else if (pattern[i] === '?') out.push({ star: false, ok: () => true });
    else {
      const literal = pattern[i];
      out.push({ star: false, ok: (c) => c === literal });
    }
  }
  return out;
};
const refMatch = (pattern: string, key: string): boolean => {
  const tokens = refTokens(pattern);
  const chars = [...key];
  // can[j]: the first i tokens match the first j characters.
  let can = chars.map(() => false).concat(false);
  can[0] = true;
  for (const t of tokens) {
    const next = can.map(() => false);
    for (let j = 0; j <= chars.length; j++) {
      if (t.star) next[j] = can[j] || (j > 0 && next[j - 1]);
      else next[j] = j > 0 && can[j - 1] && t.ok(chars[j - 1]);
    }
    can = next;
  }
  return can[chars.length];
};

describe('glob patterns (KEYS, SCAN MATCH, CONFIG GET)', () => {
  it('matches like the reference on random patterns and keys (stars, ?, classes, escapes, astral characters)', () => {
    const pattern = fc.array(fc.constantFrom('a', 'b', '*', '**', '?', '[ab]', '[^a]', '\\*'), { maxLength: 8 }).map((p) => p.join(''));
    const key = fc.array(fc.constantFrom('a', 'b', '*', 'é', '😀'), { maxLength: 10 }).map((k) => k.join(''));
    fc.assert(
      fc.property(pattern, key, (p, k) => {
        expect(compileGlob(p).test(k)).toBe(refMatch(p, k));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps Redis syntax: ranges either way round, escapes inside classes, an unclosed [ as a literal', () => {
    expect(compileGlob('user:[0-9]*').test('user:7x')).toBe(true);
    expect(compileGlob('user:[9-0]').test('user:5')).toBe(true);
    expect(compileGlob('a[\\]]b').test('a]b')).toBe(true);
    expect(compileGlob('a[b').test('a[b')).toBe(true);
    expect(compileGlob('*.json').test('x.json')).toBe(true);
    expect(compileGlob('*.json').test('xjson')).toBe(false);
    expect(compileGlob('h?llo').test('h😀llo')).toBe(true);
    expect(globPrefix('user:\\*x*')).toBe('user:*x');
  });

  it('answers a pattern crafted to backtrack at once (it used to take exponential time: CVE-2022-36021 in Redis)', () => {
    const key = 'a'.repeat(1000);
    expect(compileGlob(`${'a*'.repeat(30)}b`).test(key)).toBe(false);
    expect(compileGlob('a*'.repeat(30)).test(key)).toBe(true);
    expect(compileGlob(`${'*a'.repeat(30)}*b*`).test(key)).toBe(false);
    expect(compileGlob(`${'?*'.repeat(200)}`).test(key)).toBe(true);
  });
});
