// CPU per RESP command inside one process, without sockets or the kernel: 50 fake client
// sockets feed 16-command batches (`redis-benchmark -P 16`'s SET or GET of one key) through
// RespServer and the server's RESP store over a ReplicaNode, as the api app wires them.
// Usage: npm run bench:resp-in-process -- [set|get]
// Prints the CPU µs per command (process.cpuUsage) of 7 rounds of 800,000 commands, and their
// median. On a shared machine this moves far less than `npm run bench:resp`'s real-server
// figures: use it to compare two versions of the command path, and bench:resp for the ratio to
// redis-server (which also pays the socket I/O this leaves out).
import { EventEmitter } from 'node:events';
import { RespServer } from '@meshcache/resp';
import { ReplicaNode } from '@meshcache/sync-node';
import type { Logger } from 'pino';
import { createNodeRespStore } from '../src/resp/node-resp-store.js';
import type { ServerContext } from '../src/server/context.js';
import { KeyListing } from '../src/views/key-listing.js';

const test = process.argv[2] === 'get' ? 'get' : 'set';
const CLIENTS = 50;
const PIPELINE = 16;
const ROUNDS = 7;
const BATCHES_PER_ROUND = 50_000;

/** What RespConnection uses of a socket; writes are counted and dropped. */
class FakeSocket extends EventEmitter {
  readonly writableLength = 0;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 6379;
  written = 0;
  setNoDelay(): void {}
  pause(): void {}
  resume(): void {}
  destroy(): void {}
  end(): void {}
  write(reply: string): boolean {
    this.written += reply.length;
    return true;
  }
}

const main = async () => {
  const silent = { warn() {}, info() {}, error() {}, debug() {} } as unknown as Logger;
  const keys = new KeyListing(silent);
  const node = new ReplicaNode({ nodeId: 'bench', cache: { capacity: 1_000_000, strategy: 'lru', onEvict: keys.onEvict }, clusterSecret: 'bench-cluster-secret-in-process' });
  keys.attach(node);
  // Only what the RESP store reads of the server's context (no auth, ready, no byte budget).
  const ctx = { node, keys, auth: { open: true }, lifecycle: { phase: 'ready' }, config: { cacheMaxBytes: 0, nodeId: 'bench' }, version: '0', startedAt: Date.now() } as unknown as ServerContext;
  const server = new RespServer(createNodeRespStore(ctx));
  const command = test === 'set' ? '*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nxxx\r\n' : '*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n';
  const batch = Buffer.from(command.repeat(PIPELINE));
  const sockets = Array.from({ length: CLIENTS }, () => new FakeSocket());
  for (const socket of sockets) server.handle(socket as never);
  // Steps of 2,500 batches with a turn of the event loop between them, as the server's timers get.
  const run = async (batches: number) => {
    for (let done = 0; done < batches; done += 2500) {
      for (let i = 0; i < 2500; i++) sockets[i % CLIENTS].emit('data', Buffer.from(batch));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  if (test === 'get') node.set('key:__rand_int__', 'xxx');
  await run(20_000);
  const perCommand: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    await run(BATCHES_PER_ROUND);
    const used = process.cpuUsage(before);
    perCommand.push((used.user + used.system) / (BATCHES_PER_ROUND * PIPELINE));
  }
  const sorted = [...perCommand].sort((a, b) => a - b);
  console.log(`${test.toUpperCase()} -P ${PIPELINE}, in process: median ${sorted[ROUNDS >> 1].toFixed(3)} CPU µs per command (rounds ${perCommand.map((u) => u.toFixed(2)).join(', ')})`);
  await node.close();
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
