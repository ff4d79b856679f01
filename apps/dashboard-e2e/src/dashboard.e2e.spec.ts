import { createClient, type MeshcacheClient } from '@meshcache/api-contract';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './support/chromium';
import { LocalCluster, WORKSPACE } from './support/local-cluster';
import { sendTraffic } from './support/traffic';

const SCREENSHOTS = join(WORKSPACE, 'tmp/e2e-screenshots');
/** How long the page may take to reflect something the cluster did. */
const UI_TIMEOUT = 30_000;

// Per file, not in jest.config: the root Jest run ignores a project's testTimeout.
jest.setTimeout(90_000);

/** Polls a condition of the cluster (other processes: there is no event to await), boundedly. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new TypeError(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const nodeRow = (page: Page, id: string, state: 'up' | 'suspect' | 'down') => page.locator(`[data-testid="node-${id}"][data-state="${state}"]`);

/** Waits until the cluster verdict says what `pattern` describes, and returns what it says. */
async function summarySays(page: Page, pattern: RegExp): Promise<string> {
  const summary = page.getByTestId('cluster-summary');
  await summary.filter({ hasText: pattern }).waitFor({ timeout: UI_TIMEOUT });
  return (await summary.textContent()) ?? '';
}

describe('dashboard in Chromium against a 3-node cluster', () => {
  let cluster: LocalCluster | undefined;
  let chromium: LaunchedBrowser | undefined;
  let page: Page;
  let clients: Record<string, MeshcacheClient>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await LocalCluster.start(3);
    clients = Object.fromEntries(cluster.nodes.map((n) => [n.id, createClient({ baseUrl: n.url })]));
    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${cluster.node('n1').url}/`);
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await cluster?.stop();
  });

  afterEach(async () => {
    const name = expect.getState().currentTestName?.replace(/[^a-z0-9]+/gi, '-').toLowerCase() ?? 'test';
    await page?.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
  });

  it('shows the 3 nodes of the cluster, all up, connected to node 1', async () => {
    for (const id of ['n1', 'n2', 'n3']) await nodeRow(page, id, 'up').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('[data-testid="connection-status"]', { hasText: 'live' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('current-node').textContent()).toBe('n1');
    expect(await page.getByTestId('node-n1').getAttribute('aria-current')).toBe('true');
    expect(pageErrors).toEqual([]);
  });

  it("shows a key set through node 2's REST API in node 1's key browser", async () => {
    const written = await clients.n2.setItem({ key: 'e2e:from-node-2', value: { written: 'through n2' } });
    expect(written.ok).toBe(true);
    const row = page.getByTestId('key-row').filter({ has: page.getByRole('rowheader', { name: 'e2e:from-node-2', exact: true }) });
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.textContent()).toContain('{"written":"through n2"}');
  });

  it('switches the strategy of every node from the page', async () => {
    const lfu = page.getByRole('radio', { name: /^LFU\b/ });
    await lfu.check();
    for (const [id, client] of Object.entries(clients)) {
      await eventually(async () => {
        const metrics = await client.metrics();
        return metrics.ok && metrics.data.cache.strategy === 'LFU';
      }, `${id} to report LFU in GET /api/metrics`);
    }
    expect(await lfu.isChecked()).toBe(true);
  });

  it('shows a killed node down, counts the writes it misses, and a restarted node back up and in sync', async () => {
    await summarySays(page, /^3 nodes, all up, in sync$/);
    await cluster!.kill('n3');
    await nodeRow(page, 'n3', 'down').waitFor({ timeout: UI_TIMEOUT });
    expect(await summarySays(page, /1 down \(n3\)/)).not.toMatch(/in sync|all up/);
    // Writes through n2 are n1's to count as missed by n3 too, not only n1's own writes.
    for (let i = 0; i < 25; i++) expect((await clients.n2.setItem({ key: `e2e:missed-${i}`, value: i })).ok).toBe(true);
    const said = await summarySays(page, /n3 (2[5-9]|[3-9]\d|\d{3,}) ops behind/);
    expect(said).not.toContain('in sync');
    expect(Number((await page.getByTestId('node-n3').getByTestId('ops-behind').textContent())?.replace(/,/g, ''))).toBeGreaterThanOrEqual(25);
    await cluster!.restart('n3');
    await nodeRow(page, 'n3', 'up').waitFor({ timeout: UI_TIMEOUT });
    await summarySays(page, /^3 nodes, all up, in sync$/);
  });

  it('names a hung node (SIGSTOP) and calls the cluster in sync again only after it resumes', async () => {
    cluster!.pause('n2');
    try {
      const said = await summarySays(page, /(suspect|down) \(n2\)/);
      expect(said).not.toContain('in sync');
    } finally {
      cluster!.resume('n2');
    }
    await nodeRow(page, 'n2', 'up').waitFor({ timeout: UI_TIMEOUT });
    await summarySays(page, /^3 nodes, all up, in sync$/);
  });

  it('says when its own node is gone and reconnects by itself when it is back', async () => {
    await cluster!.kill('n1');
    await page.locator('[data-testid="connection-status"]', { hasText: 'disconnected' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByRole('alert').filter({ hasText: 'Disconnected' }).count()).toBe(1);
    // The verdict must not go on saying "all up, in sync" from the last figures it had.
    const said = await summarySays(page, /^No live data: this page's node n1 is not connected/);
    expect(said).not.toMatch(/in sync|all up/);
    await expect(page.getByTestId('node-n1').getByTestId('node-state').textContent()).resolves.toBe('not connected');
    const failure = join(SCREENSHOTS, 'dashboard-failure.png');
    await page.screenshot({ path: failure, fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(failure, join(WORKSPACE, 'docs/dashboard-failure.png'));
    await cluster!.restart('n1');
    await page.locator('[data-testid="connection-status"]', { hasText: 'live' }).waitFor({ timeout: UI_TIMEOUT });
    for (const id of ['n1', 'n2', 'n3']) await nodeRow(page, id, 'up').waitFor({ timeout: UI_TIMEOUT });
  });

  it('fills the charts while traffic flows (README screenshot)', async () => {
    await page.getByLabel('Search by key prefix').fill('user:');
    const opsFigure = page.getByRole('figure', { name: 'Operations per second' });
    const pointsBefore = Number(await opsFigure.getAttribute('data-points'));
    const traffic = sendTraffic(Object.values(clients), 60, 150);
    try {
      // Seven seconds of samples (at 2 per second) since the traffic started, still flowing.
      await page.waitForFunction(
        (from) => {
          const figures = [...document.querySelectorAll('figure.chart')];
          const latest = figures.map((f) => f.querySelector('[data-testid="chart-latest"]')?.textContent ?? '');
          return (
            figures.length === 4 &&
            figures.every((f) => Number(f.getAttribute('data-points')) >= from + 14 && f.querySelector('.u-over')) &&
            /reads [1-9]/.test(latest[1]) &&
            /heap used [1-9]/.test(latest[3])
          );
        },
        pointsBefore,
        { timeout: UI_TIMEOUT, polling: 250 },
      );
      await page.getByTestId('key-row').first().waitFor({ timeout: UI_TIMEOUT });
      const light = join(SCREENSHOTS, 'dashboard.png');
      await page.screenshot({ path: light, fullPage: true });
      // The README's picture is refreshed on request (`npm run docs:screenshot`), so a test run
      // never rewrites a tracked file.
      if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(light, join(WORKSPACE, 'docs/dashboard.png'));
    } finally {
      await traffic;
    }
    expect(await opsFigure.getByTestId('chart-latest').textContent()).toMatch(/reads [\d.]+k?\/s, writes [\d.]+k?\/s/);

    await page.getByLabel('Theme').selectOption('dark');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-dark.png'), fullPage: true });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 17, 21)');
    expect(pageErrors).toEqual([]);
  });
});
