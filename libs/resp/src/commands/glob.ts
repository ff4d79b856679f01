/** What a compiled pattern answers. */
export interface Glob {
  test(key: string): boolean;
}

/**
 * Redis' glob patterns (KEYS, SCAN MATCH, CONFIG GET): `*`, `?`, `[abc]`, `[^a]`, `[a-z]` and
 * `\` escaping the next character, compiled once per command.
 *
 * Never one backtracking RegExp: `a*a*a*…b` as `^a[\s\S]*a[\s\S]*…b$` takes exponential time
 * on a key of many `a`s (ten stars and 40 characters: 12 s, thirty stars froze the node's event
 * loop past a minute and past SIGTERM; Redis itself had the bug, CVE-2022-36021). The pattern is
 * cut at its stars into segments of single-character tokens, each a RegExp without quantifiers
 * (it matches a fixed number of code points, so it cannot backtrack). The first segment must
 * match at the start, the last at the end, and each middle one is found at its leftmost place
 * after the previous one: with stars between them, the earliest end always leaves the most
 * room, so no other choice needs trying. At most key length × pattern length steps.
 */
export const compileGlob = (pattern: string): Glob => {
  const segments = segmentSources(pattern);
  if (segments.length === 1) return new RegExp(`^${segments[0]}$`, 'u');
  const head = new RegExp(`^${segments[0]}`, 'u');
  const middles = segments.slice(1, -1).map((source) => new RegExp(source, 'gu'));
  const tail = new RegExp(`(?:${segments[segments.length - 1]})$`, 'gu');
  return {
    test(key: string): boolean {
      const start = head.exec(key);
      if (start === null) return false;
      let at = start[0].length;
      for (const middle of middles) {
        middle.lastIndex = at;
        const found = middle.exec(key);
        if (found === null) return false;
        at = found.index + found[0].length;
      }
      tail.lastIndex = at;
      return tail.exec(key) !== null;
    },
  };
};

/** The pattern's runs between stars (consecutive stars are one), as RegExp sources of single-character tokens. */
const segmentSources = (pattern: string): string[] => {
  const segments: string[] = [];
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      segments.push(re);
      re = '';
      while (pattern[i + 1] === '*') i++;
    } else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeChar(pattern[++i]);
    else if (c === '[') {
      const close = classEnd(pattern, i);
      if (close === -1) re += '\\[';
      else {
        re += charClass(pattern.slice(i + 1, close));
        i = close;
      }
    } else re += escapeChar(c);
  }
  segments.push(re);
  return segments;
};

/** The literal text every match starts with (lets a key listing skip the rest). */
export const globPrefix = (pattern: string): string => {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' || c === '?' || c === '[') break;
    if (c === '\\') {
      if (i + 1 >= pattern.length) break;
      prefix += pattern[++i];
    } else prefix += c;
  }
  return prefix;
};

const escapeChar = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Inside a class `-` is special too (and escaping it is legal in a `u` RegExp). */
const escapeClassChar = (c: string): string => (c === '-' ? '\\-' : escapeChar(c));

const classEnd = (pattern: string, open: number): number => {
  for (let j = open + 1; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']' && j > open + 1) return j;
  }
  return -1;
};

const charClass = (body: string): string => {
  let out = '[';
  let i = 0;
  if (body[0] === '^') {
    out += '^';
    i = 1;
  }
  // Characters of the class with escapes resolved, then ranges: Redis accepts `[z-a]` as `[a-z]`.
  const chars: { c: string; literal: boolean }[] = [];
  for (; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) chars.push({ c: body[++i], literal: true });
    else chars.push({ c: body[i], literal: false });
  }
  for (let j = 0; j < chars.length; j++) {
    const next = chars[j + 1];
    if (next && next.c === '-' && !next.literal && j + 2 < chars.length) {
      let lo = chars[j].c;
      let hi = chars[j + 2].c;
      if (lo > hi) [lo, hi] = [hi, lo];
      out += escapeClassChar(lo) + '-' + escapeClassChar(hi);
      j += 2;
    } else out += escapeClassChar(chars[j].c);
  }
  return out + ']';
};
