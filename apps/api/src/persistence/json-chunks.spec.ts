import fc from 'fast-check';
import { BatchedArray, jsonChunks } from './json-chunks.js';

const collect = async (value: unknown) => {
  let out = '';
  for await (const chunk of jsonChunks(value)) out += chunk;
  return out;
};

describe('jsonChunks', () => {
  it('gives exactly JSON.stringify for any JSON value', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (v) => expect(await collect(v)).toBe(JSON.stringify(v))));
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
});
