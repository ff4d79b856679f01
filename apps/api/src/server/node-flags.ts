import pkg from '../../package.json';

/**
 * The V8 flags a meshcache server runs with: apps/api/package.json `nodeFlags`, one list for the
 * bin's first two lines (`#!/bin/sh` and `exec node --no-memory-reducer "$0" "$@"`, written by apps/api/build.mjs), the
 * launchers (`npm start`, the soak, the chaos harness, the process tests) and this check.
 *
 * Only the command line can set them: Node refuses them in NODE_OPTIONS, and set at run time
 * (`v8.setFlagsFromString`) the memory reducer still fires, with a worse, atomic pause (measured
 * 2026-12-01, docs/RELIABILITY.md "The memory reducer").
 *
 * `--no-memory-reducer`: when no mark-compact has run for 100 s, V8's memory reducer forces a full
 * GC that compacts every page to give memory back. On a loaded node that stops the event loop for
 * 50–100 ms, on every node of a cluster at about the same time (same load, same start). A cache
 * keeps its heap on purpose; the regular mark-compacts still run and still free memory.
 */
export const NODE_FLAGS: readonly string[] = pkg.nodeFlags;

/** The flags of NODE_FLAGS this process was started without (`process.execArgv`). */
export const missingNodeFlags = (execArgv: readonly string[]): string[] => NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
