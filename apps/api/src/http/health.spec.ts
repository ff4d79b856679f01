import { healthResponseSchema } from '@meshcache/api-contract';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { request } from '../test/test-server.js';

describe('/health problems (real HTTP server on 127.0.0.1)', () => {
  let server: RunningServer;
  const lines: { level: number; msg: string; problem?: string; peer?: string | null }[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig([], { PORT: '0', HOST: '127.0.0.1', NODE_ID: 'health-node', NODE_ENV: 'test', ACCESS_LOG: 'false', DASHBOARD_DIR: '/nonexistent/meshcache-dashboard' });
    server = await startServer(config, { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(() => server.close());

  it('is degraded (200) while a problem lasts, names it, logs each change once and exports a gauge', async () => {
    const healthy = await request(server.url, 'GET', '/health');
    expect(healthy.status).toBe(200);
    expect(healthResponseSchema.parse(healthy.body)).toMatchObject({ status: 'healthy', nodeId: 'health-node', problems: [] });

    const board = server.context.problems.server;
    board.raise('peer-unreachable', 'peer http://127.0.0.1:9 does not answer', 'http://127.0.0.1:9');
    board.raise('peer-unreachable', 'peer http://127.0.0.1:9 does not answer', 'http://127.0.0.1:9');
    const degraded = await request(server.url, 'GET', '/health');
    expect(degraded.status).toBe(200);
    expect(healthResponseSchema.parse(degraded.body)).toMatchObject({
      status: 'degraded',
      problems: [{ code: 'peer-unreachable', peer: 'http://127.0.0.1:9', message: 'peer http://127.0.0.1:9 does not answer', since: expect.any(Number) }],
    });
    const metrics = await request(server.url, 'GET', '/metrics');
    expect(metrics.text).toMatch(/meshcache_health_problems\{code="peer-unreachable",node="health-node"\} 1/);
    expect(metrics.text).toMatch(/meshcache_health_problems\{code="duplicate-node-id",node="health-node"\} 0/);

    board.clear('peer-unreachable', 'http://127.0.0.1:9');
    expect((await request(server.url, 'GET', '/health')).body).toMatchObject({ status: 'healthy', problems: [] });
    const problemLines = lines.filter((l) => l.problem === 'peer-unreachable');
    expect(problemLines.map((l) => l.level)).toEqual([40, 30]);
  });
});
