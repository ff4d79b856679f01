import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@meshcache/test-support';
import { runNode, type Running } from './child-process';
import { packAndInstall, root, type PackedInstall } from './packed-install';
import { readmeExample } from './readme-example';

// Packing, installing and the server's start take a while on a loaded 2-core machine.
jest.setTimeout(180_000);

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const OUR_PACKAGES = ['@meshcache/cache-core', '@meshcache/sync-protocol', '@meshcache/sync-node', '@meshcache/api-contract', '@meshcache/resp', 'meshcache'];

const listening = async (port: number): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    const open = await new Promise<boolean>((resolveOpen) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolveOpen(true);
      });
      socket.on('error', () => resolveOpen(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TypeError(`nothing listens on ${port}`);
};

describe('the npm tarballs, installed into an empty project', () => {
  let installed: PackedInstall;
  const running: Running[] = [];
  const start = (args: string[], env: Record<string, string> = {}): Running => {
    const r = runNode(args, installed.project, env);
    running.push(r);
    return r;
  };
  const example = (pkg: string, ports: Record<number, number> = {}): string => {
    const file = join(installed.project, `example-${pkg.split('/').pop()}.mjs`);
    writeFileSync(file, readmeExample(join(installed.project, 'node_modules', pkg, 'README.md'), ports));
    return file;
  };
  const bin = () => join(installed.project, 'node_modules/meshcache/main.js');
  const startServer = async (): Promise<string> => {
    const port = await freePort();
    const server = start([join(installed.project, 'node_modules/.bin/meshcache'), 'serve'], {
      PORT: String(port),
      RESP_PORT: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (up) return url;
      if (i > 600) throw new TypeError(`the installed server did not come up:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(() => {
    installed = packAndInstall();
  });
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.exited));
    if (installed) rmSync(installed.workDir, { recursive: true, force: true });
  });

  it('packs one tarball per package, each with its README, the changelog and the licence', () => {
    expect(installed.tarballs.map((t) => t.split('/').pop())).toEqual(
      OUR_PACKAGES.map((name) => `${name.replace('@', '').replace('/', '-')}-${version}.tgz`),
    );
    for (const tarball of installed.tarballs) {
      const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/CHANGELOG.md', 'package/LICENSE']));
    }
  });

  it('installs our packages from the tarballs only, at the release version', () => {
    const lock = JSON.parse(readFileSync(join(installed.project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string }>;
    };
    const ours = Object.entries(lock.packages).filter(([path]) => OUR_PACKAGES.some((name) => path.endsWith(`node_modules/${name}`)));
    // One copy each, at the top: a nested copy would mean a dependency range the tarballs missed.
    expect(ours.map(([path]) => path).sort()).toEqual(OUR_PACKAGES.map((name) => `node_modules/${name}`).sort());
    for (const [, entry] of ours) {
      expect(entry.version).toBe(version);
      expect(entry.resolved).toMatch(/^file:/);
    }
    const server = JSON.parse(readFileSync(join(installed.project, 'node_modules/meshcache/package.json'), 'utf8')) as Record<string, unknown>;
    expect(server.private).toBeUndefined();
    expect(server.dependencies).toBeUndefined(); // one bundled file: nothing more to fetch
  });

  it('runs the cache-core README example', async () => {
    const run = start([example('@meshcache/cache-core')]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('bye c (evict)');
    expect(run.output()).toContain('bye a (expire)');
    expect(run.output()).toContain("{ id: 'user:1' }");
  });

  it('runs the sync-protocol README example', async () => {
    const run = start([example('@meshcache/sync-protocol')]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/^\d+ true\n-1\n$/);
  });

  it('runs the sync-node README example and stops it with SIGTERM', async () => {
    const ports = { 5000: await freePort(), 5001: await freePort(), 5002: await freePort() };
    const run = start([example('@meshcache/sync-node', ports)]);
    await run.waitFor('set user:1 local');
    // Listening happens after the script's first turn, so its SIGTERM handler is in place by then.
    await listening(ports[5000]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('runs the api-contract README example against the installed server', async () => {
    const url = await startServer();
    const run = start([example('@meshcache/api-contract', { 5000: Number(new URL(url).port) })]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/\{ name: 'Ada' \} \d+/);
  });

  it('runs the resp README example and answers a Redis client', async () => {
    const port = await freePort();
    const run = start([example('@meshcache/resp', { 6390: port })]);
    await run.waitFor('try: redis-cli');
    const reply = await new Promise<string>((resolveReply, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('$1\r\nv\r\n')) {
          socket.end();
          resolveReply(text);
        }
      });
      socket.on('error', reject);
    });
    expect(reply).toBe('+OK\r\n$1\r\nv\r\n');
  });

  it('answers `meshcache serve --help` from the installed bin', async () => {
    const run = start([join(installed.project, 'node_modules/.bin/meshcache'), 'serve', '--help']);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('Usage: meshcache serve [options]');
    expect(run.output()).toContain('PEER_NODES');
    expect(bin()).toMatch(/main\.js$/);
  });

  it('serves the dashboard bundled in the package and the API, with the release version', async () => {
    const url = await startServer();
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toContain('dashboard is not built');
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html);
    expect(script).not.toBeNull();
    const asset = await fetch(new URL(script![1], url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    const metrics = (await (await fetch(`${url}/api/metrics`)).json()) as { server: { version: string } };
    expect(metrics.server.version).toBe(version);
  });
});
