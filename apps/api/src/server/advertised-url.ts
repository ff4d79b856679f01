import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '::0']);

const urlHost = (address: string) => (isIP(address) === 6 ? `[${address}]` : address);

/**
 * The local address the kernel would send from to reach `peer`: connecting a UDP socket picks a
 * route and a source address without sending a packet.
 */
export const localAddressToward = (peer: string): Promise<string | undefined> =>
  new Promise((resolve) => {
    const family = isIP(peer);
    if (family === 0) return resolve(undefined);
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    const done = (address: string | undefined) => {
      socket.close();
      resolve(address);
    };
    socket.once('error', () => done(undefined));
    socket.connect(9, peer, () => done(socket.address().address));
  });

/** The first non-internal IPv4 address of this machine, if any. */
const firstExternalAddress = (): string | undefined => {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal && i.family === 'IPv4') return i.address;
  }
  return undefined;
};

export interface AdvertiseInput {
  readonly host: string;
  readonly port: number;
  readonly selfUrl?: string;
  /** Peer URLs after name resolution. */
  readonly peerUrls: readonly string[];
  /** `https` when the node serves TLS (default `http`). */
  readonly scheme?: 'http' | 'https';
}

/**
 * The URL this node tells peers and dashboards to reach it at. SELF_URL wins; a specific HOST is
 * used as it is; on a wildcard address (0.0.0.0, ::) it is the address this node would use to
 * reach its first peer (the network the cluster shares), else its first external address, else
 * loopback. The choice is logged at start-up, and SELF_URL overrides it behind NAT or a proxy.
 */
export const advertisedUrl = async (input: AdvertiseInput): Promise<string> => {
  if (input.selfUrl !== undefined) return input.selfUrl.replace(/\/+$/, '');
  const http = (address: string) => `${input.scheme ?? 'http'}://${urlHost(address)}:${input.port}`;
  if (!WILDCARDS.has(input.host)) return http(input.host);
  for (const url of input.peerUrls) {
    const peer = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const local = await localAddressToward(peer);
    if (local !== undefined && !WILDCARDS.has(local)) return http(local);
  }
  return http(firstExternalAddress() ?? '127.0.0.1');
};
