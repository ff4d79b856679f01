import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { helmetMiddleware } from './middleware/security.js';

/**
 * `<dir of main.js>/dashboard` in the installed package (the tarball carries the dashboard beside
 * main.js), else `<dir of main.js>/../dashboard`: dist/apps/api/main.js serves dist/apps/dashboard.
 */
export const defaultDashboardDir = (mainDir: string = __dirname): string => {
  const packaged = join(mainDir, 'dashboard');
  return existsSync(join(packaged, 'index.html')) ? packaged : resolve(mainDir, '../dashboard');
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meshcache</title><link rel="icon" href="data:,"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>meshcache is running</h1>
<p>The dashboard is not built. Build it with <code>npx nx run dashboard:build</code> (or run <code>npm start</code>,
which builds everything), or point <code>DASHBOARD_DIR</code> at a built dashboard.</p>
<p>The API is at <a href="/api/metrics">/api/metrics</a>; its description at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>`;

const isApiPath = (path: string) => path.startsWith('/api/') || path === '/api' || path === '/metrics' || path.startsWith('/socket.io');

/**
 * Serves the built dashboard with SPA fallback to index.html, or a page saying how to build it,
 * with helmet's headers for documents (the API's answers carry API_SECURITY_HEADERS instead).
 */
export const mountDashboard = (router: Router, dir: string): void => {
  const index = join(dir, 'index.html');
  router.use(helmetMiddleware());
  router.use(express.static(dir, { index: false, maxAge: '1h', fallthrough: true }));
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    // A missing file (it has an extension) is a 404, not the app: a script must never get HTML.
    if (isApiPath(req.path) || /\.[A-Za-z0-9]+$/.test(req.path) || !req.accepts('html')) return next();
    if (existsSync(index)) {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
      return;
    }
    res.status(req.path === '/' ? 200 : 404).type('html').send(NOT_BUILT);
  });
};
