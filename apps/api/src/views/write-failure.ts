import type { ApiErrorCode } from '@meshcache/api-contract';
import type { WriteResult } from '@meshcache/sync-node';

type Failure = Extract<WriteResult, { ok: false }>;

/** The API error code (and so, by the contract's table, the status) of a write the node refused. */
export const writeFailureCode = (result: Failure): ApiErrorCode => {
  switch (result.code) {
    case 'TOO_LARGE':
    case 'INVALID_SIZE':
      return 'CAPACITY_EXCEEDED';
    case 'CLOSED':
      return 'NOT_READY';
    case 'NOT_LOGGED':
      return 'DISK_FULL';
    default:
      return 'VALIDATION_FAILED';
  }
};
