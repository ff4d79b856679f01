import type { SeedPeer } from '@meshcache/sync-node';
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
  /** The same, each `https` address with the name its certificate is checked against. */
  readonly seeds: SeedPeer[];
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
 * out to be this node is dropped by the transport's self-detection. An `https` name is expanded
 * the same way, each address dialed with the name, which the peer's certificate is checked
 * against. A name that does not resolve is dialed by name (socket.io-client looks it up at each
 * attempt) and reported.
 */
export const resolvePeerUrls = async (urls: readonly string[], lookup: AddressLookup = systemLookup): Promise<PeerResolution> => {
  const out = new Map<string, SeedPeer>();
  const unresolved: PeerResolution['unresolved'] = [];
  for (const raw of urls) {
    const url = new URL(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const asGiven = raw.replace(/\/+$/, '');
    if (isIP(host) !== 0) {
      out.set(asGiven, asGiven);
      continue;
    }
    try {
      const addresses = await lookup(host);
      if (addresses.length === 0) throw new RangeError('no address');
      for (const a of addresses) {
        const address = withHost(url, a.address);
        out.set(address, url.protocol === 'https:' ? { url: address, serverName: host } : address);
      }
    } catch (error) {
      unresolved.push({ url: raw, message: (error as Error).message });
      out.set(asGiven, asGiven);
    }
  }
  return { urls: [...out.keys()], seeds: [...out.values()], unresolved };
};

/**
 * Looks the PEER_NODES names up again every `intervalMs`, so a peer that came back at another
 * address (a rescheduled pod) or a name that gained addresses (a scaled-up headless service) is
 * dialed without a restart. `onChange` hears every new resolution that differs from the last.
 */
export const watchPeerNames = (
  urls: readonly string[],
  first: PeerResolution,
  intervalMs: number,
  onChange: (resolution: PeerResolution) => void,
  lookup: AddressLookup = systemLookup,
): { stop(): void } => {
  const named = urls.some((raw) => isIP(new URL(raw).hostname.replace(/^\[|\]$/g, '')) === 0);
  if (!named || intervalMs === 0) return { stop: () => undefined };
  let last = first.urls.join(' ');
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    resolvePeerUrls(urls, lookup)
      .then((resolution) => {
        if (resolution.urls.join(' ') === last) return;
        last = resolution.urls.join(' ');
        onChange(resolution);
      })
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};
