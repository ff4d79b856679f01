import type { DeleteOutcome, KeyPageRequest, KeyPageResult, RespStore, StoreInfo, StoredValue, WriteOutcome } from './store.js';

export interface MemoryRespStoreOptions {
  /** Clients must `AUTH` with it first. */
  readonly password?: string;
  /** Clock in ms; `Date.now` when omitted. */
  readonly now?: () => number;
}

interface Entry {
  value: unknown;
  expiresAt?: number;
}

const OK: WriteOutcome = { ok: true };

/**
 * A single-process {@link RespStore} over a `Map`: the reference implementation of the
 * interface, for tests and small embedded uses. It never evicts (the policy is only recorded)
 * and pages keys by sorting them, O(n log n) per page; meshcache's server implements the
 * interface with its replicated cache instead.
 */
export class MemoryRespStore implements RespStore {
  readonly authRequired: boolean;
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;
  private readonly startedAt: number;
  private currentPolicy = 'lru';
  private hits = 0;
  private misses = 0;
  private expirations = 0;

  constructor(private readonly options: MemoryRespStoreOptions = {}) {
    this.authRequired = options.password !== undefined;
    this.clock = options.now ?? Date.now;
    this.startedAt = this.clock();
  }

  get(key: string): StoredValue | undefined {
    const entry = this.peek(key);
    if (entry === undefined) this.misses++;
    else this.hits++;
    return entry;
  }

  peek(key: string): StoredValue | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      this.expirations++;
      return undefined;
    }
    return entry;
  }

  set(key: string, value: unknown, ttlMs: number | undefined): WriteOutcome {
    this.entries.set(key, ttlMs === undefined ? { value } : { value, expiresAt: this.clock() + ttlMs });
    return OK;
  }

  /** This store refuses no write. */
  canSet(): WriteOutcome {
    return OK;
  }

  delete(key: string): DeleteOutcome {
    const existed = this.peek(key) !== undefined;
    this.entries.delete(key);
    return { ok: true, existed };
  }

  clear(): WriteOutcome {
    this.entries.clear();
    return OK;
  }

  size(): number {
    let n = 0;
    for (const key of [...this.entries.keys()]) if (this.peek(key) !== undefined) n++;
    return n;
  }

  keyPage({ after, prefix = '', limit }: KeyPageRequest): KeyPageResult {
    const sorted = [...this.entries.keys()].filter((k) => (after === undefined || k > after) && k.startsWith(prefix) && this.peek(k) !== undefined).sort();
    return { keys: sorted.slice(0, limit), more: sorted.length > limit };
  }

  now(): number {
    return this.clock();
  }

  policies(): readonly string[] {
    return ['lru', 'lfu'];
  }

  policy(): string {
    return this.currentPolicy;
  }

  setPolicy(policy: string): WriteOutcome {
    this.currentPolicy = policy;
    return OK;
  }

  maxBytes(): number {
    return 0;
  }

  loading(): boolean {
    return false;
  }

  authenticate(password: string): boolean {
    return password === this.options.password;
  }

  info(): StoreInfo {
    const memory = process.memoryUsage();
    return {
      serverName: 'meshcache-resp',
      version: '0.1.0',
      nodeId: 'memory',
      uptimeSeconds: (this.clock() - this.startedAt) / 1000,
      memory: { usedBytes: memory.heapUsed, rssBytes: memory.rss, storeBytes: 0 },
      stats: { hits: this.hits, misses: this.misses, evictions: 0, expirations: this.expirations },
      peers: [],
    };
  }
}
