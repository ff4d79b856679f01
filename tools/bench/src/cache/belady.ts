/**
 * Belady's offline optimum for a read-through trace, with bypass: on a miss with a full
 * cache, whichever of the cached keys and the requested one is next used farthest in the
 * future is left out (possibly the requested key itself, as an admission filter may do).
 * No online policy can beat it, so the gap to it is what is left to gain. O(n log n): a
 * max-heap of next-use times with stale entries skipped lazily.
 */
export function beladyHitRatio(trace: Int32Array, capacity: number): number {
  const n = trace.length;
  const nextUse = new Float64Array(n);
  const seen = new Map<number, number>();
  for (let i = n - 1; i >= 0; i--) {
    nextUse[i] = seen.get(trace[i]) ?? Infinity;
    seen.set(trace[i], i);
  }
  // The next use of each cached key; heap entries whose time no longer matches are stale.
  const cached = new Map<number, number>();
  const heapTime = new Float64Array(n + 1);
  const heapKey = new Int32Array(n + 1);
  let size = 0;
  const push = (time: number, key: number) => {
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heapTime[parent] >= time) break;
      heapTime[i] = heapTime[parent];
      heapKey[i] = heapKey[parent];
      i = parent;
    }
    heapTime[i] = time;
    heapKey[i] = key;
  };
  const pop = () => {
    const time = heapTime[--size];
    const key = heapKey[size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && heapTime[child + 1] > heapTime[child]) child++;
      if (heapTime[child] <= time) break;
      heapTime[i] = heapTime[child];
      heapKey[i] = heapKey[child];
      i = child;
    }
    heapTime[i] = time;
    heapKey[i] = key;
  };
  /** Drops stale entries until the top is a cached key at its current next use. */
  const top = () => {
    while (size > 0 && cached.get(heapKey[0]) !== heapTime[0]) pop();
  };
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const key = trace[i];
    const next = nextUse[i];
    if (cached.has(key)) {
      hits++;
    } else if (cached.size >= capacity) {
      top();
      if (heapTime[0] <= next) continue; // the requested key is needed last: bypass it
      cached.delete(heapKey[0]);
      pop();
    }
    cached.set(key, next);
    push(next, key);
  }
  return hits / n;
}
