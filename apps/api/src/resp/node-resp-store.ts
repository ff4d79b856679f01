import { enginePolicy, MAX_KEY_LENGTH, MAX_TTL_MS, strategySchema } from '@meshcache/api-contract';
import type { DeleteOutcome, KeyPageRequest, KeyPageResult, RespStore, StoreInfo, StoredValue, WriteOutcome, WriteRefusal } from '@meshcache/resp';
import type { WriteFailure } from '@meshcache/sync-node';
import type { ServerContext } from '../server/context.js';

const OK: WriteOutcome = { ok: true };

/** DATA_DIR refused to journal a write (disk full or read-only): the node takes no writes until it recovers. */
const notLogged = (message: string): WriteRefusal => ({
  ok: false,
  refusal: 'readonly',
  message: `this node cannot write to its DATA_DIR (${message}); nothing was changed, retry once the disk takes writes again`,
});

/** The engine's refusals as Redis error kinds: over the byte budget is Redis' OOM, a disk that refuses writes READONLY. */
const refusal = (result: WriteFailure): WriteRefusal => {
  switch (result.code) {
    case 'TOO_LARGE':
    case 'INVALID_SIZE':
      return { ok: false, refusal: 'oom', message: `command not allowed: ${result.message} (CACHE_MAX_BYTES)` };
    case 'NOT_LOGGED':
      return notLogged(result.message);
    // Out of bounds with its peers, the node is read-only until its clock is fixed.
    case 'CLOCK_SKEW':
      return { ok: false, refusal: 'readonly', message: result.message };
    default:
      return { ok: false, refusal: 'invalid', message: result.message };
  }
};

const keyTooLong = (key: string): WriteRefusal | undefined =>
  key.length > MAX_KEY_LENGTH ? { ok: false, refusal: 'invalid', message: `key must be at most ${MAX_KEY_LENGTH} characters (UTF-16 code units)` } : undefined;

/** Refusals that depend only on the arguments: the REST API's limits on keys and TTLs. */
const argumentRefusal = (key: string, ttlMs: number | undefined): WriteRefusal | undefined =>
  keyTooLong(key) ?? (ttlMs !== undefined && ttlMs > MAX_TTL_MS ? { ok: false, refusal: 'invalid', message: 'expire time must be at most ten years' } : undefined);

/**
 * The node's replicated cache as `@meshcache/resp` sees it: every write goes through the
 * `ReplicaNode` (replicated like a REST write), keys are paged from the server's key listing,
 * and AUTH checks the same token (or JWT) as the REST API. Keys and TTLs get the REST API's limits.
 */
export const createNodeRespStore = (ctx: ServerContext): RespStore => {
  const { node, keys, auth, lifecycle, config, limits } = ctx;
  // The strategy names of the REST contract, in the engine's spelling (`lru`, `lfu`, ...).
  const policies = strategySchema.options.map(enginePolicy);
  return {
    authRequired: !auth.open,
    // The record itself (value and expiry): one counted lookup, where `node.get` adds a second and a new object.
    get: (key: string): StoredValue | undefined => node.cache.get(key),
    peek: (key: string): StoredValue | undefined => node.peek(key),
    set(key: string, value: unknown, ttlMs: number | undefined): WriteOutcome {
      const refused = argumentRefusal(key, ttlMs);
      if (refused) return refused;
      const result = node.set(key, value, ttlMs === undefined ? undefined : { ttlMs });
      return result.ok ? OK : refusal(result);
    },
    // What the engine would refuse before journaling (ReplicaNode.checkSet), and a disk known to
    // refuse writes; a journal failing after this check can still refuse the write.
    canSet(key: string, value: unknown, ttlMs: number | undefined): WriteOutcome {
      const refused = argumentRefusal(key, ttlMs);
      if (refused) return refused;
      const disk = ctx.persistence.store?.diskState;
      if (disk !== undefined && !disk.writable) return notLogged(`${disk.fault.code}: ${disk.fault.message}`);
      const failure = node.checkSet(key, value, ttlMs === undefined ? undefined : { ttlMs });
      return failure === null ? OK : refusal(failure);
    },
    delete(key: string): DeleteOutcome {
      if (node.closed) return { ok: false, refusal: 'invalid', message: 'this node is closed' };
      const result = node.delete(key);
      return result.ok ? { ok: true, existed: result.existed } : refusal(result);
    },
    clear(): WriteOutcome {
      const result = node.clear();
      return result.ok ? OK : refusal(result);
    },
    size: () => node.cache.size,
    keyPage(request: KeyPageRequest): KeyPageResult {
      const page = keys.page(request);
      return { keys: page.keys, more: page.nextCursor !== null };
    },
    now: () => node.now(),
    policies: () => policies,
    policy: () => node.cache.strategy,
    setPolicy(policy: string): WriteOutcome {
      const label = strategySchema.options.find((s) => enginePolicy(s) === policy);
      if (label === undefined) return { ok: false, refusal: 'invalid', message: `unknown policy ${policy}` };
      const result = node.setStrategy(enginePolicy(label));
      return result.ok ? OK : refusal(result);
    },
    maxBytes: () => config.cacheMaxBytes,
    loading: () => lifecycle.phase === 'loading',
    // Failed attempts count against RATE_LIMIT_MAX per client, as failed HTTP auth does; past it
    // every attempt fails until the window ends (AUTH was the way to guess the token at ~80,000
    // tries a second).
    authenticate(password: string, clientIp: string): boolean | Promise<boolean> {
      const limiter = limits.anonymous;
      // Counted too, as HTTP counts refused requests: the first one over the limit is logged.
      if (limiter?.blocked(clientIp)) {
        limiter.admit(clientIp);
        return false;
      }
      const counted = (ok: boolean): boolean => {
        if (!ok) limiter?.admit(clientIp);
        return ok;
      };
      const ok = auth.verifyStatic(password) ?? auth.verify(password);
      return typeof ok === 'boolean' ? counted(ok) : ok.then(counted);
    },
    info(): StoreInfo {
      const memory = process.memoryUsage();
      const stats = node.cache.stats();
      return {
        serverName: 'meshcache',
        version: ctx.version,
        nodeId: config.nodeId,
        uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
        memory: { usedBytes: memory.heapUsed, rssBytes: memory.rss, storeBytes: node.cache.bytes },
        stats: { hits: stats.hits, misses: stats.misses, evictions: stats.evictions, expirations: stats.expirations },
        peers: node.nodes().map((p) => ({ id: p.id, url: p.url, state: p.state, lag: p.lag })),
      };
    },
  };
};
