import { z } from 'zod';

/**
 * One line of history.jsonl. Times are wall-clock epoch ms of the harness's machine, the same
 * clock the nodes stamp their writes with (they run on this machine; a node under faketime is
 * marked by a `clock` fault and its ops are judged with that in mind).
 */

/** ok: a 2xx answer. failed: an answer that says the write was not applied (or a refused connection). unknown: timeout, reset, 5xx we cannot read. */
export const OutcomeSchema = z.enum(['ok', 'failed', 'unknown']);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const OpTypeSchema = z.enum(['set', 'delete', 'read', 'clear', 'bulk']);
export type OpType = z.infer<typeof OpTypeSchema>;

/** A bulk item; `failed` when the answer listed it in `failed` (not applied). */
export const BulkItemSchema = z.object({ key: z.string(), value: z.string(), failed: z.boolean().optional() });

export const OpRecordSchema = z.object({
  kind: z.literal('op'),
  id: z.string(),
  client: z.number().int().nonnegative(),
  node: z.string(),
  type: OpTypeSchema,
  key: z.string().optional(),
  /** For set: the value written (unique per write). */
  value: z.string().optional(),
  items: z.array(BulkItemSchema).optional(),
  start: z.number(),
  end: z.number(),
  /** X-Deadline-Ms sent with the request: the node must not apply it after this (on its clock). */
  deadline: z.number().optional(),
  outcome: OutcomeSchema,
  status: z.number().int().optional(),
  /** For set: the version the node answered (`<wall>.<logical>.<origin>`). */
  version: z.string().optional(),
  /** For read: the value read, null when the key was absent. */
  read: z.string().nullable().optional(),
  readVersion: z.string().optional(),
  error: z.string().optional(),
});
export type OpRecord = z.infer<typeof OpRecordSchema>;

export const FaultRecordSchema = z.object({
  kind: z.literal('fault'),
  id: z.string(),
  fault: z.string(),
  group: z.string(),
  phase: z.enum(['start', 'end']),
  at: z.number(),
  targets: z.array(z.string()),
  /** How it was injected (the command or mechanism), for the report. */
  mechanism: z.string(),
});
export type FaultRecord = z.infer<typeof FaultRecordSchema>;

export const EntrySchema = z.object({ value: z.string(), version: z.string() });
export type Entry = z.infer<typeof EntrySchema>;

/** Every node's state after healing: key -> entry (absent keys are left out). */
export const FinalRecordSchema = z.object({
  kind: z.literal('final'),
  node: z.string(),
  at: z.number(),
  entries: z.record(z.string(), EntrySchema),
});
export type FinalRecord = z.infer<typeof FinalRecordSchema>;

/** One of a crashed node's own writes as its operation log holds it (`value` for a set, `wall` of its stamp). */
export const LoggedWriteSchema = z.object({ type: z.enum(['set', 'delete', 'clear']), key: z.string().optional(), value: z.string().optional(), wall: z.number() });
export type LoggedWrite = z.infer<typeof LoggedWriteSchema>;

/**
 * What a crashed node's DATA_DIR held: after a `kill -9` (process crash: the OS keeps every
 * written byte), or after the emulated power cut that also dropped what no fsync covered.
 */
export const CrashRecordSchema = z.object({
  kind: z.literal('crash'),
  /** The fault that crashed it. */
  id: z.string(),
  node: z.string(),
  mode: z.enum(['kill', 'power']),
  /** Right after the SIGKILL was sent: the node acknowledged nothing later. */
  at: z.number(),
  /** `takenAt` of the newest snapshot on disk: every write started after it must be in the logs. */
  coverFrom: z.number(),
  /** The node's own writes in the logs that remain (after the cut). */
  kept: z.array(LoggedWriteSchema),
  /** The node's own writes in the bytes the power cut removed (none for kill). */
  cut: z.array(LoggedWriteSchema),
  cutBytes: z.number().int().nonnegative(),
  /** When the last fsync before the crash completed (from FSYNC_TRACE_FILE), null when none did. */
  lastFsyncAt: z.number().nullable(),
  /** Longest gap between two completed fsyncs of the node's log in its last run (everysec: its window). */
  longestFsyncGapMs: z.number().nullable(),
  /**
   * A power cut made by lazyfs: what it dropped (every file, the snapshot's temporary file
   * included), and how many log bytes the server's fsync trace said were durable that the file
   * system did not keep (0 unless the trace claims fsyncs that never reached the file system).
   */
  lazyfs: z.object({ droppedFiles: z.number().int().nonnegative(), droppedBytes: z.number().int().nonnegative(), traceOverclaimBytes: z.number().int().nonnegative() }).optional(),
});
export type CrashRecord = z.infer<typeof CrashRecordSchema>;

export const HistoryRecordSchema = z.discriminatedUnion('kind', [OpRecordSchema, FaultRecordSchema, FinalRecordSchema, CrashRecordSchema]);
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;

export const toJsonl = (records: readonly HistoryRecord[]): string => records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');

/** Parses history.jsonl; a line that is not a record is an error naming its line number. */
export function parseJsonl(text: string): { ok: true; records: HistoryRecord[] } | { ok: false; line: number; message: string } {
  const records: HistoryRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(lines[i]);
    } catch {
      return { ok: false, line: i + 1, message: 'not JSON' };
    }
    const parsed = HistoryRecordSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, line: i + 1, message: parsed.error.issues[0]?.message ?? 'invalid record' };
    records.push(parsed.data);
  }
  return { ok: true, records };
}
