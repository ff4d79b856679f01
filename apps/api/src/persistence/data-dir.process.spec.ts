import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from '../test/cluster-processes.js';

jest.setTimeout(60_000);

/** A DATA_DIR is one node's: each case below used to start, and lost acknowledged writes. */
describe("a DATA_DIR that is not this node's to use (real main.js processes)", () => {
  let root: string;
  const started: NodeProcess[] = [];
  beforeAll(() => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), 'meshcache-data-dir-'));
  });
  afterAll(async () => {
    for (const n of started) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGKILL');
        await n.exited;
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>): Promise<NodeProcess> => {
    const node = spawnNode({ PORT: String(await freePort()), ...env });
    started.push(node);
    return node;
  };
  const up = (node: NodeProcess) => eventually(async () => (await fetch(`${node.url}/health`)).status === 200, `${node.url} up`);
  const write = async (node: NodeProcess, key: string, value: number) =>
    (await fetch(`${node.url}/api/cache`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, value }) })).status;
  const read = async (node: NodeProcess, key: string) => {
    const r = await fetch(`${node.url}/api/cache/${key}`);
    return r.status === 200 ? ((await r.json()) as { value: { value: unknown } }).value.value : r.status;
  };

  it('refuses a second node on a DATA_DIR in use, and takes over one left by a node killed with -9', async () => {
    const dir = join(root, 'shared');
    const first = await start({ NODE_ID: 'g1', DATA_DIR: dir, APPEND_FSYNC: 'always' });
    await up(first);
    expect(await write(first, 'k', 1)).toBe(200);
    const second = await start({ NODE_ID: 'g2', DATA_DIR: dir });
    expect(await second.exited).toBe(1);
    expect(second.output.join('')).toMatch(/DATA_DIR \(--data-dir\) \S+ is in use by another running node/);
    expect(await read(first, 'k')).toBe(1);
    expect(await write(first, 'k2', 2)).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;
    // The killed node's socket file is still there, but nothing answers it any more.
    const again = await start({ NODE_ID: 'g1', DATA_DIR: dir });
    await up(again);
    expect([await read(again, 'k'), await read(again, 'k2')]).toEqual([1, 2]);
  });

  it('refuses to start another NODE_ID from a DATA_DIR, naming the id its data belongs to, and loses nothing', async () => {
    const dir = join(root, 'renamed');
    const b = await start({ NODE_ID: 'b', DATA_DIR: dir });
    await up(b);
    for (let i = 0; i < 20; i++) expect(await write(b, `k${i}`, i)).toBe(200);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    const renamed = await start({ NODE_ID: 'renamed', DATA_DIR: dir });
    expect(await renamed.exited).toBe(1);
    expect(renamed.output.join('')).toMatch(/snapshot belongs to node b, not renamed[\s\S]*NODE_ID=b/);
    const back = await start({ NODE_ID: 'b', DATA_DIR: dir });
    await up(back);
    for (let i = 0; i < 20; i++) expect(await read(back, `k${i}`)).toBe(i);
  });
});
