import { CONFIG_OPTIONS, flagOf } from './config-schema.js';

const defaultOf = (schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }): string => {
  const r = schema.safeParse(undefined);
  if (!r.success || r.data === undefined) return '';
  return ` [default: ${Array.isArray(r.data) ? r.data.join(',') || 'none' : String(r.data)}]`;
};

/** `meshcache serve --help`: every flag with its environment variable and default. */
export const helpText = (): string => {
  const rows = CONFIG_OPTIONS.map((o) => [`${flagOf(o.key)} <value>`, o.env, `${o.help}${defaultOf(o.schema)}`]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [
    'Usage: meshcache serve [options]',
    '',
    'Starts one meshcache node: REST API, dashboard socket, Prometheus /metrics and the dashboard at /.',
    'Every option can also be set by the environment variable beside it; flags win.',
    '',
    ...rows.map(([f, e, h]) => `  ${f.padEnd(w0)}  ${e.padEnd(w1)}  ${h}`),
    `  ${'--help'.padEnd(w0)}  ${''.padEnd(w1)}  Show this text`,
    '',
  ].join('\n');
};
