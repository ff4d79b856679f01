export { Cache } from './cache.js';
export { CacheError, type CacheErrorCode } from './cache-error.js';
export type { CacheOptions, EvictHandler, EvictionReason, SetOptions, Strategy } from './cache-options.js';
export type {
  CacheDump,
  CacheDumpEntry,
  CacheEntryInfo,
  CacheStats,
  SetRefusal,
  SetResult,
} from './cache-types.js';
