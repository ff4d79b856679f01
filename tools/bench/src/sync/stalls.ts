// The longest synchronous step of a replicating node at a large key count, for the jobs that
// touch every key: a full snapshot to a new peer, forceSync's anti-entropy, a strategy switch
// a late clear (more writes on b concurrent with it than b remembers, so b sweeps it) and a
// clear (with a write on b concurrent with it).
// Usage: npm run bench:stalls -- [keys=1000000] [--only=snapshot,digest,strategy,late-clear,clear]
//
// Two ReplicaNodes in one process, linked by an in-process channel that serializes every message
// to JSON (as socket.io does) and delivers it on a later turn of the event loop. Each node's
// work is timed per step: every timer callback it schedules and every message it handles, so a
// step is what it runs without giving the event loop back. The event loop as a whole is watched
// by `perf_hooks.monitorEventLoopDelay` (both nodes share it, so its maximum is the worst block
// of either).
import type { LinkEnd, LinkHandle, Timers } from '@meshcache/sync-node';
import { ReplicaNode } from '@meshcache/sync-node';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

const args = process.argv.slice(2);
/** b's writes concurrent with a late clear: more than a node remembers (RECENT_WRITES, 8192). */
const LATE_WRITES = 10_000;
const keys = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? ['snapshot', 'digest', 'strategy', 'late-clear', 'clear'];

/** Longest step per node since the last `reset`. */
class StepClock {
  longest = 0;
  /** What the longest step was: a timer callback, or the type of the message handled. */
  longestWhat = '';
  reset(): void {
    this.longest = 0;
    this.longestWhat = '';
  }
  run<T>(fn: () => T, what = 'timer'): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      const took = performance.now() - t;
      if (took > this.longest) {
        this.longest = took;
        this.longestWhat = what;
      }
    }
  }
}

const timedTimers = (clock: StepClock): Timers => ({
  setTimeout(fn, ms) {
    if (ms <= 0) return { immediate: setImmediate(() => clock.run(fn)) };
    const timeout = setTimeout(() => clock.run(fn), ms);
    timeout.unref();
    return { timeout };
  },
  clearTimeout(handle) {
    const h = handle as { immediate?: NodeJS.Immediate; timeout?: NodeJS.Timeout };
    if (h.immediate !== undefined) clearImmediate(h.immediate);
    if (h.timeout !== undefined) clearTimeout(h.timeout);
  },
});

const makeNode = (nodeId: string, clock: StepClock, capacity: number) =>
  new ReplicaNode({ nodeId, clusterSecret: 'bench-secret', cache: { capacity, strategy: 'lru' }, timers: timedTimers(clock), forceSyncTimeoutMs: 600_000,
    // The in-process link is never redialed: on a loaded machine a GC pause must not end it.
    downAfterMs: 600_000, handshakeTimeoutMs: 600_000 });

/** An ordered in-process channel: JSON on the wire, delivered on a later turn (the receiver's step is timed). */
function link(a: ReplicaNode, aClock: StepClock, b: ReplicaNode, bClock: StepClock): () => void {
  let toA: LinkHandle | null = null;
  let toB: LinkHandle | null = null;
  let open = true;
  const end = (deliver: () => LinkHandle | null, clock: StepClock): LinkEnd => ({
    send(message) {
      if (!open) return;
      const wire = JSON.stringify(message);
      setImmediate(() => {
        const handle = deliver();
        if (open && handle !== null) clock.run(() => handle.receive(JSON.parse(wire)), `message ${message.type}`);
      });
    },
    close() {
      if (!open) return;
      open = false;
      setImmediate(() => {
        toA?.closed();
        toB?.closed();
      });
    },
  });
  toA = a.openLink(end(() => toB, bClock), { dialedUrl: 'mem://b' });
  toB = b.openLink(end(() => toA, aClock), {});
  return () => end(() => null, aClock).close();
}

