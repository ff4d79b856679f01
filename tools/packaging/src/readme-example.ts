import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';

/**
 * The runnable example of a package README: its first ```js or ```ts block (the convention every
 * README here follows), as plain ES module JavaScript. `ports` rewrites the example's fixed port
 * numbers so parallel test runs never compete for them.
 */
export const readmeExample = (readmePath: string, ports: Record<number, number> = {}): string => {
  const text = readFileSync(readmePath, 'utf8');
  const block = /```(js|ts)\n([\s\S]*?)```/.exec(text);
  if (!block) throw new TypeError(`${readmePath} has no js/ts example block`);
  // Before the transform, which writes 5000 as 5e3.
  let source = block[2];
  for (const [from, to] of Object.entries(ports)) source = source.replace(new RegExp(`\\b${from}\\b`, 'g'), String(to));
  return transformSync(source, { loader: block[1] as 'js' | 'ts', format: 'esm' }).code;
};
