import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bytes of structure per entry, each competitor in a fresh process so nothing else is on the heap. */
export function bytesPerEntry(name: string, count: number): number {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'memory-child.ts');
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, name, String(count)], {
    encoding: 'utf8',
    env: process.env,
  });
  if (r.status !== 0) throw new Error(`memory child for ${name} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { bytesPerEntry: number }).bytesPerEntry;
}
