import { STRATEGY_LABELS, strategyInputSchema } from '@meshcache/api-contract';
import { MAX_BATCHING_DELAY_MS } from '@meshcache/sync-node';
import { z } from 'zod';
import { isProxyAddress } from './proxy-address.js';

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])], 'must be true or false (also 1/0, yes/no, on/off)')
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes' || v === 'on');

const int = (min: number, max: number) => z.coerce.number<string | number>('must be a number').int('must be an integer').min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);

/** `host:port` without a scheme (as in the seed's example) is read as http. */
const peerList = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean).map((p) => (/^[a-z]+:\/\//i.test(p) ? p : `http://${p}`)))
  .pipe(z.array(z.url({ protocol: /^https?$/, message: 'must be a comma-separated list of http(s) URLs' })));

export const nodeIdSchema = z.string().min(1).max(128).regex(/^[\w.:-]+$/, 'may hold letters, digits, _ . : - only');

/**
 * Express' `trust proxy` in the two forms Express recommends: a hop count, or the addresses and
 * CIDRs of the proxies. `true` (every hop) would let any client pick its address with
 * X-Forwarded-For, and so its rate-limit bucket.
 */
const trustProxySchema = z
  .string()
  .transform((s, ctx): number | string[] | false => {
    const text = s.trim();
    if (text === 'false' || text === '0') return false;
    if (/^\d+$/.test(text)) return Number(text);
    const list = text.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = list.find((p) => !isProxyAddress(p));
    if (text === 'true' || list.length === 0 || bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a hop count (e.g. 1) or a comma-separated list of proxy addresses/CIDRs (e.g. 10.0.0.0/8,loopback), not ${JSON.stringify(bad ?? text)}` });
      return z.NEVER;
    }
    return list;
  });

/**
 * Every setting: its key, environment variable, flag, schema and help line. One table feeds
 * the zod schema, the `--help` text and the README's configuration table.
 */
export const CONFIG_OPTIONS = [
  { key: 'port', env: 'PORT', schema: int(0, 65535).default(5000), help: 'HTTP and socket.io port (0 picks a free one)' },
  { key: 'respPort', env: 'RESP_PORT', schema: int(0, 65535).default(6379), help: 'Redis protocol (RESP) port on the same HOST (0 turns it off)' },
  { key: 'host', env: 'HOST', schema: z.string().min(1).default('127.0.0.1'), help: 'Interface to listen on; another than loopback needs AUTH_TOKEN or JWT_SECRET (or ALLOW_INSECURE)' },
  { key: 'insecure', env: 'ALLOW_INSECURE', schema: bool.default(false), help: 'Listen beyond loopback without AUTH_TOKEN/JWT_SECRET (warned at every start)' },
  { key: 'nodeId', env: 'NODE_ID', schema: nodeIdSchema.optional(), help: 'Unique node id (default: random node-<hex>, kept in DATA_DIR/node-id when DATA_DIR is set)' },
  { key: 'selfUrl', env: 'SELF_URL', schema: z.url({ protocol: /^https?$/ }).optional(), help: 'URL peers reach this node at (default: HOST, or on 0.0.0.0 the local address of the route to the first peer)' },
  { key: 'cacheCapacity', env: 'CACHE_CAPACITY', schema: int(1, 100_000_000).default(1000), help: 'Most items the cache holds' },
  { key: 'cacheMaxBytes', env: 'CACHE_MAX_BYTES', schema: int(0, Number.MAX_SAFE_INTEGER).default(0), help: 'Byte budget of keys + JSON values, UTF-8 bytes as the key listing shows them (0: no limit); a value over it gets 507' },
  { key: 'cacheStrategy', env: 'CACHE_STRATEGY', schema: strategyInputSchema.default('LRU'), help: `Eviction strategy at start: ${STRATEGY_LABELS.join(', ')} (either case)` },
  { key: 'peerNodes', env: 'PEER_NODES', schema: peerList.default([]), help: 'Comma-separated URLs of the other nodes' },
  { key: 'peerResolveIntervalMs', env: 'PEER_RESOLVE_INTERVAL_MS', schema: int(0, 86_400_000).default(30_000), help: 'How often PEER_NODES names are looked up again (0: only at start)' },
  { key: 'replicationSendWindowMs', env: 'REPLICATION_SEND_WINDOW_MS', schema: int(0, MAX_BATCHING_DELAY_MS).default(10), help: 'Least time between two replication batches of new writes: a write within this long of the last batch waits for the next one, a lone write goes at once (0: one batch per event-loop turn); a write with acks=N is sent at once' },
  { key: 'replicationAckDelayMs', env: 'REPLICATION_ACK_DELAY_MS', schema: int(0, MAX_BATCHING_DELAY_MS).default(20), help: "How long a node may hold its acknowledgement of a peer's replication batches so that one ack covers several (0: one ack per batch, at once); a batch whose writer waits (acks=N) is acknowledged at once" },
  { key: 'clusterSecret', env: 'CLUSTER_SECRET', schema: z.string().min(8, 'must be at least 8 characters').optional(), help: 'Shared secret of the /cluster namespace; without it the node runs alone and accepts no peer' },
  { key: 'frontendUrl', env: 'FRONTEND_URL', schema: z.string().default('http://localhost:3000'), help: "Allowed CORS origin(s), comma-separated, or '*'; also the origins (besides the node's own) allowed to open a dashboard socket" },
  { key: 'nodeEnv', env: 'NODE_ENV', schema: z.enum(['development', 'production', 'test']).default('development'), help: 'development | production | test' },
  { key: 'logLevel', env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), help: 'pino log level' },
  // Off by default: a cache's requests are its hottest path. At 10,000 requests/s the access log
  // wrote ~1.7 MB/s (6 GB an hour to a log nobody rotates) and cost a quarter of a node's time per
  // GET (docs/BENCHMARKS.md, Server); /metrics counts requests by route and status instead.
  { key: 'accessLog', env: 'ACCESS_LOG', schema: bool.default(false), help: 'Log every request, one pino JSON line each (the seed\'s request logger); off by default: /metrics counts requests by route and status' },
  { key: 'authToken', env: 'AUTH_TOKEN', schema: z.string().min(8, 'must be at least 8 characters').optional(), help: 'Bearer token required for writes and the dashboard socket' },
  { key: 'jwtSecret', env: 'JWT_SECRET', schema: z.string().min(16, 'must be at least 16 characters').optional(), help: 'Accept HS256 JWTs signed with this secret as bearer tokens' },
  { key: 'jwtMaxLifetimeS', env: 'JWT_MAX_LIFETIME_S', schema: int(1, 31_536_000).default(86_400), help: 'Longest JWT lifetime accepted (exp - iat, or exp - now without iat), seconds; exp is required' },
  { key: 'jwtAudience', env: 'JWT_AUDIENCE', schema: z.string().min(1).optional(), help: 'When set, a JWT must carry this aud' },
  { key: 'jwtIssuer', env: 'JWT_ISSUER', schema: z.string().min(1).optional(), help: 'When set, a JWT must carry this iss' },
  {
    key: 'allowedHosts',
    env: 'ALLOWED_HOSTS',
    schema: z
      .string()
      .transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(\*|[a-z0-9.-]+)$/i, "must be host names (no port or scheme), comma-separated, or '*'")))
      .default([]),
    help: "Host names (besides IP addresses and localhost) a node answering without a token serves, against DNS rebinding; set, they apply with a token too; '*' turns the check off",
  },
  { key: 'publicReads', env: 'PUBLIC_READS', schema: bool.default(false), help: "With a token set, let the cache's reads through without it (metrics, replication state and the dashboard socket still need it)" },
  { key: 'rateLimitMax', env: 'RATE_LIMIT_MAX', schema: int(0, 1e9).default(1000), help: 'Requests per window per client IP without a valid token (/api, /metrics, socket.io handshakes, failed auth; with a token configured); 0 turns it off' },
  { key: 'rateLimitAuthenticatedMax', env: 'RATE_LIMIT_AUTHENTICATED_MAX', schema: int(0, 1e9).default(0), help: 'Requests per window per client IP with a valid token, or of every client when no token is configured (0: no limit)' },
  { key: 'rateLimitWindowMs', env: 'RATE_LIMIT_WINDOW_MS', schema: int(1000, 86_400_000).default(60_000), help: 'Rate-limit window' },
  { key: 'bodyLimit', env: 'BODY_LIMIT', schema: z.string().regex(/^\d+(b|kb|mb)$/i, "must look like '10mb'").default('10mb'), help: 'Largest JSON body (413 beyond)' },
  { key: 'dataDir', env: 'DATA_DIR', schema: z.string().min(1).optional(), help: 'Directory for snapshot + operation log (in memory only when unset)' },
  { key: 'appendFsync', env: 'APPEND_FSYNC', schema: z.enum(['always', 'everysec', 'no']).default('everysec'), help: 'Operation log fsync policy: always | everysec | no' },
  { key: 'fsyncTraceFile', env: 'FSYNC_TRACE_FILE', schema: z.string().min(1).optional(), help: "Test only: append one JSON line per completed operation-log fsync ({file, bytes, at}), read by the chaos harness's power-cut emulation" },
  { key: 'snapshotIntervalMs', env: 'SNAPSHOT_INTERVAL_MS', schema: int(1000, 86_400_000).default(60_000), help: 'Snapshot period (each period moved by up to ±10 % at random)' },
  { key: 'snapshotAfterOps', env: 'SNAPSHOT_AFTER_OPS', schema: int(1, 1e9).default(100_000), help: 'Also snapshot once the log holds this many operations' },
  { key: 'discardCorruptData', env: 'DISCARD_CORRUPT_DATA', schema: bool.default(false), help: 'Start even when every snapshot in DATA_DIR is damaged (damaged files are moved aside, never deleted)' },
  { key: 'diskProbeIntervalMs', env: 'DISK_PROBE_INTERVAL_MS', schema: int(100, 600_000).default(1000), help: 'While the disk is full (node read-only), how often to test it again' },
  { key: 'metricsIntervalMs', env: 'METRICS_INTERVAL_MS', schema: int(100, 60_000).default(1000), help: 'Period of metrics-update to dashboards' },
  { key: 'shutdownTimeoutMs', env: 'SHUTDOWN_TIMEOUT_MS', schema: int(0, 600_000).default(10_000), help: 'Longest graceful drain before exiting' },
  { key: 'dashboardDir', env: 'DASHBOARD_DIR', schema: z.string().min(1).optional(), help: 'Built dashboard to serve at / (default <dir of main.js>/../dashboard)' },
  { key: 'trustProxy', env: 'TRUST_PROXY', schema: trustProxySchema.default(false), help: 'Proxies whose X-Forwarded-For to trust: a hop count, or a comma-separated list of addresses/CIDRs (loopback, linklocal, uniquelocal too)' },
  { key: 'headersTimeoutMs', env: 'HEADERS_TIMEOUT_MS', schema: int(1000, 600_000).default(10_000), help: 'Longest time for a client to send request headers' },
  { key: 'requestTimeoutMs', env: 'REQUEST_TIMEOUT_MS', schema: int(1000, 3_600_000).default(30_000), help: 'Longest time for a client to send a whole request' },
  { key: 'keepAliveTimeoutMs', env: 'KEEP_ALIVE_TIMEOUT_MS', schema: int(0, 600_000).default(65_000), help: 'Idle time before a keep-alive connection is closed (above a load balancer idle timeout)' },
  { key: 'maxConnections', env: 'MAX_CONNECTIONS', schema: int(1, 1_000_000).default(10_000), help: 'Most open HTTP/socket.io connections; more are closed at once' },
  { key: 'tlsCert', env: 'TLS_CERT', schema: z.string().min(1).optional(), help: 'PEM certificate (chain) file: serve HTTPS + WSS, and present it to peers (with TLS_KEY)' },
  { key: 'tlsKey', env: 'TLS_KEY', schema: z.string().min(1).optional(), help: 'PEM private key file of TLS_CERT' },
  { key: 'tlsCa', env: 'TLS_CA', schema: z.string().min(1).optional(), help: "PEM CA bundle file: peers' certificates must chain to it, both when dialing and on /cluster (mutual TLS)" },
] as const;

type Option = (typeof CONFIG_OPTIONS)[number];
type Shape = { [O in Option as O['key']]: O['schema'] };

export const configSchema = z.object(Object.fromEntries(CONFIG_OPTIONS.map((o) => [o.key, o.schema])) as Shape);

export type Config = z.infer<typeof configSchema>;
export type ConfigKey = keyof Config;

/** `cacheCapacity` → `--cache-capacity` */
export const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
