import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The short soak `npm test` runs: 60 s of 3 real nodes under steady traffic, at half the rates of
// `npm run soak`, with latency reported but not judged and the memory thresholds relaxed for a
// shared CI machine (the soak says so in its output); errors, file descriptors and sockets are
// judged as strictly as ever.
jest.setTimeout(300_000);

const root = resolve(__dirname, '../../../..');

it('runs a 60 s soak and passes its verdict (printed last)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'meshcache-soak-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/chaos/src/soak/main.ts', '--minutes', '1', '--reads', '1000', '--writes', '250', '--ci', '--warm-up-seconds', '5', '--out', out], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const lines = output.trim().split('\n');
    if (code !== 0) console.log(output);
    expect(lines.at(-1)).toMatch(/^SOAK PASSED/);
    expect(output).toContain('thresholds relaxed for CI');
    // The warm-up's traffic ran and was left out of the measured run, which starts its counts from zero.
    expect(output).toMatch(/warm-up \(not judged\): [1-9]\d* reads and [1-9]\d* writes in 5 s/);
    const measured = Number(/GET p99: [\d.]+ ms over (\d+) reads/.exec(output)?.[1]);
    expect(measured).toBeGreaterThan(30_000);
    // 60 s at 1,000 reads/s, plus up to one 2-s sampling interval the last loop turn may overrun
    // (62,000 reads seen in CI): with the warm-up's 5,000 in it, the count would be at least 65,000.
    expect(measured).toBeLessThanOrEqual(64_000);
    expect(output).toMatch(/\d+ GETs took over 10 ms \(\d+\.\d\d % of reads; p99 allows 1 %\)/);
    expect(code).toBe(0);
    for (const file of ['samples.jsonl', 'soak.svg', 'report.md', 'slow-gets.json']) expect(existsSync(join(out, file))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
