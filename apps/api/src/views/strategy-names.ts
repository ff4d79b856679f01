import type { Strategy } from '@meshcache/api-contract';

/** The engine names policies in lower case, the REST API and the dashboard in upper case. */
export const strategyLabel = (policy: 'lru' | 'lfu'): Strategy => (policy === 'lru' ? 'LRU' : 'LFU');

export const enginePolicy = (strategy: Strategy): 'lru' | 'lfu' => (strategy === 'LRU' ? 'lru' : 'lfu');
