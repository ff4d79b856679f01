// One meshcache node in its own process, driven by the coordinator over IPC.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { ReplicaNode, attachSocketIoTransport, type SocketIoTransport } from '@meshcache/sync-node';
import { nodeIdOfOrigin } from '@meshcache/sync-protocol';
import { preciseNow, type Command } from './protocol.js';

let node: ReplicaNode;
let http: HttpServer;
let io: Server;
let transport: SocketIoTransport | null = null;
let port = 0;
const appliedFrom = new Map<string, number>();
const countWaiters: { origin: string; target: number; resolve: (at: number) => void }[] = [];
const lags = new Map<string, number[]>();

const listen = () =>
  new Promise<void>((resolve) => {
    http = createServer();
    io = new Server(http, { maxHttpBufferSize: 64 * 1024 * 1024 });
    http.listen(port, '127.0.0.1', () => {
      port = (http.address() as AddressInfo).port;
      resolve();
    });
  });

const url = () => `http://127.0.0.1:${port}`;

function onOp(op: { origin: string; op: { type: string; key?: string; value?: unknown } }) {
  const from = nodeIdOfOrigin(op.origin);
  if (from === node.nodeId) return;
  const n = (appliedFrom.get(from) ?? 0) + 1;
  appliedFrom.set(from, n);
  if (op.op.type === 'set' && typeof op.op.value === 'number' && op.op.key !== undefined) {
    const prefix = op.op.key.slice(0, op.op.key.indexOf(':') + 1);
    let list = lags.get(prefix);
    if (list === undefined) lags.set(prefix, (list = []));
    list.push(preciseNow() - op.op.value);
  }
  for (let i = countWaiters.length - 1; i >= 0; i--) {
    const w = countWaiters[i];
    if (w.origin === from && n >= w.target) {
      countWaiters.splice(i, 1);
      w.resolve(preciseNow());
    }
  }
}

function waitUntil(check: () => boolean): Promise<number> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve(preciseNow()) : setTimeout(poll, 1));
    poll();
  });
}

async function write(count: number, prefix: string, ratePerSec: number | undefined, stamp: boolean): Promise<{ start: number; end: number }> {
  const start = preciseNow();
  let done = 0;
  const one = () => {
    node.set(`${prefix}:${done}`, stamp ? preciseNow() : `v${done}`);
    done++;
  };
  await new Promise<void>((resolve) => {
    const step = () => {
      const due = ratePerSec === undefined ? count : Math.min(count, Math.floor(((preciseNow() - start) * ratePerSec) / 1000) + 1);
      // Unpaced: yield every 2000 writes so the node can send batches while we write.
      const until = ratePerSec === undefined ? Math.min(count, done + 2000) : due;
      while (done < until) one();
      if (done >= count) resolve();
      else if (ratePerSec === undefined) setImmediate(step);
      else setTimeout(step, 1);
    };
    step();
  });
  return { start, end: preciseNow() };
}

async function handle(c: Command): Promise<Record<string, unknown>> {
  switch (c.cmd) {
    case 'init':
      node = new ReplicaNode({ nodeId: c.nodeId, cache: { capacity: c.capacity, strategy: 'lru' }, backlogSize: c.backlogSize, clusterSecret: 'bench', ...c.batching });
      node.on('op', onOp);
      await listen();
      return { url: url() };
    case 'connect':
      transport = attachSocketIoTransport(node, { io, peers: c.peers, selfUrl: url(), redialMs: 50 });
      await waitUntil(() => node.nodes().filter((p) => p.state === 'up').length >= c.expectUp);
      return {};
    case 'write':
      return write(c.count, c.prefix, c.ratePerSec, c.stamp ?? false);
    case 'await-count': {
      if ((appliedFrom.get(c.origin) ?? 0) >= c.target) return { at: preciseNow() };
      const at = await new Promise<number>((resolve) => countWaiters.push({ origin: c.origin, target: c.target, resolve }));
      return { at };
    }
    case 'lags':
      return { lags: lags.get(`${c.prefix}:`) ?? [] };
    case 'go-away':
      await transport?.close();
      transport = null;
      await new Promise<void>((resolve) => io.close(() => resolve()));
      return {};
    case 'come-back':
      await listen();
      transport = attachSocketIoTransport(node, { io, peers: c.peers, selfUrl: url(), redialMs: 50 });
      return { at: preciseNow() };
    case 'await-size': {
      const at = await waitUntil(() => node.cache.size >= c.size);
      return { at };
    }
    case 'stats':
      return { stats: node.stats(), memory: process.memoryUsage().rss };
    case 'exit':
      await transport?.close();
      await node.close();
      io.close();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (message: Command & { id: number }) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, ok: true, ...result }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: String(error) }),
  );
});
