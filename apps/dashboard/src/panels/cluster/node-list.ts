import { peerToNodeInfo, strategyLabel, type MetricsResponse, type NodeInfo, type NodeListUpdateEvent } from '@meshcache/api-contract';

/**
 * The node list before the first `node-list-update`: the answering node itself (from its
 * metrics) followed by its peers (from its sync stats).
 */
export function nodeListFromMetrics(metrics: MetricsResponse): NodeListUpdateEvent {
  const { cache, sync } = metrics;
  const self: NodeInfo = {
    id: sync.nodeId,
    url: null,
    state: 'up',
    strategy: cache.strategy,
    size: cache.size,
    capacity: cache.capacity > 0 ? cache.capacity : null,
    lag: 0,
    lastSeen: metrics.server.timestamp,
    self: true,
  };
  const peers = sync.nodeList.filter((p) => p.id !== sync.nodeId).map(peerToNodeInfo);
  return { nodes: [self, ...peers], totalNodes: peers.length + 1, currentNode: sync.nodeId };
}

/**
 * Folds a metrics push into the node list: the node's own figures, and each known peer's state,
 * lag and last-seen time, which change between membership events.
 */
export function refreshNodeList(list: NodeListUpdateEvent, metrics: MetricsResponse): NodeListUpdateEvent {
  const peers = new Map(metrics.sync.nodeList.map((p) => [p.id, p]));
  const nodes = list.nodes.map((node): NodeInfo => {
    if (node.self || node.id === list.currentNode) {
      return { ...node, strategy: metrics.cache.strategy, size: metrics.cache.size, lastSeen: metrics.server.timestamp };
    }
    const peer = peers.get(node.id);
    return peer ? { ...peerToNodeInfo(peer), url: peer.url ?? node.url, strategy: peer.strategy === null ? node.strategy : strategyLabel(peer.strategy) } : node;
  });
  return { ...list, nodes };
}
