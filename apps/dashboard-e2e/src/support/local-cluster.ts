import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@meshcache/test-support';

export const WORKSPACE = resolve(__dirname, '../../../..');
export const API_MAIN = join(WORKSPACE, 'dist/apps/api/main.js');
export const DASHBOARD_INDEX = join(WORKSPACE, 'dist/apps/dashboard/index.html');


export interface ClusterNode {
  readonly id: string;
  readonly url: string;
  readonly env: Record<string, string>;
  child: ChildProcess;
  /** stdout and stderr, for the failure message when a node misbehaves */
  readonly output: string[];
}

/**
 * N real `node dist/apps/api/main.js` processes on 127.0.0.1, each listing the others in
 * PEER_NODES, so what the page shows is what operators would see.
 */
export class LocalCluster {
  private constructor(readonly nodes: ClusterNode[]) {}

  /** `extraEnv` is added to every node's environment; a function gives each node its own (by index). */
  static async start(size: number, extraEnv: Record<string, string> | ((index: number) => Record<string, string>) = {}): Promise<LocalCluster> {
    for (const file of [API_MAIN, DASHBOARD_INDEX]) {
      if (!existsSync(file)) throw new TypeError(`${file} is missing: run the builds first (npm test does; or npx nx run-many -t build)`);
    }
    const ports: number[] = [];
    for (let i = 0; i < size; i++) ports.push(await freePort());
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    const nodes = ports.map((port, i): ClusterNode => {
      const env = {
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ID: `n${i + 1}`,
        SELF_URL: urls[i],
        PEER_NODES: urls.filter((_, j) => j !== i).join(','),
        CLUSTER_SECRET: 'dashboard-e2e-secret',
        NODE_ENV: 'production',
        ACCESS_LOG: 'false',
        LOG_LEVEL: 'warn',
        METRICS_INTERVAL_MS: '500',
        // The Redis listener stays off unless a test gives each node a free port: parallel test
        // workers must never compete for 6379.
        RESP_PORT: '0',
        ...(typeof extraEnv === 'function' ? extraEnv(i) : extraEnv),
      };
      return { id: env.NODE_ID, url: urls[i], env, child: spawnNode(env), output: [] };
    });
    nodes.forEach(capture);
    const cluster = new LocalCluster(nodes);
    await Promise.all(nodes.map((n) => cluster.waitHealthy(n)));
    return cluster;
  }

  node(id: string): ClusterNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new TypeError(`no node ${id}`);
    return node;
  }

  /** kill -9: the node gets no chance to say goodbye, as in a crash. */
  async kill(id: string): Promise<void> {
    const node = this.node(id);
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = new Promise((done) => node.child.once('exit', done));
    node.child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing — a hung node. */
  pause(id: string): void {
    this.node(id).child.kill('SIGSTOP');
  }

  resume(id: string): void {
    this.node(id).child.kill('SIGCONT');
  }

  async restart(id: string): Promise<void> {
    const node = this.node(id);
    node.child = spawnNode(node.env);
    capture(node);
    await this.waitHealthy(node);
  }

  /** Stops every node that still runs; SIGTERM first (graceful), SIGKILL if it lingers. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        const child = node.child;
        if (child.exitCode !== null || child.signalCode !== null) return;
        // A node a failed test left paused could not handle SIGTERM.
        child.kill('SIGCONT');
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** /health answers 200 once the node serves; a process that exits first fails fast. */
  private async waitHealthy(node: ClusterNode, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (node.child.exitCode !== null) throw new TypeError(`${node.id} exited with ${node.child.exitCode}:\n${node.output.join('')}`);
      try {
        if ((await fetch(`${node.url}/health`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new TypeError(`${node.id} not healthy after ${timeoutMs} ms:\n${node.output.join('')}`);
  }
}

function spawnNode(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [API_MAIN], {
    cwd: WORKSPACE,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function capture(node: ClusterNode): void {
  node.child.stdout?.on('data', (d: Buffer) => node.output.push(d.toString()));
  node.child.stderr?.on('data', (d: Buffer) => node.output.push(d.toString()));
}
