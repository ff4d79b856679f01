import type { Timers } from './timers.js';

interface Waiter {
  readonly seq: number;
  readonly peers: number;
  readonly resolve: (acks: number) => void;
  handle: unknown;
}

/**
 * Writers waiting until enough peers acknowledged one of this node's operations (Redis WAIT,
 * Kafka acks). `acksOf(seq)` counts the peers that acknowledged `seq`; `check` runs whenever an
 * acknowledgement may have arrived. A waiter always resolves, with the count it reached.
 */
export class AckWaiters {
  private waiting: Waiter[] = [];

  constructor(
    private readonly timers: Timers,
    private readonly acksOf: (seq: number) => number,
  ) {}

  wait(seq: number, peers: number, timeoutMs: number): Promise<number> {
    const now = this.acksOf(seq);
    if (now >= peers) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = { seq, peers, resolve, handle: null };
      waiter.handle = this.timers.setTimeout(() => this.settle(waiter), timeoutMs);
      this.waiting.push(waiter);
    });
  }

  check(): void {
    if (this.waiting.length === 0) return;
    for (const waiter of [...this.waiting]) if (this.acksOf(waiter.seq) >= waiter.peers) this.settle(waiter);
  }

  /** Resolves everyone with what they have (the node is closing). */
  settleAll(): void {
    for (const waiter of [...this.waiting]) this.settle(waiter);
  }

  private settle(waiter: Waiter): void {
    this.timers.clearTimeout(waiter.handle);
    this.waiting = this.waiting.filter((w) => w !== waiter);
    waiter.resolve(this.acksOf(waiter.seq));
  }
}
