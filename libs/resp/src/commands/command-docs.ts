import type { CommandSpec } from './command-spec.js';

/** A `|` inside a cell, even in code, would end the cell in GitHub's Markdown. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

const row = (spec: CommandSpec, display: string): string =>
  `| \`${cell(display + (spec.syntax ? ' ' + spec.syntax : ''))}\` | ${spec.arity} | ${spec.flags.join(', ')} | ${cell(spec.summary)} |`;

/** The README's command list, as a Markdown table generated from the command table. */
export const commandDocsMarkdown = (table: readonly CommandSpec[]): string => {
  const lines = ['| Command | Arity | Flags | What it does |', '| --- | --- | --- | --- |'];
  for (const spec of table) {
    if (spec.handler !== undefined || spec.subcommands === undefined) lines.push(row(spec, spec.name.toUpperCase()));
    for (const sub of spec.subcommands ?? []) lines.push(row(sub, sub.name.replace('|', ' ').toUpperCase()));
  }
  return lines.join('\n') + '\n';
};
