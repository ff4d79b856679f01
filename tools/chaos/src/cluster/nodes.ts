import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Network } from '../hosts/network.js';
import { HarnessError, sh } from '../hosts/shell.js';
import { LazyMount, type Dropped } from './lazy-disk.js';

/** libfaketime from Debian's `faketime` package: shifts Date.now(), leaves the monotonic clock. */
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface NodeSettings {
  main: string;
  /** Node flags before main (the built server's own: `serverNodeFlags(main)`). */
  nodeFlags?: readonly string[];
  clusterSecret: string;
  authToken: string;
  appendFsync: 'always' | 'everysec' | 'no';
  /** Per-node DATA_DIR parent; each node's directory is a small tmpfs when `tmpfsMb` is set. */
  dataRoot: string;
  tmpfsMb?: number;
  /** With tmpfsMb: DATA_DIR is lazyfs over that tmpfs, so a power cut drops exactly the unsynced bytes. */
  lazyFs?: boolean;
  logDir: string;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  log: WriteStream;
  startedAt: number;
}

/**
 * The meshcache processes, one per host: the real dist/apps/api/main.js started on its host
 * (`ip netns exec`), with its own DATA_DIR kept across kill -9 and restarts.
 */
export class ClusterNodes {
  private readonly running = new Map<string, Running>();
  private readonly mounted: string[] = [];
  private readonly lazy = new Map<string, LazyMount>();
  /** Set by closeAll: a start after it (a fault healing while an interrupt cleans up) would outlive the run. */
  private closed = false;

  constructor(
    private readonly network: Network,
    private readonly settings: NodeSettings,
  ) {
    mkdirSync(settings.logDir, { recursive: true });
    for (const node of network.nodes) {
      const dir = this.dataDir(node.name);
      mkdirSync(dir, { recursive: true });
      if (settings.tmpfsMb) {
        // With lazyfs the tmpfs is its backing store beside DATA_DIR, and lazyfs is mounted on DATA_DIR.
        const disk = settings.lazyFs ? `${dir}.disk` : dir;
        mkdirSync(disk, { recursive: true });
        const m = sh('mount', ['-t', 'tmpfs', '-o', `size=${settings.tmpfsMb}m`, 'tmpfs', disk]);
        try {
          if (!m.ok) throw new HarnessError('SETUP_FAILED', `mount tmpfs on ${disk}: ${m.stderr.trim()}`);
          this.mounted.push(disk);
          if (settings.lazyFs) this.lazy.set(node.name, new LazyMount(disk, dir, join(settings.dataRoot, `${node.name}.lazyfs`)));
        } catch (e) {
          // The caller never gets this object to close: unmount what was mounted before throwing.
          try {
            this.unmountAll();
          } catch {
            // The mount error is the one to report.
          }
          throw e;
        }
      }
    }
  }

  get names(): string[] {
    return this.network.nodes.map((n) => n.name);
  }

  dataDir(name: string): string {
    return join(this.settings.dataRoot, name);
  }

  /** The node's FSYNC_TRACE_FILE, beside its DATA_DIR (outside the tmpfs, so a full disk cannot stop it). */
  fsyncTracePath(name: string): string {
    return join(this.settings.dataRoot, `${name}.fsync.jsonl`);
  }

  /** When the node's current run was started (0 when it is not running). */
  startedAt(name: string): number {
    return this.running.get(name)?.startedAt ?? 0;
  }

  hasTmpfs(): boolean {
    return this.mounted.length > 0;
  }

  /** The power cut on a lazyfs DATA_DIR (drops every byte the node did not fsync); undefined without lazyfs. */
  dropUnsyncedOf(name: string): (() => Dropped) | undefined {
    const mount = this.lazy.get(name);
    return mount ? () => mount.drop() : undefined;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  /** Starts a node; `fakeTime` (e.g. "+300s") runs it under libfaketime. */
  start(name: string, fakeTime?: string): void {
    if (this.running.has(name) || this.closed) return;
    const host = this.network.nodes.find((n) => n.name === name);
    if (!host) throw new HarnessError('NODE_FAILED', `no host ${name}`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...host.listenEnv,
      NODE_ID: name,
      PEER_NODES: this.network.nodes
        .filter((n) => n.name !== name)
        .map((n) => n.peerUrlFor(name))
        .join(','),
      CLUSTER_SECRET: this.settings.clusterSecret,
      AUTH_TOKEN: this.settings.authToken,
      DATA_DIR: this.dataDir(name),
      APPEND_FSYNC: this.settings.appendFsync,
      FSYNC_TRACE_FILE: this.fsyncTracePath(name),
      RESP_PORT: '0',
      ACCESS_LOG: 'false',
      LOG_LEVEL: 'warn',
      CACHE_CAPACITY: '100000',
      FRONTEND_URL: '*',
      SHUTDOWN_TIMEOUT_MS: '2000',
      ...(fakeTime ? { LD_PRELOAD: FAKETIME_LIB, FAKETIME: fakeTime, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' } : {}),
    };
    const [cmd, ...args] = [...host.exec, process.execPath, ...(this.settings.nodeFlags ?? []), this.settings.main];
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(this.settings.logDir, `${name}.log`), { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} start${fakeTime ? ` under faketime ${fakeTime}` : ''} (pid ${child.pid})\n`);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        log.write(`--- ${new Date().toISOString()} exit ${code ?? signal}\n`);
        this.running.delete(name);
        resolve();
      }),
    );
    this.running.set(name, { child, exited, log, startedAt: Date.now() });
  }

  /**
   * SIGKILL: no drain, no flush beyond what the fsync policy already did. Answers the moment the
   * signal was sent (the node acknowledged nothing later), once the process is gone.
   */
  async kill9(name: string): Promise<number> {
    const r = this.running.get(name);
    if (!r) return Date.now();
    r.child.kill('SIGKILL');
    const at = Date.now();
    await r.exited;
    return at;
  }

  /** SIGTERM and wait (SIGKILL after a bound). */
  async stop(name: string): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    r.child.kill('SIGCONT');
    r.child.kill('SIGTERM');
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
    await r.exited;
    clearTimeout(timer);
  }

  signal(name: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.running.get(name)?.child.kill(signal);
  }

  /** Polls /health until the node answers 200 (bounded). */
  async waitReady(name: string, timeoutMs = 60_000): Promise<boolean> {
    const host = this.network.nodes.find((n) => n.name === name);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.running.has(name)) {
      try {
        const res = await fetch(`${host?.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return true;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  /** Kills every node and unmounts the tmpfs DATA_DIRs; no node starts after it. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.keys()].map((name) => this.kill9(name)));
    this.unmountAll();
  }

  private unmountAll(): void {
    const failed: string[] = [];
    for (const [name, mount] of [...this.lazy]) {
      this.lazy.delete(name);
      if (!mount.close()) failed.push(`lazyfs on ${mount.dir}`);
    }
    for (const dir of this.mounted.splice(0)) {
      const r = existsSync(dir) ? sh('umount', ['-l', dir]) : { ok: true, stderr: '' };
      if (!r.ok) failed.push(`umount -l ${dir}: ${r.stderr.trim()}`);
    }
    if (failed.length) throw new HarnessError('NODE_FAILED', `left mounted: ${failed.join('; ')}`);
  }
}
