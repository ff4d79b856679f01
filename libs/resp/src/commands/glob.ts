/**
 * Redis' glob patterns (KEYS, SCAN MATCH, CONFIG GET): `*`, `?`, `[abc]`, `[^a]`, `[a-z]` and
 * `\` escaping the next character, compiled once per command into a RegExp.
 */
export const compileGlob = (pattern: string): RegExp => {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
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
  return new RegExp(re + '$', 'u');
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
