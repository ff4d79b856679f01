import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RawHttpPool } from './raw-http.js';
import { STRICT } from './soak-verdict.js';

/** GET latencies in 50 µs buckets up to 2 s (slower ones in the last bucket). */
export class LatencyHistogram {
  private readonly buckets = new Uint32Array(40_001);
  count = 0;

  record(ms: number): void {
    this.buckets[Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms * 20)))]++;
    this.count++;
  }

  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank) return i / 20;
    }
    return (this.buckets.length - 1) / 20;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
  }
}

/**
 * Connections per node, all opened by `openConnections()` before sampling: the node's socket count then
 * never grows because this client's pool does, so a rise is the node's own.
 */
const SOCKETS_PER_NODE = 8;
/** A request that gets no whole response within this long is an error. */
const REQUEST_TIMEOUT_MS = 10_000;

/** A node's keep-alive connections (raw-http.ts: why not undici or node:http). */
interface NodeTarget {
  readonly origin: string;
  readonly pool: RawHttpPool;
}

function nodeTarget(url: string): NodeTarget {
  const origin = new URL(url).origin;
  return { origin, pool: new RawHttpPool(origin, SOCKETS_PER_NODE, REQUEST_TIMEOUT_MS) };
}

/** The soak's GET p99 goal: reads slower than this are counted per second of the run. */
export const SLOW_GET_MS = STRICT.getP99Ms;
/** The sampling interval of `SoakLoad.ownLag` (subtract it: see delayFromInterval). */
export const OWN_LAG_RESOLUTION_MS = 5;
/** How often due requests are sent. */
const TICK_MS = 2;

export interface LoadPlan {
  urls: readonly string[];
  readsPerSecond: number;
  writesPerSecond: number;
  /** Preloaded keys `soak-0..keys-1`; writes with a TTL go to their own keys, so the preload stays. */
  keys: number;
}

/**
 * Steady traffic against every node: reads of preloaded keys, writes that overwrite them, and
 * writes with TTLs of 1-10 s that keep expiring. Requests leave on a 2 ms tick at the planned
 * rates over keep-alive connections; a failed request (network error, timeout, unexpected status)
 * is an error.
 */
export class SoakLoad {
  readonly gets = new LatencyHistogram();
  /** The GETs since the last progress report: when in the run the slow ones came (warm-up, a switch). */
  readonly recentGets = new LatencyHistogram();
  /** GETs over `SLOW_GET_MS`, per second of the run (by when they were sent). */
  readonly slowGetsPerSecond: number[] = [];
  reads = 0;
  writes = 0;
  errors = 0;
  readonly errorSamples: string[] = [];
  /**
   * This process's own event-loop delay: a latency is measured here, so a stall of the load
   * generator (its GC, a burst of responses) shows in the GET percentiles as if it were the node's.
   */
  readonly ownLag = monitorEventLoopDelay({ resolution: OWN_LAG_RESOLUTION_MS });
  private timer: NodeJS.Timeout | undefined;
  /** When the traffic began (its schedule counts from here) and when the measured part did. */
  private startedAt = 0;
  private measuredFrom = 0;
  private cpuAtStart: NodeJS.CpuUsage = { user: 0, system: 0 };
  private issuedReads = 0;
  private issuedWrites = 0;
  private inFlight = 0;
  private n = 0;

  private readonly targets: readonly NodeTarget[];

  constructor(private readonly plan: LoadPlan) {
    this.targets = plan.urls.map(nodeTarget);
  }

  fail(what: string): void {
    this.errors++;
    if (this.errorSamples.length < 5) this.errorSamples.push(what);
  }

  /** Opens the whole pool: `SOCKETS_PER_NODE` requests at once to every node. */
  async openConnections(): Promise<void> {
    await Promise.all(
      this.targets.flatMap((target) =>
        Array.from({ length: SOCKETS_PER_NODE }, () => new Promise<void>((resolve) => this.send('GET', target, '/ping', undefined, () => resolve(), () => resolve()))),
      ),
    );
  }

