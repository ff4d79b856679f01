import fc from 'fast-check';
import { jsonChunks } from './json-chunks.js';

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
});
