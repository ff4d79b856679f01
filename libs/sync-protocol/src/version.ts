/**
 * Versions of the peer-to-peer wire protocol this build speaks. Two nodes talk at the highest
 * version both speak and refuse each other when their ranges do not overlap, so a rolling
 * upgrade works as long as each release still speaks its predecessor's newest version.
 *
 * v1: the original handshake (HMAC over a nonce the caller chose). v2: the mutual
 * challenge–response of docs/SECURITY.md. v1 is not spoken any more: it is unsafe. v3: an
 * `ops` message may carry an `ack` of the receiver's own operations (a v2 node would drop the
 * field and never see the ack, so a node sends it only on sessions that negotiated v3).
 */
export const PROTOCOL_MIN_VERSION = 2;
export const PROTOCOL_VERSION = 3;
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
