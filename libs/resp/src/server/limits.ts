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
  /**
   * Bytes received and not yet run, summed over every connection (Redis 7's
   * `maxmemory-clients`): past it, the connection holding the most is closed. `maxCommandBytes`
   * bounds one connection only, and many clients each sending a command near it at once would
   * otherwise exhaust the heap together. Never below `maxCommandBytes`.
   */
  readonly maxClientsBytes: number;
}

/**
 * When `maxCommandBytes` is not given it is this or `maxBulkBytes`, whichever is larger, so a
 * server that raises its largest value still accepts a SET of that value.
 */
export const DEFAULT_MAX_COMMAND_BYTES = 64 * 1024 * 1024;

/** When `maxClientsBytes` is not given it is this or 2 × `maxCommandBytes`, whichever is larger. */
export const DEFAULT_MAX_CLIENTS_BYTES = 512 * 1024 * 1024;

export const DEFAULT_LIMITS: RespLimits = {
  maxBulkBytes: 32 * 1024 * 1024,
  maxArrayLength: 1024 * 1024,
  maxInlineBytes: 64 * 1024,
  maxCommandBytes: DEFAULT_MAX_COMMAND_BYTES,
  maxOutputBytes: 64 * 1024 * 1024,
  authTimeoutMs: 10_000,
  maxClientsBytes: DEFAULT_MAX_CLIENTS_BYTES,
};