  /**
   * Starts the traffic at the planned rates, or, while it runs (after a warm-up), goes on with it
   * unbroken. Either way what is measured starts over now (counts, latencies, CPU, own delay),
   * errors excepted: an error of the warm-up is an error of the soak. The traffic is not paused
   * between the two: a pause let the nodes fall idle, and the first second after it held up to
   * 149 slow reads.
   */
  start(): void {
    this.reads = 0;
    this.writes = 0;
    this.gets.reset();
    this.recentGets.reset();
    this.slowGetsPerSecond.length = 0;
    this.ownLag.reset();
    this.measuredFrom = performance.now();
    this.cpuAtStart = process.cpuUsage();
    if (this.timer !== undefined) return;
    this.startedAt = this.measuredFrom;
    this.ownLag.enable();
    // A short tick spreads the requests over time: a 10 ms tick sent 25 at once, which then
    // queued behind each other in the nodes and showed as their latency.
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /**
   * This process's CPU time (user + system) per request since `start`, in µs: its share of the
   * machine's cores, which the nodes compete for (the sampling and the dashboard socket included).
   */
  cpuMicrosPerRequest(): number {
    const used = process.cpuUsage(this.cpuAtStart);
    return (used.user + used.system) / Math.max(1, this.reads + this.writes);
  }

  /** Stops issuing, waits (bounded) for what is in flight, then closes the connections. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.ownLag.disable();
    for (let i = 0; i < 200 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
    for (const t of this.targets) t.pool.close();
  }

  private tick(): void {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    // One request per connection at a time, so a latency is the node's, not a queue's in this
    // process; a node that cannot keep up leaves the load behind its plan (reported as achieved rates).
    while (this.inFlight < SOCKETS_PER_NODE * this.plan.urls.length) {
      const readsDue = elapsed * this.plan.readsPerSecond - this.issuedReads;
      const writesDue = elapsed * this.plan.writesPerSecond - this.issuedWrites;
      if (readsDue < 1 && writesDue < 1) break;
      if (readsDue / this.plan.readsPerSecond >= writesDue / this.plan.writesPerSecond) {
        this.issuedReads++;
        this.read();
      } else {
        this.issuedWrites++;
        this.write();
      }
    }
  }

  private target(): NodeTarget {
    return this.targets[this.n++ % this.targets.length];
  }

  private read(): void {
    const key = `soak-${Math.floor(Math.random() * this.plan.keys)}`;
    const started = performance.now();
    this.send('GET', this.target(), `/api/cache/${key}`, undefined, (status) => {
      if (status !== 200 && status !== 404) return this.fail(`GET ${key}: HTTP ${status}`);
      this.reads++;
      const ms = performance.now() - started;
      this.gets.record(ms);
      this.recentGets.record(ms);
      if (ms > SLOW_GET_MS) {
        // A read sent just before the measured part began counts in its first second.
        const second = Math.max(0, Math.floor((started - this.measuredFrom) / 1000));
        this.slowGetsPerSecond[second] = (this.slowGetsPerSecond[second] ?? 0) + 1;
      }
    });
  }

  private write(): void {
    const withTtl = Math.random() < 0.3;
    const body = withTtl
      ? { key: `soak-ttl-${Math.floor(Math.random() * 5000)}`, value: { at: Date.now(), pad: 'x'.repeat(64) }, ttlMs: 1000 + Math.floor(Math.random() * 9000) }
      : { key: `soak-${Math.floor(Math.random() * this.plan.keys)}`, value: { at: Date.now(), pad: 'y'.repeat(64) } };
    this.send('POST', this.target(), '/api/cache', JSON.stringify(body), (status) => {
      if (status !== 200) return this.fail(`POST ${body.key}: HTTP ${status}`);
      this.writes++;
    });
  }

  private send(method: 'GET' | 'POST', target: NodeTarget, path: string, body: string | undefined, done: (status: number) => void, failed: () => void = () => undefined): void {
    this.inFlight++;
    // `done` runs once the whole response is in: a GET's latency is send to full response.
    target.pool.request(method, path, body, (outcome) => {
      this.inFlight--;
      if (outcome.ok) return done(outcome.status);
      this.fail(`${method} ${target.origin}${path}: ${outcome.error}`);
      failed();
    });
  }
}
