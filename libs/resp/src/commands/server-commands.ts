import type { RespConnection } from '../server/connection.js';
import { compileGlob } from './glob.js';
import { infoReport } from './info-report.js';
import { enginePolicyOf, policyName } from './policy-names.js';
import { RedisErrors } from './redis-errors.js';
import { replyRefusal } from './write-helpers.js';

export const dbsize = (c: RespConnection): void => c.reply.integer(c.store.size());

/** FLUSHDB / FLUSHALL [ASYNC | SYNC]: meshcache has one database, and clearing it is replicated. */
export const flush = (c: RespConnection): void => {
  if (c.argc > 2 || (c.argc === 2 && !/^(a?sync)$/i.test(c.argv[1]))) {
    c.reply.error(RedisErrors.syntax);
    return;
  }
  const result = c.store.clear();
  if (result.ok) c.reply.ok();
  else replyRefusal(c, result);
};

export const info = (c: RespConnection): void => c.reply.bulk(infoReport(c, c.argv.slice(1, c.argc)));

interface ConfigParameter {
  readonly name: string;
  read(c: RespConnection): string;
  /** Applies a value; replies with an error and returns false when it cannot. */
  write?(c: RespConnection, value: string): boolean;
}

/** The parameters CONFIG GET and CONFIG SET know. */
const CONFIG_PARAMETERS: readonly ConfigParameter[] = [
  {
    name: 'maxmemory-policy',
    read: (c) => policyName(c.store.policy()),
    write: (c, value) => {
      const policies = c.store.policies();
      const policy = enginePolicyOf(value, policies);
      if (policy === undefined) {
        c.reply.error(RedisErrors.configValue('maxmemory-policy', policies.map(policyName)));
        return false;
      }
      const result = c.store.setPolicy(policy);
      if (!result.ok) replyRefusal(c, result);
      return result.ok;
    },
  },
  { name: 'maxmemory', read: (c) => String(c.store.maxBytes()) },
  { name: 'databases', read: () => '1' },
];

/** CONFIG GET parameter [parameter ...]: glob patterns, answered as a map. */
export const configGet = (c: RespConnection): void => {
  const matchers = c.argv.slice(2, c.argc).map((p) => compileGlob(p.toLowerCase()));
  const found = CONFIG_PARAMETERS.filter((p) => matchers.some((m) => m.test(p.name)));
  c.reply.map(found.length);
  for (const p of found) {
    c.reply.bulk(p.name);
    c.reply.bulk(p.read(c));
  }
};

/** CONFIG SET parameter value [parameter value ...] */
export const configSet = (c: RespConnection): void => {
  const { argv, argc, reply } = c;
  if (argc % 2 !== 0) {
    reply.error(RedisErrors.wrongArity('config|set'));
    return;
  }
  const changes: [ConfigParameter, string][] = [];
  for (let i = 2; i < argc; i += 2) {
    const parameter = CONFIG_PARAMETERS.find((p) => p.name === argv[i].toLowerCase());
    if (parameter === undefined) {
      reply.error(RedisErrors.unknownConfig(argv[i]));
      return;
    }
    if (parameter.write === undefined) {
      reply.error(RedisErrors.configReadOnly(parameter.name));
      return;
    }
    changes.push([parameter, argv[i + 1]]);
  }
  for (const [parameter, value] of changes) if (!parameter.write?.(c, value)) return;
  reply.ok();
};

export const configHelp = (c: RespConnection): void => helpReply(c, 'config');

/** `<NAME> HELP`: the container's subcommands with their syntax and summaries, from the command table. */
export const helpReply = (c: RespConnection, container: string): void => {
  const spec = c.host.commandList.find((s) => s.name === container);
  const lines = [`${container.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`];
  for (const sub of spec?.subcommands ?? []) {
    lines.push(`${sub.name.split('|')[1].toUpperCase()}${sub.syntax ? ' ' + sub.syntax : ''}`, `    ${sub.summary}`);
  }
  c.reply.array(lines.length);
  for (const line of lines) c.reply.simple(line);
};
