import type { ParserLimits } from '../protocol/request-parser.js';

/** Per-connection bounds; see {@link ParserLimits} for the input side. */
export interface RespLimits extends ParserLimits {
  /**
   * Replies buffered for one client (not yet taken by its socket) past which the client is
   * disconnected, like Redis' `client-output-buffer-limit`.
   */
  readonly maxOutputBytes: number;
  /**
   * How long a connection that must AUTH may stay connected without having done so. Otherwise
   * idle strangers fill the server's connection limit and lock every client out.
   */
  readonly authTimeoutMs: number;
}

export const DEFAULT_LIMITS: RespLimits = {
  maxBulkBytes: 32 * 1024 * 1024,
  maxArrayLength: 1024 * 1024,
  maxInlineBytes: 64 * 1024,
  maxOutputBytes: 64 * 1024 * 1024,
  authTimeoutMs: 10_000,
};
