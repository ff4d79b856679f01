import { STRATEGY_SUMMARIES, type PeerInfo, type Strategy as EngineStrategy } from '@meshcache/sync-protocol';
import type { NodeInfo } from './schemas/metrics.js';
import type { Strategy } from './schemas/primitives.js';

/** The replication engine names policies in lower case; the REST API and dashboard in upper case. */
export const strategyLabel = (policy: EngineStrategy): Strategy => policy.toUpperCase() as Strategy;

/** The engine's name for a strategy given to the REST API. */
export const enginePolicy = (strategy: Strategy): EngineStrategy => strategy.toLowerCase() as EngineStrategy;

/** What a strategy does, in one line, for people choosing one (the dashboard's switch). */
export const strategySummary = (strategy: Strategy): string => STRATEGY_SUMMARIES[enginePolicy(strategy)];

/** A peer as the replication engine reports it, in the node-list form of `node-list-update`. */
export const peerToNodeInfo = (peer: PeerInfo): NodeInfo => ({
  ...peer,
  strategy: peer.strategy === null ? null : strategyLabel(peer.strategy),
  self: false,
});
