import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { TestPki } from '../test/test-pki.js';
import type { AddressLookup } from './peer-addresses.js';
import { startServer, type RunningServer } from './start-server.js';

// PEER_NODES names against a resolver the test controls: a name that starts resolving (or moves)
// after the start, and https names dialed by address with the certificate checked against the name.
jest.setTimeout(60_000);

const SECRET = 'peer-names-test-secret';
const names = new Map<string, string[]>();
const lookup: AddressLookup = async (name) => {
  const found = names.get(name);
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${name}`);
  return found.map((address) => ({ address, family: 4 }));
};

const servers: RunningServer[] = [];
const start = async (env: Record<string, string>): Promise<RunningServer> => {
  const config = loadConfig([], { PORT: '0', RESP_PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', ACCESS_LOG: 'false', CLUSTER_SECRET: SECRET, ...env });
  const server = await startServer(config, { logger: pino({ level: 'silent' }), lookup });
  servers.push(server);
  return server;
};
const portOf = (server: RunningServer) => new URL(server.url).port;

const eventually = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TypeError(`timed out waiting for ${what}`);
};

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  names.clear();
});

describe('PEER_NODES names', () => {
  it('looks a name up again: a peer found at its new address is dialed without a restart', async () => {
    const a = await start({ NODE_ID: 'named-a' });
    const b = await start({ NODE_ID: 'named-b', PEER_NODES: `http://peer.test:${portOf(a)}`, PEER_RESOLVE_INTERVAL_MS: '100' });
    // At start the name resolves nowhere (the pod is not scheduled yet); then it gets an address.
    names.set('peer.test', ['127.0.0.1']);
    b.context.node.set('after-resolve', 1);
    await eventually(() => a.context.node.peek('after-resolve') !== undefined, 'the write of b to reach a');
  });

  describe('https', () => {
    const pki = new TestPki();
    const ca = pki.ca('names-ca');
    // Valid for the name only: dialing the address must check the name, not the address.
    const certA = pki.leaf('names-a', ca, 'DNS:peer.test');
    const certB = pki.leaf('names-b', ca, 'DNS:peer.test');
    const tls = (cert: { cert: string; key: string }) => ({ TLS_CERT: cert.cert, TLS_KEY: cert.key, TLS_CA: ca.cert });
    afterAll(() => pki.remove());

    it('dials each address of an https name and checks the certificate against the name', async () => {
      names.set('peer.test', ['127.0.0.1']);
      names.set('wrong.test', ['127.0.0.1']);
      const a = await start({ NODE_ID: 'tls-a', ...tls(certA) });
      const b = await start({ NODE_ID: 'tls-b', PEER_NODES: `https://peer.test:${portOf(a)}`, ...tls(certB) });
      b.context.node.set('over-tls-by-name', 1);
      await eventually(() => a.context.node.peek('over-tls-by-name') !== undefined, 'the write of b to reach a over TLS');
      // The same address under a name the certificate does not carry is refused.
      const c = await start({ NODE_ID: 'tls-c', PEER_NODES: `https://wrong.test:${portOf(a)}`, ...tls(certB) });
      await eventually(
        () => c.context.node.problems().some((p) => /does not match certificate/i.test(p.message)),
        'c to refuse the certificate of a for wrong.test',
      );
    });
  });
});
