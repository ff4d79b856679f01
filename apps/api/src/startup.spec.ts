import { freePort } from '@meshcache/test-support';
import { readFileSync } from 'node:fs';
import { NODE_FLAGS } from './server/node-flags.js';
import { ensureBuilt, eventually, MAIN, spawnNode } from './test/cluster-processes.js';

jest.setTimeout(60_000);

/** Real main.js processes: a configuration that would expose the node never opens its port. */
describe('start-up refusals (real process)', () => {
  beforeAll(() => ensureBuilt());

  const refused = async (env: Record<string, string>) => {
    const port = await freePort();
    const node = spawnNode({ PORT: String(port), ...env });
    const code = await node.exited;
    return { code, output: node.output.join(''), port };
  };

  it('refuses to listen on every interface without client auth, naming what to set', async () => {
    const r = await refused({ HOST: '0.0.0.0' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/AUTH_TOKEN.*JWT_SECRET.*HOST=127\.0\.0\.1.*ALLOW_INSECURE=true/s);
    await expect(fetch(`http://127.0.0.1:${r.port}/ping`)).rejects.toThrow();
  });

  it('refuses PEER_NODES without CLUSTER_SECRET, saying why', async () => {
    const r = await refused({ PEER_NODES: 'node1.com:5000' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/CLUSTER_SECRET \(--cluster-secret\): required with PEER_NODES/);
  });

  it('starts alone with no configuration on loopback', async () => {
    const port = await freePort();
    const node = spawnNode({ PORT: String(port), HOST: '' });
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 'lone node healthy');
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { nodeId: string };
      expect(health.nodeId).toMatch(/^node-[0-9a-f]{12}$/);
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  });
});

/** The V8 flags the server needs (server/node-flags.ts) reach it the way users start it, or the log says so. */
describe('node flags (real process)', () => {
  beforeAll(() => ensureBuilt());
  const MISSING = /started without --no-memory-reducer/;

  const startAndStop = async (options: Parameters<typeof spawnNode>[1]) => {
    const port = await freePort();
    const node = spawnNode({ PORT: String(port), LOG_LEVEL: 'info' }, options);
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 'node healthy');
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
    }
    const output = node.output.join('');
    // The shutdown line is logged after any start-up warning: the log read is complete.
    expect(output).toMatch(/shutting down/);
    return output;
  };

  it('the bin (main.js run itself) passes the flags in its first line: no warning', async () => {
    expect(readFileSync(MAIN, 'utf8').split('\n', 2)).toEqual(['#!/bin/sh', `":" //; exec node ${NODE_FLAGS.join(' ')} "$0" "$@"`]);
    expect(await startAndStop({ asBin: true })).not.toMatch(MISSING);
  });

  it('the list holds the GC flags the soak measured (node-flags.ts says why)', () => {
    expect(NODE_FLAGS).toEqual(['--no-memory-reducer', '--heap-growing-percent=50']);
  });

  it('a node started without them works and warns, naming the flags and the fix', async () => {
    const output = await startAndStop({ nodeFlags: [] });
    expect(output).toMatch(MISSING);
    expect(output).toContain(`"missingNodeFlags":${JSON.stringify(NODE_FLAGS)}`);
  });

  it('a node started with only some of them names just the missing one', async () => {
    const output = await startAndStop({ nodeFlags: ['--no-memory-reducer'] });
    expect(output).toContain('"missingNodeFlags":["--heap-growing-percent=50"]');
  });
});
