import type { ReplicaNode } from '@meshcache/sync-node';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/index.js';
import type { Authenticator } from '../http/auth.js';
import type { HttpMetrics } from '../monitoring/prometheus.js';
import type { RateLimits } from '../http/rate-limit.js';
import type { DiskStore } from '../persistence/disk-store.js';
import type { KeyListing } from '../views/key-listing.js';
import type { HealthProblems } from './health-problems.js';
import type { TlsOptions } from './tls-options.js';

/** `loading` while restoring from disk (API answers 503), `shutting-down` while draining. */
export type Phase = 'loading' | 'ready' | 'shutting-down';

export interface Lifecycle {
  phase: Phase;
}

/** The configuration as the running server sees it: the advertised URL is known. */
export type ServerConfig = ResolvedConfig & { readonly selfUrl: string };

/** Everything a request handler or gateway needs, built once per server. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly node: ReplicaNode;
  /** Keys in order, for the key browser's pages. */
  readonly keys: KeyListing;
  readonly auth: Authenticator;
  /** Shared by HTTP (both paths) and the socket handshakes. */
  readonly limits: RateLimits;
  readonly prometheus: HttpMetrics;
  readonly lifecycle: Lifecycle;
  /** The data directory's store once restored; undefined without DATA_DIR (and while loading). */
  readonly persistence: { store: DiskStore | undefined };
  /** Problems `/health` reports: the engine's and the server's (raise server ones here). */
  readonly problems: HealthProblems;
  /** Open TCP connections to the HTTP(S) port, counted by the server's connection events. */
  readonly connections: { open: number };
  /** TLS options for calling peers' HTTP API (the cluster view); the peer transport's own. */
  readonly peerTls: TlsOptions['client'];
  readonly startedAt: number;
  readonly version: string;
}
