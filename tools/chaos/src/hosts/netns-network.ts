import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { HarnessError, must, sh } from './shell.js';
import type { Host, Network } from './network.js';

/**
 * Each node (and the clients) is a network namespace with one veth to a bridge in the root
 * namespace, an address in a private test subnet, and /etc/netns/<ns>/hosts naming every host
 * (`ip netns exec` binds it over /etc/hosts), so peers are configured as node2:5000.
 * Every name carries the run's prefix; close() removes all of it, and so does a failed setup.
 */

const NETEM = ['delay', '60ms', '30ms', 'loss', '3%', 'duplicate', '2%', 'reorder', '10%', '50%'];
const TBF = ['rate', '512kbit', 'burst', '8kb', 'latency', '150ms'];

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
  const created = { bridge: false, namespaces: [] as string[] };
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
  let netemWorks: boolean | undefined;

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
      if (netemWorks === undefined) {
        netemWorks = sh('tc', ['qdisc', 'add', 'dev', hostVeth(name), 'root', 'netem', 'delay', '1ms']).ok;
        sh('tc', ['qdisc', 'del', 'dev', hostVeth(name), 'root']);
      }
      const [kind, params] = netemWorks ? ['netem', NETEM] : ['tbf', TBF];
      if (!sh('tc', ['qdisc', 'add', 'dev', hostVeth(name), 'root', kind, ...params]).ok) return undefined;
      sh('ip', ['netns', 'exec', ns(name), 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', kind, ...params]);
      const what = netemWorks
        ? `tc netem ${params.join(' ')} on both ends of ${name}'s veth`
        : `tc tbf ${params.join(' ')} on both ends of ${name}'s veth (this kernel has no sch_netem: queueing delay and tail drops only, no duplication or reordering)`;
      degraded.set(name, what);
      return what;
    },
    restore(name) {
      if (!degraded.delete(name)) return;
      sh('tc', ['qdisc', 'del', 'dev', hostVeth(name), 'root']);
      sh('ip', ['netns', 'exec', ns(name), 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
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
