import type { ApiErrorCode } from '@meshcache/api-contract';
import type { WriteResult } from '@meshcache/sync-node';

type Failure = Extract<WriteResult, { ok: false }>;

/** HTTP status and error code for a write the node refused. */
export const writeFailure = (result: Failure): { status: number; code: ApiErrorCode } => {
  switch (result.code) {
    case 'TOO_LARGE':
    case 'INVALID_SIZE':
      return { status: 507, code: 'CAPACITY_EXCEEDED' };
    case 'CLOSED':
      return { status: 503, code: 'NOT_READY' };
    case 'NOT_LOGGED':
      return { status: 507, code: 'DISK_FULL' };
    default:
      return { status: 400, code: 'VALIDATION_FAILED' };
  }
};
