export type SyncErrorCode = 'INVALID_OPTION' | 'INVALID_SNAPSHOT' | 'RESTORE_AFTER_START' | 'CLOSED' | 'NOT_LOGGED';

/** The one error class this library throws; `code` is stable, `message` says what to change. */
export class SyncError extends Error {
  readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
  }
}
