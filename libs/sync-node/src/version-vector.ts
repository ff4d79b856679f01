import type { VersionVectorPairs } from '@meshcache/sync-protocol';

/** Per origin, the highest sequence number applied with all lower ones applied too. */
export class VersionVector {
  private readonly seqs = new Map<string, number>();

  static fromPairs(pairs: VersionVectorPairs): VersionVector {
    const vv = new VersionVector();
    for (const [origin, seq] of pairs) vv.raise(origin, seq);
    return vv;
  }

  get(origin: string): number {
    return this.seqs.get(origin) ?? 0;
  }

  set(origin: string, seq: number): void {
    this.seqs.set(origin, seq);
  }

  /** Raises `origin` to `seq` if that is higher. */
  raise(origin: string, seq: number): void {
    if (seq > this.get(origin)) this.seqs.set(origin, seq);
  }

  /** True when the operation `(origin, seq)` has been applied here. */
  covers(origin: string, seq: number): boolean {
    return seq <= this.get(origin);
  }

  merge(other: VersionVector): void {
    for (const [origin, seq] of other.seqs) this.raise(origin, seq);
  }

  /** Keeps only the origins `keep` accepts. */
  retain(keep: (origin: string) => boolean): void {
    for (const origin of [...this.seqs.keys()]) if (!keep(origin)) this.seqs.delete(origin);
  }

  origins(): IterableIterator<string> {
    return this.seqs.keys();
  }

  toPairs(): VersionVectorPairs {
    return [...this.seqs];
  }
}
