import { nodeIdOfOrigin, PROTOCOL_VERSION, type PeerMessage, type SealedEnvelope } from '@meshcache/sync-protocol';
import type { LinkHandle } from '../link.js';
import type { ReplicaNode } from '../replica-node.js';
import type { SeededScheduler } from './seeded-scheduler.js';

/** Values the adversary writes: a node holding one applied an operation of a non-member. */
export const FORGED = 'forged-by-mallory';
const MAX_CAPTURED = 400;
const MAX_SESSIONS = 6;

interface AdversarySession {
  target: ReplicaNode;
  handle: LinkHandle;
  open: boolean;
  received: PeerMessage[];
  /** Who the adversary claims to be on this link, and how far it got in the handshake. */
  claim: { nodeId: string; origin: string };
  step: 'hello' | 'prove' | 'intro' | 'stream';
  seq: number;
}

const hex = (sched: SeededScheduler, length: number) => Array.from({ length }, () => '0123456789abcdef'[sched.int(0, 15)]).join('');

/**
 * A non-member of the cluster (it does not know the secret) that can reach every node: it sees
 * every message on the network (`capture`), opens links to any node, and on them replays
 * captured messages, relays what one node told it into its link with another, and sends
 * schema-valid garbage (forged operations under its own and members' origins, snapshots,
 * heartbeats, gossip, guessed proofs). It is never dialed by a member: a node dials only
 * addresses it was given or learned from a proven peer; an attacker on that path is what TLS
 * is for (docs/SECURITY.md).
 */
export class Adversary {
  /** As they travel: sealed envelopes from v4 on, which it can replay but not open or forge. */
  private readonly captured: (PeerMessage | SealedEnvelope)[] = [];
  private readonly sessions: AdversarySession[] = [];
  actions = 0;

  constructor(
    private readonly sched: SeededScheduler,
    private readonly live: () => ReplicaNode[],
  ) {}

  /** The network tap: every message between members, as sent. */
  capture(message: PeerMessage | SealedEnvelope): void {
    if (this.captured.length < MAX_CAPTURED) this.captured.push(message);
    else this.captured[this.sched.int(0, MAX_CAPTURED - 1)] = message;
  }

  /** One attack step. */
  act(): void {
    this.actions++;
    const open = this.sessions.filter((s) => s.open);
    const roll = this.sched.random();
    if (open.length === 0 || roll < 0.25) return this.dial();
    const session = this.sched.pick(open);
    if (roll < 0.6) return this.followUp(session);
    if (roll < 0.75 && this.captured.length > 0) return this.send(session, this.sched.pick(this.captured));
    if (roll < 0.85) {
      const heard = this.sessions.flatMap((s) => (s === session ? [] : s.received));
      if (heard.length > 0) return this.send(session, this.sched.pick(heard));
    }
    this.send(session, this.garbage());
  }

  /** Opens a link to a live node, greeting it with a fresh or a captured nonce. */
  private dial(): void {
    const nodes = this.live();
    if (nodes.length === 0) return;
    const target = this.sched.pick(nodes);
    for (const old of this.sessions.filter((s) => s.open).slice(0, -MAX_SESSIONS + 1)) this.hangUp(old);
    const members = nodes.map((n) => n.origin);
    // Claim to be a non-member, a member (its current origin) or a member under a new incarnation.
    const origin = this.sched.pick(['mallory#1', this.sched.pick(members), `${nodeIdOfOrigin(this.sched.pick(members))}#evil`]);
    const claim = { nodeId: nodeIdOfOrigin(origin), origin };
    const session: AdversarySession = { target, handle: null as unknown as LinkHandle, open: true, received: [], claim, step: 'hello', seq: 1 };
    session.handle = target.openLink({
      send: (message) => this.sched.after(this.delay(), () => session.received.push(JSON.parse(JSON.stringify(message)) as PeerMessage)),
      close: () => (session.open = false),
    });
    this.sessions.push(session);
    if (this.sessions.length > 4 * MAX_SESSIONS) this.sessions.splice(0, this.sessions.length - 4 * MAX_SESSIONS);
    const hellos = this.captured.filter((m) => m.type === 'hello');
    this.send(session, hellos.length > 0 && this.sched.chance(0.5) ? this.sched.pick(hellos) : { type: 'hello', protocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, nonce: hex(this.sched, 32) });
  }

  /**
   * The next step of the handshake as if the guessed proof had worked, then forged operations
   * under the claimed origin: were proofs not checked, these would be applied.
   */
  private followUp(session: AdversarySession): void {
    const { claim } = session;
    if (session.step === 'hello') {
      if (!session.received.some((m) => m.type === 'challenge')) return;
      session.step = 'prove';
      return this.send(session, { type: 'prove', nodeId: claim.nodeId, origin: claim.origin, proof: hex(this.sched, 64) });
    }
    if (session.step === 'prove') {
      session.step = 'intro';
      return this.send(session, { type: 'intro', url: null, vv: [[claim.origin, session.seq + 100]], wantsSnapshot: false });
    }
    session.step = 'stream';
    const seq = session.seq++;
    const hlc = { wall: 1_750_000_000_000 + this.sched.int(0, 20_000), logical: 0, node: claim.origin };
    this.send(session, { type: 'ops', ops: [{ origin: claim.origin, seq, hlc, op: { type: 'set', key: this.sched.pick(['a', 'b', 'mallory']), value: `${FORGED}-${seq}` } }] });
  }

  private hangUp(session: AdversarySession): void {
    session.open = false;
    session.handle.closed();
  }

  private send(session: AdversarySession, message: unknown): void {
    const wire = JSON.stringify(message);
    this.sched.after(this.delay(), () => {
      if (session.open) session.handle.receive(JSON.parse(wire));
    });
  }

  /** A message that passes the schema but carries what no member wrote. */
  private garbage(): PeerMessage {
    const members = this.live().map((n) => n.origin);
    const origin = this.sched.chance(0.5) || members.length === 0 ? 'mallory#1' : this.sched.pick(members);
    const seq = this.sched.int(1, 200);
    const hlc = { wall: 1_750_000_000_000 + this.sched.int(0, 20_000), logical: 0, node: origin };
    const value = `${FORGED}-${seq}`;
    switch (this.sched.int(0, 6)) {
      case 0:
        return { type: 'ops', ops: [{ origin, seq, hlc, op: { type: 'set', key: this.sched.pick(['a', 'b', 'mallory']), value } }] };
      case 1:
        return { type: 'ops', ops: [{ origin, seq, hlc, op: { type: 'clear' } }] };
      case 2:
        return { type: 'sync-start', mode: 'full', origin, fromSeq: 1, snapshotId: 'evil' };
      case 3:
        return { type: 'snapshot-chunk', snapshotId: 'evil', index: 0, last: true, origins: [origin], entries: [['a', value, 0, hlc.wall, 0, seq, 0]], tombstones: [], watermark: null, strategy: null, vv: [[origin, seq]] };
      case 4:
        return { type: 'prove', nodeId: origin.split('#')[0], origin, proof: hex(this.sched, 64) };
      case 5:
        return { type: 'welcome', nodeId: origin.split('#')[0], origin, proof: hex(this.sched, 64), url: null, vv: [[origin, seq]], wantsSnapshot: true };
      default:
        return { type: 'peers', peers: [{ nodeId: 'mallory', url: 'http://mallory.example:5000' }] };
    }
  }

  private delay(): number {
    return this.sched.int(1, 20);
  }
}
