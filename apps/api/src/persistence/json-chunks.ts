/** Longest stretch of serialisation (reading the items included) between two turns of the event loop. */
const SLICE_MS = 4;
/** Items serialised between two looks at the clock. */
const CHECK_EVERY = 32;
/** Objects this deep or deeper are serialised in one piece. */
const MAX_SPLIT_DEPTH = 3;

/**
 * An array whose items are produced in batches while it is serialised (a snapshot's entries,
 * read from the live cache a batch at a time): {@link jsonChunks} writes it as a JSON array.
 * A batch is pulled and serialised inside the current slice, so batches should be small (a few
 * hundred items): the slice's clock is looked at between batches.
 */
export class BatchedArray {
  constructor(readonly batches: Iterable<readonly unknown[]>) {}
}

/** How the serialisation is cut: the clock, and how the event loop is given back after a slice of `spentMs` (tests inject both). */
export interface Slicing {
  readonly now: () => number;
  readonly turn: (spentMs: number) => Promise<void>;
}

/**
 * After each slice the serialisation rests as long as the slice took, while `rest()` says so:
 * a snapshot then takes at most about half of the node's time while it is written. With slices
 * back to back (a `setImmediate` between them) a 25,000-key snapshot held the node's core for
 * ~100 ms, and on a machine whose cores the node shares (the soak's 3 nodes on 2 cores) the
 * reads that came meanwhile waited: the second of a snapshot held up to 184 of a run's slowest
 * GETs. Resting doubles the time a snapshot takes to write (a million keys: 5.4–5.6 s instead
 * of 2.7–3.0 s, `npm run bench:snapshot`), well within any snapshot interval; the log since the
 * previous snapshot covers the meantime. A node shutting down serves nobody: `rest()` false
 * then, and the slices run back to back so the last snapshot does not hold up the exit.
 */
export const restingSlicing = (rest: () => boolean): Slicing => ({
  now: () => performance.now(),
  turn: (spentMs) => new Promise<void>((resolve) => (rest() ? setTimeout(resolve, Math.max(1, Math.round(spentMs))) : setImmediate(resolve))),
});

const realSlicing = restingSlicing(() => true);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** One clock for the whole document: a slice ends after SLICE_MS of work, whatever it was spent on. */
class Slicer {
  private since: number;

  constructor(private readonly slicing: Slicing) {
    this.since = slicing.now();
  }

  spent(): boolean {
    return this.slicing.now() - this.since >= SLICE_MS;
  }

  async turn(): Promise<void> {
    await this.slicing.turn(this.slicing.now() - this.since);
    this.since = this.slicing.now();
  }
}

/**
 * Serialises `items` into one piece per slice of about SLICE_MS of work, letting the event loop
 * run between slices: the time is what bounds a slice, not a count of items.
 */
async function* itemPieces(items: Iterable<unknown>, slicer: Slicer): AsyncGenerator<string> {
  let part: string[] = [];
  let first = true;
  let n = 0;
  for (const item of items) {
    part.push(JSON.stringify(item) ?? 'null');
    if (++n % CHECK_EVERY === 0 && slicer.spent()) {
      yield (first ? '' : ',') + part.join(',');
      first = false;
      part = [];
      await slicer.turn();
    }
  }
  if (part.length > 0) yield (first ? '' : ',') + part.join(',');
}

/**
 * A batched array, one `JSON.stringify` per batch: no string per item and no join, so about half
 * the garbage of item by item. The clock is looked at after each batch, so a slice is its
 * SLICE_MS plus at most one batch (pulling it from the cache included).
 */
async function* batchPieces(batches: Iterable<readonly unknown[]>, slicer: Slicer): AsyncGenerator<string> {
  let first = true;
  for (const batch of batches) {
    if (batch.length > 0) {
      if (!first) yield ',';
      first = false;
      yield JSON.stringify(batch).slice(1, -1);
    }
    if (slicer.spent()) await slicer.turn();
  }
}

async function* pieces(value: unknown, depth: number, slicer: Slicer): AsyncGenerator<string> {
  if (value instanceof BatchedArray) {
    yield '[';
    yield* batchPieces(value.batches, slicer);
    yield ']';
    return;
  }
  if (depth < MAX_SPLIT_DEPTH && Array.isArray(value) && value.length > CHECK_EVERY) {
    yield '[';
    yield* itemPieces(value, slicer);
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
      yield* pieces(field, depth + 1, slicer);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value) ?? 'null';
}

/**
 * The JSON text of `value` (as JSON.stringify gives it for plain data) in pieces: large arrays
 * near the top, such as a snapshot's entries, are cut into slices of a few milliseconds of work,
 * so writing a million-entry snapshot never holds the event loop for the whole serialisation.
 */
export function jsonChunks(value: unknown, slicing: Slicing = realSlicing): AsyncGenerator<string> {
  return pieces(value, 0, new Slicer(slicing));
}
