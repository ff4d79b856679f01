import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const json = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };

// Every package is released in lockstep: one version, one changelog (CHANGELOG.md explains why).
describe('release metadata', () => {
  const version = json('package.json').version;
  const manifests = [...readdirSync(join(root, 'libs')).map((lib) => `libs/${lib}/package.json`), 'apps/api/package.json'];

  it('gives every package the root version and pins our own dependencies to it', () => {
    for (const path of manifests) {
      const pkg = json(path);
      expect({ path, version: pkg.version }).toEqual({ path, version });
      for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
        if (dep.startsWith('@meshcache/')) expect({ path, dep, range }).toEqual({ path, dep, range: version });
      }
    }
  });

  it('reports the same version from the server', () => {
    const source = readFileSync(join(root, 'apps/api/src/server/version.ts'), 'utf8');
    expect(/VERSION = '([^']+)'/.exec(source)?.[1]).toBe(version);
  });

  it('has a changelog section for the version', () => {
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    expect(/^## (\S+)/m.exec(changelog)?.[1]).toBe(version);
    for (const path of manifests) expect(changelog).toContain(`### ${json(path).name}`);
  });
});
