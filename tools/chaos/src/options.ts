import { z } from 'zod';
import { FAULT_GROUPS, FaultGroupSchema } from './nemesis/schedule.js';

const int = (min: number, max: number) => z.coerce.number<string | number>().int().min(min).max(max);

/** Every flag of `npm run chaos`: one table, parsed with zod; a bad flag exits 2 naming it. */
export const ChaosOptionsSchema = z.strictObject({
  seconds: int(10, 86_400).default(120).describe('How long the nemesis runs'),
  seed: int(0, 2 ** 31 - 1).optional().describe('Seed of the fault schedule and the clients (default: random, printed)'),
  faults: z
    .string()
    .default(Object.keys(FAULT_GROUPS).join(','))
    .transform((s) => [...new Set(s.split(',').map((f) => f.trim()).filter(Boolean))])
    .pipe(z.array(FaultGroupSchema).min(1))
    .describe(`Fault groups: ${Object.keys(FAULT_GROUPS).join(',')}`),
  nodes: int(2, 9).default(3).describe('Nodes in the cluster'),
  clients: int(1, 32).default(4).describe('Concurrent clients'),
  keys: int(1, 1000).default(40).describe('Key space of the workload'),
  fsync: z.enum(['always', 'everysec', 'no']).default('always').describe('APPEND_FSYNC of every node'),
  timeoutMs: int(100, 60_000).default(2000).describe('Client request timeout (a timed-out operation is unknown)'),
  convergeBoundMs: int(100, 600_000).default(10_000).describe('Longest allowed time from the last heal to convergence'),
  powerLossBoundMs: int(0, 600_000)
    .optional()
    .describe('Oldest acknowledged write (ms before the cut) a power cut may take from its node (default by --fsync: always 0, everysec 1500, no: unbounded)'),
  out: z.string().optional().describe('Output folder (default tmp/chaos/<time>-seed<seed>)'),
  loopback: z.boolean().default(false).describe('Use the loopback fallback even where namespaces work'),
  screenshots: z.boolean().default(true).describe('Chromium screenshot of the dashboard per fault kind (--no-screenshots)'),
});
export type ChaosOptions = z.infer<typeof ChaosOptionsSchema>;

/**
 * What docs/CONSISTENCY.md lets a power cut take, per APPEND_FSYNC: `always` nothing acknowledged;
 * `everysec` about a second (the background fsync runs every 1000 ms off the event loop; the
 * half second on top is the timer's and the thread pool's lateness on a loaded machine); `no`
 * whatever the OS had not flushed (no bound).
 */
export const powerLossBound = (o: Pick<ChaosOptions, 'fsync' | 'powerLossBoundMs'>): number =>
  o.powerLossBoundMs ?? (o.fsync === 'always' ? 0 : o.fsync === 'everysec' ? 1500 : Number.POSITIVE_INFINITY);

/** `--name value`, `--flag`, `--no-flag`, `--name=value`; names in kebab-case. */
export function parseArgs(argv: readonly string[]): { ok: true; options: ChaosOptions } | { ok: false; message: string } {
  const raw: Record<string, unknown> = {};
  const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const booleans = new Set(['loopback', 'screenshots']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) return { ok: false, message: `unexpected argument ${arg}` };
    const [name, inline] = arg.slice(2).split('=', 2);
    if (name.startsWith('no-') && booleans.has(camel(name.slice(3)))) raw[camel(name.slice(3))] = false;
    else if (booleans.has(camel(name))) raw[camel(name)] = true;
    else if (inline !== undefined) raw[camel(name)] = inline;
    else if (i + 1 < argv.length) raw[camel(name)] = argv[++i];
    else return { ok: false, message: `--${name} needs a value` };
  }
  const parsed = ChaosOptionsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `--${i.path.join('.').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) || 'options'}: ${i.message}`).join('; ') };
  return { ok: true, options: parsed.data };
}
