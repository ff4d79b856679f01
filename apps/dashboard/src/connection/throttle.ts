/**
 * Runs `fn` at most once per `intervalMs`, on the trailing edge: bursts of calls (thousands of
 * socket deltas a second) collapse into one run. `cancel` drops a pending run.
 */
export function throttle(fn: () => void, intervalMs: number): { (): void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastRun = -Infinity;
  const run = () => {
    timer = undefined;
    lastRun = Date.now();
    fn();
  };
  const call = () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, lastRun + intervalMs - Date.now());
    timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
