/**
 * Redis' own error texts, word for word: clients match on them (ioredis retries on `LOADING`,
 * node-redis tells `WRONGPASS` from `NOAUTH`, redis-cli prints them as they are).
 */
export const RedisErrors = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  overflow: 'ERR increment or decrement would overflow',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  noPasswordConfigured: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  noProto: 'NOPROTO unsupported protocol version',
  dbIndex: 'ERR DB index is out of range',
  invalidCursor: 'ERR invalid cursor',
  loading: 'LOADING Redis is loading the dataset in memory',
  clientName: 'ERR Client names cannot contain spaces, newlines or special characters.',
  notUtf8: 'ERR invalid UTF-8 in an argument: meshcache stores text, send UTF-8 or encode binary data (base64)',
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  invalidExpire: (name: string) => `ERR invalid expire time in '${name}' command`,
  unknownSubcommand: (sub: string, container: string) => `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`,
  unknownConfig: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  configValue: (name: string, allowed: readonly string[]) =>
    `ERR CONFIG SET failed (possibly related to argument '${name}') - argument(s) must be one of the following: ${allowed.join(', ')}`,
  configReadOnly: (name: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`,
  expireOptions: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  gtLt: 'ERR GT and LT options at the same time are not compatible',
  /** `'name', with args beginning with: 'a' 'b' ` as Redis 7 writes it: the arguments cut at 128 characters. */
  unknownCommand: (argv: readonly string[], argc: number) => {
    let args = '';
    for (let i = 1; i < argc && args.length < 128; i++) args += `'${argv[i].slice(0, 128 - args.length)}' `;
    return `ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`;
  },
} as const;
