import type { OpRecord, OpType } from '../check/history.js';
import { between, pick } from '../prng.js';
import { errorCode, outcomeOfError, outcomeOfStatus } from './outcome.js';
import type { WorkloadConfig } from './config.js';

/** Operation mix: mostly writes and reads, some deletes and bulk sets, rare clears. */
const MIX: ReadonlyArray<[OpType, number]> = [
  ['set', 0.42],
  ['read', 0.34],
  ['delete', 0.12],
  ['bulk', 0.1],
  ['clear', 0.02],
];

function chooseType(random: () => number): OpType {
  let x = random();
  for (const [type, share] of MIX) if ((x -= share) < 0) return type;
  return 'set';
}

/** One client: picks an operation and a node at random, runs it, records what happened. */
export async function runClient(id: number, config: WorkloadConfig, random: () => number, record: (op: OpRecord) => void, stopped: () => boolean): Promise<void> {
  let counter = 0;
  const key = () => `k${Math.floor(random() * config.keys)}`;
  const value = () => `c${id}-${++counter}-${config.seed}`;
  const headers = { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' };
  while (!stopped()) {
    const node = pick(random, config.nodes);
    const type = chooseType(random);
    const op: OpRecord = { kind: 'op', id: '', client: id, node: node.name, type, start: Date.now(), end: 0, outcome: 'unknown' };
    let req: { method: string; path: string; body?: unknown };
    if (type === 'set') {
      op.key = key();
      op.value = value();
      req = { method: 'POST', path: '/api/cache', body: { key: op.key, value: op.value } };
    } else if (type === 'bulk') {
      op.items = Array.from({ length: 2 + Math.floor(random() * 4) }, () => ({ key: key(), value: value() }));
      req = { method: 'POST', path: '/api/cache/bulk', body: { items: op.items.map(({ key: k, value: v }) => ({ key: k, value: v })) } };
    } else if (type === 'read') {
      op.key = key();
      req = { method: 'GET', path: `/api/cache/${encodeURIComponent(op.key)}` };
    } else if (type === 'delete') {
      op.key = key();
      req = { method: 'DELETE', path: `/api/cache/${encodeURIComponent(op.key)}` };
    } else req = { method: 'DELETE', path: '/api/cache' };
    op.id = `c${id}-${op.start}-${Math.floor(random() * 1e6)}`;
    op.start = Date.now();
    // The client's deadline (docs/CONSISTENCY.md): a node that gets to the write later refuses it.
    op.deadline = op.start + config.timeoutMs;
    try {
      const res = await fetch(node.url + req.path, {
        method: req.method,
        headers: { ...headers, 'x-deadline-ms': String(op.deadline) },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      op.end = Date.now();
      op.status = res.status;
      op.outcome = outcomeOfStatus(res.status, type, typeof body.code === 'string' ? body.code : undefined);
      if (type === 'set' && typeof body.version === 'string') op.version = body.version;
      if (type === 'read' && op.outcome === 'ok') {
        const item = body.value as { value?: unknown; version?: string } | undefined;
        op.read = res.status === 404 ? null : typeof item?.value === 'string' ? item.value : JSON.stringify(item?.value);
        if (item?.version) op.readVersion = item.version;
      }
      if (type === 'bulk' && Array.isArray(body.failed) && op.items)
        for (const f of body.failed as Array<{ index?: number }>) if (typeof f.index === 'number' && op.items[f.index]) op.items[f.index].failed = true;
      if (op.outcome !== 'ok') op.error = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : undefined;
    } catch (e) {
      op.end = Date.now();
      op.outcome = outcomeOfError(e);
      op.error = errorCode(e);
    }
    record(op);
    if (config.thinkMs) await new Promise((r) => setTimeout(r, between(random, 0, 2 * config.thinkMs)));
  }
}
