import type { ClusterMetricsResponse } from '@meshcache/api-contract';
import { MetricsHistory } from './metrics-history';

/**
 * Chart history of every node of the cluster view, kept for the page's lifetime whichever node
 * the charts show, so switching node loses nothing. The page's own node is not recorded here:
 * its history is the one the socket's pushes feed.
 */
export class ClusterHistory {
  private readonly byNode = new Map<string, MetricsHistory>();

  constructor(private readonly own: MetricsHistory) {}

  record(answer: ClusterMetricsResponse): void {
    for (const node of answer.nodes) {
      if (node.id === answer.nodeId) continue;
      const history = this.of(node.id, answer.nodeId);
      if (node.ok) history.record(node.metrics);
      else history.markGap();
    }
  }

  /** The history of `nodeId`; `ownId` is the page's node, whose history is the socket's. */
  of(nodeId: string, ownId: string | undefined): MetricsHistory {
    if (nodeId === ownId) return this.own;
    let history = this.byNode.get(nodeId);
    if (!history) {
      history = new MetricsHistory();
      this.byNode.set(nodeId, history);
    }
    return history;
  }
}
