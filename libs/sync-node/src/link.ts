import type { PeerMessage, SealedEnvelope } from '@meshcache/sync-protocol';

/** One end of a bidirectional, ordered message channel to one peer, as a transport provides it. */
export interface LinkEnd {
  /** A handshake message, or (from protocol v4, after it) a sealed envelope around a message. */
  send(message: PeerMessage | SealedEnvelope): void;
  /** Closes the channel; the transport then calls `closed()` on the handle. */
  close(): void;
  /**
   * The peer proved the cluster secret: the transport may now trust it with more (larger
   * frames). Until then it treats the channel as a stranger's.
   */
  authenticated?(): void;
}

/** What the node gives back to the transport for a new channel. */
export interface LinkHandle {
  /** A message from the peer, not validated yet: the node validates it against the protocol. */
  receive(raw: unknown): void;
  /** The channel is gone (either side closed it, or the connection dropped). */
  closed(): void;
}

export interface LinkInfo {
  /** The URL this node dialed, for outgoing channels. */
  dialedUrl?: string;
  /**
   * The channel may lose, duplicate or reorder messages while it stays open (the in-memory
   * network with faults). On an ordered channel (socket.io) a message is either delivered in
   * order or the channel closes, so an unacknowledged snapshot is waited for, not resent.
   */
  lossy?: boolean;
}