const until = async (done: () => boolean, what: string, maxMs = 600_000) => {
  const deadline = performance.now() + maxMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

interface Row {
  job: string;
  /** The call itself, for jobs started by a call. */
  callMs: number | null;
  longestStepA: number;
  longestStepAWas: string;
  longestStepB: number;
  longestStepBWas: string;
  loopDelayMax: number;
  loopDelayP99: number;
  totalMs: number;
}

async function measure(job: string, clocks: StepClock[], start: () => Promise<void> | void, call: boolean, print: boolean): Promise<Row> {
  for (const c of clocks) c.reset();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const t0 = performance.now();
  let callMs: number | null = null;
  const pending = (() => {
    const t = performance.now();
    const result = start();
    if (call) callMs = performance.now() - t;
    return result;
  })();
  await pending;
  const totalMs = performance.now() - t0;
  histogram.disable();
  const row: Row = {
    job,
    callMs: callMs === null ? null : Number((callMs as number).toFixed(1)),
    longestStepA: Number(clocks[0].longest.toFixed(1)),
    longestStepAWas: clocks[0].longestWhat,
    longestStepB: Number(clocks[1].longest.toFixed(1)),
    longestStepBWas: clocks[1].longestWhat,
    loopDelayMax: Number((histogram.max / 1e6).toFixed(1)),
    loopDelayP99: Number((histogram.percentile(99) / 1e6).toFixed(1)),
    totalMs: Math.round(totalMs),
  };
  if (print) console.log(JSON.stringify(row));
  return row;
}

/** Fills node a with `n` keys, then runs each job once; `print` says whether to report. */
async function runJobs(n: number, print: boolean): Promise<void> {
  const aClock = new StepClock();
  const bClock = new StepClock();
  const a = makeNode('a', aClock, n + 1000);
  const b = makeNode('b', bClock, n + 1000);
  const fillStart = performance.now();
  for (let i = 0; i < n; i++) a.set(`user:${i}`, { id: i, name: `name-${i}`, tags: ['a', 'b'] });
  if (print) console.log(JSON.stringify({ date: new Date().toISOString(), keys: n, node: process.version, loadavg: loadavg().map((l) => Number(l.toFixed(2))), fillMs: Math.round(performance.now() - fillStart) }));
  const clocks = [aClock, bClock];

  // a full snapshot: b is new, so a sends it everything.
  await measure('snapshot to a new peer', clocks, async () => {
    link(a, aClock, b, bClock);
    await until(() => b.history(100).some((e) => e.type === 'full-sync-received'), 'the snapshot to be installed');
    if (b.cache.size !== n) throw new Error(`b holds ${b.cache.size} keys after the snapshot, expected ${n}`);
  }, false, print);

  if (only.includes('digest')) {
    // Both hold the same keys: the digest of every key on both sides is the work.
    await measure('forceSync (digests of all keys, none differ)', clocks, async () => {
      const result = await a.forceSync();
      if (result.peers !== 1 || result.differingBuckets !== 0) throw new Error(`forceSync: ${JSON.stringify(result)}`);
      if (print) console.log(JSON.stringify({ forceSync: result }));
    }, true, print);
  }
  if (only.includes('strategy')) {
    await measure('setStrategy lru -> lfu', clocks, async () => {
      const result = a.setStrategy('lfu');
      if (!result.ok) throw new Error(`setStrategy refused: ${result.code} ${result.message}`);
      // Both report the new name at once; the switch is done when neither is still building it.
      const switched = (c: typeof a.cache) => c.strategy === 'lfu' && !c.switchingStrategy;
      await until(() => switched(a.cache) && switched(b.cache), 'the strategy on both nodes');
    }, true, print);
  }
  if (only.includes('late-clear')) {
    await measure('late clear (swept on b)', clocks, async () => {
      const result = a.clear();
      if (!result.ok) throw new Error(`clear refused: ${result.code} ${result.message}`);
      // Before the clear reaches b (delivery is a later turn), b takes more writes stamped after
      // it than it remembers: it cannot tell its newer entries from the recent writes alone.
      while (Date.now() <= result.hlc.wall);
      for (let i = 0; i < LATE_WRITES; i++) if (!b.set(`late:${i}`, i).ok) throw new Error('a write on b was refused');
      await until(() => a.cache.size === LATE_WRITES && b.cache.size === LATE_WRITES, 'the late clear on both nodes');
    }, true, print);
  }
  if (only.includes('clear')) {
    await measure('clear', clocks, async () => {
      const result = a.clear();
      if (!result.ok) throw new Error(`clear refused: ${result.code} ${result.message}`);
      // A write on b concurrent with the clear (stamped after it, applied on b before the clear
      // arrives): it must survive on both nodes, so b applies a clear that keeps an entry.
      while (Date.now() <= result.hlc.wall);
      if (!b.set('late', 1).ok) throw new Error('the write on b was refused');
      await until(() => a.cache.size === 1 && b.cache.size === 1 && a.peek('late') !== undefined && b.peek('late') !== undefined, 'the clear on both nodes');
    }, true, print);
  }
  await a.close();
  await b.close();
}

const main = async () => {
  // A small round first, so the figures are not the first (unoptimized) run of each code path.
  await runJobs(20_000, false);
  await runJobs(keys, true);
  process.exit(0);
};

void main();
