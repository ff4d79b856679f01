import type { CheckResult } from '../check/checker.js';
import type { RepairSummary } from './repairs.js';

export interface FaultRow {
  index: number;
  group: string;
  fault: string;
  targets: string[];
  start: number;
  end: number;
  /** When every node again saw all its peers, null if not within the bound. */
  recoveredAt: number | null;
  mechanism: string;
  skipped?: string;
  repair?: RepairSummary;
  captureDir?: string;
  /** Acknowledged writes while the fault lasted (until recovery): what a partial resync would carry. */
  writesDuring?: number;
}

/** Backlog of every node (ReplicaNode's default backlogSize): a partial resync reaches back this far. */
export const BACKLOG_OPS = 10_000;

/**
 * Repairs that cost more than what was missed (issue 11): a snapshot after a fault (other than a
 * clock fault, whose recovery replaces state by design) during which fewer writes were made than
 * the backlog holds.
 */
export function costlyRepairs(faults: readonly FaultRow[]): string[] {
  return faults
    .filter((f) => f.repair && f.repair.snapshot > 0 && f.group !== 'clock' && (f.writesDuring ?? 0) < BACKLOG_OPS)
    .map((f) => `fault ${f.index} (${f.fault} ${f.targets[0]}): snapshot ×${f.repair?.snapshot} although only ${f.writesDuring ?? 0} writes were acknowledged during it (backlog ${BACKLOG_OPS}): a partial resync could have carried them`);
}

export interface RunSummary {
  command: string;
  seed: number;
  mode: string;
  networkNote: string;
  fsync: string;
  /** What a power cut may take (ms before the cut), from --fsync or --power-loss-bound-ms. */
  powerLossBoundMs: number;
  startedAt: number;
  seconds: number;
  faults: FaultRow[];
  result: CheckResult;
  screenshots: Array<{ fault: string; file: string }>;
  notes: string[];
}

const t = (ms: number, start: number) => `${((ms - start) / 1000).toFixed(1)} s`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export const verdictLine = (s: Pick<RunSummary, 'seed' | 'result'>): string =>
  s.result.valid
    ? `VERDICT: PASS — seed ${s.seed}: 0 anomalies, ${s.result.ops.ok + s.result.ops.failed + s.result.ops.unknown} operations, ${s.result.keys} keys, converged ${s.result.convergeMs} ms after healing`
    : `VERDICT: FAIL — seed ${s.seed}: ${s.result.anomalies.length} anomalies (${[...new Set(s.result.anomalies.map((a) => a.kind))].join(', ')})`;

export function renderReport(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(`# Chaos run, seed ${s.seed}`, '', `**${verdictLine(s)}**`, '');
  lines.push(`Replay: \`${s.command}\``, '');
  lines.push(`- Started ${new Date(s.startedAt).toISOString()}, nemesis ${s.seconds} s, APPEND_FSYNC=${s.fsync}`);
  lines.push(`- Hosts: ${s.networkNote}`);
  lines.push(`- Operations: ${s.result.ops.ok} ok, ${s.result.ops.failed} failed, ${s.result.ops.unknown} unknown (timed out or cut)`);
  for (const n of s.notes) lines.push(`- ${n}`);
  lines.push('', '![timeline](timeline.svg)', '');
  lines.push('## Faults', '', '| # | fault | targets | start | healed | recovered | injected by | repair | events | peer bytes |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const f of s.faults) {
    const events = f.repair ? Object.entries(f.repair.events).map(([k, v]) => `${k} ×${v}`).join(', ') : '';
    lines.push(
      `| ${f.index} | ${f.fault} | ${f.targets.join(', ')} | ${t(f.start, s.startedAt)} | ${t(f.end, s.startedAt)} | ${f.skipped ? 'skipped' : f.recoveredAt === null ? 'not within bound' : `+${((f.recoveredAt - f.end) / 1000).toFixed(1)} s`} | ${f.skipped ? `skipped: ${f.skipped}` : f.mechanism.replace(/\|/g, '\\|')} | ${f.repair?.kind ?? ''} | ${events} | ${f.repair ? kb(f.repair.bytes) : ''} |`,
    );
  }
  const covered = [...new Set(s.faults.filter((f) => !f.skipped).map((f) => f.fault))];
  lines.push('', `Fault kinds covered: ${covered.join(', ') || 'none'}.`);
  const costly = costlyRepairs(s.faults);
  if (costly.length) lines.push('', '### Repairs that cost more than what was missed', '', ...costly.map((c) => `- ${c}`));
  if (s.result.crashes.length) {
    const ms = (v: number | null) => (v === null ? '–' : `${v} ms`);
    lines.push(
      '',
      '### What each crashed node\'s disk held',
      '',
      `Acknowledged writes the node had to hold: those started after its newest snapshot. A power cut may take only writes acknowledged within ${Number.isFinite(s.powerLossBoundMs) ? `${s.powerLossBoundMs} ms` : 'any time (APPEND_FSYNC=no)'} before it; kill -9 none.`,
      '',
      '| fault | node | crash | writes checked | cut from its disk | oldest cut (ms before the cut) | of them, missing as their key\'s final value | bytes cut | last fsync before the cut | longest fsync gap |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const c of s.result.crashes)
      lines.push(`| ${c.id} | ${c.node} | ${c.mode === 'kill' ? 'kill -9' : 'power cut'} | ${c.checked} | ${c.cut} | ${ms(c.oldestCutMs)} | ${c.lostEverywhere} | ${c.cutBytes} | ${ms(c.sinceFsyncMs)} | ${ms(c.longestFsyncGapMs)} |`);
  }
  lines.push('', '## Checker', '');
  if (!s.result.anomalies.length) lines.push('No anomaly: no lost acknowledged write, no resurrected delete, no value nobody wrote, no stale read on the writing node, every node equal after healing.');
  for (const a of s.result.anomalies.slice(0, 200)) lines.push(`- **${a.kind}**${a.key ? ` \`${a.key}\`` : ''}: ${a.detail}${a.ops.length ? ` (ops ${a.ops.join(', ')})` : ''}`);
  if (s.result.anomalies.length > 200) lines.push(`- … ${s.result.anomalies.length - 200} more in history.jsonl`);
  if (s.result.findings.length) {
    lines.push('', '### Findings (no documented promise broken)', '');
    for (const f of s.result.findings.slice(0, 50)) lines.push(`- ${f.kind} \`${f.key}\`: ${f.detail}`);
  }
  if (s.screenshots.length) {
    lines.push('', '## The dashboard after each fault kind', '');
    for (const shot of s.screenshots) lines.push(`### ${shot.fault}`, '', `![${shot.fault}](${shot.file})`, '');
  }
  lines.push('', 'Per fault, `captures/<n>-<fault>/` holds every node\'s `/health`, `/api/sync/status` and `/api/sync/history?limit=1000` read after recovery.', '');
  return lines.join('\n');
}
