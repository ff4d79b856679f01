/**
 * Redis names of the store's eviction policies, derived from the store's own list: every key
 * is a candidate for eviction, so engine policy `lru` is `allkeys-lru`, `lfu` is `allkeys-lfu`,
 * and a policy the store adds later gets its `allkeys-` name without a change here.
 */
const PREFIX = 'allkeys-';

export const policyName = (enginePolicy: string): string => PREFIX + enginePolicy;

/** The engine policy a Redis `maxmemory-policy` value names, if the store has it. */
export const enginePolicyOf = (redisName: string, policies: readonly string[]): string | undefined => {
  const lower = redisName.toLowerCase();
  return lower.startsWith(PREFIX) && policies.includes(lower.slice(PREFIX.length)) ? lower.slice(PREFIX.length) : undefined;
};
