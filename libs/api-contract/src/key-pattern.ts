/**
 * Redis-style glob patterns for key search and delete-by-pattern (the syntax of `KEYS` / `SCAN
 * MATCH`): `*` any run, `?` one code unit, `[abc]`, `[a-z]`, `[^a]` (or `[!a]`) one of / none of,
 * `\` makes the next character literal. Matching walks the key once per star position at worst
 * (O(key × pattern)), never a backtracking regular expression.
 */
type Token = { kind: 'char'; unit: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'set'; negate: boolean; ranges: [string, string][] };

export interface KeyPattern {
  readonly source: string;
  /** The characters every match starts with: the key range a sorted index needs to walk. */
  readonly literalPrefix: string;
  matches(key: string): boolean;
}

const tokenize = (pattern: string): Token[] => {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'char', unit: pattern[++i] });
    else if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else if (c === '[' && pattern.indexOf(']', i + 2) !== -1) {
      let j = i + 1;
      const negate = pattern[j] === '^' || pattern[j] === '!';
      if (negate) j++;
      const ranges: [string, string][] = [];
      // A `]` right after `[` (or `[^`) is a member, as in shell globs.
      for (let first = true; j < pattern.length && (first || pattern[j] !== ']'); first = false) {
        let lo = pattern[j];
        if (lo === '\\' && j + 1 < pattern.length) lo = pattern[++j];
        if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
          let hi = pattern[j + 2];
          j += 2;
          if (hi === '\\' && j + 1 < pattern.length) hi = pattern[++j];
          ranges.push(lo <= hi ? [lo, hi] : [hi, lo]);
        } else ranges.push([lo, lo]);
        j++;
      }
      if (j >= pattern.length) {
        tokens.push({ kind: 'char', unit: c });
        continue;
      }
      tokens.push({ kind: 'set', negate, ranges });
      i = j;
    } else tokens.push({ kind: 'char', unit: c });
  }
  return tokens;
};

const matchesOne = (token: Token, unit: string): boolean => {
  switch (token.kind) {
    case 'char':
      return token.unit === unit;
    case 'one':
      return true;
    case 'set':
      return token.ranges.some(([lo, hi]) => unit >= lo && unit <= hi) !== token.negate;
    case 'star':
      return false;
  }
};

/** Compiles a glob once; `matches` is then called per key. */
export const compileKeyPattern = (source: string): KeyPattern => {
  const tokens = tokenize(source);
  let literalPrefix = '';
  for (const t of tokens) {
    if (t.kind !== 'char') break;
    literalPrefix += t.unit;
  }
  const matches = (key: string): boolean => {
    let p = 0;
    let k = 0;
    // Where the last star was and the key position it resumes from: greedy with one restart point.
    let star = -1;
    let resume = 0;
    while (k < key.length) {
      const t = tokens[p];
      if (t !== undefined && t.kind === 'star') {
        star = p++;
        resume = k;
      } else if (t !== undefined && matchesOne(t, key[k])) {
        p++;
        k++;
      } else if (star !== -1) {
        p = star + 1;
        k = ++resume;
      } else return false;
    }
    while (tokens[p]?.kind === 'star') p++;
    return p === tokens.length;
  };
  return { source, literalPrefix, matches };
};

