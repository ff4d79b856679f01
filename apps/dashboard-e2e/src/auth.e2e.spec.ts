import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './support/chromium';
import { LocalCluster, WORKSPACE } from './support/local-cluster';

const TOKEN = 'e2e-access-token';
const UI_TIMEOUT = 30_000;

// Per file, not in jest.config: the root Jest run ignores a project's testTimeout.
jest.setTimeout(90_000);

describe('dashboard against a node that requires a token', () => {
  let cluster: LocalCluster | undefined;
  let chromium: LaunchedBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    cluster = await LocalCluster.start(1, { AUTH_TOKEN: TOKEN });
    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${cluster.node('n1').url}/`);
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await cluster?.stop();
  });

  it('asks for the token, says when it is wrong, and goes live with the right one', async () => {
    await page.getByText('This node requires an access token.', { exact: false }).waitFor({ timeout: UI_TIMEOUT });
    const input = page.getByLabel('Access token', { exact: true });
    await input.fill('not-the-token');
    await input.press('Enter');
    await page.getByText('The node rejected this access token (401).', { exact: false }).waitFor({ timeout: UI_TIMEOUT });

    await page.getByLabel('Access token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('[data-testid="connection-status"]', { hasText: 'live' }).waitFor({ timeout: UI_TIMEOUT });
    await page.locator('[data-testid="node-n1"][data-state="up"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByLabel('Access token', { exact: true }).count()).toBe(0);
    await page.screenshot({ path: join(WORKSPACE, 'tmp/e2e-screenshots/auth-connected.png'), fullPage: true });
  });
});
