import type { RunningServer } from '../server/start-server.js';
import { eventually } from '../test/cluster-processes.js';
import { request, startTestServer } from '../test/test-server.js';

jest.setTimeout(60_000);

const SECRET = 'peer-down-secret';

describe('a peer that goes down, seen from the node that stays (two in-process nodes)', () => {
  let a: RunningServer;
  let b: RunningServer | undefined;
  beforeAll(async () => {
    b = await startTestServer({ NODE_ID: 'b', CLUSTER_SECRET: SECRET });
    a = await startTestServer({ NODE_ID: 'a', CLUSTER_SECRET: SECRET, PEER_NODES: b.url });
    await eventually(async () => a.context.node.nodes().some((p) => p.id === 'b' && p.state === 'up'), 'a and b linked');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('is a /health problem, counted in /metrics, and its unacknowledged writes stay visible per peer', async () => {
    const bUrl = (b as RunningServer).url;
    await (b as RunningServer).close();
    b = undefined;
    for (let i = 0; i < 5; i++) expect((await request(a.url, 'POST', '/api/cache', { body: { key: `missed-${i}`, value: i } })).status).toBe(200);
    await eventually(async () => ((await request(a.url, 'GET', '/health')).body as { status: string }).status === 'degraded', 'a degraded');
    const health = (await request(a.url, 'GET', '/health')).body as { problems: { code: string; peer?: string }[] };
    expect(health.problems).toEqual([expect.objectContaining({ code: 'peer-unreachable', peer: bUrl })]);
    const status = (await request(a.url, 'GET', '/api/sync/status')).body as { problems: { code: string }[]; lag: number };
    expect(status.problems.map((p) => p.code)).toEqual(['peer-unreachable']);
    const metrics = (await request(a.url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/meshcache_health_problems\{code="peer-unreachable"[^}]*\} 1/);
    // The largest lag counts connected peers only; the down peer's own figure is still there.
    expect(metrics).toMatch(/meshcache_peer_lag_ops\{peer="b",state="down"[^}]*\} 5/);
  });
});
