import type { Socket } from 'node:net';
import type { CommandSpec } from '../commands/command-spec.js';
import { COMMAND_TABLE, commandLookup, type CommandLookup } from '../commands/command-table.js';
import { RespError } from '../resp-error.js';
import type { RespStore } from '../store.js';
import { RespConnection, type ConnectionHost } from './connection.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_CLIENTS_BYTES, DEFAULT_MAX_COMMAND_BYTES, type RespLimits } from './limits.js';

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
  /** Bytes received and not yet run, over every connection (see `maxClientsBytes`). */
  private clientsBytes = 0;
  private nextId = 1;

  constructor(
    readonly store: RespStore,
    private readonly options: RespServerOptions = {},
  ) {
    const given = options.limits ?? {};
    const maxBulkBytes = given.maxBulkBytes ?? DEFAULT_LIMITS.maxBulkBytes;
    const maxCommandBytes = given.maxCommandBytes ?? Math.max(DEFAULT_MAX_COMMAND_BYTES, maxBulkBytes);
    this.limits = { ...DEFAULT_LIMITS, maxCommandBytes, maxClientsBytes: Math.max(DEFAULT_MAX_CLIENTS_BYTES, 2 * maxCommandBytes), ...given };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RespError('INVALID_OPTION', `limits.${name} must be a positive integer, got ${String(value)}`);
    }
    // Otherwise a value that fits maxBulkBytes could never be set.
    if (this.limits.maxCommandBytes < this.limits.maxBulkBytes) {
      throw new RespError('INVALID_OPTION', `limits.maxCommandBytes (${this.limits.maxCommandBytes}) must be at least limits.maxBulkBytes (${this.limits.maxBulkBytes})`);
    }
    // Otherwise one command of the largest size allowed could never be read.
    if (this.limits.maxClientsBytes < this.limits.maxCommandBytes) {
      throw new RespError('INVALID_OPTION', `limits.maxClientsBytes (${this.limits.maxClientsBytes}) must be at least limits.maxCommandBytes (${this.limits.maxCommandBytes})`);
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

  /** Total of the bytes connections hold unread, and not yet run, over every connection. */
  get bufferedBytes(): number {
    return this.clientsBytes;
  }

  buffered(delta: number): void {
    this.clientsBytes += delta;
    if (this.clientsBytes <= this.limits.maxClientsBytes) return;
    // The one holding the most goes, whoever pushed last: an attacker's stalled commands, not
    // the next honest client's (Redis' maxmemory-clients evicts the same way).
    let largest: RespConnection | undefined;
    for (const connection of this.connections) if (largest === undefined || connection.pendingBytes > largest.pendingBytes) largest = connection;
    largest?.evict(`-ERR Protocol error: the server holds more than maxClientsBytes (${this.limits.maxClientsBytes} bytes) of unread commands over every client, and this connection held the most\r\n`);
  }

  /** Disconnects every client (server shutdown). */
  closeAll(): void {
    for (const connection of this.connections) connection.close();
  }
}
