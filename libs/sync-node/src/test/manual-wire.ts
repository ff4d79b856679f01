import type { PeerMessage } from '@meshcache/sync-protocol';
import type { LinkHandle } from '../link.js';
import type { ReplicaNode } from '../replica-node.js';
import { unsealed } from './unsealed.js';

/** A scripted end of a link: what a test (or an attacker) received, and a way to speak. */
export interface ScriptedEnd {
  /** What the node sent, opened (the message inside a sealed envelope). */
  readonly received: PeerMessage[];
  /** What the node sent, as it travelled (sealed envelopes from protocol v4 on). */
  readonly raw: unknown[];
  closed: boolean;
  send(message: unknown): void;
}

/**
 * Hand-driven, in-order links for handshake tests: messages are JSON round-tripped (as on a
 * wire) and delivered only by `drain()`, so a test sees every step.
 */
export class ManualWire {
  private readonly queue: (() => void)[] = [];

  /** `dialer` dials `acceptor`; both are nodes. */
  connect(dialer: ReplicaNode, acceptor: ReplicaNode, dialedUrl = `memory://${acceptor.nodeId}`): void {
    const ends: { toDialer?: LinkHandle; toAcceptor?: LinkHandle } = {};
    ends.toDialer = dialer.openLink(
      { send: (m) => this.deliver(() => ends.toAcceptor, m), close: () => this.deliverClose(() => ends.toAcceptor) },
      { dialedUrl },
    );
    ends.toAcceptor = acceptor.openLink({ send: (m) => this.deliver(() => ends.toDialer, m), close: () => this.deliverClose(() => ends.toDialer) });
  }

  /** A scripted peer linked to `node`: `node` dials it (`node-dials`) or it dials `node`. */
  script(node: ReplicaNode, direction: 'node-dials' | 'script-dials', dialedUrl = 'memory://script'): ScriptedEnd {
    const end: ScriptedEnd = { received: [], raw: [], closed: false, send: (m) => this.deliverRaw(() => handle, m) };
    const handle: LinkHandle = node.openLink(
      {
        // What the node said, opened: a scripted peer reads the message inside a sealed envelope.
        send: (m) =>
          this.queue.push(() => {
            const wire = JSON.parse(JSON.stringify(m)) as Parameters<typeof unsealed>[0];
            end.raw.push(wire);
            end.received.push(unsealed(wire));
          }),
        close: () => this.queue.push(() => (end.closed = true)),
      },
      direction === 'node-dials' ? { dialedUrl } : {},
    );
    return end;
  }

  /** Delivers everything in flight, including what the deliveries cause. */
  drain(): void {
    for (let guard = 0; guard < 100_000 && this.queue.length > 0; guard++) (this.queue.shift() as () => void)();
  }

  private deliver(to: () => LinkHandle | undefined, message: unknown): void {
    this.deliverRaw(to, message);
  }

  private deliverRaw(to: () => LinkHandle | undefined, message: unknown): void {
    const wire = JSON.stringify(message);
    this.queue.push(() => to()?.receive(JSON.parse(wire)));
  }

  private deliverClose(to: () => LinkHandle | undefined): void {
    this.queue.push(() => to()?.closed());
  }
}
