import { CONFIG_OPTIONS, ConfigError, helpText, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('works with no configuration at all: one node, in memory, port 5000', () => {
    const c = loadConfig([], {});
    expect(c.dataDir).toBeUndefined();
    expect(c).toMatchObject({ port: 5000, nodeId: 'node-5000', cacheCapacity: 1000, cacheStrategy: 'LRU', peerNodes: [], appendFsync: 'everysec' });
  });

  it('reads the seed variables, flags win over the environment', () => {
    const c = loadConfig(['--port', '6001', '--cache-strategy=lfu', '--public-reads'], {
      PORT: '7000',
      CACHE_CAPACITY: '50',
      PEER_NODES: 'http://a:5000, b.example:5001',
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
    [{ NODE_ENV: 'production' }, /CLUSTER_SECRET \(--cluster-secret\): required/],
  ])('stops on an invalid value, naming it: %j', (env, message) => {
    expect(() => loadConfig([], env)).toThrow(ConfigError);
    expect(() => loadConfig([], env)).toThrow(message);
  });

  it('rejects unknown flags and flags without a value', () => {
    expect(() => loadConfig(['--nope'], {})).toThrow(/Unknown argument "--nope"/);
    expect(() => loadConfig(['--port'], {})).toThrow(/--port needs a value/);
  });

  it('--help lists every flag and variable', () => {
    const text = helpText();
    for (const o of CONFIG_OPTIONS) expect(text).toContain(o.env);
    expect(text).toContain('--cache-capacity');
  });
});
