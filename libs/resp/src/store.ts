/**
 * What the Redis commands need from a cache: meshcache's server implements it with its
 * replicated node, tests with a plain Map. The library knows nothing else about the server.
 */
export interface RespStore {
  /** Reads `key`, counting a hit or a miss. */
  get(key: string): StoredValue | undefined;
  /** Reads `key` without counting an access (conditions, TTL queries). */
  peek(key: string): StoredValue | undefined;
  /**
   * Stores `value` (a string for values sent over RESP; the value read back when only the TTL
   * changes) for `ttlMs` ms (a positive integer), or with no expiry when undefined.
   */
  set(key: string, value: unknown, ttlMs: number | undefined): WriteOutcome;
  /**
   * Whether `set` with these arguments would be refused for a reason known before writing (the
   * key, the TTL, the size against the byte budget, a node that takes no writes), without
   * writing. MSET and MSETNX ask it for every pair first, so they write all pairs or none.
   */
  canSet(key: string, value: unknown, ttlMs: number | undefined): WriteOutcome;
  delete(key: string): DeleteOutcome;
  clear(): WriteOutcome;
  /** Live keys. */
  size(): number;
  /** Up to `limit` keys in code-unit order after `after` (exclusive) that start with `prefix`. */
  keyPage(request: KeyPageRequest): KeyPageResult;
  /** Clock of the store's expiry times, in ms since the epoch. */
  now(): number;
  /** Eviction policies the store can switch to, by their engine names (`lru`, `lfu`, ...). */
  policies(): readonly string[];
  policy(): string;
  /** Switches the eviction policy; in meshcache every node of the cluster follows. */
  setPolicy(policy: string): WriteOutcome;
  /** The byte budget of the store, 0 when there is none. */
  maxBytes(): number;
  /** True while the store is still being loaded (commands answer `LOADING`). */
  loading(): boolean;
  /** Whether clients must `AUTH` before anything else. */
  readonly authRequired: boolean;
  /** Checks a password; `clientIp` lets the store count failed attempts per client (rate limits). */
  authenticate(password: string, clientIp: string): boolean | Promise<boolean>;
  /** Figures for `INFO`. */
  info(): StoreInfo;
}

export interface StoredValue {
  readonly value: unknown;
  /** Absolute expiry in the store's clock, if any. */
  readonly expiresAt?: number;
}

/** Why a write was refused: `oom` → `-OOM`, `readonly` → `-READONLY`, `invalid` → `-ERR`. */
export interface WriteRefusal {
  readonly ok: false;
  readonly refusal: 'oom' | 'readonly' | 'invalid';
  readonly message: string;
}

export type WriteOutcome = { readonly ok: true } | WriteRefusal;

export type DeleteOutcome = { readonly ok: true; readonly existed: boolean } | WriteRefusal;

export interface KeyPageRequest {
  readonly after?: string;
  readonly prefix?: string;
  readonly limit: number;
}

export interface KeyPageResult {
  readonly keys: readonly string[];
  /** More keys follow the last one returned. */
  readonly more: boolean;
}

export interface StoreInfo {
  readonly serverName: string;
  readonly version: string;
  readonly nodeId: string;
  readonly uptimeSeconds: number;
  readonly memory: { readonly usedBytes: number; readonly rssBytes: number; readonly storeBytes: number };
  readonly stats: {
    readonly hits: number;
    readonly misses: number;
    readonly evictions: number;
    readonly expirations: number;
  };
  /** The other nodes this one replicates with. */
  readonly peers: readonly PeerLinkInfo[];
}

export interface PeerLinkInfo {
  readonly id: string;
  readonly url: string | null;
  readonly state: string;
  readonly lag: number;
}
