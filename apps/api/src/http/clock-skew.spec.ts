import { healthResponseSchema } from '@meshcache/api-contract';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { request } from '../test/test-server.js';

/**
 * A node that holds a clear stamped by a clock running 10 minutes fast (here: restored from
 * disk, as a node that had that clock would have saved it). Before, every later write vanished
 * under the watermark while POST /api/cache answered 200; now writes are refused with 503.
 */
describe('writes on a node whose clock is out of bounds (real HTTP server on 127.0.0.1)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const config = loadConfig([], { PORT: '0', HOST: '127.0.0.1', NODE_ID: 'skewed-node', NODE_ENV: 'test', ACCESS_LOG: 'false', DASHBOARD_DIR: '/nonexistent/meshcache-dashboard' });
    server = await startServer(config, { logger: pino({ level: 'silent' }) });
    const future = Date.now() + 10 * 60_000;
    server.context.node.restore(
      {
        format: 1,
        nodeId: 'skewed-node',
        origin: 'skewed-node#1',
        takenAt: Date.now(),
        vv: [['fast#1', 1]],
        entries: [],
        tombstones: [],
        watermark: { hlc: { wall: future, logical: 0, node: 'fast#1' }, seq: 1 },
        strategy: { strategy: 'lru', stamp: null },
        members: [],
        floor: null,
      },
      [],
    );
  });
  afterAll(() => server.close());

  it('answers 503 CLOCK_SKEW instead of 200 for a write that would vanish, and says so on /health', async () => {
    const set = await request(server.url, 'POST', '/api/cache', { body: { key: 'k', value: 'v' } });
    expect(set.status).toBe(503);
    expect(set.body).toMatchObject({ success: false, code: 'CLOCK_SKEW' });
    expect((await request(server.url, 'GET', '/api/cache/k')).status).toBe(404);
    expect((await request(server.url, 'DELETE', '/api/cache/k')).status).toBe(503);
    expect((await request(server.url, 'DELETE', '/api/cache')).status).toBe(503);
    expect((await request(server.url, 'POST', '/api/strategy', { body: { strategy: 'LFU' } })).status).toBe(503);
    const bulk = await request(server.url, 'POST', '/api/cache/bulk', { body: { items: [{ key: 'a', value: 1 }] } });
    expect(bulk.body).toMatchObject({ successCount: 0, failed: [{ index: 0, key: 'a' }] });
    const health = await request(server.url, 'GET', '/health');
    expect(healthResponseSchema.parse(health.body)).toMatchObject({ status: 'degraded', problems: [expect.objectContaining({ code: 'clock-skew' })] });
    const metrics = await request(server.url, 'GET', '/metrics');
    expect(metrics.text).toMatch(/meshcache_health_problems\{code="clock-skew",node="skewed-node"\} 1/);
    expect(metrics.text).toMatch(/meshcache_tombstones\{node="skewed-node"\} 0/);
  });
});
