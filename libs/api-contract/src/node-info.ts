import type { PeerInfo } from '@meshcache/sync-protocol';
import type { NodeInfo } from './schemas/metrics.js';
import type { Strategy } from './schemas/primitives.js';

/** The replication engine names policies in lower case; the REST API and dashboard in upper case. */
export const strategyLabel = (policy: 'lru' | 'lfu'): Strategy => (policy === 'lru' ? 'LRU' : 'LFU');

/** The engine's name for a strategy given to the REST API. */
export const enginePolicy = (strategy: Strategy): 'lru' | 'lfu' => (strategy === 'LRU' ? 'lru' : 'lfu');

/** A peer as the replication engine reports it, in the node-list form of `node-list-update`. */
export const peerToNodeInfo = (peer: PeerInfo): NodeInfo => ({
  ...peer,
  strategy: peer.strategy === null ? null : strategyLabel(peer.strategy),
  self: false,
});
