import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, Network } from '../hosts/network.js';
import { ClusterNodes } from './nodes.js';

// A stand-in for main.js that just stays up: what matters is which processes exist.
const dir = mkdtempSync(join(tmpdir(), 'chaos-nodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const main = join(dir, 'idle.js');
writeFileSync(main, 'setInterval(() => undefined, 1000);\n');

const host = (name: string): Host => ({ name, url: 'http://127.0.0.1:1', clientUrl: 'http://127.0.0.1:1', peerUrlFor: () => 'http://127.0.0.1:1', listenEnv: {}, exec: [] });
const network = { mode: 'loopback', note: '', nodes: [host('node1'), host('node2')], client: host('client') } as unknown as Network;

describe('ClusterNodes', () => {
  it('starts no node once closeAll began: a fault healing during an interrupt must not leave a node behind', async () => {
    const nodes = new ClusterNodes(network, { main, clusterSecret: 'x'.repeat(16), authToken: 'y'.repeat(16), appendFsync: 'always', dataRoot: join(dir, 'data'), logDir: join(dir, 'logs') });
    try {
      nodes.start('node1');
      const pid = nodes.pid('node1');
      expect(pid).toBeDefined();
      const closing = nodes.closeAll();
      // The nemesis loop heals a kill -9 while the cleanup is under way.
      nodes.start('node2');
      await closing;
      nodes.start('node1');
      expect([nodes.isRunning('node1'), nodes.isRunning('node2')]).toEqual([false, false]);
      expect(() => process.kill(pid as number, 0)).toThrow();
    } finally {
      await nodes.closeAll();
    }
  });
});
