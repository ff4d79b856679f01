import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';

/** A handler's answer: JSON `body` with `status` (200 when omitted) and extra `headers`; a 304 has no body. */
export interface Reply {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A body was announced and not read to its end. (`complete` alone is false for every bodyless
 * request while its handler runs, which would close every keep-alive connection.)
 */
const hasUnreadBody = (req: IncomingMessage): boolean => {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
};

/** compression's default threshold: smaller bodies are sent as they are. */
const COMPRESS_THRESHOLD = 1024;

/**
 * The one writer of JSON answers, for the fast path and the Express routes alike: a single
 * `writeHead` with the caller's headers (`headers` is taken over and extended: security and CORS
 * headers on the fast path, rate-limit, auth challenge, request id), the content type, `Vary`, the
 * length, and gzip above 1 KiB when the client accepts it. An answer sent before the request body
 * was read (401, 413, 429) closes the connection, so the body is never read.
 */
export const sendJson = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: string[] = [], done?: () => void): void => {
  const text = JSON.stringify(body);
  headers.push('Vary', 'Origin, Accept-Encoding', 'Content-Type', 'application/json; charset=utf-8');
  if (hasUnreadBody(req)) headers.push('Connection', 'close');
  const plain = () => {
    headers.push('Content-Length', String(Buffer.byteLength(text)));
    res.writeHead(status, headers);
    res.end(text, done);
  };
  if (text.length < COMPRESS_THRESHOLD || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return plain();
  gzip(text, (error, zipped) => {
    // Compressing a string in memory fails only when memory does: the plain text still goes out.
    if (error) return plain();
    headers.push('Content-Encoding', 'gzip', 'Content-Length', String(zipped.length));
    res.writeHead(status, headers);
    res.end(zipped, done);
  });
};

/** A {@link Reply} through {@link sendJson}, its own headers after the caller's; a 304 without a body. */
export const sendReply = (req: IncomingMessage, res: ServerResponse, reply: Reply, headers: string[] = [], done?: () => void): void => {
  if (reply.headers) for (const name in reply.headers) headers.push(name, reply.headers[name]);
  const status = reply.status ?? 200;
  if (status !== 304) return sendJson(req, res, status, reply.body, headers, done);
  headers.push('Vary', 'Origin, Accept-Encoding');
  res.writeHead(304, headers);
  res.end(done);
};
