import { createClient } from '@meshcache/api-contract';
import Redis from 'ioredis';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './support/chromium';
import { freePort } from '@meshcache/test-support';
import { LocalCluster } from './support/local-cluster';

const UI_TIMEOUT = 30_000;

// Per file, not in jest.config: the root Jest run ignores a project's testTimeout.
jest.setTimeout(90_000);

// Issue 12: "A key set over RESP on node 1 is readable over RESP and REST on node 2 within a
// second; the dashboard shows it." The within-a-second part is asserted in
// apps/api/src/resp/redis-clients.spec.ts; this file checks what the operator's page shows.
describe('a key written with a Redis client, seen in the dashboard of another node', () => {
  let cluster: LocalCluster | undefined;
  let chromium: LaunchedBrowser | undefined;
  let redis: Redis | undefined;
  let page: Page;
  const respPorts: number[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) respPorts.push(await freePort());
    cluster = await LocalCluster.start(2, (i) => ({ RESP_PORT: String(respPorts[i]) }));
    redis = new Redis({ host: '127.0.0.1', port: respPorts[0], lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${cluster.node('n2').url}/`);
    // Preconditions, not the behaviour under test: both nodes linked, the page live.
    const deadline = Date.now() + UI_TIMEOUT;
    for (const node of cluster.nodes) {
      while (!(await fetch(`${node.url}/api/sync/status`).then(async (r) => ((await r.json()) as { connectedNodes: number }).connectedNodes === 1).catch(() => false))) {
        if (Date.now() > deadline) throw new TypeError(`${node.id} did not link to its peer within ${UI_TIMEOUT} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await page.locator('[data-testid="connection-status"]', { hasText: 'live' }).waitFor({ timeout: UI_TIMEOUT });
  }, 90_000);

  afterAll(async () => {
    redis?.disconnect();
    await chromium?.close();
    await cluster?.stop();
  });

  it("lists a string SET through node 1's RESP port in node 2's key browser, with its value and TTL", async () => {
    expect(await redis!.set('resp:greeting', 'héllo from redis-cli', 'EX', 600)).toBe('OK');
    const row = page.getByTestId('key-row').filter({ has: page.getByRole('rowheader', { name: 'resp:greeting', exact: true }) });
    await row.waitFor({ timeout: UI_TIMEOUT });
    // A RESP value is a string everywhere: the page shows it as the JSON string REST returns.
    expect(await row.textContent()).toContain('"héllo from redis-cli"');
    const rest = await createClient({ baseUrl: cluster!.node('n2').url }).getItem({ key: 'resp:greeting' });
    if (!rest.ok) throw new TypeError(`GET on n2 failed: ${rest.error.message}`);
    expect(rest.data.value.value).toBe('héllo from redis-cli');
    expect(rest.data.value.expiresAt).toBeGreaterThan(Date.now());
  });

  it('removes the row when the key is deleted over RESP', async () => {
    expect(await redis!.del('resp:greeting')).toBe(1);
    const row = page.getByTestId('key-row').filter({ has: page.getByRole('rowheader', { name: 'resp:greeting', exact: true }) });
    await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });
});
