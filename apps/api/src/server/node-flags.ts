import pkg from '../../package.json';

/**
 * The V8 flags a meshcache server runs with: apps/api/package.json `nodeFlags`, one list for the
 * bin's first two lines (`#!/bin/sh` and `exec node <flags> "$0" "$@"`, written by apps/api/build.mjs), the
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
 *
 * `--heap-growing-percent=50`: after each mark-compact the old generation may grow to 1.5 times
 * what survived before the next one starts. V8 picks the factor from how fast its collector
 * looked, and on a node under steady writes it picked the smallest (about 1.1: a mark-compact
 * at 42 MB for 37 MB live, every 10-25 s), because concurrent marking on helper threads makes a
 * collection look cheap. A cache's overwritten values die in the old generation by design, so
 * each of those mark-compacts marked the same ~37 MB again, and on shared cores the marking the
 * helper threads could not finish fell to the main thread: those finishing pauses were the
 * largest event-loop delays left in the soak. At 1.5 a node ran one every ~55 s instead (9 in
 * the 10 minutes of the soak at 20,000 keys and 500 writes/s, against one every 10-30 s), each
 * as long as before. The cost is memory: the heap peaks at 1.5 times the live set instead of
 * 1.1 (RSS floors +8-13 MB at 20,000 keys in that soak). `--max-old-space-size` still caps it.
 * Measured in docs/RELIABILITY.md, "r23-r28: fewer mark-compacts".
 */
export const NODE_FLAGS: readonly string[] = pkg.nodeFlags;

/** The flags of NODE_FLAGS this process was started without (`process.execArgv`). */
export const missingNodeFlags = (execArgv: readonly string[]): string[] => NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
