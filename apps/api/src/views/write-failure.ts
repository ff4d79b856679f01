import type { ApiErrorCode } from '@meshcache/api-contract';
import type { WriteFailure } from '@meshcache/sync-node';

/** The API error code (and so, by the contract's table, the status) of a write the node refused. */
export const writeFailureCode = (result: WriteFailure): ApiErrorCode => {
  switch (result.code) {
    case 'TOO_LARGE':
    case 'INVALID_SIZE':
      return 'CAPACITY_EXCEEDED';
    case 'CLOSED':
      return 'NOT_READY';
    // Its peers would refuse the write: no 200 for a write that will be dropped.
    case 'CLOCK_SKEW':
      return 'CLOCK_SKEW';
    case 'NOT_LOGGED':
      return 'DISK_FULL';
    default:
      return 'VALIDATION_FAILED';
  }
};
