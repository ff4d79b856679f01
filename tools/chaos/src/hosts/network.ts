/**
 * The test network: where each node and the clients live, and the levers the nemesis pulls.
 * Two implementations: network namespaces joined by a bridge (real hosts, real packets), and a
 * loopback fallback with one TCP proxy per directed link (for machines without root or `ip`).
 */
export interface Host {
  /** node1, node2, ... or client. */
  readonly name: string;
  /** Where the harness itself reaches it (captures, final state). */
  readonly url: string;
  /** Where the clients reach it (from the client host). */
  readonly clientUrl: string;
  /** The URL its peers are configured with (PEER_NODES), per peer for the loopback proxies. */
  peerUrlFor(from: string): string;
  /** Environment that makes the node listen where this network expects it. */
  readonly listenEnv: Record<string, string>;
  /** Command prefix that runs a process on this host. */
  readonly exec: readonly string[];
}

export interface Network {
  readonly mode: 'netns' | 'loopback';
  /** Why this mode (e.g. why namespaces were not available). */
  readonly note: string;
  readonly nodes: readonly Host[];
  readonly client: Host;
  /** Drops packets from `from` to `to` (one way); both calls make a full partition. Returns the mechanism. */
  block(from: string, to: string): string;
  unblock(from: string, to: string): void;
  /** Takes a host off the network altogether (clients cannot reach it either). */
  detach(host: string): string;
  attach(host: string): void;
  /** Degrades a host's link (delay, jitter, loss...); returns what was applied, or undefined when nothing can be. */
  degrade(host: string): string | undefined;
  /** Undoes degrade; may say what the impairment did meanwhile (packets dropped, ...). */
  restore(host: string): string | undefined;
  /** Bytes that went between nodes so far (both directions), from interface or proxy counters. */
  peerBytes(): number;
  close(): Promise<void>;
}
