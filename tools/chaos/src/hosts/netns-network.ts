import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { HarnessError, must, sh } from './shell.js';
import type { Host, Network } from './network.js';
import { NETEM, TBF, clearEgress, duplicateIngress, duplicatedCount, egressCounts, impairEgress, macOf, makeVethPair, probeTier, segmentEachPacket, stopDuplicating, type Dev, type Tier } from './link-impairment.js';

/**
 * Each node (and the clients) is a network namespace with one veth to a bridge in the root
 * namespace, an address in a private test subnet, and /etc/netns/<ns>/hosts naming every host
 * (`ip netns exec` binds it over /etc/hosts), so peers are configured as node2:5000.
 * Every name carries the run's prefix; close() removes all of it, and so does a failed setup.
 */

export const canUseNetns = (): { ok: boolean; why: string } => {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root (network namespaces need root)' };
  if (!sh('ip', ['-V']).ok) return { ok: false, why: '`ip` (iproute2) is missing' };
  return { ok: true, why: 'root with iproute2' };
};

/** A /24 in 10.0.0.0/8 that no route of this machine already covers. */
function freeSubnet(random: () => number): string {
  const routes = sh('ip', ['-4', 'route', 'show']).stdout;
  for (let i = 0; i < 200; i++) {
    const subnet = `10.${200 + Math.floor(random() * 50)}.${Math.floor(random() * 250)}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
  throw new HarnessError('SETUP_FAILED', 'no free 10.x.y.0/24 test subnet');
}

export function createNetnsNetwork(prefix: string, nodeCount: number, port: number, random: () => number): Network {
  const subnet = freeSubnet(random);
  const bridge = `${prefix}br`;
  const names = [...Array.from({ length: nodeCount }, (_, i) => `node${i + 1}`), 'client'];
  const ns = (name: string) => `${prefix}-${name}`;
  const ip = (name: string) => `${subnet}.${names.indexOf(name) + 1}`;
  const hostVeth = (name: string) => `${prefix}h${names.indexOf(name) + 1}`;
  const eth0 = (name: string): Dev => ({ name: 'eth0', exec: ['ip', 'netns', 'exec', ns(name)] });
  const created = { bridge: false, namespaces: [] as string[], links: [] as string[] };
  const blocked = new Set<string>();
  const degraded = new Map<string, string>();

  /** Removes everything; what could not be removed is named in the error it throws at the end. */
  const teardown = () => {
    const failed: string[] = [];
    const run = (args: string[]) => {
      const r = sh('ip', args);
      if (!r.ok) failed.push(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
    };
    for (const name of created.namespaces.splice(0)) {
      run(['netns', 'del', ns(name)]);
      rmSync(`/etc/netns/${ns(name)}`, { recursive: true, force: true });
    }
    for (const link of created.links.splice(0)) run(['link', 'del', link]);
    if (created.bridge) run(['link', 'del', bridge]);
    created.bridge = false;
    if (failed.length) throw new HarnessError('SETUP_FAILED', `left behind: ${failed.join('; ')}`);
  };

  try {
    must('ip', ['link', 'add', bridge, 'type', 'bridge']);
    created.bridge = true;
    must('ip', ['addr', 'add', `${subnet}.254/24`, 'dev', bridge]);
    must('ip', ['link', 'set', bridge, 'up']);
    const hostsFile = ['127.0.0.1 localhost', ...names.map((n) => `${ip(n)} ${n}`), `${subnet}.254 harness`, ''].join('\n');
    for (const name of names) {
      must('ip', ['netns', 'add', ns(name)]);
      created.namespaces.push(name);
      const peer = `${prefix}p${names.indexOf(name) + 1}`;
      must('ip', ['link', 'add', hostVeth(name), 'type', 'veth', 'peer', 'name', peer]);
      must('ip', ['link', 'set', peer, 'netns', ns(name)]);
      must('ip', ['-n', ns(name), 'link', 'set', peer, 'name', 'eth0']);
      must('ip', ['-n', ns(name), 'addr', 'add', `${ip(name)}/24`, 'dev', 'eth0']);
      must('ip', ['-n', ns(name), 'link', 'set', 'eth0', 'up']);
      if (!segmentEachPacket(eth0(name))) throw new HarnessError('SETUP_FAILED', `could not set gso_max_segs on ${ns(name)}'s eth0`);
      must('ip', ['-n', ns(name), 'link', 'set', 'lo', 'up']);
      must('ip', ['link', 'set', hostVeth(name), 'master', bridge]);
      must('ip', ['link', 'set', hostVeth(name), 'up']);
      mkdirSync(`/etc/netns/${ns(name)}`, { recursive: true });
      writeFileSync(`/etc/netns/${ns(name)}/hosts`, hostsFile);
    }
  } catch (e) {
    try {
      teardown();
    } catch {
      // The setup error is the one to report.
    }
    throw e;
  }

  const host = (name: string): Host => ({
    name,
    url: `http://${ip(name)}:${port}`,
    clientUrl: `http://${name}:${port}`,
    peerUrlFor: () => `http://${name}:${port}`,
    listenEnv: { HOST: '0.0.0.0', PORT: String(port), SELF_URL: `http://${name}:${port}` },
    exec: ['ip', 'netns', 'exec', ns(name)],
  });
  const counter = (dev: string, dir: 'rx' | 'tx') => {
    try {
      return Number(readFileSync(`/sys/class/net/${dev}/statistics/${dir}_bytes`, 'utf8'));
    } catch {
      return 0;
    }
  };
  const bytesOf = (name: string) => counter(hostVeth(name), 'rx') + counter(hostVeth(name), 'tx');
  let tier: Tier | undefined;
  const withTwin = new Set<string>();
  /** A second interface in the namespace with eth0's MAC: what is mirrored into it is delivered again. */
  const twinOf = (name: string): string | undefined => {
    if (withTwin.has(name)) return 'twin0';
    const mac = macOf(eth0(name));
    if (!mac || !makeVethPair(eth0(name).exec, 'twin0', 'twin1', mac)) return undefined;
    withTwin.add(name);
    return 'twin0';
  };
  /** The host side's sink: a veth pair in this namespace, named for the run so teardown removes it. */
  const hostSink = (name: string): Dev | undefined => {
    const sink = `${prefix}s${names.indexOf(name) + 1}`;
    if (!created.links.includes(sink)) {
      if (!makeVethPair([], sink, `${prefix}t${names.indexOf(name) + 1}`)) return undefined;
      created.links.push(sink);
    }
    return { name: sink, exec: [] };
  };
  const nsSink = (name: string): Dev | undefined =>
    sh('ip', ['-n', ns(name), 'link', 'show', 'sink0']).ok || makeVethPair(eth0(name).exec, 'sink0', 'sink1') ? { name: 'sink0', exec: eth0(name).exec } : undefined;
  /** Packets arriving at `name` are duplicated by rule DUP_ALL; those from node i elsewhere by rule i. */
  const DUP_ALL = 100;
  const dupFrom = (name: string) => names.indexOf(name) + 1;

  const degradeEmulated = (name: string): boolean => {
    const host: Dev = { name: hostVeth(name), exec: [] };
    if (!impairEgress('emulated', host, hostSink(name))) return false;
    impairEgress('emulated', eth0(name), nsSink(name));
    const twin = twinOf(name);
    if (twin) duplicateIngress(eth0(name), twin, DUP_ALL);
    for (const other of names.filter((n) => n !== name)) {
      const otherTwin = twinOf(other);
      if (otherTwin) duplicateIngress(eth0(other), otherTwin, dupFrom(name), ip(name));
    }
    return true;
  };

  return {
    mode: 'netns',
    note: `network namespaces ${prefix}-*, bridge ${bridge}, subnet ${subnet}.0/24 (clients at ${ip('client')}, harness at ${subnet}.254)`,
    nodes: names.filter((n) => n !== 'client').map(host),
    client: host('client'),
    block(from, to) {
      const args = ['-n', ns(from), 'route', 'add', 'blackhole', `${ip(to)}/32`];
      if (!blocked.has(`${from}>${to}`)) must('ip', args);
      blocked.add(`${from}>${to}`);
      return `ip ${args.join(' ')}`;
    },
    unblock(from, to) {
      if (blocked.delete(`${from}>${to}`)) sh('ip', ['-n', ns(from), 'route', 'del', 'blackhole', `${ip(to)}/32`]);
    },
    detach(name) {
      must('ip', ['link', 'set', hostVeth(name), 'down']);
      return `ip link set ${hostVeth(name)} down`;
    },
    attach(name) {
      sh('ip', ['link', 'set', hostVeth(name), 'up']);
    },
    degrade(name) {
      tier ??= probeTier([], `${prefix}q`);
      const host: Dev = { name: hostVeth(name), exec: [] };
      let what: string;
      if (tier === 'emulated' && degradeEmulated(name)) {
        what = `no sch_netem in this kernel, emulated with htb/tbf/u32/mirred on both ends of ${name}'s veth: tbf ${TBF.join(' ')} for every packet; 1 packet in 8 (by IP id) through a slower tbf so later ones overtake it; 1 in 32 dropped; 1 in 64 delivered twice`;
      } else {
        const kind = tier === 'netem' ? 'netem' : 'tbf';
        if (!impairEgress(kind, host)) return undefined;
        impairEgress(kind, eth0(name));
        what =
          kind === 'netem'
            ? `tc netem ${NETEM.join(' ')} on both ends of ${name}'s veth`
            : `tc tbf ${TBF.join(' ')} on both ends of ${name}'s veth (this kernel has no sch_netem and no htb/u32/mirred to emulate it: queueing delay and tail drops only, no duplication or reordering)`;
      }
      degraded.set(name, what);
      return what;
    },
    restore(name) {
      const what = degraded.get(name);
      if (!degraded.delete(name)) return undefined;
      const host: Dev = { name: hostVeth(name), exec: [] };
      let seen: string | undefined;
      if (what?.startsWith('no sch_netem in this kernel, emulated')) {
        const [toNode, fromNode] = [egressCounts(host), egressCounts(eth0(name))];
        const duplicated = duplicatedCount(eth0(name), DUP_ALL) + names.filter((n) => n !== name).reduce((sum, n) => sum + duplicatedCount(eth0(n), dupFrom(name)), 0);
        seen = `packets held back ${toNode.heldBack + fromNode.heldBack}, dropped ${toNode.dropped + fromNode.dropped}, delivered twice ${duplicated}`;
      }
      clearEgress(host);
      clearEgress(eth0(name));
      stopDuplicating(eth0(name), DUP_ALL);
      for (const other of names.filter((n) => n !== name)) stopDuplicating(eth0(other), dupFrom(name));
      return seen;
    },
    peerBytes() {
      // Each byte between two nodes crosses two node veths; client traffic crosses one node veth and the client's.
      const nodeBytes = names.filter((n) => n !== 'client').reduce((sum, n) => sum + bytesOf(n), 0);
      return Math.max(0, Math.round((nodeBytes - bytesOf('client')) / 2));
    },
    async close() {
      teardown();
    },
  };
}
