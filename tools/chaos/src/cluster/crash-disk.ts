import { existsSync, openSync, readdirSync, readFileSync, readSync, closeSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord } from '@meshcache/sync-node';
import { OperationSchema, nodeIdOfOrigin } from '@meshcache/sync-protocol';
import { z } from 'zod';
import type { CrashRecord, LoggedWrite } from '../check/history.js';

/**
 * What a crash leaves in a node's DATA_DIR, read by the harness once the process is dead.
 *
 * `power`: with lazyfs under DATA_DIR (cluster/lazy-disk.ts), the file system itself drops every
 * byte no fsync reached, and the logs are read before and after to know what was cut; the
 * FSYNC_TRACE_FILE is then only compared with it. Without lazyfs (no FUSE or python3-fusepy), a
 * tmpfs keeps every byte written, fsynced or not, and this machine has no dm-flakey or loop
 * device to drop unflushed blocks. So the harness emulates the cut from the node's FSYNC_TRACE_FILE: each operation log is cut back to the length its last
 * completed fsync covered (a log no fsync covered is emptied), which is what a power failure may
 * leave of a log whose file system honours fsync. Not emulated: a snapshot rename or a log file
 * creation whose directory fsync had not completed (the snapshot's own bytes are fsynced before
 * the rename, so the previous snapshot and its logs stay valid either way).
 */

const LOG_PATTERN = /^ops-(\d+)\.log$/;
const TraceLineSchema = z.object({ file: z.string(), bytes: z.number().int().nonnegative(), at: z.number() });

export interface FsyncTraceSummary {
  /** Durable length of each log file: the most any completed fsync of it covered (two may finish out of order). */
  durable: Map<string, number>;
  lastAt: number | null;
  /** Longest gap between two completed fsyncs since `since` (the node's last start). */
  longestGapMs: number | null;
}

/** Reads a node's FSYNC_TRACE_FILE; lines that do not parse (none are expected) are skipped. */
export function readFsyncTrace(path: string, since: number): FsyncTraceSummary {
  const durable = new Map<string, number>();
  let lastAt: number | null = null;
  let longestGapMs: number | null = null;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    let parsed: z.infer<typeof TraceLineSchema>;
    try {
      parsed = TraceLineSchema.parse(JSON.parse(line));
    } catch {
      continue;
    }
    durable.set(parsed.file, Math.max(parsed.bytes, durable.get(parsed.file) ?? 0));
    if (parsed.at >= since) {
      if (lastAt !== null) longestGapMs = Math.max(longestGapMs ?? 0, parsed.at - lastAt);
      lastAt = parsed.at;
    }
  }
  return { durable, lastAt, longestGapMs };
}

/** The node's own writes among a log's complete, checksummed records. */
export function ownWrites(text: string, node: string): LoggedWrite[] {
  const out: LoggedWrite[] = [];
  const lines = text.split('\n');
  lines.pop(); // no newline yet: a record that never completed
  for (const line of lines) {
    const record = decodeRecord(line);
    if (!record.ok) continue;
    const parsed = OperationSchema.safeParse(record.value);
    if (!parsed.success) continue;
    const op = parsed.data;
    if (nodeIdOfOrigin(op.origin) !== node) continue;
    const wall = op.hlc.wall;
    if (op.op.type === 'set') out.push({ type: 'set', key: op.op.key, value: typeof op.op.value === 'string' ? op.op.value : JSON.stringify(op.op.value), wall });
    else if (op.op.type === 'delete') out.push({ type: 'delete', key: op.op.key, wall });
    else if (op.op.type === 'clear') out.push({ type: 'clear', wall });
  }
  return out;
}

const readFrom = (path: string, from: number, to: number): string => {
  const buffer = Buffer.alloc(to - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
};

export interface CrashInput {
  id: string;
  node: string;
  mode: CrashRecord['mode'];
  at: number;
  dataDir: string;
  tracePath: string;
  /** When the node's current run started (for the fsync gaps). */
  since: number;
  /** lazyfs' power cut (drops every unsynced byte); absent: the cut is emulated from the trace. */
  dropUnsynced?: () => { files: number; bytes: number };
}

/** Records of `before` that `after` (what the file system kept of the same log) lacks. */
function lostRecords(before: Buffer, after: Buffer, node: string): LoggedWrite[] {
  if (before.subarray(0, after.length).equals(after)) return ownWrites(before.subarray(after.length).toString('utf8'), node);
  // Not a prefix (a log is only appended to, so this is not expected): compare whole records.
  const kept = new Set(after.toString('utf8').split('\n'));
  return ownWrites(before.toString('utf8').split('\n').filter((l, i, all) => i === all.length - 1 || !kept.has(l)).join('\n'), node);
}

/** For `power`, cuts the logs back first; then reads what the crashed node's disk holds. */
export function crashDisk(input: CrashInput): CrashRecord {
  const trace = readFsyncTrace(input.tracePath, input.since);
  const logs = readdirSync(input.dataDir)
    .filter((name) => LOG_PATTERN.test(name))
    .sort((a, b) => Number(LOG_PATTERN.exec(a)?.[1]) - Number(LOG_PATTERN.exec(b)?.[1]));
  const cut: LoggedWrite[] = [];
  let cutBytes = 0;
  let lazy: CrashRecord['lazyfs'];
  const before = input.mode === 'power' && input.dropUnsynced ? new Map(logs.map((name) => [name, readFileSync(join(input.dataDir, name))])) : undefined;
  const dropped = before ? input.dropUnsynced?.() : undefined;
  if (before && dropped) {
    let traceOverclaimBytes = 0;
    for (const name of logs) {
      const was = before.get(name) ?? Buffer.alloc(0);
      const now = existsSync(join(input.dataDir, name)) ? readFileSync(join(input.dataDir, name)) : Buffer.alloc(0);
      cut.push(...lostRecords(was, now, input.node));
      cutBytes += Math.max(0, was.length - now.length);
      traceOverclaimBytes += Math.max(0, Math.min(was.length, trace.durable.get(name) ?? 0) - now.length);
    }
    lazy = { droppedFiles: dropped.files, droppedBytes: dropped.bytes, traceOverclaimBytes };
  } else if (input.mode === 'power') {
    for (const name of logs) {
      const path = join(input.dataDir, name);
      const size = statSync(path).size;
      const keep = Math.min(size, trace.durable.get(name) ?? 0);
      if (keep === size) continue;
      cut.push(...ownWrites(readFrom(path, keep, size), input.node));
      truncateSync(path, keep);
      cutBytes += size - keep;
    }
  }
  const kept = logs.flatMap((name) => ownWrites(readFileSync(join(input.dataDir, name), 'utf8'), input.node));
  let coverFrom = input.at;
  const snapshot = join(input.dataDir, 'snapshot.json');
  // The envelope `{"format":1,"generation":G,"takenAt":T,"snapshot":…}` leads the file (a
  // checksum trailer follows the JSON), so its first takenAt is the envelope's.
  const takenAt = existsSync(snapshot) ? /"takenAt":(\d+)/.exec(readFrom(snapshot, 0, Math.min(statSync(snapshot).size, 256)))?.[1] : undefined;
  if (takenAt !== undefined) coverFrom = Number(takenAt);
  return { kind: 'crash', id: input.id, node: input.node, mode: input.mode, at: input.at, coverFrom, kept, cut, cutBytes, lastFsyncAt: trace.lastAt, longestFsyncGapMs: trace.longestGapMs, ...(lazy ? { lazyfs: lazy } : {}) };
}
