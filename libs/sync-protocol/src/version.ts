/**
 * Versions of the peer-to-peer wire protocol this build speaks. Two nodes talk at the highest
 * version both speak and refuse each other when their ranges do not overlap, so a rolling
 * upgrade works as long as each release still speaks its predecessor's newest version.
 *
 * v1: the original handshake (HMAC over a nonce the caller chose). v2: the mutual
 * challenge–response of docs/SECURITY.md. v1 is not spoken any more: it is unsafe. v3: an
 * `ops` message may carry an `ack` of the receiver's own operations (a v2 node would drop the
 * field and never see the ack, so a node sends it only on sessions that negotiated v3).
 * v4: every message after the handshake is sealed (`SealedEnvelopeSchema`): numbered and
 * authenticated under a key of the session. Without it, anything a node dialed (a stale
 * PEER_NODES address) could relay a handshake between two members and then inject operations
 * into the link; v2 and v3 are not spoken any more for that reason, which also leaves an
 * attacker relaying a handshake no older version to downgrade the link to.
 */
export const PROTOCOL_MIN_VERSION = 4;
export const PROTOCOL_VERSION = 4;
/** The first version whose messages after the handshake are sealed. */
export const PROTOCOL_SEALED = 4;
/** The first version whose `ops` messages may carry an `ack`. */
export const PROTOCOL_ACKS_ON_OPS = 3;

/** An inclusive range of protocol versions. */
export interface ProtocolRange {
  min: number;
  max: number;
}

/** The version two ranges share (the highest), or null when they do not overlap. */
export function negotiateProtocol(a: ProtocolRange, b: ProtocolRange): number | null {
  const version = Math.min(a.max, b.max);
  return version >= Math.max(a.min, b.min) ? version : null;
}
