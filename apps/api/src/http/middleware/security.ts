import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** FRONTEND_URL may list several origins; `*` reflects any origin. */
export const corsOrigins = (frontendUrl: string): string[] | true => {
  const list = frontendUrl.split(',').map((s) => s.trim()).filter(Boolean);
  return list.includes('*') ? true : list;
};

export const corsMiddleware = (frontendUrl: string) => cors({ origin: corsOrigins(frontendUrl), credentials: true });

/**
 * The security headers of every answer that is not one of the dashboard's files (JSON, `/metrics`,
 * `/ping`, errors), flat as `writeHead` takes them: what OWASP's REST Security Cheat Sheet asks of
 * an API. Such an answer is never a document to render, so it may load nothing and be framed by
 * nothing (`default-src 'none'; frame-ancestors 'none'`), is never sniffed into something
 * executable, and is not readable by other origins' `<script>`/`<img>` (CORP; CORS reads are
 * unaffected). helmet's other headers (COOP, Origin-Agent-Cluster, DNS prefetch, X-XSS-Protection,
 * X-Download-Options, ...) only mean something for HTML documents; on every JSON answer they were
 * ~700 bytes and a dozen header validations, about half of what the hot routes' headers cost.
 * The dashboard's files get helmet's full set (`helmetMiddleware`).
 */
export const API_SECURITY_HEADERS: readonly string[] = [
  'Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy', 'same-origin',
  'Referrer-Policy', 'no-referrer',
  'Strict-Transport-Security', 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options', 'nosniff',
  'X-Frame-Options', 'DENY',
];

/** {@link API_SECURITY_HEADERS} on every answer of the Express stack; the dashboard's routes replace them with helmet's. */
export const apiSecurityHeaders: RequestHandler = (_req, res, next) => {
  for (let i = 0; i < API_SECURITY_HEADERS.length; i += 2) res.setHeader(API_SECURITY_HEADERS[i], API_SECURITY_HEADERS[i + 1]);
  next();
};

/**
 * helmet's defaults for the dashboard's HTML and assets, except that the dashboard may talk to
 * other nodes of the cluster (REST and socket.io on other origins) and is often served over plain
 * http inside a network.
 */
export const helmetMiddleware = () =>
  helmet({
    contentSecurityPolicy: {
      directives: {
        'connect-src': ["'self'", 'http:', 'https:', 'ws:', 'wss:'],
        'upgrade-insecure-requests': null,
      },
    },
  });
