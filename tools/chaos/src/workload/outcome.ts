import type { Outcome } from '../check/history.js';

/**
 * What an answer (or its absence) says about whether an operation took effect. Only answers the
 * server documents as "not applied" count as failed; anything the harness cannot be sure of is
 * unknown, which the checker lets go either way.
 */
const NOT_APPLIED = new Set([400, 401, 403, 404, 409, 413, 429, 503, 507]);

/**
 * Errors raised only before a request could reach the server (nothing was sent). Not
 * EHOSTUNREACH/ENETUNREACH: an established keep-alive connection can report those after the
 * request went out (the host vanished mid-answer), so they stay unknown.
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export function outcomeOfStatus(status: number, type: 'set' | 'delete' | 'read' | 'clear' | 'bulk', code?: string): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  // The node got to the request after the client's X-Deadline-Ms and refused it.
  if (status === 504 && code === 'DEADLINE_EXCEEDED') return 'failed';
  // A delete of a key this node does not hold and a read of a missing key are answers too.
  if (status === 404 && (type === 'read' || type === 'delete')) return 'ok';
  return NOT_APPLIED.has(status) ? 'failed' : 'unknown';
}

/** The error code of a failed fetch (undici puts the socket's error in `cause`). */
export function errorCode(error: unknown): string {
  // DOMExceptions (a timeout) carry a numeric legacy `code`: only string codes are error codes.
  const e = error as { name?: unknown; code?: unknown; cause?: { code?: unknown; name?: unknown } };
  const text = [e?.cause?.code, e?.code, e?.cause?.name, e?.name].find((c): c is string => typeof c === 'string');
  return text ?? 'ERROR';
}

export const outcomeOfError = (error: unknown): Outcome => (NOT_SENT.has(errorCode(error)) ? 'failed' : 'unknown');

/**
 * Why the clients' run cannot be judged, or undefined when it can: a checker given no operation
 * finds no anomaly, so a clients' process that died at start (it once could not resolve a module)
 * printed PASS over an empty history.
 */
export function workloadFailure(operations: number, exit: { code: number | null; signal: string | null } | undefined): string | undefined {
  const how = exit === undefined ? 'still running' : exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  if (operations === 0) return `the clients recorded no operation (their process: ${how})`;
  if (exit !== undefined && exit.signal === null && exit.code !== 0) return `the clients' process failed (${how}) after ${operations} operations`;
  return undefined;
}
