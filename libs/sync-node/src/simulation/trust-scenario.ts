import { nodeIdOfOrigin, type Operation } from '@meshcache/sync-protocol';
import { ReplicaNode } from '../replica-node.js';
import type { MemoryNetwork } from '../transports/memory-network.js';
import { Adversary, FORGED } from './adversary.js';
import type { SeededScheduler } from './seeded-scheduler.js';

const TWIN_KEY = 'twin';

/**
 * The adversarial part of a schedule: a non-member (`Adversary`) attacking every node, and at
 * times a second node started with a member's NODE_ID (a misconfigured twin that knows the
 * secret but writes nothing). The invariant: no node ever applies an operation that no member
 * issued — no forged value, no non-member origin, no sequence number beyond what its origin
 * wrote.
 */
export class TrustScenario {
  readonly adversary: Adversary;
  readonly violations: string[] = [];
  private readonly issuedUpTo = new Map<string, number>();
  private twin: ReplicaNode | null = null;
  twins = 0;
  duplicatesReported = 0;

  constructor(
    private readonly sched: SeededScheduler,
    private readonly net: MemoryNetwork,
    private readonly live: () => ReplicaNode[],
    private readonly twinOf: string,
    private readonly now: () => number,
  ) {
    this.adversary = new Adversary(sched, live);
    net.tap = (message) => this.adversary.capture(message);
  }

  /** Checks every operation `node` applies; call for each node started. */
  watch(node: ReplicaNode): void {
    node.on('op', (op) => this.check(node, op));
    node.on('problem', (change) => {
      if (change.change === 'raised' && change.problem.code === 'duplicate-node-id') this.duplicatesReported++;
    });
  }

  /** One step of the schedule: sometimes an attack, sometimes the twin comes or goes. */
  step(): void {
    if (this.sched.chance(0.3)) this.adversary.act();
    if (this.twin === null && this.sched.chance(0.01)) this.startTwin();
    else if (this.twin !== null && this.sched.chance(0.02)) this.stopTwin();
  }

  /** Before the cluster heals: the twin leaves for good (it wrote nothing). */
  finish(): void {
    this.stopTwin();
  }

  private startTwin(): void {
    this.twins++;
    this.twin = new ReplicaNode({
      nodeId: this.twinOf,
      incarnation: `twin${this.twins}`,
      cache: { capacity: 1000, strategy: 'lru' },
      clusterSecret: 'sim-secret',
      now: this.now,
      timers: this.sched.timersFor(TWIN_KEY),
      heartbeatMs: 100,
      downAfterMs: 800,
    });
    this.watch(this.twin);
    this.net.add(this.twin, TWIN_KEY);
  }

  private stopTwin(): void {
    if (this.twin === null) return;
    this.sched.cancelOwner(TWIN_KEY);
    this.net.crash(TWIN_KEY);
    void this.twin.close();
    this.twin = null;
  }

  private check(node: ReplicaNode, op: Operation): void {
    if (op.origin === node.origin && node !== this.twin) {
      this.issuedUpTo.set(op.origin, Math.max(this.issuedUpTo.get(op.origin) ?? 0, op.seq));
      return;
    }
    const value = op.op.type === 'set' ? JSON.stringify(op.op.value) : '';
    const problem =
      value.includes(FORGED) ? 'a forged value'
      : nodeIdOfOrigin(op.origin) === 'mallory' ? 'a non-member origin'
      : op.seq > (this.issuedUpTo.get(op.origin) ?? 0) ? 'a sequence number its origin never wrote'
      : null;
    if (problem !== null) this.violations.push(`${node.origin} applied ${problem}: ${op.origin}/${op.seq} ${JSON.stringify(op.op)}`);
  }
}
