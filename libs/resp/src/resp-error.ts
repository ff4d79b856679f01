export type RespErrorCode = 'INVALID_OPTION';

/** An error the library reports to its caller (not to a Redis client), with a code to branch on. */
export class RespError extends Error {
  constructor(
    readonly code: RespErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RespError';
  }
}
