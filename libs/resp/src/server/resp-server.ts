import type { Socket } from 'node:net';
import type { CommandSpec } from '../commands/command-spec.js';
import { COMMAND_TABLE, commandLookup, type CommandLookup } from '../commands/command-table.js';
import { RespError } from '../resp-error.js';
import type { RespStore } from '../store.js';
import { RespConnection, type ConnectionHost } from './connection.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_COMMAND_BYTES, type RespLimits } from './limits.js';

export interface RespServerOptions {
  /** Per-connection bounds; each one missing takes its {@link DEFAULT_LIMITS} value. */
  readonly limits?: Partial<RespLimits>;
  /** Called when a command throws (the client gets `ERR internal error`); log it. */
  readonly onError?: (error: unknown, command: string) => void;
  /**
   * Called when a connection is closed because it looks like an HTTP request (a cross-protocol
   * attack from a web page, see `cross-protocol.ts`); log it as a warning.
   */
  readonly onSecurityWarning?: (message: string, remoteAddress: string) => void;
}

/**
 * Speaks RESP to every socket handed to {@link handle} (a `net` or `tls` server's connection
 * listener), running the commands of {@link COMMAND_TABLE} against `store`. Owns the connections
 * and what they share: client ids, SCAN cursor numbers, counters.
 */
export class RespServer implements ConnectionHost {
  readonly limits: RespLimits;
  readonly lookup: CommandLookup;
  readonly commandList: readonly CommandSpec[] = COMMAND_TABLE;
  readonly counters = { connectionsReceived: 0, commandsProcessed: 0 };
  private readonly connections = new Set<RespConnection>();
  private nextCursor = 1;
  private nextId = 1;

  constructor(
    readonly store: RespStore,
    private readonly options: RespServerOptions = {},
  ) {
    const given = options.limits ?? {};
    const maxBulkBytes = given.maxBulkBytes ?? DEFAULT_LIMITS.maxBulkBytes;
    this.limits = { ...DEFAULT_LIMITS, maxCommandBytes: Math.max(DEFAULT_MAX_COMMAND_BYTES, maxBulkBytes), ...given };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RespError('INVALID_OPTION', `limits.${name} must be a positive integer, got ${String(value)}`);
    }
    // Otherwise a value that fits maxBulkBytes could never be set.
    if (this.limits.maxCommandBytes < this.limits.maxBulkBytes) {
      throw new RespError('INVALID_OPTION', `limits.maxCommandBytes (${this.limits.maxCommandBytes}) must be at least limits.maxBulkBytes (${this.limits.maxBulkBytes})`);
    }
    this.lookup = commandLookup(COMMAND_TABLE);
  }

  /** Takes over a freshly accepted socket. */
  readonly handle = (socket: Socket): void => {
    this.counters.connectionsReceived++;
    this.connections.add(new RespConnection(this, socket, this.nextId++));
  };

  clients(): Iterable<RespConnection> {
    return this.connections;
  }

  get clientCount(): number {
    return this.connections.size;
  }

  nextCursorId(): number {
    return this.nextCursor++;
  }

  reportError(error: unknown, command: string): void {
    this.options.onError?.(error, command);
  }

  reportSecurityWarning(message: string, remoteAddress: string): void {
    this.options.onSecurityWarning?.(message, remoteAddress);
  }

  closed(connection: RespConnection): void {
    this.connections.delete(connection);
  }

  /** Disconnects every client (server shutdown). */
  closeAll(): void {
    for (const connection of this.connections) connection.close();
  }
}
