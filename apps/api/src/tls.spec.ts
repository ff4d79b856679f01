import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { ClusterAttacker } from './test/cluster-attacker.js';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from './test/cluster-processes.js';
import { TestPki, type CertFiles } from './test/test-pki.js';

jest.setTimeout(90_000);

/** GET over HTTPS trusting only `ca`: JSON body, or the TLS error's code. */
const getJson = (url: string, ca: string): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
const postJson = (url: string, ca: string, body: unknown): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });

describe('TLS: HTTPS + WSS with TLS_CERT / TLS_KEY, peers verified against TLS_CA (real processes)', () => {
  const pki = new TestPki();
  const nodes: NodeProcess[] = [];
  const attackers: ClusterAttacker[] = [];
  let ca: CertFiles;
  let rogueCa: CertFiles;
  let caPem: string;
  let urls: string[];

  beforeAll(async () => {
    ensureBuilt();
    ca = pki.ca('cluster-ca');
    rogueCa = pki.ca('rogue-ca');
    caPem = readFileSync(ca.cert, 'utf8');
    const certs = [pki.leaf('n1', ca), pki.leaf('n2', ca), pki.leaf('rogue', rogueCa)];
    const ports = [await freePort(), await freePort(), await freePort()];
    urls = ports.map((p) => `https://127.0.0.1:${p}`);
    const env = (i: number, peers: string[], caFile: string) => ({
      PORT: String(ports[i]),
      NODE_ID: ['n1', 'n2', 'rogue'][i],
      SELF_URL: urls[i],
      PEER_NODES: peers.join(','),
      CLUSTER_SECRET: 'tls-test-secret',
      TLS_CERT: certs[i].cert,
      TLS_KEY: certs[i].key,
      TLS_CA: caFile,
    });
    nodes.push(spawnNode(env(0, [], ca.cert)), spawnNode(env(1, [urls[0]], ca.cert)), spawnNode(env(2, [urls[0]], rogueCa.cert)));
    for (const n of nodes.slice(0, 2)) await eventually(async () => (await getJson(`${n.url.replace('http:', 'https:')}/health`, caPem)).status === 200, `${n.url} up over https`);
  });

  afterAll(async () => {
    for (const a of attackers) a.close();
    for (const n of nodes) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGTERM');
        await n.exited;
      }
    }
    pki.remove();
  });

  it('serves HTTPS only and replicates between peers over WSS', async () => {
    await expect(fetch(`http://127.0.0.1:${new URL(urls[0]).port}/health`)).rejects.toThrow();
    expect(await postJson(`${urls[1]}/api/cache`, caPem, { key: 'over-tls', value: 42 })).toBe(200);
    await eventually(async () => (await getJson(`${urls[0]}/api/cache/over-tls`, caPem)).status === 200, 'n1 has the write of n2');
  });

  it('refuses a /cluster client whose certificate comes from another CA, and one without a certificate', async () => {
    const rogue = pki.leaf('rogue-client', rogueCa);
    const withRogueCert = new ClusterAttacker(urls[0], { ca: caPem, cert: readFileSync(rogue.cert, 'utf8'), key: readFileSync(rogue.key, 'utf8') });
    const withoutCert = new ClusterAttacker(urls[0], { ca: caPem });
    const member = pki.leaf('member-client', ca);
    const withClusterCert = new ClusterAttacker(urls[0], { ca: caPem, cert: readFileSync(member.cert, 'utf8'), key: readFileSync(member.key, 'utf8') });
    attackers.push(withRogueCert, withoutCert, withClusterCert);
    await eventually(async () => withRogueCert.connectError !== null && withoutCert.connectError !== null && withClusterCert.connected, 'connection outcomes');
    expect(withRogueCert.connectError).toMatch(/client certificate/);
    expect(withoutCert.connectError).toMatch(/client certificate/);
  });

  it('a node whose certificate comes from another CA never joins, and says why', async () => {
    // The rogue node dials n1: n1's certificate does not chain to the rogue's TLS_CA (and the
    // rogue's client certificate would not chain to n1's).
    const rogueCaPem = readFileSync(rogueCa.cert, 'utf8');
    await eventually(async () => {
      const health = (await getJson(`${urls[2]}/health`, rogueCaPem)).body as { status: string; problems: { code: string; peer?: string }[] };
      return health.status === 'degraded' && health.problems.some((p) => p.code === 'peer-unreachable' && p.peer === urls[0]);
    }, 'the rogue node reports n1 unreachable');
    const n1 = (await getJson(`${urls[0]}/api/sync/status`, caPem)).body as { nodeList: { id: string }[] };
    expect(n1.nodeList.map((p) => p.id)).not.toContain('rogue');
  });
});
