import cors from 'cors';
import helmet from 'helmet';

/** FRONTEND_URL may list several origins; `*` reflects any origin. */
export const corsOrigins = (frontendUrl: string): string[] | true => {
  const list = frontendUrl.split(',').map((s) => s.trim()).filter(Boolean);
  return list.includes('*') ? true : list;
};

export const corsMiddleware = (frontendUrl: string) => cors({ origin: corsOrigins(frontendUrl), credentials: true });

/**
 * helmet's defaults, except that the dashboard may talk to other nodes of the cluster (REST and
 * socket.io on other origins) and is often served over plain http inside a network.
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
