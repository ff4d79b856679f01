const SMALL_INT = /^-?(?:0|[1-9]\d{0,14})$/;
const INT64 = /^-?(?:0|[1-9]\d{0,18})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A signed 64-bit integer written the way Redis' `string2ll` accepts it (no sign `+`, no
 * blanks, no leading zeros, not `-0`); a number when it is exactly representable, a bigint
 * beyond 15 digits, null when it is not such an integer.
 */
export const parseInt64 = (text: string): number | bigint | null => {
  if (SMALL_INT.test(text)) return text === '-0' ? null : Number(text);
  if (!INT64.test(text)) return null;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? null : n;
};

/** `a + b` within int64, or null on overflow. */
export const addInt64 = (a: number | bigint, b: number | bigint): number | bigint | null => {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  return sum < INT64_MIN || sum > INT64_MAX ? null : sum;
};

/** A stored value as RESP returns it: a string as it is, anything set over REST as its JSON text. */
export const valueText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'));

/** Bytes of `text` in UTF-8: what STRLEN and APPEND count. */
export const byteLength = (text: string): number => Buffer.byteLength(text);
