import { sh, type ShellResult } from './shell.js';

/**
 * What the nemesis' `netem` fault does to one node's link (both directions), in three tiers:
 *
 * 1. `netem`: the kernel has sch_netem — delay, jitter, loss, duplication and reordering, as
 *    Jepsen does it.
 * 2. `emulated`: no sch_netem, but htb, tbf, the u32 classifier, clsact and the mirred action
 *    (this machine's Firecracker kernel, checked 2026-12-01). Each impairment is then built from
 *    those, choosing packets by the low bits of their IPv4 identification field (it counts up per
 *    socket on Linux, so a pattern of n bits picks exactly one packet in 2^n of every flow):
 *    - delay and tail drops: every packet through a `tbf` (queueing delay up to its latency);
 *    - reordering: 1 packet in 8 through a second, slower `tbf`, so later packets overtake it;
 *    - loss: 1 packet in 32 redirected into a sink veth whose far end drops it (wrong MAC);
 *    - duplication: 1 packet in 64 mirrored, as it arrives, into a second interface of the
 *      receiving namespace that carries the same MAC, so the stack takes delivery twice.
 * 3. `tbf`: only the first of those (no u32/mirred/clsact): queueing delay and tail drops.
 *
 * TCP hides duplicates and reordering from the nodes (it de-duplicates and re-sequences); what
 * they see is its reaction (SACK recovery, retransmits, stalls). The message-level versions are
 * in the in-memory simulation.
 */

export const NETEM = ['delay', '60ms', '30ms', 'loss', '3%', 'duplicate', '2%', 'reorder', '10%', '50%'];
export const TBF = ['rate', '512kbit', 'burst', '8kb', 'latency', '150ms'];
/** The overtaken packets' queue: an eighth of the rate, so it backs up first. */
const SLOW_TBF = ['rate', '64kbit', 'burst', '1600', 'latency', '100ms'];

/** Low bits of the IP id (offset 4 of the IPv4 header) that pick a packet for each impairment; disjoint. */
export const PICK = {
  reorder: { value: 0x1, mask: 0x7 },
  loss: { value: 0x2, mask: 0x1f },
  duplicate: { value: 0x3, mask: 0x3f },
} as const;
const idMatch = (p: { value: number; mask: number }) => ['match', 'u16', `0x${p.value.toString(16)}`, `0x${p.mask.toString(16)}`, 'at', '4'];

export type Tier = 'netem' | 'emulated' | 'tbf';

/** One network interface: its name and the command prefix of the namespace it lives in ([] = the harness's own). */
export interface Dev {
  readonly name: string;
  readonly exec: readonly string[];
}
const run = (dev: Dev, cmd: string, args: readonly string[]): ShellResult =>
  dev.exec.length ? sh(dev.exec[0], [...dev.exec.slice(1), cmd, ...args]) : sh(cmd, args);
const tc = (dev: Dev, ...args: string[]) => run(dev, 'tc', args);
const ipLink = (dev: Dev, ...args: string[]) => run(dev, 'ip', ['link', ...args]);

/**
 * Impairs what leaves `dev` (egress): delay, tail drops, reordering and loss. `sink` is an
 * interface in the same namespace whose far end drops what arrives (see `makeSink`).
 */
