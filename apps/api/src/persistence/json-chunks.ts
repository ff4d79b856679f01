/** Longest stretch of serialisation between two turns of the event loop. */
const SLICE_MS = 4;
/** Items serialised between two looks at the clock. */
const CHECK_EVERY = 64;
/** Objects this deep or deeper are serialised in one piece. */
const MAX_SPLIT_DEPTH = 3;

/**
 * An array whose items are produced in batches while it is serialised (a snapshot's entries,
 * read from the live cache a batch at a time): {@link jsonChunks} writes it as a JSON array.
 */
export class BatchedArray {
  constructor(readonly batches: Iterable<readonly unknown[]>) {}
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Serialises `items` into pieces of about SLICE_MS of work each, letting the event loop run between them. */
async function* itemPieces(items: Iterable<unknown>, first: { value: boolean }): AsyncGenerator<string> {
  let part: string[] = [];
  let since = performance.now();
  let n = 0;
  for (const item of items) {
    part.push(JSON.stringify(item) ?? 'null');
    if (++n % CHECK_EVERY === 0 && performance.now() - since >= SLICE_MS) {
      yield (first.value ? '' : ',') + part.join(',');
      first.value = false;
      part = [];
      await turn();
      since = performance.now();
    }
  }
  if (part.length > 0) {
    yield (first.value ? '' : ',') + part.join(',');
    first.value = false;
  }
}

/**
 * The JSON text of `value` (as JSON.stringify gives it for plain data) in pieces: large arrays
 * near the top, such as a snapshot's entries, are cut into slices of a few milliseconds of work,
 * so writing a million-entry snapshot never holds the event loop for the whole serialisation.
 */
export async function* jsonChunks(value: unknown, depth = 0): AsyncGenerator<string> {
  if (value instanceof BatchedArray) {
    yield '[';
    const first = { value: true };
    for (const batch of value.batches) {
      yield* itemPieces(batch, first);
      await turn();
    }
    yield ']';
    return;
  }
  if (depth < MAX_SPLIT_DEPTH && Array.isArray(value) && value.length > CHECK_EVERY) {
    yield '[';
    yield* itemPieces(value, { value: true });
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
