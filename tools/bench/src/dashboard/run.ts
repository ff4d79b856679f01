// `npm run bench:dashboard`: what one dashboard tab costs on the wire while the cluster is busy.
// Two real nodes (dist/apps/api/main.js) on 127.0.0.1, preloaded with --keys keys; a writer sends
// --rate writes/s (bulk requests every 50 ms) to node 2 while a real Chromium shows node 1's
// dashboard, in two key mixes one after the other: uniform over the key space, and "hot" (90 % of
// writes on 1 % of the keys, spread over the key order), where few enough distinct keys change per
// 100 ms that nothing is truncated. Chrome's own network events (CDP) count the bytes the tab
// receives: WebSocket frames and HTTP responses (the page's refetches), per second.
//   npm run bench:dashboard [-- --keys 1000000 --rate 5000 --seconds 20 --workspace DIR]
// --workspace measures another checkout's dist/ (to compare with an older build).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { z } from 'zod';
import { freePort } from '@meshcache/test-support';

const argsSchema = z.object({
  keys: z.coerce.number().int().min(1000).max(5_000_000).default(1_000_000),
  rate: z.coerce.number().int().min(0).max(50_000).default(5000),
  seconds: z.coerce.number().int().min(3).max(300).default(20),
  workspace: z.string().default(resolve(__dirname, '../../../..')),
});
const { values } = parseArgs({ options: { keys: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, workspace: { type: 'string' } } });
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`bench:dashboard: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const args = parsed.data;
const MAIN = join(args.workspace, 'dist/apps/api/main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = 'bench-dashboard-secret';
const BATCH_MS = 50;


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keyOf = (i: number) => `key:${String(i).padStart(7, '0')}`;

async function startNodes(): Promise<{ urls: string[]; children: ChildProcess[] }> {
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const children = ports.map((port, i) =>
    spawn(process.execPath, ['--max-old-space-size=4096', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        RESP_PORT: '0',
        NODE_ID: `bench${i + 1}`,
        SELF_URL: urls[i],
        PEER_NODES: urls[1 - i],
        CLUSTER_SECRET: SECRET,
        CACHE_CAPACITY: String(args.keys * 2),
        RATE_LIMIT_MAX: '0',
        NODE_ENV: 'production',
        ACCESS_LOG: 'false',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  for (const url of urls) {
    for (let i = 0; ; i++) {
      if (i > 300) throw new TypeError(`${url} did not start`);
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
      await sleep(100);
    }
  }
  return { urls, children };
}

const bulk = async (url: string, from: number, count: number, pick: (i: number) => number, stamp: number) => {
  const items = Array.from({ length: count }, (_, i) => ({ key: keyOf(pick(from + i)), value: { n: from + i, at: stamp } }));
  const r = await fetch(`${url}/api/cache/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  if (!r.ok) throw new TypeError(`bulk write answered ${r.status}: ${await r.text()}`);
};

async function preload(url: string, target: string): Promise<void> {
  for (let from = 0; from < args.keys; from += 10_000) await bulk(url, from, Math.min(10_000, args.keys - from), (i) => i, 0);
  // Wait until the other node holds them too, so replication is not still loading while we measure.
  for (let i = 0; i < 600; i++) {
    const m = (await (await fetch(`${target}/api/metrics`)).json()) as { cache: { size: number } };
    if (m.cache.size >= args.keys) return;
    await sleep(500);
  }
  throw new TypeError('the watched node never received the preload');
}

type Mix = 'uniform' | 'hot';

/** Paced writes of random existing keys; returns how many were sent when `stop()` is called. */
function startWriter(url: string, mix: Mix): { stop: () => Promise<number> } {
  let running = true;
  let sent = 0;
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const hotKeys = Math.floor(args.keys / 100);
  const random = () => (mix === 'uniform' || next() % 10 === 0 ? next() % args.keys : (next() % hotKeys) * 100);
  const loop = (async () => {
    const start = Date.now();
    while (running) {
      const due = Math.floor(((Date.now() - start) * args.rate) / 1000);
      if (due > sent) {
        const n = Math.min(due - sent, 10_000);
        await bulk(url, sent, n, () => random(), Date.now());
        sent += n;
      }
      await sleep(BATCH_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return sent;
    },
  };
}

async function main() {
  if (!existsSync(MAIN) || !existsSync(join(args.workspace, 'dist/apps/dashboard/index.html'))) {
    throw new TypeError(`${args.workspace}/dist is missing: npx nx run-many -t build -p api dashboard`);
  }
  const { urls, children } = await startNodes();
  const home = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_RUNTIME_DIR: home },
  });
  try {
    const loadStart = Date.now();
    await preload(urls[1], urls[0]);
    console.log(`preloaded ${args.keys.toLocaleString()} keys in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const counts = { ws: 0, wsFrames: 0, http: 0, httpResponses: 0 };
    let counting = false;
    cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => {
      if (!counting) return;
      counts.ws += Buffer.byteLength(e.response.payloadData);
      counts.wsFrames += 1;
    });
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
      if (!counting) return;
      counts.http += e.encodedDataLength;
      counts.httpResponses += 1;
    });
    await page.goto(`${urls[0]}/`);
    await page.getByTestId('key-row').first().waitFor({ timeout: 60_000 });
    console.log(`build: ${args.workspace} · ${new Date().toISOString()} · Node ${process.version}`);

    for (const mix of ['uniform', 'hot'] as const) {
      const writer = startWriter(urls[1], mix);
      const begun = Date.now();
      await sleep(3000); // let the write stream settle before counting
      Object.assign(counts, { ws: 0, wsFrames: 0, http: 0, httpResponses: 0 });
      counting = true;
      const t0 = Date.now();
      await sleep(args.seconds * 1000);
      counting = false;
      const elapsed = (Date.now() - t0) / 1000;
      const sent = await writer.stop();
      const live = await page.getByTestId('connection-status').textContent();
      const kb = (bytes: number) => (bytes / 1024 / elapsed).toFixed(1);
      console.log(
        `${mix.padEnd(7)} ${(sent / ((Date.now() - begun) / 1000)).toFixed(0)} writes/s (target ${args.rate}) · ` +
          `websocket ${kb(counts.ws)} KB/s (${(counts.wsFrames / elapsed).toFixed(1)} frames/s) · ` +
          `http ${kb(counts.http)} KB/s (${(counts.httpResponses / elapsed).toFixed(2)} responses/s) · ` +
          `total ${kb(counts.ws + counts.http)} KB/s over ${elapsed.toFixed(1)} s · page says "${live}"`,
      );
    }
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    for (const c of children) c.kill('SIGKILL');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
