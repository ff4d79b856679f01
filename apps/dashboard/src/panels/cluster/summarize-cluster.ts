import type { HealthProblem, NodeInfo } from '@meshcache/api-contract';

/** What the verdict is drawn from: the node list and what the page knows about its own node. */
export interface ClusterFacts {
  nodes: readonly NodeInfo[];
  /** the page's socket is connected, so the figures are live */
  live: boolean;
  /** the node this page talks to */
  currentNode: string;
  /** replication on the page's node; undefined until its metrics arrive */
  syncEnabled: boolean | undefined;
  /** what the page's node reports on /health */
  problems: readonly HealthProblem[];
}

export interface ClusterSummary {
  up: number;
  total: number;
  /** every node up and caught up, one strategy, replication on, no problem, live figures */
  converged: boolean;
  tone: 'ok' | 'warn' | 'bad';
  text: string;
}

/** Operations a node lacks of what the page's node has applied (its own operations before that was reported). */
export const opsBehind = (node: NodeInfo): number => node.behind ?? node.lag;

const percent = (sent: number, total: number) => (total === 0 ? 100 : Math.floor((sent / total) * 100));

/** How a node is doing beyond up/suspect/down: paused, or catching up by snapshot or by operations. */
export function describeProgress(node: NodeInfo): string | null {
  // Its peers cannot count what it holds back: its lag here is ours to it, not its to us.
  if (node.paused) return 'replication paused, its writes wait on it';
  if (node.snapshot) return `receiving a snapshot: ${percent(node.snapshot.sent, node.snapshot.total)}% (${node.snapshot.sent.toLocaleString()} of ${node.snapshot.total.toLocaleString()} keys)`;
  const behind = opsBehind(node);
  if (behind === 0) return null;
  return node.state === 'up' ? `catching up, ${behind.toLocaleString()} ops behind` : `${behind.toLocaleString()} ops behind`;
}

/**
 * The one-line verdict operators look for first. It says "in sync" only when nothing below
 * contradicts it: with no live connection it says so before anything else, since every other
 * figure on the page is then as old as the last update.
 */
export function summarizeCluster(facts: ClusterFacts): ClusterSummary {
  const { nodes, live, currentNode, syncEnabled } = facts;
  // A pause is named with its node below, from the node list: not counted again as a problem.
  const problems = facts.problems.filter((p) => p.code !== 'sync-paused');
  const up = nodes.filter((n) => n.state === 'up').length;
  const total = nodes.length;
  if (!live) {
    return { up, total, converged: false, tone: 'bad', text: `No live data: this page's node ${currentNode} is not connected, the figures below may be out of date` };
  }
  const parts = [`${total} ${total === 1 ? 'node' : 'nodes'}`];
  if (up === total) parts.push('all up');
  else {
    const counts = (['suspect', 'down'] as const).map((state) => {
      const ids = nodes.filter((n) => n.state === state).map((n) => n.id);
      return ids.length ? `${ids.length} ${state} (${ids.join(', ')})` : '';
    });
    parts.push([`${up} up`, ...counts].filter(Boolean).join(', '));
  }
  for (const node of nodes) {
    const progress = describeProgress(node);
    if (progress) parts.push(`${node.id} ${progress}`);
  }
  if (syncEnabled === false) parts.push(`replication paused on ${currentNode}`);
  if (problems.length > 0) parts.push(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} reported`);
  const strategies = new Set(nodes.map((n) => n.strategy).filter((s) => s !== null));
  if (strategies.size > 1) parts.push('strategies differ');
  const caughtUp = nodes.every((n) => describeProgress(n) === null);
  const converged = up === total && caughtUp && strategies.size <= 1 && syncEnabled !== false && problems.length === 0;
  if (converged) parts.push('in sync');
  const tone = converged ? 'ok' : up < total || problems.length > 0 ? 'bad' : 'warn';
  return { up, total, converged, tone, text: parts.join(', ') };
}
