import { z } from 'zod';

/**
 * `npm run soak -- --minutes 10 [--reads 2000] [--writes 500] [--sample-ms 2000] [--data-dir]
 * [--fsync everysec] [--snapshot-ms 60000] [--send-window-ms 5] [--ack-delay-ms 20] [--warm-up-seconds 10] [--node-args "--trace-gc"] [--ci] [--out DIR]`.
 * `--data-dir` gives every node its own DATA_DIR under the output folder (snapshots and the
 * operation log on, as in production); `--node-args` passes flags to the node processes (profiling:
 * `--cpu-prof --cpu-prof-dir=DIR`, `--trace-gc`). `--warm-up-seconds` of the planned traffic go before the
 * measured run (0: none): its latencies are printed, not judged; its errors count. `--ci` relaxes the timing thresholds (event-loop lag, GET p99, memory floors) for a shared CI
 * machine and says so in the verdict; errors, file descriptors and sockets are never relaxed.
 */
export const soakOptionsSchema = z.strictObject({
  minutes: z.coerce.number().positive().max(24 * 60).default(10),
  reads: z.coerce.number().int().min(1).max(100_000).default(2000),
  writes: z.coerce.number().int().min(1).max(100_000).default(500),
  sampleMs: z.coerce.number().int().min(200).max(60_000).default(2000),
  keys: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  dataDir: z.boolean().default(false),
  fsync: z.enum(['always', 'everysec', 'no']).default('everysec'),
  snapshotMs: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** The nodes' REPLICATION_SEND_WINDOW_MS (unset: the node's default), to compare windows. */
  sendWindowMs: z.coerce.number().int().min(0).max(1000).optional(),
  /** The nodes' REPLICATION_ACK_DELAY_MS (unset: the node's default), to compare delays. */
  ackDelayMs: z.coerce.number().int().min(0).max(1000).optional(),
  nodeArgs: z
    .string()
    .transform((s) => s.split(/\s+/).filter((a) => a !== ''))
    .pipe(z.array(z.string().regex(/^--[a-z0-9-]+(=\S*)?$/, 'node flags only (--name or --name=value)')))
    .default([]),
  /**
   * The planned traffic before the run, unmeasured: four cold processes (JIT) made the first
   * 4-6 s of traffic 26-41 ms at p99 (docs/RELIABILITY.md, r16-r22).
   */
  warmUpSeconds: z.coerce.number().min(0).max(600).default(10),
  ci: z.boolean().default(false),
  out: z.string().min(1).optional(),
});
export type SoakOptions = z.infer<typeof soakOptionsSchema>;

const FLAGS: Record<string, keyof SoakOptions> = {
  '--minutes': 'minutes',
  '--reads': 'reads',
  '--writes': 'writes',
  '--sample-ms': 'sampleMs',
  '--keys': 'keys',
  '--out': 'out',
  '--fsync': 'fsync',
  '--snapshot-ms': 'snapshotMs',
  '--send-window-ms': 'sendWindowMs',
  '--ack-delay-ms': 'ackDelayMs',
  '--node-args': 'nodeArgs',
  '--warm-up-seconds': 'warmUpSeconds',
};
const SWITCHES: Record<string, keyof SoakOptions> = { '--ci': 'ci', '--data-dir': 'dataDir' };

/** Options from argv, or the message naming the bad flag. */
export function parseSoakArgs(argv: readonly string[]): { ok: true; options: SoakOptions } | { ok: false; message: string } {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = SWITCHES[arg];
    if (flag !== undefined) {
      raw[flag] = true;
      continue;
    }
    const key = FLAGS[arg];
    if (key === undefined) return { ok: false, message: `unknown flag ${arg} (flags: ${[...Object.keys(FLAGS), ...Object.keys(SWITCHES)].join(', ')})` };
    if (i + 1 >= argv.length) return { ok: false, message: `${arg} needs a value` };
    raw[key] = argv[++i];
  }
  const parsed = soakOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `--${String(issue.path[0] ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}` };
  }
  return { ok: true, options: parsed.data };
}
