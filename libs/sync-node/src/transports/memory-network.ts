import type { PeerMessage, SealedEnvelope } from '@meshcache/sync-protocol';

/** What travels on a link: a handshake message, or a sealed envelope around a message (v4). */
type WireMessage = PeerMessage | SealedEnvelope;
import type { LinkHandle } from '../link.js';
import type { ReplicaNode } from '../replica-node.js';
import type { SeededScheduler } from '../simulation/seeded-scheduler.js';

export interface MemoryNetworkFaults {
  /** Probability that a message is lost. */
  drop: number;
  /** Probability that a message is delivered twice. */
  duplicate: number;
  /** Probability that a message may overtake earlier ones on its link. */
  reorder: number;
  /** Delivery delay range in virtual ms. */
  minDelayMs: number;
  maxDelayMs: number;
}

export const NO_FAULTS: MemoryNetworkFaults = { drop: 0, duplicate: 0, reorder: 0, minDelayMs: 1, maxDelayMs: 5 };

interface Direction {
  handle: LinkHandle;
  lastDeliveryAt: number;
}

interface Link {
  a: string;
  b: string;
  open: boolean;
  toA: Direction | null;
  toB: Direction | null;
}

/**
 * An in-process network for whole-cluster tests: every message is serialized to JSON (as on a
 * real wire) and delivered by the seeded scheduler after a random delay, with optional loss,
 * duplication and reordering; partitions silently drop traffic between groups; crashed nodes
 * vanish without a goodbye. Links are redialed while nodes are up and reachable, like the
 * socket.io transport's reconnect.
 */
export class MemoryNetwork {
  faults: MemoryNetworkFaults = { ...NO_FAULTS };
  private readonly nodes = new Map<string, ReplicaNode>();
  private readonly links = new Set<Link>();
  private groups: Map<string, number> | null = null;
  private redialTimer = false;
  delivered = 0;
  dropped = 0;
  /** Sees every message sent between nodes (an eavesdropper, in adversarial simulations). */
  tap: ((message: WireMessage) => void) | null = null;

  constructor(
    private readonly scheduler: SeededScheduler,
    private readonly redialMs = 200,
  ) {}

  /**
   * Adds (or re-adds after a restart) a node and dials every other node. `key` names it on this
   * network (default its node id; a second node with the same id needs another key).
   */
  add(node: ReplicaNode, key = node.nodeId): void {
    this.nodes.set(key, node);
    this.redialAll();
    if (!this.redialTimer) {
      this.redialTimer = true;
      const loop = () => {
        this.redialAll();
        this.scheduler.after(this.redialMs, loop);
      };
      this.scheduler.after(this.redialMs, loop);
    }
  }

  /** The node disappears: links die; peers notice a reset a little later, or by silence. */
  crash(nodeId: string): void {
    this.nodes.delete(nodeId);
    for (const link of [...this.links]) {
      if (link.a !== nodeId && link.b !== nodeId) continue;
      const survivor = link.a === nodeId ? link.toB : link.toA;
      this.kill(link);
      if (survivor !== null && this.scheduler.chance(0.5)) this.scheduler.after(this.delay(), () => survivor.handle.closed());
    }
  }

  /** Splits nodes into groups that cannot reach each other (silently, like a network cut). */
  partition(groups: string[][]): void {
    this.groups = new Map();
    groups.forEach((group, i) => group.forEach((id) => this.groups?.set(id, i)));
  }

  heal(): void {
    this.groups = null;
  }

  reachable(a: string, b: string): boolean {
    return this.groups === null || this.groups.get(a) === this.groups.get(b);
  }

  private redialAll(): void {
    const ids = [...this.nodes.keys()].sort();
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        if (!this.reachable(ids[i], ids[j])) continue;
        if (![...this.links].some((l) => l.open && ((l.a === ids[i] && l.b === ids[j]) || (l.a === ids[j] && l.b === ids[i])))) {
          this.connect(ids[i], ids[j]);
        }
      }
    }
  }

  private connect(a: string, b: string): void {
    const nodeA = this.nodes.get(a);
    const nodeB = this.nodes.get(b);
    if (nodeA === undefined || nodeB === undefined) return;
    const link: Link = { a, b, open: true, toA: null, toB: null };
    this.links.add(link);
    const endFor = (from: string, to: () => Direction | null) => ({
      send: (message: WireMessage) => this.transmit(link, from, to(), message),
      close: () => this.closeFrom(link, from),
    });
    // A dials, B accepts: the dialer starts the handshake.
    const handleA = nodeA.openLink(endFor(a, () => link.toB), { dialedUrl: `memory://${b}`, lossy: true });
    link.toA = { handle: handleA, lastDeliveryAt: 0 };
    const handleB = nodeB.openLink(endFor(b, () => link.toA), { lossy: true });
    link.toB = { handle: handleB, lastDeliveryAt: 0 };
    // A's hello went out before B's end existed (to a null direction): deliver it now.
    this.flushPending(link);
  }

  private readonly pendingHello = new Map<Link, { from: string; message: WireMessage }[]>();

  private transmit(link: Link, from: string, direction: Direction | null, message: WireMessage): void {
    if (!link.open) return;
    if (direction === null) {
      const queue = this.pendingHello.get(link) ?? [];
      queue.push({ from, message });
      this.pendingHello.set(link, queue);
      return;
    }
    const to = from === link.a ? link.b : link.a;
    if (!this.reachable(from, to) || this.scheduler.chance(this.faults.drop)) {
      this.dropped++;
      return;
    }
    this.tap?.(message);
    const wire = JSON.stringify(message);
    const copies = this.scheduler.chance(this.faults.duplicate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      let at = this.scheduler.now + this.delay();
      if (!this.scheduler.chance(this.faults.reorder)) at = Math.max(at, direction.lastDeliveryAt);
      direction.lastDeliveryAt = Math.max(direction.lastDeliveryAt, at);
      this.scheduler.after(at - this.scheduler.now, () => {
        if (!link.open) return;
        this.delivered++;
        direction.handle.receive(JSON.parse(wire));
      });
    }
  }

  private flushPending(link: Link): void {
    const queue = this.pendingHello.get(link) ?? [];
    this.pendingHello.delete(link);
    for (const { from, message } of queue) this.transmit(link, from, from === link.a ? link.toB : link.toA, message);
  }

  private closeFrom(link: Link, from: string): void {
    if (!link.open) return;
    const other = from === link.a ? link.toB : link.toA;
    this.kill(link);
    if (other !== null) this.scheduler.after(this.delay(), () => other.handle.closed());
  }

  private kill(link: Link): void {
    link.open = false;
    this.links.delete(link);
    this.pendingHello.delete(link);
  }

  private delay(): number {
    return this.scheduler.int(this.faults.minDelayMs, this.faults.maxDelayMs);
  }
}
