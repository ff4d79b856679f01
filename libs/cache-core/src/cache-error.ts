/** Every code a {@link CacheError} can carry. */
export type CacheErrorCode = 'INVALID_OPTION' | 'INVALID_DUMP';

/**
 * The one error class cache-core throws. It is thrown only for programming mistakes the
 * caller can fix (a bad option, a malformed dump); refusals that depend on data, such as an
 * entry larger than `maxBytes`, are returned as values from `set()` instead.
 */
export class CacheError extends Error {
  readonly code: CacheErrorCode;

  constructor(code: CacheErrorCode, message: string) {
    super(message);
    this.name = 'CacheError';
    this.code = code;
  }
}
