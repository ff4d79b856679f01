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
