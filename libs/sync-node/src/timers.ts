/**
 * The node's only source of asynchrony besides its links. Production uses the event loop; the
 * simulation passes a virtual-time implementation so whole clusters run deterministically.
 */
export interface Timers {
  /** `ms` of 0 means "soon, after the current work" (setImmediate in production). */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type RealHandle = { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout };

export const eventLoopTimers: Timers = {
  setTimeout(fn, ms) {
    if (ms <= 0) return { immediate: setImmediate(fn) } satisfies RealHandle;
    const timeout = setTimeout(fn, ms);
    // Replication housekeeping alone must not keep a process alive.
    timeout.unref();
    return { timeout } satisfies RealHandle;
  },
  clearTimeout(handle) {
    const h = handle as RealHandle;
    if ('immediate' in h) clearImmediate(h.immediate);
    else clearTimeout(h.timeout);
  },
};
