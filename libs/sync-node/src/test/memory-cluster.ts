import { ReplicaNode } from '../replica-node.js';
import type { ReplicaNodeOptions } from '../node-options.js';
import { SeededScheduler } from '../simulation/seeded-scheduler.js';
import { MemoryNetwork } from '../transports/memory-network.js';

export const EPOCH = 1_750_000_000_000;

/** Nodes on the in-memory network, driven by virtual time. */
export function memoryCluster(ids: string[], options: Partial<ReplicaNodeOptions> = {}, seed = 1) {
  const sched = new SeededScheduler(seed);
  const net = new MemoryNetwork(sched);
  const make = (nodeId: string, extra: Partial<ReplicaNodeOptions> = {}) =>
    new ReplicaNode({
      nodeId,
      cache: { capacity: 1000, strategy: 'lru' },
      now: () => EPOCH + sched.now,
      timers: sched.timersFor(nodeId),
      heartbeatMs: 100,
      ...options,
      ...extra,
    });
  const nodes = ids.map((id) => make(id));
  nodes.forEach((n) => net.add(n));
  /** Advances virtual time. */
  const run = (ms: number) => sched.runUntil(sched.now + ms);
  /** Advances virtual time until the promise settles. */
  const settle = async <T>(promise: Promise<T>, maxMs = 30_000): Promise<T> => {
    let settled = false;
    void promise.finally(() => (settled = true));
    for (let t = 0; t < maxMs && !settled; t += 10) {
      run(10);
      await Promise.resolve();
    }
    return promise;
  };
  return { sched, net, nodes, make, run, settle };
}
