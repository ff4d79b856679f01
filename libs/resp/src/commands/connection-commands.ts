import type { RespConnection } from '../server/connection.js';
import { RedisErrors } from './redis-errors.js';

export const ping = (c: RespConnection): void => {
  if (c.argc > 2) c.reply.error(RedisErrors.wrongArity('ping'));
  else if (c.argc === 2) c.reply.bulk(c.argv[1]);
  else c.reply.simple('PONG');
};

export const echo = (c: RespConnection): void => c.reply.bulk(c.argv[1]);

export const quit = (c: RespConnection): void => {
  c.reply.ok();
  c.quitting = true;
};

export const select = (c: RespConnection): void => {
  const index = c.argv[1];
  if (!/^-?\d{1,18}$/.test(index)) c.reply.error(RedisErrors.notInteger);
  else if (Number(index) !== 0) c.reply.error(RedisErrors.dbIndex);
  else c.reply.ok();
};

/**
 * Checks `password` for `username` (only `default` exists). Without a configured password,
 * Redis' default user accepts anything given with its name.
 */
const checkCredentials = (c: RespConnection, username: string, password: string): boolean | Promise<boolean> => {
  if (username !== 'default') return false;
  if (!c.store.authRequired) return true;
  return c.store.authenticate(password, c.clientIp);
};

const afterCheck = (ok: boolean | Promise<boolean>, then: (ok: boolean) => void): void | Promise<void> => {
  if (typeof ok === 'boolean') return then(ok);
  return ok.then(then, () => then(false));
};

/** AUTH [username] password */
export const auth = (c: RespConnection): void | Promise<void> => {
  const { argv, argc, reply } = c;
  if (argc > 3) {
    reply.error(RedisErrors.syntax);
    return;
  }
  if (argc === 2 && !c.store.authRequired) {
    reply.error(RedisErrors.noPasswordConfigured);
    return;
  }
  const username = argc === 3 ? argv[1] : 'default';
  const password = argv[argc - 1];
  return afterCheck(checkCredentials(c, username, password), (ok) => {
    if (!ok) {
      reply.error(RedisErrors.wrongPass);
      return;
    }
    c.markAuthenticated();
    reply.ok();
  });
};

/** `CLIENT SETNAME` and `HELLO ... SETNAME`: printable, no spaces. */
const validName = (name: string): boolean => /^[!-~]*$/.test(name);

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
export const hello = (c: RespConnection): void | Promise<void> => {
  const { argv, argc, reply } = c;
  let protover = c.reply.protover;
  if (argc >= 2) {
    const requested = argv[1];
    if (!/^-?\d{1,18}$/.test(requested)) {
      reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (requested !== '2' && requested !== '3') {
      reply.error(RedisErrors.noProto);
      return;
    }
    protover = requested === '3' ? 3 : 2;
  }
  let credentials: [string, string] | undefined;
  let name: string | undefined;
  for (let i = 2; i < argc; i++) {
    const option = argv[i].toUpperCase();
    if (option === 'AUTH' && i + 2 < argc) {
      credentials = [argv[i + 1], argv[i + 2]];
      i += 2;
    } else if (option === 'SETNAME' && i + 1 < argc) {
      name = argv[++i];
      if (!validName(name)) {
        reply.error(RedisErrors.clientName);
        return;
      }
    } else {
      reply.error(`ERR Syntax error in HELLO option '${argv[i]}'`);
      return;
    }
  }
  const finish = (ok: boolean): void => {
    if (!ok) {
      reply.error(RedisErrors.wrongPass);
      return;
    }
    if (credentials !== undefined) c.markAuthenticated();
    if (!c.authenticated) {
      reply.error(RedisErrors.helloNoAuth);
      return;
    }
    if (name !== undefined) c.name = name;
    reply.protover = protover;
    const info = c.store.info();
    reply.map(7);
    reply.bulk('server');
    reply.bulk(info.serverName);
    reply.bulk('version');
    reply.bulk(info.version);
    reply.bulk('proto');
    reply.integer(protover);
    reply.bulk('id');
    reply.integer(c.id);
    reply.bulk('mode');
    reply.bulk('standalone');
    reply.bulk('role');
    reply.bulk('master');
    reply.bulk('modules');
    reply.array(0);
  };
  if (credentials === undefined) return finish(true);
  return afterCheck(checkCredentials(c, credentials[0], credentials[1]), finish);
};

/** One `CLIENT LIST` line, with the fields clients and tools read. */
export const clientInfoLine = (client: RespConnection, now: number): string =>
  `id=${client.id} addr=${client.remoteAddress} laddr=${client.localAddress} name=${client.name} ` +
  `age=${Math.floor((now - client.createdAt) / 1000)} idle=${Math.floor((now - client.lastActiveAt) / 1000)} flags=N db=0 ` +
  `qbuf=${client.bufferedInput} omem=${client.bufferedOutput} cmd=${client.lastCommand} user=default resp=${client.reply.protover} ` +
  `lib-name=${client.libName} lib-ver=${client.libVer}\n`;

export const clientSetname = (c: RespConnection): void => {
  if (!validName(c.argv[2])) c.reply.error(RedisErrors.clientName);
  else {
    c.name = c.argv[2];
    c.reply.ok();
  }
};

export const clientGetname = (c: RespConnection): void => c.reply.bulkOrNull(c.name === '' ? undefined : c.name);

export const clientId = (c: RespConnection): void => c.reply.integer(c.id);

export const clientInfo = (c: RespConnection): void => c.reply.bulk(clientInfoLine(c, Date.now()));

export const clientList = (c: RespConnection): void => {
  const now = Date.now();
  let text = '';
  for (const client of c.host.clients()) text += clientInfoLine(client, now);
  c.reply.bulk(text);
};

/** CLIENT SETINFO LIB-NAME|LIB-VER value: node-redis and ioredis send it on connect. */
export const clientSetinfo = (c: RespConnection): void => {
  const attribute = c.argv[2].toUpperCase();
  const value = c.argv[3];
  if (attribute !== 'LIB-NAME' && attribute !== 'LIB-VER') {
    c.reply.error(`ERR Unrecognized option '${c.argv[2]}'`);
    return;
  }
  if (!/^[!-~]*$/.test(value)) {
    c.reply.error(`ERR ${attribute} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (attribute === 'LIB-NAME') c.libName = value;
  else c.libVer = value;
  c.reply.ok();
};
