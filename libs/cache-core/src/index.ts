export { Cache } from './cache.js';
export { CacheError, type CacheErrorCode } from './cache-error.js';
export type { CacheOptions, ClearOptions, EvictHandler, EvictionReason, SetOptions } from './cache-options.js';
export { STRATEGIES, STRATEGY_SUMMARIES, isStrategy, type Strategy } from './strategies.js';
export type {
  CacheDump,
  CacheDumpEntry,
  CacheEntryInfo,
  CacheStats,
  SetRefusal,
  SetResult,
} from './cache-types.js';
