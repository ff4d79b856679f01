const HEX = /^[0-9a-fA-F]{2}$/;

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/**
 * Splits an inline command line into words as Redis' `sdssplitargs` does: blanks separate
 * words; "double quotes" understand \n \r \t \b \a \xHH and \<char>; 'single quotes' only \'.
 * A closing quote must be followed by a blank or the end. Null when the quotes are unbalanced.
 */
export const splitInlineArgs = (line: string): string[] | null => {
  const words: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return words;
    let word = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && i + 3 < n && line[i + 1] === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1];
          word += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        }
        word += c;
        i++;
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          word += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          i++;
          break;
        }
        word += c;
        i++;
      } else {
        if (i >= n || isSpace(line[i])) break;
        const c = line[i];
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else word += c;
        i++;
      }
    }
    words.push(word);
  }
};
