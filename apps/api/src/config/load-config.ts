import { CONFIG_OPTIONS, configSchema, flagOf, type Config } from './config-schema.js';
import { exposureProblems } from './exposure.js';
import { defaultNodeId } from './node-identity.js';

/** Thrown (and printed by main) when a flag or variable is invalid; names the setting. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The configuration with the node id filled in. `selfUrl` stays unset unless configured: the
 * server derives it once it knows its port and its peers' addresses.
 */
export type ResolvedConfig = Config & { nodeId: string };

const BOOLEAN_KEYS = new Set<string>(['accessLog', 'publicReads', 'insecure', 'discardCorruptData']);

/** Reads `--flag value`, `--flag=value` and bare boolean flags into a key → raw value map. */
const parseFlags = (argv: readonly string[]): Map<string, string> => {
  const byFlag = new Map<string, string>(CONFIG_OPTIONS.map((o) => [flagOf(o.key), o.key]));
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`Unknown argument ${JSON.stringify(arg)} (see --help)`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (BOOLEAN_KEYS.has(key) && (i + 1 >= argv.length || argv[i + 1].startsWith('--'))) value = 'true';
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new ConfigError(`${flag} needs a value`);
    // Refused, not ignored like an empty variable (env files and compose set those to mean
    // unset): a flag is written on purpose, and an empty one is nearly always an unset shell
    // variable (`--port=$PORT`); read as a value it picked a random port or turned a switch on.
    if (value === '') throw new ConfigError(`${flag} has an empty value: give it one, or leave the flag out for the default`);
    out.set(key, value);
  }
  return out;
};

const invalid = (lines: readonly string[]) => new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);

/**
 * Flags win over environment variables; unset and empty variables fall back to defaults.
 * A configuration that would expose the node (see exposure.ts) is refused; the default node id
 * is generated here, and kept in DATA_DIR when there is one.
 */
export const loadConfig = (argv: readonly string[], env: NodeJS.ProcessEnv): ResolvedConfig => {
  const flags = parseFlags(argv);
  const raw: Record<string, unknown> = {};
  for (const o of CONFIG_OPTIONS) {
    const fromFlag = flags.get(o.key);
    const fromEnv = env[o.env];
    if (fromFlag !== undefined) raw[o.key] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== '') raw[o.key] = fromEnv;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const option = CONFIG_OPTIONS.find((o) => o.key === issue.path[0]);
      const name = option ? `${option.env} (${flagOf(option.key)})` : String(issue.path[0]);
      return `${name}: ${issue.message}`;
    });
    throw invalid(lines);
  }
  const config = parsed.data;
  const problems = exposureProblems(config);
  if (problems.length > 0) throw invalid(problems);
  if (config.nodeId !== undefined) return { ...config, nodeId: config.nodeId };
  const generated = defaultNodeId(config.dataDir);
  // The id file is DATA_DIR's: a DATA_DIR that is a file or unreadable is named as such.
  if (!generated.ok) throw invalid([`DATA_DIR (--data-dir): ${generated.message}`]);
  return { ...config, nodeId: generated.nodeId };
};
