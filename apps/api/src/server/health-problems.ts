import type { HealthProblem, HealthProblemCode } from '@meshcache/api-contract';
import { ProblemBoard, type ProblemChange, type ReplicaNode } from '@meshcache/sync-node';
import type { Logger } from 'pino';

/**
 * What `/health` reports as problems: the replication engine's (`node.problems()`) merged with
 * the server's own. Server components raise and clear theirs on `server`, e.g.
 * `ctx.problems.server.raise('disk-read-only', 'data dir is read-only: writes are not persisted')`
 * and `ctx.problems.server.clear('disk-read-only')` once it recovers. Every change, from either
 * side, is one log line (warn when raised, info when cleared); the Prometheus gauge
 * `meshcache_health_problems{code}` reads `list()` at scrape time.
 */
export interface HealthProblems {
  readonly server: ProblemBoard<HealthProblemCode>;
  list(): HealthProblem[];
  close(): void;
}

export const createHealthProblems = (node: ReplicaNode, logger: Logger): HealthProblems => {
  const log = ({ change, problem }: ProblemChange<HealthProblemCode>) => {
    const fields = { problem: problem.code, peer: problem.peer ?? null, since: new Date(problem.since).toISOString() };
    if (change === 'cleared') logger.info(fields, `health problem cleared: ${problem.message}`);
    else logger.warn(fields, `health problem: ${problem.message}`);
  };
  const server = new ProblemBoard<HealthProblemCode>(Date.now, log);
  node.on('problem', log);
  return {
    server,
    list: () => [...node.problems(), ...server.list()],
    close: () => node.off('problem', log),
  };
};
