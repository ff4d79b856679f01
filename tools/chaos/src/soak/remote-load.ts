import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LoadPlan } from './soak-load.js';

/** The load's counts so far, in every progress report and in the result. */
interface LoadCounts {
  reads: number;
  writes: number;
  errors: number;
  errorSamples: string[];
  getP99Ms: number;
  /** The GET p99 since the previous progress report. */
  recentGetP99Ms: number;
}

/** What the load process reports: its counts so far, and at the end its own CPU and event-loop delay. */
export type LoadReport =
  | ({ type: 'progress' } & LoadCounts)
  | ({
      type: 'result';
      /** The load process's CPU (user + system) per request, in µs. */
      cpuMicrosPerRequest: number;
      /** Its own event-loop delay (the interval less the sampling period), in ms. */
      ownLag: { p99Ms: number; maxMs: number };
      /** GETs over the p99 goal per second of the run. */
      slowGetsPerSecond: number[];
    } & LoadCounts)
  | { type: 'ready' }
  /** The warm-up's figures; its traffic goes on until `start` begins the measured run (counted from zero). */
  | { type: 'warmed'; reads: number; writes: number; getP99Ms: number };
export type LoadResult = Extract<LoadReport, { type: 'result' }>;
export type WarmUpResult = Extract<LoadReport, { type: 'warmed' }>;

/**
 * The soak's side of the load generator, which runs in its own process (`load-process.ts`), so
 * that this process's sampling and dashboard socket never delay the loop that times the GETs.
 * Errors the soak itself finds (a node exiting, a failed sample) are counted here with the load's.
 */
export class RemoteLoad {
  private readonly child: ChildProcess;
  private readonly waiting: ((report: LoadReport) => void)[] = [];
  /** Reports that came before anyone asked (the 'ready' once the connections are open, while the soak still preloads). */
  private readonly unclaimed: LoadReport[] = [];
  private exited = false;
  private ownErrors = 0;
  private readonly ownErrorSamples: string[] = [];
  /** The last counts the load process reported. */
  last: Extract<LoadReport, { type: 'progress' }> = { type: 'progress', reads: 0, writes: 0, errors: 0, errorSamples: [], getP99Ms: 0, recentGetP99Ms: 0 };

  constructor(plan: LoadPlan) {
    // The soak runs under tsx (`--import tsx`): the child is started with the same flags.
    this.child = fork(join(__dirname, 'load-process.ts'), [JSON.stringify(plan)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message) => {
      const report = message as LoadReport;
      const waiter = this.waiting.shift();
      if (waiter === undefined) this.unclaimed.push(report);
      else waiter(report);
    });
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      this.fail(`load process exited (${code ?? signal})`);
      for (const resolve of this.waiting.splice(0)) resolve(this.last);
    });
  }

  fail(what: string): void {
    this.ownErrors++;
    if (this.ownErrorSamples.length < 5) this.ownErrorSamples.push(what);
  }

  /** Resolves once the load process opened its whole connection pool. */
  async ready(): Promise<void> {
    await this.next();
  }

  /**
   * The planned traffic for `seconds`, not measured: every process's code is cold at first (the
   * nodes', the load generator's), and the first seconds of traffic took GETs of 30-40 ms at p99.
   * An error meanwhile still counts.
   */
  async warmUp(seconds: number): Promise<WarmUpResult> {
    if (this.exited) return { type: 'warmed', reads: 0, writes: 0, getP99Ms: 0 };
    const answer = this.next();
    this.child.send({ warmUpSeconds: seconds });
    const report = await answer;
    return report.type === 'warmed' ? report : { type: 'warmed', reads: 0, writes: 0, getP99Ms: 0 };
  }

  start(): void {
    this.child.send('start');
  }

  /** The load's counts so far (the soak's own errors included). */
  async progress(): Promise<{ reads: number; writes: number; errors: number; getP99Ms: number; recentGetP99Ms: number }> {
    const report = await this.ask('progress');
    if (report.type === 'progress' || report.type === 'result') this.last = { ...report, type: 'progress' };
    return { ...this.last, errors: this.last.errors + this.ownErrors };
  }

  /** Stops the load, waits (bounded, in the load process) for what is in flight, and returns its result. */
  async stop(): Promise<LoadResult> {
    const report = await this.ask('stop');
    const result: LoadResult = report.type === 'result' ? report : { ...this.last, type: 'result', cpuMicrosPerRequest: 0, ownLag: { p99Ms: 0, maxMs: 0 }, slowGetsPerSecond: [] };
    return { ...result, errors: result.errors + this.ownErrors, errorSamples: [...this.ownErrorSamples, ...result.errorSamples].slice(0, 5) };
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }

  private ask(command: 'progress' | 'stop'): Promise<LoadReport> {
    if (this.exited) return Promise.resolve(this.last);
    const answer = this.next();
    this.child.send(command);
    return answer;
  }

  private next(): Promise<LoadReport> {
    const early = this.unclaimed.shift();
    if (early !== undefined) return Promise.resolve(early);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
