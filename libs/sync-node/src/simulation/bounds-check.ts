import { MAX_ANSWERING } from '../anti-entropy.js';
import { MAX_REFUSED_ORIGINS } from '../clock-guard.js';
import { MAX_MEMBERS } from '../membership.js';
import type { ReplicaNode } from '../replica-node.js';

export interface SimCaps {
  maxTombstones: number;
  backlogMaxBytes: number;
  /** Largest single operation's backlog size: the newest one always stays. */
  largestOpBytes: number;
  members: number;
}

/** Null when every bounded structure of every node is within its cap, else which is not. */
export function checkBounds(nodes: ReplicaNode[], caps: SimCaps): string | null {
  for (const node of nodes) {
    const f = node.footprint();
    const over: string[] = [];
    if (f.graves > caps.maxTombstones) over.push(`tombstones ${f.graves} > ${caps.maxTombstones}`);
    if (f.backlogBytes > Math.max(caps.backlogMaxBytes, caps.largestOpBytes)) over.push(`backlog ${f.backlogBytes} B > ${caps.backlogMaxBytes} B`);
    if (f.links > Math.min(caps.members, MAX_MEMBERS)) over.push(`links ${f.links} > ${caps.members}`);
    if (f.knownUrls > f.links) over.push(`known urls ${f.knownUrls} > links ${f.links}`);
    if (f.answering > MAX_ANSWERING) over.push(`anti-entropy answers ${f.answering}`);
    if (f.refusedOrigins > MAX_REFUSED_ORIGINS) over.push(`refused origins ${f.refusedOrigins}`);
    if (over.length > 0) return `${node.nodeId}: ${over.join(', ')}`;
  }
  return null;
}

/** Repairs of one kind a node may start towards one peer within the storm window. */
export const MAX_REPAIRS_IN_WINDOW = 4;
/** The end of the quiet period in which repairs are counted. */
export const STORM_WINDOW_MS = 3000;

/**
 * Null unless a node started more than MAX_REPAIRS_IN_WINDOW snapshots, or automatic
 * anti-entropy exchanges, towards one peer in the window: since `before` listed the ids of its
 * history events (event times are wall-clock, and a clock set back makes old events look new).
 * A repair that cannot make progress must back off, not repeat every retransmit period
 * (simulation seed 61113 sent two peers a whole snapshot every 300 ms to the end of the run).
 */
export function checkRepairStorms(nodes: ReplicaNode[], before: ReadonlyMap<ReplicaNode, ReadonlySet<string>>): string | null {
  for (const node of nodes) {
    const seen = before.get(node);
    if (seen === undefined) continue;
    const counts = new Map<string, number>();
    for (const e of node.history(1000)) {
      if (seen.has(e.id) || e.peer === undefined) continue;
      if (e.type !== 'full-sync-sent' && !(e.type === 'force-sync' && e.message?.startsWith('automatic:') === true)) continue;
      const key = `${e.type} to ${e.peer}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of counts) {
      if (n > MAX_REPAIRS_IN_WINDOW) return `${node.nodeId}: ${n} × ${key} in the last ${STORM_WINDOW_MS} ms of the quiet period (a repair repeated without backing off)`;
    }
  }
  return null;
}
