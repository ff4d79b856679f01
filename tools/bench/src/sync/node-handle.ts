import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Batching, Command, Reply } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A node process and a promise-based way to send it commands. */
export class NodeHandle {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  url = '';

  constructor(readonly nodeId: string) {
    this.child = fork(join(here, 'node-process.ts'), [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=6144'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: Reply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  async send<T = Record<string, unknown>>(command: Command): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...command, id });
    });
    if (!reply.ok) throw new Error(`${this.nodeId} ${command.cmd}: ${reply.error}`);
    return reply as unknown as T;
  }

  static async start(nodeId: string, backlogSize: number, capacity: number, batching: Batching): Promise<NodeHandle> {
    const handle = new NodeHandle(nodeId);
    handle.url = (await handle.send<{ url: string }>({ cmd: 'init', nodeId, backlogSize, capacity, batching })).url;
    return handle;
  }

  async exit(): Promise<void> {
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.send({ cmd: 'exit' });
    await gone;
  }
}
