import fc from 'fast-check';
import { compileKeyPattern, SortedKeyIndex } from './index.js';

/** Reference model: the glob as a regular expression over simple patterns (no sets). */
const reference = (pattern: string): RegExp => {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i].replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
};

describe('compileKeyPattern', () => {
  it.each([
    ['user:*', 'user:42', true],
    ['user:*', 'users:42', false],
    ['*:42', 'user:42', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-c]llo', 'hbllo', true],
    ['h[a-c]llo', 'hdllo', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['*', '', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['[unclosed', '[unclosed', true],
    ['__proto__', '__proto__', true],
  ])('%s on %s is %s', (pattern, key, expected) => {
    expect(compileKeyPattern(pattern).matches(key)).toBe(expected);
  });

  it('names the literal prefix every match starts with', () => {
    expect(compileKeyPattern('user:*:name').literalPrefix).toBe('user:');
    expect(compileKeyPattern('a\\*b*').literalPrefix).toBe('a*b');
    expect(compileKeyPattern('*x').literalPrefix).toBe('');
  });

  it('agrees with a regular-expression model for every pattern of * ? and escapes', () => {
    const unit = fc.constantFrom('a', 'b', '*', '?', '\\', ':');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '*', '?', ':', '\\'), maxLength: 10 }), (pattern, key) => {
        expect(compileKeyPattern(pattern).matches(key)).toBe(reference(pattern).test(key));
      }),
      { numRuns: 500 },
    );
  });
});

describe('SortedKeyIndex pattern scans', () => {
  const index = SortedKeyIndex.from(['a:1', 'a:2', 'b:1', 'b:2', 'b:3', 'c:1']);
  const ones = compileKeyPattern('*:1');

  it('pages through matching keys only', () => {
    const first = index.scan({ limit: 2, match: ones.matches, budget: 100 });
    expect(first.keys).toEqual(['a:1', 'b:1']);
    expect(first.nextCursor).not.toBeNull();
    const rest = index.scan({ limit: 2, after: 'b:1', match: ones.matches, budget: 100 });
    expect(rest).toEqual({ keys: ['c:1'], nextCursor: null });
  });

  it('stops after its budget with a cursor that resumes where it stopped', () => {
    const page = index.scan({ limit: 10, match: ones.matches, budget: 3 });
    expect(page.keys).toEqual(['a:1', 'b:1']);
    expect(page.nextCursor).toBe('k1:b:1');
    expect(index.countMatching('', ones.matches, 3)).toEqual({ count: 2, complete: false });
    expect(index.countMatching('', ones.matches, 100)).toEqual({ count: 3, complete: true });
    expect(index.countMatching('b:', compileKeyPattern('b:[23]').matches, 100)).toEqual({ count: 2, complete: true });
  });
});
