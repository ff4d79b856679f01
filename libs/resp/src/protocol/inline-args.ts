const HEX = /^[0-9a-fA-F]{2}$/;

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** Fatal: bytes that are not UTF-8 are reported, never replaced by U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The words of an inline line; `invalidUtf8` when `\xHH` escapes spelled bytes that are not UTF-8. */
export interface InlineArgs {
  readonly words: string[];
  readonly invalidUtf8: boolean;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/**
 * Splits an inline command line into words as Redis' `sdssplitargs` does: blanks separate
 * words; "double quotes" understand \n \r \t \b \a \xHH and \<char>; 'single quotes' only \'.
 * A closing quote must be followed by a blank or the end. Null when the quotes are unbalanced.
 * `\xHH` escapes are bytes: a run of them is decoded as UTF-8 (`"\xc3\xa9"` is `é`).
 */
export const splitInlineArgs = (line: string): InlineArgs | null => {
  const words: string[] = [];
  let invalidUtf8 = false;
  let i = 0;
  const n = line.length;
  let word = '';
  /** Bytes of the `\xHH` escapes just read, decoded together when the run ends. */
  const bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length === 0) return;
    try {
      word += UTF8.decode(Uint8Array.from(bytes));
    } catch {
      invalidUtf8 = true;
    }
    bytes.length = 0;
  };
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return { words, invalidUtf8 };
    word = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && i + 3 < n && line[i + 1] === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        flushBytes();
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
