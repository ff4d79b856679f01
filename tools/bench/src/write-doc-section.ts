import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the `heading` section of a markdown file with `section`, keeping its hand-written
 * `### Notes` subsection; appends the section when the heading is not there yet.
 */
export const writeDocSection = (docPath: string, heading: string, section: string): void => {
  const doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf(heading);
  if (start === -1) {
    writeFileSync(docPath, `${doc.trimEnd()}\n\n${heading}\n\n${section}\n`);
    return;
  }
  const nextHeading = doc.indexOf('\n## ', start + heading.length);
  const end = nextHeading === -1 ? doc.length : nextHeading + 1;
  const keep = doc.slice(start + heading.length, end).split('\n### Notes')[1];
  const replaced = `${heading}\n\n${section}\n${keep === undefined ? '' : `\n### Notes${keep.trimEnd()}\n`}${nextHeading === -1 ? '' : '\n'}`;
  writeFileSync(docPath, doc.slice(0, start) + replaced + doc.slice(end));
};
