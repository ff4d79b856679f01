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

export const HistoryRecordSchema = z.discriminatedUnion('kind', [OpRecordSchema, FaultRecordSchema, FinalRecordSchema]);
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
