import { OperationSchema, PROTOCOL_VERSION, PeerMessageSchema, negotiateProtocol } from './index.js';

const op = {
  origin: 'n1#a',
  seq: 1,
  hlc: { wall: 1_700_000_000_000, logical: 0, node: 'n1#a' },
  op: { type: 'set', key: '__proto__', value: { nested: [1, 2] }, ttlMs: 1000 },
};

describe('peer messages', () => {
  it('accepts a batch of operations, including prototype-like keys', () => {
    const parsed = PeerMessageSchema.safeParse({ type: 'ops', ops: [op] });
    expect(parsed.success).toBe(true);
    expect(OperationSchema.parse({ ...op, op: { type: 'delete', key: '' } }).op).toEqual({ type: 'delete', key: '' });
  });

  it('rejects malformed operations: seq 0, negative ttl, unknown op, bad origin', () => {
    for (const bad of [
      { ...op, seq: 0 },
      { ...op, op: { ...op.op, ttlMs: -1 } },
      { ...op, op: { type: 'explode' } },
      { ...op, origin: 'no-incarnation' },
      { ...op, hlc: { ...op.hlc, wall: 1.5 } },
    ]) {
      expect(PeerMessageSchema.safeParse({ type: 'ops', ops: [bad] }).success).toBe(false);
    }
  });

  it('accepts a batch carrying an ack of the receiver\'s operations (v3), and only a well-formed one', () => {
    const parsed = PeerMessageSchema.parse({ type: 'ops', ops: [op], ack: { origin: 'n2#b', seq: 41 } });
    expect(parsed).toEqual({ type: 'ops', ops: [expect.anything()], ack: { origin: 'n2#b', seq: 41 } });
    for (const ack of [{ origin: 'n2#b', seq: -1 }, { origin: 'n2#b', seq: 1.5 }, { origin: 'no-incarnation', seq: 1 }, { seq: 1 }, 'n2#b']) {
      expect(PeerMessageSchema.safeParse({ type: 'ops', ops: [op], ack }).success).toBe(false);
    }
  });

  it('accepts a hello carrying the protocol range (and nothing about the node) and rejects unknown message types', () => {
    const hello = { type: 'hello', protocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, nonce: 'ab'.repeat(16) };
    expect(PeerMessageSchema.safeParse(hello).success).toBe(true);
    // A v1 hello still parses (its extra fields are dropped), so a v1 node is refused by version.
    const v1 = PeerMessageSchema.parse({ type: 'hello', protocol: 1, nodeId: 'n1', origin: 'n1#a', url: null, nonce: 'ab'.repeat(16) });
    expect(v1).toEqual({ type: 'hello', protocol: 1, nonce: 'ab'.repeat(16) });
    expect(PeerMessageSchema.safeParse({ ...hello, nonce: 'short' }).success).toBe(false);
    expect(PeerMessageSchema.safeParse({ type: 'cache-operation', key: 'k' }).success).toBe(false);
    expect(PeerMessageSchema.safeParse(null).success).toBe(false);
  });

  it('sends version vectors as pairs so origins never meet object prototypes', () => {
    const ok = PeerMessageSchema.safeParse({ type: 'resync', vv: [['n1#a', 3]] });
    expect(ok.success).toBe(true);
    expect(PeerMessageSchema.safeParse({ type: 'resync', vv: { 'n1#a': 3 } }).success).toBe(false);
  });

  it('negotiates the highest version two ranges share, or none', () => {
    expect(negotiateProtocol({ min: 2, max: 3 }, { min: 2, max: 2 })).toBe(2);
    expect(negotiateProtocol({ min: 2, max: 3 }, { min: 3, max: 4 })).toBe(3);
    expect(negotiateProtocol({ min: 1, max: 1 }, { min: 2, max: 2 })).toBeNull();
  });
});
