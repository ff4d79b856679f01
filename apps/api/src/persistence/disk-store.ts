import { copyFile, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { claimDataDir, type DataDirClaim } from './data-dir-lock.js';
import { DiskProbe, type DiskState } from './disk-probe.js';
import { jsonChunks, restingSlicing } from './json-chunks.js';
import { OpLogWriter, type DiskFault, type DurableListener, type FsyncPolicy, type LogFileIo } from './op-log-writer.js';
import { decodeLog } from '@meshcache/sync-node';
import { readSnapshotFile, syncDir, writeVerifiedTemp } from './snapshot-file.js';

export interface DiskStoreOptions {
  readonly dir: string;
  readonly fsync: FsyncPolicy;
  readonly snapshotIntervalMs: number;
  readonly snapshotAfterOps: number;
  readonly warn: (message: string) => void;
  /** Start from what remains when every snapshot is damaged, instead of refusing to start. */
  readonly discardCorruptData?: boolean;
  /** While read-only, how often to test whether the disk takes writes again (default 1000 ms). */
  readonly probeIntervalMs?: number;
  /** Told of every change between writable and read-only. */
  readonly onDiskState?: (state: DiskState) => void;
  /** File calls of the operation log (tests inject failing ones). */
  readonly logIo?: LogFileIo;
  /** Hears how much of which log each completed fsync made durable (FSYNC_TRACE_FILE). */
  readonly onDurable?: DurableListener;
  /** Claim the directory (see claimDataDir) from `load` until `close`: the server's stores do. */
  readonly exclusive?: boolean;
}

export interface RestoredState {
  /** The node snapshot as it was handed to {@link DiskStore.start}, or undefined on first start. */
  readonly snapshot: unknown;
  /** The file `snapshot` came from (`snapshot.json` or `snapshot.prev.json`). */
  readonly snapshotFile?: string;
  /** Operations logged after that snapshot, oldest first. */
  readonly ops: unknown[];
  readonly warnings: string[];
}

/** What the dashboard and `/api/metrics` show about persistence. */
export interface PersistenceStatus {
  readonly fsync: FsyncPolicy;
  readonly disk: DiskState;
  /** When the newest verified snapshot was taken (ms), null before the first. */
  readonly lastSnapshotAt: number | null;
  /** Bytes in the current operation log. */
  readonly opLogBytes: number;
  readonly opLogRecords: number;
}

export type DurabilityResult = { ok: true } | { ok: false; fault: DiskFault };

/** A data directory the server must not start from: damaged snapshots and no permission to drop them. */
export class CorruptDataError extends Error {
  readonly code = 'CORRUPT_DATA';
}

const NEWEST = 'snapshot.json';
const PREVIOUS = 'snapshot.prev.json';
const LOG_PATTERN = /^ops-(\d+)\.log$/;
const logName = (generation: number) => `ops-${generation}.log`;

interface SnapshotEnvelope {
  format: 1;
  generation: number;
  takenAt?: number;
  snapshot: unknown;
}

/** How far a periodic snapshot may fall from its period, either way. */
export const SNAPSHOT_JITTER = 0.1;

/**
 * One period of the periodic snapshot, moved by up to ±10 % at random. Nodes started together
 * (a cluster on one host, the soak's three nodes on two cores) otherwise snapshot at the same
 * instant every period, and their snapshots compete for the same CPUs and disk at once: in the
 * quiet 10-minute soak (r8) every node's lag peaked together at each snapshot.
 */
export const snapshotDelay = (intervalMs: number, random: () => number = Math.random): number =>
  Math.round(intervalMs * (1 - SNAPSHOT_JITTER + 2 * SNAPSHOT_JITTER * random()));

const isEnvelope = (v: unknown): v is SnapshotEnvelope =>
  typeof v === 'object' && v !== null && (v as SnapshotEnvelope).format === 1 && Number.isInteger((v as SnapshotEnvelope).generation);

/**
 * Snapshots + append-only operation logs in one directory, in generations: a snapshot of
 * generation G is the state at the moment `ops-G.log` was started, so a restore is a snapshot
 * plus every log of generation >= G. Two snapshot generations are kept, `snapshot.json` and
 * `snapshot.prev.json`, with every log since the older one: a damaged newest snapshot is moved
 * aside (never overwritten) and the node restores from the previous one. A new snapshot opens
 * the next log first, is written and read back under its checksum, and only then replaces the
 * older files: a crash at any point leaves a restorable set.
 *
 * Every append goes to the log before the node applies it ({@link append}); when the disk
 * refuses one the store turns read-only, refuses every further append at once, and probes the
 * disk until it takes writes again.
 */
export class DiskStore {
  private generation = 0;
  /** Generation of `snapshot.json` / `snapshot.prev.json` as on disk, undefined when absent. */
  private newest: number | undefined;
  private previous: number | undefined;
  private lastSnapshotAt: number | null = null;
  private writer: OpLogWriter | undefined;
  private inFlight: Promise<void> | undefined;
  /** The snapshot `snapshotNow` queued behind the one in flight, shared by every call meanwhile. */
  private queued: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Set by `close`: snapshots stop resting between slices (nobody is served any more). */
  private closing = false;
  private readonly slicing = restingSlicing(() => !this.closing);
  private takeSnapshot: (() => unknown) | undefined;
  private readonly probe: DiskProbe;
  private claim: DataDirClaim | undefined;

  constructor(private readonly options: DiskStoreOptions) {
    this.probe = new DiskProbe(options.dir, options.probeIntervalMs ?? 1000, () => this.reopen(), (state) => this.diskStateChanged(state));
  }

  get diskState(): DiskState {
    return this.probe.state;
  }

  status(): PersistenceStatus {
    return {
      fsync: this.options.fsync,
      disk: this.probe.state,
      lastSnapshotAt: this.lastSnapshotAt,
      opLogBytes: this.writer?.bytes ?? 0,
      opLogRecords: this.writer?.count ?? 0,
    };
  }

  /**
   * Reads the newest snapshot that passes its checksum plus the logs since it. A damaged
   * snapshot is renamed `<name>.corrupt-<time>`; when no snapshot is left although there was
   * one, throws {@link CorruptDataError} unless `discardCorruptData` is set.
   */
  async load(): Promise<RestoredState> {
    if (this.options.exclusive) {
      const claim = await claimDataDir(this.options.dir);
      if (claim.held) this.claim = claim;
      else this.options.warn(`DATA_DIR is not guarded against a second node using it at once: ${claim.reason}`);
    }
    try {
      return await this.read();
    } catch (error) {
      await this.releaseClaim();
      throw error;
    }
  }

  private async releaseClaim(): Promise<void> {
    const claim = this.claim;
    this.claim = undefined;
    if (claim?.held) await claim.release();
  }

  private async read(): Promise<RestoredState> {
    const { dir } = this.options;
    await mkdir(dir, { recursive: true });
    const warnings: string[] = [];
    let chosen: SnapshotEnvelope | undefined;
    let chosenFile: string | undefined;
    const damaged: { name: string; reason: string }[] = [];
    for (const name of [NEWEST, PREVIOUS]) {
      const read = await readSnapshotFile(join(dir, name));
      if (read.kind === 'missing') continue;
      const reason = read.kind === 'corrupt' ? read.reason : isEnvelope(read.value) ? undefined : 'unknown snapshot format';
      if (reason !== undefined || read.kind !== 'ok') {
        damaged.push({ name, reason: reason ?? 'unreadable' });
        continue;
      }
      const envelope = read.value as SnapshotEnvelope;
      if (name === NEWEST) this.newest = envelope.generation;
      else this.previous = envelope.generation;
      if (chosen === undefined) {
        chosen = envelope;
        chosenFile = name;
        if (name === PREVIOUS) warnings.push(`restoring from ${PREVIOUS} (generation ${envelope.generation}) and the logs since it`);
      }
    }
    // Refused, the directory stays exactly as it was: a restart (by hand or by a process
    // manager) must refuse again, not find the damaged files gone and start empty.
    if (chosen === undefined && damaged.length > 0 && !this.options.discardCorruptData) {
      throw new CorruptDataError(
        `DATA_DIR ${dir} holds no intact snapshot: ${damaged.map((d) => `${d.name} (${d.reason})`).join('; ')}. Nothing was moved or overwritten. ` +
          'Restore the files from a backup, or start with --discard-corrupt-data (DISCARD_CORRUPT_DATA=true) to move them aside, start from the operation logs alone and let peers fill in the rest.',
      );
    }
    // Starting: a damaged file is moved aside (never deleted), so a new snapshot never replaces it.
    for (const { name, reason } of damaged) {
      const aside = `${name}.corrupt-${Date.now()}`;
      await rename(join(dir, name), join(dir, aside));
      warnings.push(`${name}: damaged (${reason}); moved aside to ${aside}`);
    }
    if (chosen === undefined && damaged.length > 0) warnings.push('no intact snapshot left: --discard-corrupt-data given, restoring from the operation logs alone');
    const fromGeneration = chosen?.generation ?? 0;
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
      // The next snapshot deletes this log: a copy keeps what the damaged lines held for whoever
      // looks into it (a record lost in the middle of a log is not what a crash leaves).
      if (decoded.corrupt > 0) {
        const copy = `${logName(generation)}.corrupt-${Date.now()}`;
        await copyFile(join(dir, logName(generation)), join(dir, copy));
        warnings.push(`${logName(generation)}: ${decoded.corrupt} damaged record(s) skipped; the log is kept as ${copy}`);
      }
    }
    this.generation = Math.max(fromGeneration, this.newest ?? 0, this.previous ?? 0, generations.at(-1) ?? 0);
    this.lastSnapshotAt = chosen?.takenAt ?? null;
    for (const w of warnings) this.options.warn(w);
    return { snapshot: chosen?.snapshot, ...(chosenFile === undefined ? {} : { snapshotFile: chosenFile }), ops, warnings };
  }

  /**
   * Moves a snapshot the node could not restore aside (`<name>.rejected-<time>`, never deleted),
   * before any new snapshot could replace it.
   */
  async setAside(name: string): Promise<void> {
    const aside = `${name}.rejected-${Date.now()}`;
    await rename(join(this.options.dir, name), join(this.options.dir, aside));
    if (name === NEWEST) this.newest = undefined;
    else if (name === PREVIOUS) this.previous = undefined;
    this.options.warn(`${name} moved aside to ${aside}`);
  }

  /**
   * Starts logging into a fresh generation and compacts right away, so a restart replays at most
   * one interval of operations. `takeSnapshot` must return the node state synchronously.
   */
  async start(takeSnapshot: () => unknown): Promise<void> {
    this.takeSnapshot = takeSnapshot;
    await this.snapshot();
    this.schedulePeriodic();
  }

  /** The next periodic snapshot, one jittered period from now (see {@link snapshotDelay}). */
  private schedulePeriodic(): void {
    this.timer = setTimeout(() => {
      if (this.takeSnapshot === undefined) return;
      if (this.writer && this.writer.count > 0 && this.probe.state.writable) this.snapshotInBackground();
      this.schedulePeriodic();
    }, snapshotDelay(this.options.snapshotIntervalMs));
    this.timer.unref();
  }

  /**
   * Logs one operation before the node applies it. Refused (nothing written) while the disk is
   * read-only; a failing write turns it read-only.
   */
  append(op: unknown): DurabilityResult {
    const state = this.probe.state;
    if (!state.writable) return { ok: false, fault: state.fault };
    if (!this.writer) return { ok: false, fault: { code: 'ECLOSED', message: 'persistence is closed' } };
    const result = this.writer.append(op);
    if (!result.ok) {
      this.probe.fail(result.fault);
      return result;
    }
    if (this.writer.count >= this.options.snapshotAfterOps && !this.inFlight) this.snapshotInBackground();
    return result;
  }

  /** Resolves once every operation appended so far is fsynced, whatever APPEND_FSYNC says. */
  flush(): Promise<DurabilityResult> {
    if (!this.writer) return Promise.resolve({ ok: false, fault: { code: 'ECLOSED', message: 'persistence is closed' } });
    return this.writer.flush();
  }

  /** Rotates the log and writes a snapshot; concurrent calls share one run. */
  snapshot(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const take = this.takeSnapshot;
    if (!take) return Promise.resolve();
    const next = this.generation + 1;
    let writer: OpLogWriter;
    try {
      writer = this.openLog(next);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // The snapshot and the log switch happen in one synchronous step: no operation falls between.
    const state = take();
    this.generation = next;
    const retired = this.switchTo(writer);
    const takenAt = Date.now();
    this.inFlight = (async () => {
      const { dir } = this.options;
      // The rotated-out log is durable before any file it could be needed with is replaced.
      await retired;
      const tmp = await writeVerifiedTemp(dir, jsonChunks({ format: 1, generation: next, takenAt, snapshot: state }, this.slicing));
      // The verified newest becomes the previous generation; a missing newest (moved aside as
      // damaged) leaves the previous one in place.
      if (this.newest !== undefined) {
        await rename(join(dir, NEWEST), join(dir, PREVIOUS));
        this.previous = this.newest;
      }
      await rename(tmp, join(dir, NEWEST));
      this.newest = next;
      await syncDir(join(dir, NEWEST));
      this.lastSnapshotAt = takenAt;
      const keepFrom = this.previous ?? next;
      for (const name of await readdir(dir)) {
        const m = LOG_PATTERN.exec(name);
        if (m && Number(m[1]) < keepFrom) await unlink(join(dir, name)).catch(() => undefined);
      }
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * A snapshot of the state as it is now, also while one taken earlier is still being written
   * (that one is waited for, then another is taken): for a change no logged operation carries.
   */
  snapshotNow(): Promise<void> {
    const earlier = this.inFlight;
    if (earlier === undefined) return this.snapshot();
    // Calls while one is being written share the one snapshot queued behind it: a burst of
    // events (snapshots installed, state replaced) costs one more snapshot, not one each.
    this.queued ??= earlier
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.snapshot();
      });
    return this.queued;
  }

  /** Final snapshot when the disk takes it, then fsync and close the log. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.probe.stop();
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.writer && this.writer.count > 0 && this.probe.state.writable) {
      await this.snapshot().catch((e: Error) => this.options.warn(`final snapshot failed: ${e.message}; the operation log keeps every write`));
    }
    this.writer?.close();
    this.writer = undefined;
    this.takeSnapshot = undefined;
    await this.releaseClaim();
  }

  private snapshotInBackground(): void {
    void this.snapshot().catch((e: Error) => this.options.warn(`snapshot failed: ${e.message}; the previous snapshot and the logs since it are kept`));
  }

  private openLog(generation: number): OpLogWriter {
    return new OpLogWriter(join(this.options.dir, logName(generation)), this.options.fsync, (fault) => this.probe.fail(fault), this.options.logIo, this.options.onDurable);
  }

  /** Appends go to `writer` from now on; the previous log is fsynced and closed off the event loop. */
  private switchTo(writer: OpLogWriter): Promise<void> {
    const previous = this.writer;
    this.writer = writer;
    if (previous === undefined) return Promise.resolve();
    return previous.retire().then((closed) => {
      if (!closed.ok) this.options.warn(`closing ${previous.path}: ${closed.fault.message}`);
    });
  }

  /**
   * The probe found the disk writable again: continue in a fresh log (the old one may end in a
   * record that could not be cut back), then compact.
   */
  private reopen(): void {
    const next = this.generation + 1;
    void this.switchTo(this.openLog(next));
    this.generation = next;
  }

  private diskStateChanged(state: DiskState): void {
    if (state.writable) this.snapshotInBackground();
    this.options.onDiskState?.(state);
  }
}
