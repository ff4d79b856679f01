import type { PeerMessage, SealedEnvelope } from '@meshcache/sync-protocol';

/** The message a test watching a link's traffic cares about: the one inside a sealed envelope (protocol v4), or the handshake message itself. */
export const unsealed = (message: PeerMessage | SealedEnvelope): PeerMessage => (message.type === 'sealed' ? (JSON.parse(message.m) as PeerMessage) : message);
