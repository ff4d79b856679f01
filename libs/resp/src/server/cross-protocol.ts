import type { RespConnection } from './connection.js';

/**
 * What starts an HTTP request, read as an inline command: a web page can make a browser POST to
 * 127.0.0.1:6379 (`fetch(..., { mode: 'no-cors', body: 'FLUSHALL' })`), and the lines of its
 * body would run as commands. Neither is a Redis command name, so no client sends them.
 */
const HTTP_COMMAND_NAMES = new Set(['post', 'host:']);

/**
 * Redis' `securityWarningCommand`: a command named `POST` or `Host:` closes the connection at
 * once, without an answer and before anything after it runs. True when it did.
 */
export const closedAsHttp = (c: RespConnection, name: string): boolean => {
  if (!HTTP_COMMAND_NAMES.has(name.toLowerCase())) return false;
  c.host.reportSecurityWarning(`Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to meshcache's RESP port. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your cache. Connection from ${c.remoteAddress} aborted.`, c.remoteAddress);
  c.quitting = true;
  return true;
};
