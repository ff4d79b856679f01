/**
 * Version of the peer-to-peer wire protocol. Nodes refuse a handshake whose version differs:
 * mixing versions could apply operations under different merge rules and silently diverge.
 */
export const PROTOCOL_VERSION = 1;
