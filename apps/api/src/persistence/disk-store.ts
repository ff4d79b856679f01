import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonChunks } from './json-chunks.js';
import { OpLogWriter, type FsyncPolicy } from './op-log-writer.js';
import { decodeLog } from './record-codec.js';
import { readFileIfExists, writeFileAtomic } from './snapshot-file.js';

export interface DiskStoreOptions {
  readonly dir: string;
  readonly fsync: FsyncPolicy;
  readonly snapshotIntervalMs: number;
  readonly snapshotAfterOps: number;
  readonly warn: (message: string) => void;
}

export interface RestoredState {
  /** The node snapshot as it was handed to {@link DiskStore.start}, or undefined on first start. */
  readonly snapshot: unknown;
  /** Operations logged after that snapshot, oldest first. */
  readonly ops: unknown[];
  readonly warnings: string[];
}

const SNAPSHOT_FILE = 'snapshot.json';
const LOG_PATTERN = /^ops-(\d+)\.log$/;
const logName = (generation: number) => `ops-${generation}.log`;

/**
 * Snapshot + append-only operation log in one directory, in generations: `snapshot.json` of
 * generation G is the state at the moment `ops-G.log` was started, so a restore is that snapshot
 * plus every log of generation >= G. A new snapshot opens the next log first, writes the snapshot
 * atomically, and only then deletes older logs: a crash at any point leaves a restorable set.
 */
export class DiskStore {
  private generation = 0;
  private writer: OpLogWriter | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private takeSnapshot: (() => unknown) | undefined;

  constructor(private readonly options: DiskStoreOptions) {}

  async load(): Promise<RestoredState> {
    const { dir } = this.options;
    await mkdir(dir, { recursive: true });
    const warnings: string[] = [];
    let snapshot: unknown;
    let fromGeneration = 0;
    const text = await readFileIfExists(join(dir, SNAPSHOT_FILE));
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as { format?: unknown; generation?: unknown; snapshot?: unknown };
        if (parsed.format !== 1 || typeof parsed.generation !== 'number') throw new TypeError('unknown snapshot format');
        snapshot = parsed.snapshot;
        fromGeneration = parsed.generation;
      } catch (error) {
        warnings.push(`${SNAPSHOT_FILE}: unreadable (${(error as Error).message}); restoring from operation logs only`);
      }
    }
    const generations = (await readdir(dir))
      .map((name) => LOG_PATTERN.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const ops: unknown[] = [];
    for (const generation of generations) {
      if (generation < fromGeneration) continue;
      const decoded = decodeLog(await readFile(join(dir, logName(generation)), 'utf8'), logName(generation));
      ops.push(...decoded.records);
      warnings.push(...decoded.warnings);
    }
    this.generation = Math.max(fromGeneration, generations.at(-1) ?? 0);
    for (const w of warnings) this.options.warn(w);
    return { snapshot, ops, warnings };
  }

  /**
   * Starts logging into a fresh generation and compacts right away, so a restart replays at most
   * one interval of operations. `takeSnapshot` must return the node state synchronously.
   */
  async start(takeSnapshot: () => unknown): Promise<void> {
    this.takeSnapshot = takeSnapshot;
    await this.snapshot();
    this.timer = setInterval(() => {
      if (this.writer && this.writer.count > 0) void this.snapshot().catch((e: Error) => this.options.warn(`snapshot failed: ${e.message}`));
    }, this.options.snapshotIntervalMs);
    this.timer.unref();
  }

  append(op: unknown): void {
    if (!this.writer) return;
    this.writer.append(op);
    if (this.writer.count >= this.options.snapshotAfterOps && !this.inFlight) {
      void this.snapshot().catch((e: Error) => this.options.warn(`snapshot failed: ${e.message}`));
    }
  }

  /** Rotates the log and writes a snapshot; concurrent calls share one run. */
  snapshot(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const take = this.takeSnapshot;
    if (!take) return Promise.resolve();
    // The snapshot and the log switch happen in one synchronous step: no operation falls between.
    const state = take();
    const next = ++this.generation;
    const previous = this.writer;
    this.writer = new OpLogWriter(join(this.options.dir, logName(next)), this.options.fsync);
    previous?.close();
    this.inFlight = (async () => {
      await writeFileAtomic(join(this.options.dir, SNAPSHOT_FILE), jsonChunks({ format: 1, generation: next, takenAt: Date.now(), snapshot: state }));
      for (const name of await readdir(this.options.dir)) {
        const m = LOG_PATTERN.exec(name);
        if (m && Number(m[1]) < next) await unlink(join(this.options.dir, name)).catch(() => undefined);
      }
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Final snapshot, then fsync and close the log. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.writer && this.writer.count > 0) await this.snapshot();
    this.writer?.close();
    this.writer = undefined;
    this.takeSnapshot = undefined;
  }
}
