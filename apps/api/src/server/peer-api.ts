import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import type { TlsOptions } from './tls-options.js';

/** Longest wait for a peer's answer: a stopped peer must not hold the cluster view longer. */
export const PEER_CALL_TIMEOUT_MS = 2_000;
/** Largest answer read from a peer (a metrics document is a few KB). */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface PeerCall<S extends z.ZodType> {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** The caller's `Authorization` header, passed on: the peer decides with the caller's rights. */
  readonly authorization?: string;
  readonly tls: TlsOptions['client'];
  /** What a 2xx answer must look like; anything else is reported, never trusted. */
  readonly schema: S;
  readonly timeoutMs?: number;
}

export type PeerAnswer<T> = { ok: true; value: T } | { ok: false; error: string };

/** The `error` message of a JSON error body, when the peer sent one. */
const errorMessageOf = (text: string): string | undefined => {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Calls a peer's own HTTP API (the route the contract defines for it) and checks the answer with
 * the route's schema. Every failure (refused, timeout, non-2xx, bad JSON) is a value naming it.
 */
export const callPeer = <S extends z.ZodType>(baseUrl: string, call: PeerCall<S>): Promise<PeerAnswer<z.output<S>>> =>
  new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(call.path, baseUrl);
    } catch {
      resolve({ ok: false, error: `not a URL: ${baseUrl}` });
      return;
    }
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.authorization !== undefined) headers.authorization = call.authorization;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const options = { method: call.method, headers, timeout: call.timeoutMs ?? PEER_CALL_TIMEOUT_MS };
    const onAnswer = (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy();
          resolve({ ok: false, error: 'answer too large' });
        } else parts.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          resolve({ ok: false, error: `HTTP ${status}${errorMessageOf(text) ? `: ${errorMessageOf(text)}` : ''}` });
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          resolve({ ok: false, error: 'answer is not JSON' });
          return;
        }
        const parsed = call.schema.safeParse(json);
        resolve(parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: 'answer does not match the contract (another version?)' });
      });
      res.on('error', (error) => resolve({ ok: false, error: error.message }));
    };
    const req = url.protocol === 'https:' ? httpsRequest(url, { ...options, ...call.tls }, onAnswer) : httpRequest(url, options, onAnswer);
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, error: `no answer within ${options.timeout} ms` });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message }));
    req.end(payload);
  });
