import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { startServer, type RunningServer } from '../server/start-server.js';

/** A real server on 127.0.0.1 and an ephemeral port, silent, configured by env-style variables. */
export const startTestServer = (env: Record<string, string> = {}): Promise<RunningServer> =>
  startServer(
    loadConfig([], {
      PORT: '0',
      // Off unless a test asks: parallel Jest workers must never compete for 6379.
      RESP_PORT: '0',
      HOST: '127.0.0.1',
      NODE_ID: 'test-node',
      NODE_ENV: 'test',
      ACCESS_LOG: 'false',
      METRICS_INTERVAL_MS: '100',
      ...env,
    }),
    { logger: pino({ level: 'silent' }) },
  );

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** fetch + JSON parse of whatever came back (text kept for non-JSON answers). */
export const request = async (base: string, method: string, path: string, options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<JsonResponse> => {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  } else if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
};
