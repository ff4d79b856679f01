import type { ApiErrorCode } from '@meshcache/api-contract';
import type { WriteFailure } from '@meshcache/sync-node';

/** HTTP status and error code for a write the node refused. */
export const writeFailure = (result: WriteFailure): { status: number; code: ApiErrorCode } => {
  switch (result.code) {
    case 'TOO_LARGE':
    case 'INVALID_SIZE':
      return { status: 507, code: 'CAPACITY_EXCEEDED' };
    case 'CLOSED':
      return { status: 503, code: 'NOT_READY' };
    // Its peers would refuse the write: no 200 for a write that will be dropped.
    case 'CLOCK_SKEW':
      return { status: 503, code: 'CLOCK_SKEW' };
    case 'NOT_LOGGED':
      return { status: 507, code: 'DISK_FULL' };
    default:
      return { status: 400, code: 'VALIDATION_FAILED' };
  }
};
