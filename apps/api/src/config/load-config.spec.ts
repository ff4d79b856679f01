import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposureWarning } from './exposure.js';
import { CONFIG_OPTIONS, ConfigError, helpText, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('works with no configuration at all: one node, in memory, port 5000', () => {
    const c = loadConfig([], {});
    expect(c.dataDir).toBeUndefined();
    expect(c).toMatchObject({ port: 5000, host: '127.0.0.1', cacheCapacity: 1000, cacheStrategy: 'LRU', peerNodes: [], appendFsync: 'everysec' });
    // At most one replication batch per 10 ms (a lone write goes at once); acks may wait 20 ms to cover several (docs/RELIABILITY.md).
    expect(c).toMatchObject({ replicationSendWindowMs: 10, replicationAckDelayMs: 20 });
    expect(c.clusterSecret).toBeUndefined();
    expect(c.selfUrl).toBeUndefined();
  });

  it('reads the seed variables, flags win over the environment', () => {
    const c = loadConfig(['--port', '6001', '--cache-strategy=lfu', '--public-reads'], {
      PORT: '7000',
      CACHE_CAPACITY: '50',
      PEER_NODES: 'http://a:5000, b.example:5001',
      CLUSTER_SECRET: 'a-long-cluster-secret',
      FRONTEND_URL: 'https://ui.example',
      NODE_ENV: 'development',
    });
    expect(c).toMatchObject({ port: 6001, cacheCapacity: 50, cacheStrategy: 'LFU', publicReads: true, frontendUrl: 'https://ui.example' });
    expect(c.peerNodes).toEqual(['http://a:5000', 'http://b.example:5001']);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT \(--port\)/],
    [{ CACHE_CAPACITY: '0' }, /CACHE_CAPACITY \(--cache-capacity\): must be >= 1/],
    [{ CACHE_STRATEGY: 'fifo' }, /CACHE_STRATEGY/],
    [{ PEER_NODES: 'ftp://x' }, /PEER_NODES/],
    [{ APPEND_FSYNC: 'sometimes' }, /APPEND_FSYNC/],
    [{ PEER_NODES: 'node1.com:5000' }, /CLUSTER_SECRET \(--cluster-secret\): required with PEER_NODES/],
    [{ HOST: '0.0.0.0' }, /HOST \(--host\): 0\.0\.0\.0 .*set AUTH_TOKEN \(--auth-token\) or JWT_SECRET \(--jwt-secret\).*ALLOW_INSECURE=true \(--insecure\)/],
    [{ HOST: '10.1.2.3', CLUSTER_SECRET: 'a-long-cluster-secret' }, /HOST \(--host\): 10\.1\.2\.3/],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY \(--trust-proxy\): must be a hop count .* not "true"/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: 'proxy.example' }, /TRUST_PROXY/],
    [{ JWT_MAX_LIFETIME_S: '0' }, /JWT_MAX_LIFETIME_S/],
    [{ HEADERS_TIMEOUT_MS: '10' }, /HEADERS_TIMEOUT_MS/],
    [{ REPLICATION_ACK_DELAY_MS: '-1' }, /REPLICATION_ACK_DELAY_MS \(--replication-ack-delay-ms\)/],
    [{ REPLICATION_ACK_DELAY_MS: '1001' }, /REPLICATION_ACK_DELAY_MS/],
    [{ ALLOW_INSECURE: 'maybe' }, /ALLOW_INSECURE \(--insecure\): must be true or false/],
  ])('stops on an invalid value, naming it: %j', (env, message) => {
    expect(() => loadConfig([], env)).toThrow(ConfigError);
    expect(() => loadConfig([], env)).toThrow(message);
  });

  it('has no well-known cluster secret: a lone node needs none, production alone does not need one', () => {
    expect(loadConfig([], { NODE_ENV: 'production' }).clusterSecret).toBeUndefined();
    expect(loadConfig([], { PEER_NODES: 'node1.com:5000', CLUSTER_SECRET: 'a-long-cluster-secret' }).peerNodes).toEqual(['http://node1.com:5000']);
  });

  it('listens beyond loopback only with client auth, or when told to be insecure (and then warns)', () => {
    expect(loadConfig([], { HOST: '0.0.0.0', AUTH_TOKEN: 'token-1234' }).host).toBe('0.0.0.0');
    expect(loadConfig([], { HOST: '0.0.0.0', JWT_SECRET: 'jwt-secret-0123456789' }).host).toBe('0.0.0.0');
    for (const host of ['localhost', '127.0.0.5', '::1']) expect(loadConfig([], { HOST: host }).host).toBe(host);
    const insecure = loadConfig(['--insecure'], { HOST: '0.0.0.0' });
    expect(exposureWarning(insecure)).toMatch(/ALLOW_INSECURE.*AUTH_TOKEN/);
    expect(exposureWarning(loadConfig([], { HOST: '0.0.0.0', ALLOW_INSECURE: 'true' }))).toBeDefined();
    expect(exposureWarning(loadConfig([], { HOST: '0.0.0.0', AUTH_TOKEN: 'token-1234', ALLOW_INSECURE: 'true' }))).toBeUndefined();
    expect(exposureWarning(loadConfig([], {}))).toBeUndefined();
  });

  it('gives each node its own id: random, and kept in DATA_DIR across restarts', () => {
    expect(loadConfig([], {}).nodeId).toMatch(/^node-[0-9a-f]{12}$/);
    expect(loadConfig([], {}).nodeId).not.toBe(loadConfig([], {}).nodeId);
    const dir = mkdtempSync(join(tmpdir(), 'meshcache-id-'));
    try {
      const first = loadConfig([], { DATA_DIR: join(dir, 'data') }).nodeId;
      expect(readFileSync(join(dir, 'data', 'node-id'), 'utf8').trim()).toBe(first);
      expect(loadConfig([], { DATA_DIR: join(dir, 'data') }).nodeId).toBe(first);
      expect(loadConfig([], { DATA_DIR: join(dir, 'data'), NODE_ID: 'given' }).nodeId).toBe('given');
      writeFileSync(join(dir, 'data', 'node-id'), 'not a valid id!\n');
      expect(() => loadConfig([], { DATA_DIR: join(dir, 'data') })).toThrow(/DATA_DIR \(--data-dir\): .*node-id does not hold a node id.*set NODE_ID/);
      // DATA_DIR is a file: the error names DATA_DIR, not NODE_ID.
      expect(() => loadConfig([], { DATA_DIR: join(dir, 'data', 'node-id') })).toThrow(/DATA_DIR \(--data-dir\): cannot read .*ENOTDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trusts proxies by hop count or address list only', () => {
    expect(loadConfig([], {}).trustProxy).toBe(false);
    expect(loadConfig([], { TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig([], { TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig([], { TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
  });

  it('rejects unknown flags and flags without a value', () => {
    expect(() => loadConfig(['--nope'], {})).toThrow(/Unknown argument "--nope"/);
    expect(() => loadConfig(['--port'], {})).toThrow(/--port needs a value/);
  });

  it('refuses an empty flag value, naming the flag, where an empty variable falls back to the default', () => {
    expect(loadConfig([], { PORT: '', ALLOW_INSECURE: '', DISCARD_CORRUPT_DATA: '' })).toMatchObject({ port: 5000, insecure: false, discardCorruptData: false });
    for (const argv of [['--port='], ['--port', ''], ['--insecure='], ['--discard-corrupt-data=']]) {
      const flag = argv[0].replace('=', '');
      expect(() => loadConfig(argv, {})).toThrow(ConfigError);
      expect(() => loadConfig(argv, {})).toThrow(`${flag} has an empty value: give it one, or leave the flag out for the default`);
    }
    // A bare boolean flag still turns it on.
    expect(loadConfig(['--insecure', '--port', '6000'], {})).toMatchObject({ insecure: true, port: 6000 });
    expect(loadConfig(['--discard-corrupt-data'], {}).discardCorruptData).toBe(true);
  });

  it('--help lists every flag and variable', () => {
    const text = helpText();
    for (const o of CONFIG_OPTIONS) expect(text).toContain(o.env);
    expect(text).toContain('--cache-capacity');
  });
});
