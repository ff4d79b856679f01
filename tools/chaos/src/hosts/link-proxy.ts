import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * One directed link of the loopback fallback: node A dials node B through it. It can drop what
 * goes one way (a one-way partition: the TCP stream stalls, heartbeats time out), delay each
 * chunk (delay + jitter, order kept: TCP would reorder nothing anyway), and counts the bytes.
 */
export class LinkProxy {
  dropForward = false;
  dropBackward = false;
  delayMs = 0;
  jitterMs = 0;
  bytes = 0;
  private readonly pairs = new Set<[Socket, Socket]>();
  private server?: Server;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly random: () => number,
  ) {}

  async listen(): Promise<number> {
    this.server = createServer((inbound) => this.accept(inbound));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  setDelay(delayMs: number, jitterMs: number): void {
    this.delayMs = delayMs;
    this.jitterMs = jitterMs;
  }

  /** Cuts every open connection (after a partition its streams have gaps). */
  reset(): void {
    for (const pair of this.pairs) for (const s of pair) s.destroy();
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(inbound: Socket): void {
    const outbound = connect(this.targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [inbound, outbound];
    this.pairs.add(pair);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      this.pairs.delete(pair);
    };
    this.pipe(inbound, outbound, () => this.dropForward);
    this.pipe(outbound, inbound, () => this.dropBackward);
    for (const s of pair) s.on('error', end).on('close', end);
  }

  private pipe(from: Socket, to: Socket, dropping: () => boolean): void {
    let due = 0;
    from.on('data', (chunk: Buffer) => {
      if (dropping()) return;
      this.bytes += chunk.length;
      if (this.delayMs === 0 && this.jitterMs === 0) return void to.write(chunk);
      due = Math.max(due, Date.now() + this.delayMs + this.random() * this.jitterMs);
      setTimeout(() => to.destroyed || to.write(chunk), due - Date.now());
    });
  }
}
