import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandDocsMarkdown } from './command-docs.js';
import { COMMAND_TABLE } from './command-table.js';

describe('command docs', () => {
  it('the README lists exactly the commands of the table', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const listed = readme.slice(readme.indexOf('<!-- commands:start -->\n') + '<!-- commands:start -->\n'.length, readme.indexOf('<!-- commands:end -->'));
    expect(listed).toBe(commandDocsMarkdown(COMMAND_TABLE));
  });

  it('every command and subcommand has a handler, and names are unique', () => {
    const names = COMMAND_TABLE.flatMap((s) => [s.name, ...(s.subcommands ?? []).map((sub) => sub.name)]);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of COMMAND_TABLE) {
      if (spec.subcommands === undefined) expect(spec.handler).toBeDefined();
      for (const sub of spec.subcommands ?? []) expect(sub.handler).toBeDefined();
    }
  });
});
