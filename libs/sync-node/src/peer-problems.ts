import { nodeIdOfOrigin, NodeIdSchema, type NodeProblem, type PeerInfo, type RejectCode, type ReplicationProblemCode } from '@meshcache/sync-protocol';

/** Which problem a failed handshake means for the peer, if any (a link to ourselves means none). */
export const PROBLEM_OF_REFUSAL: Record<RejectCode, ReplicationProblemCode | null> = {
  AUTH_FAILED: 'peer-refused-secret',
  PROTOCOL_VERSION: 'peer-refused-version',
  // A peer that does not speak the handshake at all speaks some other protocol.
  BAD_MESSAGES: 'peer-refused-version',
  DUPLICATE_NODE_ID: 'duplicate-node-id',
  HANDSHAKE_TIMEOUT: 'peer-unreachable',
  TOO_MANY_HANDSHAKES: 'peer-unreachable',
  SAME_NODE_ID: null,
};

const concerns = (problem: NodeProblem, peer: PeerInfo): boolean =>
  problem.peer !== undefined && (problem.peer === peer.url || problem.peer === peer.id || (problem.peer.includes('#') && nodeIdOfOrigin(problem.peer) === peer.id));

/**
 * The node list with each peer's problem attached, plus an entry (named by its URL, state
 * `down`) for each configured address that has a problem but never became a known peer: an
 * operator looking at the node list sees the peer that is refused or unreachable.
 */
export function nodesWithProblems(nodes: PeerInfo[], problems: NodeProblem[]): PeerInfo[] {
  const out = nodes.map((node) => {
    const problem = problems.find((p) => concerns(p, node));
    return problem === undefined ? node : { ...node, problem: { code: problem.code, message: problem.message } };
  });
  for (const problem of problems) {
    const url = problem.peer;
    if (url === undefined || !/^https?:\/\//.test(url) || out.some((n) => concerns(problem, n)) || !NodeIdSchema.safeParse(url).success) continue;
    out.push({ id: url, url, state: 'down', strategy: null, size: null, capacity: null, lag: 0, lastSeen: null, problem: { code: problem.code, message: problem.message } });
  }
  return out;
}
