import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As apps/dashboard-e2e launches it: headless, no sandbox, nothing that calls home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Screenshots of a node's dashboard, one browser for the whole run (launching Chromium is the
 * slow part on a loaded machine). The dashboard keeps its token in sessionStorage
 * (apps/dashboard token-store), so the page is given it before it loads.
 */
export class DashboardCamera {
  private browser?: Promise<Browser | Error>;
  private home?: string;

  /** Why no screenshot can be taken here, or undefined. */
  static unavailable(dashboardIndex: string): string | undefined {
    if (!existsSync(CHROMIUM)) return `${CHROMIUM} missing`;
    if (!existsSync(dashboardIndex)) return `${dashboardIndex} missing (nx run dashboard:build)`;
    return undefined;
  }

  async shoot(url: string, token: string, file: string): Promise<{ ok: true } | { ok: false; why: string }> {
    if (!this.browser) {
      const home = mkdtempSync(join(tmpdir(), 'meshcache-chaos-chromium-'));
      this.home = home;
      this.browser = chromium
        .launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_RUNTIME_DIR: home } })
        .catch((e: Error) => e);
    }
    const browser = await this.browser;
    if (browser instanceof Error) return { ok: false, why: browser.message.split('\n')[0] };
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      await page.addInitScript((t: string) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('meshcache.token', t), token);
      await page.goto(url + '/', { waitUntil: 'load', timeout: 30_000 });
      await page.locator('[data-testid="connection-status"]', { hasText: 'live' }).waitFor({ timeout: 20_000 }).catch(() => undefined);
      // Let the live charts and the sync history fill in.
      await page.waitForTimeout(2000);
      await page.screenshot({ path: file, fullPage: true });
      return { ok: true };
    } catch (e) {
      return { ok: false, why: (e as Error).message.split('\n')[0] };
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const browser = await this.browser;
    if (browser && !(browser instanceof Error)) await browser.close().catch(() => undefined);
    if (this.home) rmSync(this.home, { recursive: true, force: true });
  }
}
