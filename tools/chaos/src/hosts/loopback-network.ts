import { LinkProxy } from './link-proxy.js';
import type { Host, Network } from './network.js';
import { freePort } from '@meshcache/test-support';

/**
 * Fallback without namespaces: every node on 127.0.0.1, and each node dials each peer through
 * its own LinkProxy, so partitions, one-way loss and delay still apply to the links between
 * nodes. Clients reach the nodes directly (a detached node stays reachable to them: said in the
 * report), and the clients run as a plain process.
 */
export async function createLoopbackNetwork(nodeCount: number, why: string, random: () => number): Promise<Network> {
  const names = Array.from({ length: nodeCount }, (_, i) => `node${i + 1}`);
  const ports = new Map<string, number>();
  for (const name of names) ports.set(name, await freePort());
  const links = new Map<string, LinkProxy>();
  for (const from of names)
    for (const to of names)
      if (from !== to) {
        const proxy = new LinkProxy(ports.get(to) ?? 0, random);
        await proxy.listen();
        links.set(`${from}>${to}`, proxy);
      }
  const link = (from: string, to: string) => links.get(`${from}>${to}`);
  const peersOf = (name: string) => names.filter((n) => n !== name);
  const linksOf = (name: string) => peersOf(name).flatMap((peer) => [link(name, peer), link(peer, name)].filter((l): l is LinkProxy => l !== undefined));
  const host = (name: string): Host => ({
    name,
    url: `http://127.0.0.1:${ports.get(name)}`,
    clientUrl: `http://127.0.0.1:${ports.get(name)}`,
    peerUrlFor: (from) => `http://127.0.0.1:${link(from, name)?.port}`,
    listenEnv: { HOST: '127.0.0.1', PORT: String(ports.get(name)), SELF_URL: `http://127.0.0.1:${ports.get(name)}` },
    exec: [],
  });
  const setDrop = (from: string, to: string, on: boolean) => {
    const ab = link(from, to);
    const ba = link(to, from);
    if (ab) ab.dropForward = on;
    if (ba) ba.dropBackward = on;
    if (!on) for (const l of [ab, ba]) l?.reset();
  };
  return {
    mode: 'loopback',
    note: `loopback fallback (${why}): nodes on 127.0.0.1, one TCP proxy per directed link`,
    nodes: names.map(host),
    client: { name: 'client', url: '', clientUrl: '', peerUrlFor: () => '', listenEnv: {}, exec: [] },
    block(from, to) {
      setDrop(from, to, true);
      return `link proxy ${from}->${to} drops ${from}'s bytes`;
    },
    unblock(from, to) {
      setDrop(from, to, false);
    },
    detach(name) {
      for (const peer of peersOf(name)) for (const [x, y] of [[name, peer], [peer, name]]) setDrop(x, y, true);
      return `link proxies of ${name} drop everything (clients still reach it on loopback)`;
    },
    attach(name) {
      for (const peer of peersOf(name)) for (const [x, y] of [[name, peer], [peer, name]]) setDrop(x, y, false);
    },
    degrade(name) {
      for (const l of linksOf(name)) l.setDelay(60, 60);
      return `link proxies of ${name} delay each chunk 60 ms + up to 60 ms jitter (order kept; no loss or duplication on a TCP stream)`;
    },
    restore(name) {
      for (const l of linksOf(name)) l.setDelay(0, 0);
      return undefined;
    },
    peerBytes: () => [...links.values()].reduce((sum, l) => sum + l.bytes, 0),
    async close() {
      await Promise.all([...links.values()].map((l) => l.close()));
    },
  };
}
