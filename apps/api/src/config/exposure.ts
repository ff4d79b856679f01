import type { Config } from './config-schema.js';

/** `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped): only this machine can connect. */
export const isLoopbackHost = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
};

/** True when clients must present a bearer token (the REST API and the dashboard socket are closed). */
export const hasClientAuth = (config: Pick<Config, 'authToken' | 'jwtSecret'>): boolean => config.authToken !== undefined || config.jwtSecret !== undefined;

/**
 * Why this configuration must not start (Redis' protected mode is the model): a node reachable
 * from the network with no token would let anyone empty the cluster or stop replication, and
 * peers without a shared secret could not prove who they are. Empty when it may start.
 */
export const exposureProblems = (config: Config): string[] => {
  const problems: string[] = [];
  if (!isLoopbackHost(config.host) && !hasClientAuth(config) && !config.insecure) {
    problems.push(
      `HOST (--host): ${config.host} is reachable from other machines but no client authentication is set: ` +
        'set AUTH_TOKEN (--auth-token) or JWT_SECRET (--jwt-secret), or listen on HOST=127.0.0.1, ' +
        'or accept an open node with ALLOW_INSECURE=true (--insecure)',
    );
  }
  if (config.peerNodes.length > 0 && config.clusterSecret === undefined) {
    problems.push('CLUSTER_SECRET (--cluster-secret): required with PEER_NODES: peers prove they belong to the cluster with it (use the same long random value on every node, e.g. `openssl rand -hex 32`)');
  }
  return problems;
};

/** The line logged at every start of a node that listens beyond loopback with no token. */
export const exposureWarning = (config: Config): string | undefined =>
  config.insecure && !isLoopbackHost(config.host) && !hasClientAuth(config)
    ? `ALLOW_INSECURE: ${config.host} answers anyone who reaches it without a token (anyone can empty the cache or stop replication): set AUTH_TOKEN or JWT_SECRET`
    : undefined;
