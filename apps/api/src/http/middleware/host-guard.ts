import { isIP } from 'node:net';
import type { Config } from '../../config/config-schema.js';
import { hasClientAuth, isLoopbackHost } from '../../config/exposure.js';

/**
 * The DNS-rebinding guard. A web page on `evil.example` whose name an attacker then points at
 * 127.0.0.1 is, to the browser, same-origin with a node listening on loopback: its scripts can
 * read, write and clear the cache of a node that needs no token (the default on loopback). The
 * browser still sends `Host: evil.example`, so a node that answers without a token answers only
 * requests whose Host is an IP address, `localhost` or a `*.localhost` name, or a name listed in
 * ALLOWED_HOSTS (a reverse proxy that keeps the public name, say). A token closes the hole by
 * itself (the page does not know it), so a node that needs one for everything checks nothing
 * unless ALLOWED_HOSTS is set. (webpack-dev-server's `allowedHosts` and Jupyter's
 * `allow_remote_access` guard the same way.)
 *
 * Returns the check, or null when the node does not need one.
 */
export const hostGuard = (config: Pick<Config, 'host' | 'authToken' | 'jwtSecret' | 'publicReads' | 'allowedHosts'>): ((host: string | undefined) => boolean) | null => {
  const listed = new Set(config.allowedHosts.map((h) => h.toLowerCase()));
  if (listed.has('*')) return null;
  const answersWithoutToken = !hasClientAuth(config) || config.publicReads;
  if (listed.size === 0 && !(answersWithoutToken && isLoopbackHost(config.host))) return null;
  return (header) => {
    // HTTP/1.0 without Host: no browser sends that.
    if (header === undefined || header === '') return true;
    const name = hostName(header);
    return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || listed.has(name);
  };
};

/** `[::1]:5000` → `::1`, `Example.com:5000` → `example.com`. */
const hostName = (header: string): string => {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
};

export const HOST_NOT_ALLOWED_MESSAGE = (host: string | undefined) =>
  `Host ${JSON.stringify(host)} is not a name this node answers for without a token (a guard against DNS rebinding): use 127.0.0.1 or localhost, list the name in ALLOWED_HOSTS, or set AUTH_TOKEN`;
