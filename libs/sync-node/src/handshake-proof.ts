import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh 128-bit challenge, hex. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Proof that the sender knows the cluster secret, bound to the receiver's challenge and to the
 * sender's identity so it cannot be replayed on another link or by another node. An unset
 * secret is the empty key: nodes without a secret only talk to nodes without one.
 */
export function handshakeProof(secret: string, challenge: string, senderNodeId: string, senderOrigin: string): string {
  return createHmac('sha256', secret).update(`meshcache-cluster|${challenge}|${senderNodeId}|${senderOrigin}`).digest('hex');
}

/** Constant-time comparison of two hex proofs. */
export function proofsMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
