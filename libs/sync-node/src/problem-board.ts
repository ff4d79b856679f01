/** A current problem of any code set: the engine's (`NodeProblem`) or the server's. */
export interface Problem<C extends string> {
  code: C;
  message: string;
  peer?: string;
  since: number;
}

/** `raised` a new problem, `changed` its message, `cleared` it went away. */
export interface ProblemChange<C extends string> {
  change: 'raised' | 'changed' | 'cleared';
  problem: Problem<C>;
}

/**
 * The problems a component has right now, one per (code, peer). Callers say what is true
 * (`raise`, `clear`) as often as they like; listeners hear only actual changes, so a peer that
 * is refused on every redial produces one log line, not one per attempt.
 */
export class ProblemBoard<C extends string> {
  private readonly current = new Map<string, Problem<C>>();
  /** When each problem was last raised: a cause that stops recurring is cleared by `clearStale`. */
  private readonly confirmed = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly onChange: (change: ProblemChange<C>) => void,
  ) {}

  raise(code: C, message: string, peer?: string): void {
    const key = keyOf(code, peer);
    const existing = this.current.get(key);
    this.confirmed.set(key, this.now());
    if (existing?.message === message) return;
    const problem: Problem<C> = { code, message, ...(peer === undefined ? {} : { peer }), since: existing?.since ?? Math.floor(this.now()) };
    this.current.set(key, problem);
    this.onChange({ change: existing === undefined ? 'raised' : 'changed', problem });
  }

  clear(code: C, peer?: string): void {
    const key = keyOf(code, peer);
    const existing = this.current.get(key);
    if (existing === undefined) return;
    this.current.delete(key);
    this.confirmed.delete(key);
    this.onChange({ change: 'cleared', problem: existing });
  }

  /** Makes `code` the only problem of `peer` (or clears them all with `null`). */
  setPeer(peer: string, problem: { code: C; message: string } | null): void {
    for (const p of [...this.current.values()]) if (p.peer === peer && p.code !== problem?.code) this.clear(p.code, peer);
    if (problem !== null) this.raise(problem.code, problem.message, peer);
  }

  /** The problem of `peer`, if it has one. */
  ofPeer(peer: string): Problem<C> | undefined {
    for (const p of this.current.values()) if (p.peer === peer) return p;
    return undefined;
  }

  /**
   * Raises the problem unless one with this code and peer is up already, which is kept with its
   * message and counts as raised now: a cause that two sources report in their own words (a
   * link down, a redial refused) logs a change only when it starts.
   */
  confirm(code: C, message: string, peer?: string): void {
    const key = keyOf(code, peer);
    if (this.current.has(key)) this.confirmed.set(key, this.now());
    else this.raise(code, message, peer);
  }

  /** Clears the problems with `code` not raised again since `cutoff`. */
  clearStale(code: C, cutoff: number): void {
    for (const [key, p] of [...this.current]) if (p.code === code && (this.confirmed.get(key) ?? 0) < cutoff) this.clear(p.code, p.peer);
  }

  list(): Problem<C>[] {
    return [...this.current.values()].map((p) => ({ ...p }));
  }
}

const keyOf = (code: string, peer: string | undefined) => `${code}\u0000${peer ?? ''}`;
