import { crc32 } from 'node:zlib';

/**
 * The line format of a journal (an operation log, see `Journal`): one record per line, `<crc32 of the JSON, 8 hex digits> <JSON>\n`. The checksum
 * catches bit rot and half-written lines that happen to end in a newline; JSON text never
 * contains a raw newline, so lines are records.
 */
export const encodeRecord = (value: unknown): string => {
  const json = JSON.stringify(value);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
};

export type DecodedLine = { ok: true; value: unknown } | { ok: false; reason: string };

export const decodeRecord = (line: string): DecodedLine => {
  if (line.length < 10 || line[8] !== ' ') return { ok: false, reason: 'malformed record' };
  const json = line.slice(9);
  const expected = Number.parseInt(line.slice(0, 8), 16);
  if (!Number.isFinite(expected) || crc32(json) !== expected) return { ok: false, reason: 'checksum mismatch' };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return { ok: false, reason: 'invalid JSON' };
  }
};

export interface DecodedLog {
  readonly records: unknown[];
  /** Human-readable problems: corrupt lines skipped, a torn tail ignored. */
  readonly warnings: string[];
  /** Complete lines that failed to decode (a torn tail, which a crash leaves, is not counted). */
  readonly corrupt: number;
}

/** Decodes a whole log; bad records are skipped with a warning so one bad line never loses the rest. */
export const decodeLog = (text: string, fileName: string): DecodedLog => {
  const records: unknown[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  // A crash mid-write leaves a last line without its newline: that record never completed.
  const tail = lines.pop();
  lines.forEach((line, index) => {
    if (!line) return;
    const decoded = decodeRecord(line);
    if (decoded.ok) records.push(decoded.value);
    else warnings.push(`${fileName}:${index + 1}: ${decoded.reason}, record skipped`);
  });
  const corrupt = warnings.length;
  if (tail) warnings.push(`${fileName}: torn record at end of log (${tail.length} bytes) ignored`);
  return { records, warnings, corrupt };
};
