import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeIdSchema } from './config-schema.js';

/** The file in DATA_DIR that keeps a generated node id across restarts. */
export const NODE_ID_FILE = 'node-id';

/** What went wrong reading or writing the id file, for the caller to word as a config error. */
export type NodeIdResult = { ok: true; nodeId: string } | { ok: false; message: string };

const randomNodeId = (): string => `node-${randomBytes(6).toString('hex')}`;

/**
 * A node id that is unique without configuration (a port number is not: every container listens
 * on 5000) and stable across restarts when the node has a data directory, so its peers and its
 * own op log keep knowing it by the same name.
 */
export const defaultNodeId = (dataDir: string | undefined): NodeIdResult => {
  if (dataDir === undefined) return { ok: true, nodeId: randomNodeId() };
  const file = join(dataDir, NODE_ID_FILE);
  let stored: string | undefined;
  try {
    stored = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, message: `cannot read ${file}: ${(error as Error).message}` };
  }
  if (stored !== undefined) {
    const parsed = nodeIdSchema.safeParse(stored);
    return parsed.success ? { ok: true, nodeId: parsed.data } : { ok: false, message: `${file} does not hold a node id (${parsed.error.issues[0]?.message}): fix or delete it, or set NODE_ID` };
  }
  const nodeId = randomNodeId();
  try {
    mkdirSync(dataDir, { recursive: true });
    // Written whole or not at all: a torn id would rename the node on its next start.
    writeFileSync(`${file}.tmp`, `${nodeId}\n`);
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    return { ok: false, message: `cannot write ${file}: ${(error as Error).message}` };
  }
  return { ok: true, nodeId };
};
