import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Every address a name resolves to (`dns.lookup` with `all`: /etc/hosts, then DNS). */
export type AddressLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: AddressLookup = (hostname) => dnsLookup(hostname, { all: true });

export interface PeerResolution {
  /** One URL per address, in PEER_NODES order, without duplicates. */
  readonly urls: string[];
  /** Names that did not resolve, with the resolver's message; they are dialed by name. */
  readonly unresolved: { url: string; message: string }[];
}

const withHost = (url: URL, address: string): string => {
  const copy = new URL(url.href);
  copy.hostname = isIP(address) === 6 ? `[${address}]` : address;
  return copy.href.replace(/\/+$/, '');
};

/**
 * A PEER_NODES name that resolves to several addresses (a headless service, round-robin DNS)
 * stands for all of those nodes: each address is dialed as its own peer. An address that turns
 * out to be this node is dropped by the transport's self-detection. `https` URLs keep their name,
 * which the peer's certificate is checked against.
 */
export const resolvePeerUrls = async (urls: readonly string[], lookup: AddressLookup = systemLookup): Promise<PeerResolution> => {
  const out = new Set<string>();
  const unresolved: PeerResolution['unresolved'] = [];
  for (const raw of urls) {
    const url = new URL(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'http:' || isIP(host) !== 0) {
      out.add(raw.replace(/\/+$/, ''));
      continue;
    }
    try {
      const addresses = await lookup(host);
      if (addresses.length === 0) throw new RangeError('no address');
      for (const a of addresses) out.add(withHost(url, a.address));
    } catch (error) {
      unresolved.push({ url: raw, message: (error as Error).message });
      out.add(raw.replace(/\/+$/, ''));
    }
  }
  return { urls: [...out], unresolved };
};
