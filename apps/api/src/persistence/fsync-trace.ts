import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { DurableListener } from './op-log-writer.js';

/**
 * FSYNC_TRACE_FILE (test only): one JSON line per completed fsync of the operation log,
 * `{"file":"ops-3.log","bytes":1234,"at":<ms>}`: the log's first `bytes` bytes are durable. The
 * chaos harness cuts a killed node's logs back to these lengths to emulate a power cut (a tmpfs
 * cannot drop what was written but not fsynced, and this machine has no dm-flakey). Each line is
 * one append, so a kill -9 leaves whole lines; a line that cannot be written is skipped (the trace
 * then understates what is durable, which only makes the emulated loss larger, never smaller).
 */
export const fsyncTrace =
  (tracePath: string): DurableListener =>
  (logPath, bytes) => {
    try {
      appendFileSync(tracePath, `${JSON.stringify({ file: basename(logPath), bytes, at: Date.now() })}\n`);
    } catch {
      // See above: a missing line errs on the side of a larger emulated loss.
    }
  };
