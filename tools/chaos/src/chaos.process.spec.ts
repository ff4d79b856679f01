import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseJsonl } from './check/history.js';

// A short real chaos run: real main.js processes on network namespaces (or the loopback
// fallback where namespaces are unavailable: said in its output), real faults, the checker's
// verdict. Slow by nature; generous bounds for a loaded 2-core machine.
jest.setTimeout(600_000);

const root = resolve(__dirname, '../../..');

interface Run {
  code: number | null;
  output: string;
}

function chaos(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  // In-process tsx (as `npm run chaos`): the tsx CLI wrapper would SIGKILL the harness 30 ms after relaying a SIGINT.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/chaos/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (d: Buffer) => {
      output += d.toString();
      if (onLine) for (const line of d.toString().split('\n')) onLine(line, child);
    });
  return new Promise((r) => child.once('exit', (code) => r({ code, output })));
}

/** Namespaces, links and hosts files of a run prefix still present. */
const leftovers = (prefix: string): string[] => {
  if (process.getuid?.() !== 0) return [];
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  const etc = existsSync('/etc/netns') ? readdirSync('/etc/netns') : [];
  return [...ns.split('\n'), ...links.split('\n'), ...etc].filter((l) => l.includes(prefix));
};
const prefixOf = (output: string) => /network namespaces (mc[0-9a-f]{4})-\*/.exec(output)?.[1];

describe('npm run chaos', () => {
  const out = join(root, 'tmp/chaos-test');
  beforeAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs partitions, kill -9, SIGSTOP and a full disk against a real cluster and finds no anomaly (seed 11)', async () => {
    const run = await chaos(['--seconds', '50', '--seed', '11', '--faults', 'partition,kill,pause,disk', '--no-screenshots', '--out', out]);
    const lines = run.output.trim().split('\n');
    if (run.code !== 0) console.log(run.output);
    expect(lines[lines.length - 1]).toMatch(/^VERDICT: PASS — seed 11/);
    expect(run.code).toBe(0);

    const history = parseJsonl(readFileSync(join(out, 'history.jsonl'), 'utf8'));
    expect(history.ok).toBe(true);
    const records = history.ok ? history.records : [];
    expect(records.filter((r) => r.kind === 'op').length).toBeGreaterThan(100);
    expect(new Set(records.flatMap((r) => (r.kind === 'fault' ? [r.group] : []))).size).toBeGreaterThanOrEqual(3);
    expect(records.filter((r) => r.kind === 'final')).toHaveLength(3);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('Fault kinds covered');
    expect(readFileSync(join(out, 'timeline.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(join(out, 'captures')).length).toBeGreaterThanOrEqual(3);
    const prefix = prefixOf(run.output);
    if (process.getuid?.() === 0) expect(prefix).toBeDefined();
    if (prefix) expect(leftovers(prefix)).toEqual([]);
  });

  it('removes every namespace, link, mount and process when interrupted, even by an impatient second Ctrl-C', async () => {
    if (process.getuid?.() !== 0) console.log('chaos SIGINT test: not root, checks the loopback fallback only');
    let sent = false;
    const run = await chaos(['--seconds', '60', '--seed', '12', '--faults', 'kill', '--no-screenshots', '--out', join(root, 'tmp/chaos-test-sigint')], (line, child) => {
      if (!sent && line.includes('nodes up and connected')) {
        sent = true;
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 20);
      }
    });
    if (run.code !== 130) console.log(run.output);
    expect(sent).toBe(true);
    expect(run.code).toBe(130);
    const prefix = prefixOf(run.output);
    if (prefix) expect(leftovers(prefix)).toEqual([]);
    const mounts = readFileSync('/proc/mounts', 'utf8');
    expect(mounts).not.toContain('chaos-test-sigint');
    rmSync(join(root, 'tmp/chaos-test-sigint'), { recursive: true, force: true });
  });
});
