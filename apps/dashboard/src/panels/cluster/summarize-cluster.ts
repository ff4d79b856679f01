import type { NodeInfo } from '@meshcache/api-contract';

export interface ClusterSummary {
  up: number;
  total: number;
  /** every node up, at zero lag and on one strategy */
  converged: boolean;
  text: string;
}

/** The one-line health verdict operators look for first. */
export function summarizeCluster(nodes: readonly NodeInfo[]): ClusterSummary {
  const up = nodes.filter((n) => n.state === 'up').length;
  const strategies = new Set(nodes.map((n) => n.strategy).filter((s) => s !== null));
  const converged = up === nodes.length && nodes.every((n) => n.lag === 0) && strategies.size <= 1;
  const plural = nodes.length === 1 ? 'node' : 'nodes';
  const health = up === nodes.length ? 'all up' : `${up} up, ${nodes.length - up} not up`;
  return { up, total: nodes.length, converged, text: `${nodes.length} ${plural}, ${health}, ${converged ? 'in sync' : 'not converged'}` };
}
