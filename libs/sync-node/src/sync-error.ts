export type SyncErrorCode = 'INVALID_OPTION' | 'INVALID_SNAPSHOT' | 'RESTORE_AFTER_START' | 'CLOSED' | 'NOT_LOGGED';

/** The one error class this library throws; `code` is stable, `message` says what to change. */
export class SyncError extends Error {
  readonly code: SyncErrorCode;
  /** INVALID_SNAPSHOT of a well-formed snapshot of another node: that node's id (a NODE_ID that changed). */
  readonly snapshotOf?: string;

  constructor(code: SyncErrorCode, message: string, detail: { snapshotOf?: string } = {}) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
    if (detail.snapshotOf !== undefined) this.snapshotOf = detail.snapshotOf;
  }
}
