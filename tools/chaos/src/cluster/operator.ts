import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../hosts/network.js';
import type { HistoryEvent } from '../report/repairs.js';

/** What an operator reads after a fault: /health, /api/sync/status, /api/sync/history (1,000 events). */
export const OPERATOR_PATHS = { health: '/health', status: '/api/sync/status', history: '/api/sync/history?limit=1000' } as const;

export async function getJson(url: string, token: string, timeoutMs = 3000): Promise<unknown> {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    return await res.json();
  } catch (e) {
    return { unreachable: String((e as Error).message ?? e) };
  }
}

export interface Capture {
  status: Map<string, unknown>;
  events: HistoryEvent[];
}

/** Reads every node's operator view; writes it under `dir` when given. */
export async function capture(nodes: readonly Host[], token: string, dir?: string): Promise<Capture> {
  if (dir) mkdirSync(dir, { recursive: true });
  const status = new Map<string, unknown>();
  const events: HistoryEvent[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      for (const [name, path] of Object.entries(OPERATOR_PATHS)) {
        const body = await getJson(node.url + path, token);
        if (dir) writeFileSync(join(dir, `${node.name}-${name}.json`), JSON.stringify(body, null, 2));
        if (name === 'status') status.set(node.name, body);
        if (name === 'history') events.push(...(((body as { history?: HistoryEvent[] }).history ?? []) as HistoryEvent[]));
      }
    }),
  );
  return { status, events };
}

/**
 * Whether the nodes refuse a write whose X-Deadline-Ms has passed: a strategy switch to the
 * strategy already in force (harmless either way) with a deadline long gone.
 */
export async function deadlinesEnforced(node: Host, token: string): Promise<boolean> {
  try {
    const res = await fetch(`${node.url}/api/strategy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-deadline-ms': '1' },
      body: JSON.stringify({ strategy: 'LRU' }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json().catch(() => ({}))) as { code?: unknown };
    return res.status === 504 && body.code === 'DEADLINE_EXCEEDED';
  } catch {
    return false;
  }
}

/** Every node answers and sees all its peers connected (after a heal). */
export async function clusterConnected(nodes: readonly Host[], token: string): Promise<boolean> {
  const all = await Promise.all(nodes.map((n) => getJson(n.url + OPERATOR_PATHS.status, token, 2000)));
  return all.every((s) => (s as { connectedNodes?: number }).connectedNodes === nodes.length - 1);
}
