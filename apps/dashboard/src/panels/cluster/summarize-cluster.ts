import type { NodeInfo } from '@meshcache/api-contract';

export interface ClusterSummary {
  up: number;
  total: number;
  /** every node up, nothing left to replicate, one strategy everywhere */
  converged: boolean;
  text: string;
}

/** The one-line health verdict operators look for first. */
export function summarizeCluster(nodes: readonly NodeInfo[]): ClusterSummary {
  const up = nodes.filter((n) => n.state === 'up').length;
  const down = nodes.filter((n) => n.state === 'down').length;
  const suspect = nodes.length - up - down;
  const inFlight = nodes.reduce((sum, n) => sum + n.lag, 0);
  const strategies = new Set(nodes.map((n) => n.strategy).filter((s) => s !== null));

  const parts = [`${nodes.length} ${nodes.length === 1 ? 'node' : 'nodes'}`];
  if (up === nodes.length) parts.push('all up');
  else parts.push([`${up} up`, suspect ? `${suspect} suspect` : '', down ? `${down} down` : ''].filter(Boolean).join(', '));
  if (strategies.size > 1) parts.push('strategies differ');
  if (inFlight > 0) parts.push(`${inFlight.toLocaleString()} ops still replicating`);
  const converged = up === nodes.length && strategies.size <= 1 && inFlight === 0;
  if (converged) parts.push('in sync');
  return { up, total: nodes.length, converged, text: parts.join(', ') };
}
