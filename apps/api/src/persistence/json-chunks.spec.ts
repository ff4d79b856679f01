import fc from 'fast-check';
import { BatchedArray, jsonChunks, restingSlicing, type Slicing } from './json-chunks.js';

const collect = async (value: unknown) => {
  let out = '';
  for await (const chunk of jsonChunks(value)) out += chunk;
  return out;
};

describe('jsonChunks', () => {
  it('gives exactly JSON.stringify for any JSON value', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (v) => expect(await collect(v)).toBe(JSON.stringify(v))));
  });

  it('writes any batches, empty ones included, as the JSON array of their items', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.jsonValue(), { maxLength: 5 }), { maxLength: 6 }), async (batches) => {
        expect(await collect({ entries: new BatchedArray(batches) })).toBe(JSON.stringify({ entries: batches.flat() }));
      }),
    );
  });

  it('cuts large nested arrays into pieces and still gives the same text', async () => {
    const snapshot = {
      format: 1,
      generation: 2,
      skipped: undefined,
      snapshot: { entries: Array.from({ length: 4500 }, (_, i) => ({ key: `k${i}`, value: i % 3 ? [i] : null })), tombstones: [], empty: {} },
      list: [undefined, 1],
    };
    const pieces: string[] = [];
    for await (const chunk of jsonChunks(snapshot)) pieces.push(chunk);
    expect(pieces.join('')).toBe(JSON.stringify(snapshot));
    expect(pieces.length).toBeGreaterThan(10);
  });

  it('writes a BatchedArray as the array of all its batches, pulling each batch only when it is serialised', async () => {
    const pulled: number[] = [];
    function* batches() {
      for (let b = 0; b < 3; b++) {
        pulled.push(b);
        yield b === 1 ? [] : Array.from({ length: 500 }, (_, i) => ({ b, i }));
      }
    }
    const value = { head: 1, entries: new BatchedArray(batches()) };
    const iterator = jsonChunks(value);
    await iterator.next();
    expect(pulled).toEqual([]);
    let out = '{';
    for await (const chunk of iterator) out += chunk;
    const expected = { head: 1, entries: [0, 2].flatMap((b) => Array.from({ length: 500 }, (_, i) => ({ b, i }))) };
    expect(out).toBe(JSON.stringify(expected));
    expect(await collect({ e: new BatchedArray([[], []]) })).toBe('{"e":[]}');
  });

  /** A clock that items move as they are read and serialised, and turns that are counted. */
  const fakeSlicing = () => {
    const log = { clock: 0, done: 0, perStep: [] as number[], doneAtTurn: 0, spent: [] as number[], clockAtTurn: 0 };
    const slicing: Slicing = {
      now: () => log.clock,
      turn: async (spentMs) => {
        log.perStep.push(log.done - log.doneAtTurn);
        log.doneAtTurn = log.done;
        log.spent.push(spentMs);
        expect(spentMs).toBe(log.clock - log.clockAtTurn);
        log.clockAtTurn = log.clock;
      },
    };
    return { log, slicing };
  };

  it('ends a step by the clock, counting the time spent pulling a batch: never more than one batch past its 4 ms', async () => {
    const { log, slicing } = fakeSlicing();
    // Each item costs 1 ms to serialise, each pull of a batch 3 ms: no step may run on for long.
    const item = (i: number) => ({ toJSON: () => ((log.clock += 1), log.done++, i) });
    function* batches() {
      for (let b = 0; b < 30; b++) {
        log.clock += 3;
        yield Array.from({ length: 100 }, (_, i) => item(b * 100 + i));
      }
    }
    let out = '';
    for await (const chunk of jsonChunks({ entries: new BatchedArray(batches()) }, slicing)) out += chunk;
    expect(out).toBe(JSON.stringify({ entries: Array.from({ length: 3000 }, (_, i) => i) }));
    // The clock is looked at after each batch: a step never goes on past the batch in which its 4 ms ran out.
    expect(Math.max(...log.perStep, log.done - log.doneAtTurn)).toBeLessThanOrEqual(100);
    expect(log.perStep.length).toBeGreaterThanOrEqual(29);
    // Each turn is told how long its slice took (a batch of 100 items and its pull: 103 ms), so the
    // real slicing can rest as long: a snapshot takes at most about half of the node's time.
    expect(new Set(log.spent)).toEqual(new Set([103]));
  });

  it('gives no turn back while the work is cheap: the clock bounds a slice, not a number of batches', async () => {
    const { log, slicing } = fakeSlicing();
    function* batches() {
      for (let b = 0; b < 40; b++) yield Array.from({ length: 250 }, (_, i) => ({ b, i }));
    }
    let out = '';
    for await (const chunk of jsonChunks({ entries: new BatchedArray(batches()) }, slicing)) out += chunk;
    expect(JSON.parse(out).entries).toHaveLength(10_000);
    expect(log.perStep).toEqual([]);
  });

  it('rests as long as the slice took while resting is on, and not at all once it is off (a node shutting down)', async () => {
    jest.useFakeTimers();
    try {
      let rest = true;
      const slicing = restingSlicing(() => rest);
      let rested = false;
      const turn = slicing.turn(40).then(() => (rested = true));
      await jest.advanceTimersByTimeAsync(39);
      expect(rested).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await turn;
      expect(rested).toBe(true);
      rest = false;
      let next = false;
      const immediate = slicing.turn(40).then(() => (next = true));
      // Only the immediate queue runs: no time passes.
      await jest.advanceTimersByTimeAsync(0);
      jest.runAllTicks();
      await immediate;
      expect(next).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
