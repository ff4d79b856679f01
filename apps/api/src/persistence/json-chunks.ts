/** Array elements serialised per chunk; between chunks the event loop runs. */
const BATCH = 2000;
/** Objects this deep or deeper are serialised in one piece. */
const MAX_SPLIT_DEPTH = 3;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The JSON text of `value` (as JSON.stringify gives it for plain data) in pieces: large arrays
 * near the top, such as a snapshot's entries, are cut into batches, so writing a million-entry
 * snapshot never holds the event loop for the whole serialisation.
 */
export async function* jsonChunks(value: unknown, depth = 0): AsyncGenerator<string> {
  if (depth < MAX_SPLIT_DEPTH && Array.isArray(value) && value.length > BATCH) {
    yield '[';
    for (let start = 0; start < value.length; start += BATCH) {
      const part = value.slice(start, start + BATCH).map((item: unknown) => JSON.stringify(item) ?? 'null');
      yield (start === 0 ? '' : ',') + part.join(',');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    yield ']';
    return;
  }
  if (depth < MAX_SPLIT_DEPTH && isPlainObject(value)) {
    yield '{';
    let first = true;
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined || typeof field === 'function') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* jsonChunks(field, depth + 1);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value) ?? 'null';
}
