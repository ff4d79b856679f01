import type { MeshcacheClient } from '@meshcache/api-contract';

/**
 * A bounded burst of cache traffic spread over the nodes: writes (some with a short TTL so
 * expirations show), reads of present keys (hits) and of absent ones (misses). Bounded in
 * rounds so it stops by itself; small enough for a 2-core machine.
 */
export async function sendTraffic(clients: MeshcacheClient[], rounds: number, pauseMs: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const client = clients[round % clients.length];
    const writes = Array.from({ length: 10 }, (_, i) => {
      const id = (round * 10 + i) % 120;
      return client.setItem({
        key: `user:${String(id).padStart(3, '0')}`,
        value: { id, name: `user ${id}`, visits: round },
        ttlMs: id % 4 === 0 ? 2_000 : undefined,
      });
    });
    const reads = Array.from({ length: 30 }, (_, i) => client.getItem({ key: `user:${String((round * 7 + i) % 160).padStart(3, '0')}` }));
    await Promise.all([...writes, ...reads]);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}