export function impairEgress(tier: Tier, dev: Dev, sink?: Dev): boolean {
  if (tier === 'netem') return tc(dev, 'qdisc', 'add', 'dev', dev.name, 'root', 'netem', ...NETEM).ok;
  if (tier === 'tbf' || !sink) return tc(dev, 'qdisc', 'add', 'dev', dev.name, 'root', 'tbf', ...TBF).ok;
  const steps: string[][] = [
    ['qdisc', 'add', 'dev', dev.name, 'root', 'handle', '1:', 'htb', 'default', '10'],
    ['class', 'add', 'dev', dev.name, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit'],
    ['class', 'add', 'dev', dev.name, 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '10gbit'],
    ['qdisc', 'add', 'dev', dev.name, 'parent', '1:10', 'handle', '10:', 'tbf', ...TBF],
    ['qdisc', 'add', 'dev', dev.name, 'parent', '1:20', 'handle', '20:', 'tbf', ...SLOW_TBF],
    ['filter', 'add', 'dev', dev.name, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', ...idMatch(PICK.loss), 'action', 'mirred', 'egress', 'redirect', 'dev', sink.name],
    ['filter', 'add', 'dev', dev.name, 'parent', '1:', 'protocol', 'ip', 'prio', '2', 'u32', ...idMatch(PICK.reorder), 'flowid', '1:20'],
  ];
  for (const step of steps) if (!tc(dev, ...step).ok) return clearEgress(dev), false;
  return true;
}

/** Packets a tc object handled so far, from `tc -s ... show` (its first "Sent N bytes M pkt"); 0 when it is gone. */
function packets(dev: Dev, ...show: string[]): number {
  return Number(/Sent \d+ bytes (\d+) pkt/.exec(tc(dev, '-s', ...show).stdout)?.[1] ?? 0);
}

/** What the emulated impairment did to `dev`'s egress so far: packets held back (the slow queue) and dropped (the loss rule). */
export function egressCounts(dev: Dev): { heldBack: number; dropped: number } {
  return {
    heldBack: packets(dev, 'class', 'show', 'dev', dev.name, 'classid', '1:20'),
    dropped: packets(dev, 'filter', 'show', 'dev', dev.name, 'parent', '1:', 'prio', '1'),
  };
}

/** Packets the duplication rule `prio` of `dev` has copied so far. */
export function duplicatedCount(dev: Dev, prio: number): number {
  return packets(dev, 'filter', 'show', 'dev', dev.name, 'ingress', 'prio', String(prio));
}

export function clearEgress(dev: Dev): void {
  tc(dev, 'qdisc', 'del', 'dev', dev.name, 'root');
}

/**
 * A veth pair, both ends up, no address: what is sent into `<name>` arrives at its peer with a
 * MAC that is not the peer's and is dropped there. With `mac`, `<name>` carries that MAC
 * instead: what is injected into its receive path is then taken as the namespace's own (a
 * duplicate delivered beside the original).
 */
export function makeVethPair(exec: readonly string[], name: string, peer: string, mac?: string): boolean {
  const ns: Dev = { name, exec };
  const args = ['add', name, ...(mac ? ['address', mac] : []), 'type', 'veth', 'peer', 'name', peer];
  return ipLink(ns, ...args).ok && ipLink(ns, 'set', name, 'up').ok && ipLink(ns, 'set', peer, 'up').ok;
}

/**
 * Makes TCP on `dev` send one segment per packet. Otherwise it hands the device super-packets
 * of up to 64 KB (TSO/GSO) that carry a single IP id for many segments, the rules above see only
 * that first id, and a pattern of n bits picks far fewer than one packet in 2^n. Takes effect
 * for connections opened after it (a socket reads the limit when it connects).
 */
export function segmentEachPacket(dev: Dev): boolean {
  return ipLink(dev, 'set', dev.name, 'gso_max_segs', '1').ok;
}

export function macOf(dev: Dev): string | undefined {
  return /link\/ether ([0-9a-f:]{17})/.exec(ipLink(dev, 'show', dev.name).stdout)?.[1];
}

/**
 * Duplicates packets arriving at `dev` (optionally only those from `source`): they are mirrored
 * into `twin` (same namespace, same MAC) and so delivered twice. `prio` tells rules apart so
 * each can be removed alone. Needs a clsact qdisc on `dev` (added if missing).
 */
export function duplicateIngress(dev: Dev, twin: string, prio: number, source?: string): boolean {
  tc(dev, 'qdisc', 'add', 'dev', dev.name, 'clsact');
  const from = source ? ['match', 'ip', 'src', `${source}/32`] : [];
  return tc(dev, 'filter', 'add', 'dev', dev.name, 'ingress', 'protocol', 'ip', 'prio', String(prio), 'u32', ...from, ...idMatch(PICK.duplicate), 'action', 'mirred', 'ingress', 'mirror', 'dev', twin).ok;
}

export function stopDuplicating(dev: Dev, prio: number): void {
  tc(dev, 'filter', 'del', 'dev', dev.name, 'ingress', 'prio', String(prio));
}

/** Which tier this kernel supports, tried on a scratch veth pair in the given namespace and removed again. */
export function probeTier(exec: readonly string[], scratch: string): Tier {
  const dev: Dev = { name: scratch, exec };
  if (!makeVethPair(exec, scratch, `${scratch}p`)) return 'tbf';
  try {
    if (tc(dev, 'qdisc', 'add', 'dev', scratch, 'root', 'netem', 'delay', '1ms').ok) return 'netem';
    const sink: Dev = { name: `${scratch}p`, exec };
    if (!impairEgress('emulated', dev, sink)) return 'tbf';
    return duplicateIngress(dev, sink.name, 1) ? 'emulated' : 'tbf';
  } finally {
    ipLink(dev, 'del', scratch);
  }
}
