import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As apps/dashboard-e2e launches it: headless, no sandbox, nothing that calls home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A PNG of the dashboard served by `url` (the node's own page, token given as the dashboard asks). */
export async function screenshotDashboard(url: string, token: string, file: string): Promise<{ ok: true } | { ok: false; why: string }> {
  if (!existsSync(CHROMIUM)) return { ok: false, why: `${CHROMIUM} missing` };
  const home = mkdtempSync(join(tmpdir(), 'meshcache-chaos-chromium-'));
  const browser = await chromium
    .launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_RUNTIME_DIR: home } })
    .catch((e: Error) => e);
  if (browser instanceof Error) {
    rmSync(home, { recursive: true, force: true });
    return { ok: false, why: browser.message.split('\n')[0] };
  }
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The dashboard keeps its token in sessionStorage (apps/dashboard token-store), never in the URL.
    await page.addInitScript((t: string) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('meshcache.token', t), token);
    await page.goto(url + '/', { waitUntil: 'load', timeout: 30_000 });
    await page.locator('[data-testid="connection-status"]', { hasText: 'live' }).waitFor({ timeout: 20_000 }).catch(() => undefined);
    await page.waitForTimeout(2000);
    await page.screenshot({ path: file, fullPage: true });
    return { ok: true };
  } catch (e) {
    return { ok: false, why: (e as Error).message.split('\n')[0] };
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}
