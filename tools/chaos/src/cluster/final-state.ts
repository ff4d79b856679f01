import type { Entry } from '../check/history.js';
import type { Host } from '../hosts/network.js';
import { getJson } from './operator.js';

/** key -> JSON text of the value, from the key listing (cheap enough to poll). */
export async function listing(node: Host, token: string): Promise<Map<string, string> | undefined> {
  const out = new Map<string, string>();
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const body = (await getJson(`${node.url}/api/cache?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token, 5000)) as {
      items?: Array<{ key: string; preview: string }>;
      nextCursor?: string | null;
    };
    if (!body.items) return undefined;
    for (const item of body.items) out.set(item.key, item.preview);
    cursor = body.nextCursor ?? null;
    if (!cursor) return out;
  }
  return out;
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Polls every node's listing until all are equal; the time they first were, or null by the deadline. */
export async function awaitConvergence(nodes: readonly Host[], token: string, deadlineMs: number): Promise<number | null> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const at = Date.now();
    const states = await Promise.all(nodes.map((n) => listing(n, token)));
    if (states.every((s) => s !== undefined) && states.every((s) => same(s as Map<string, string>, states[0] as Map<string, string>))) return at;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

/** Every key the node holds, with value and version (GET /api/cache/:key). */
export async function finalEntries(node: Host, token: string): Promise<Record<string, Entry>> {
  const keys = [...((await listing(node, token)) ?? new Map()).keys()];
  const entries: Record<string, Entry> = {};
  // Eight reads at a time: quick, without flooding a node the run just finished hurting.
  for (let i = 0; i < keys.length; i += 8)
    await Promise.all(
      keys.slice(i, i + 8).map(async (key) => {
        const body = (await getJson(`${node.url}/api/cache/${encodeURIComponent(key)}`, token, 5000)) as { value?: { value?: unknown; version?: string } };
        const v = body.value;
        if (v?.version) entries[key] = { value: typeof v.value === 'string' ? v.value : JSON.stringify(v.value), version: v.version };
      }),
    );
  return entries;
}
