import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh 128-bit challenge, hex. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** Everything one handshake's proofs cover; both nonces make it unique to one session. */
export interface HandshakeTranscript {
  version: number;
  clientNonce: string;
  serverNonce: string;
  client: { nodeId: string; origin: string };
}

/**
 * HMAC-SHA256 under the cluster secret over a labelled, unambiguous (JSON array) transcript.
 * The dialer's proof covers the version, the direction `client`, both nonces and its own id and
 * origin; the acceptor's adds the direction `server` and its own id and origin. So a proof is
 * valid in one session, one direction and for one pair of identities only: it can be neither
 * replayed into another session (fresh nonces on both sides) nor reflected back to its sender
 * (different direction label), and no node ever signs a challenge before the other side has
 * proven the secret (the acceptor waits for the dialer's proof). An unset secret is the empty
 * key: nodes without a secret only talk to nodes without one.
 */
export function clientProof(secret: string, t: HandshakeTranscript): string {
  return hmac(secret, ['meshcache-cluster', t.version, 'client', t.clientNonce, t.serverNonce, t.client.nodeId, t.client.origin]);
}

export function serverProof(secret: string, t: HandshakeTranscript, server: { nodeId: string; origin: string }): string {
  return hmac(secret, ['meshcache-cluster', t.version, 'server', t.clientNonce, t.serverNonce, t.client.nodeId, t.client.origin, server.nodeId, server.origin]);
}

/**
 * The key that seals a session's messages (protocol v4): derived from the secret and the whole
 * transcript, both identities included, so it is fresh for every session and known only to the
 * two nodes that proved the secret to each other. A node that merely relays the handshake (it
 * was dialed at a stale address) sees every nonce and proof but cannot compute it.
 */
export function sessionKey(secret: string, t: HandshakeTranscript, server: { nodeId: string; origin: string }): Buffer {
  return createHmac('sha256', secret)
    .update(JSON.stringify(['meshcache-session', t.version, t.clientNonce, t.serverNonce, t.client.nodeId, t.client.origin, server.nodeId, server.origin]))
    .digest();
}

/** The MAC of the `n`th message one way (`c`: dialer → acceptor, `s`: back) whose JSON is `json`. */
export function sealMac(key: Buffer, direction: 'c' | 's', n: number, json: string): string {
  return createHmac('sha256', key).update(`${direction}.${n}.`).update(json).digest('hex');
}

function hmac(secret: string, fields: (string | number)[]): string {
  return createHmac('sha256', secret).update(JSON.stringify(fields)).digest('hex');
}

/** Constant-time comparison of two hex proofs. */
export function proofsMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
