import { nodeIdOfOrigin, type FoldedIncarnations, type VersionVectorPairs } from '@meshcache/sync-protocol';

/** An origin's incarnation as a number (base 36), or null when too long to compare exactly. */
export function incarnationOf(origin: string): number | null {
  const n = parseInt(origin.slice(origin.lastIndexOf('#') + 1), 36);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Per origin, the highest sequence number applied with all lower ones applied too; plus, per
 * node id, the incarnations folded out of it: dead ones every member had applied in full, which
 * count as covered without being listed (see incarnation-fold.ts).
 */
export class VersionVector {
  private readonly seqs = new Map<string, number>();
  /** Per node id: every incarnation below this one is folded. */
  private readonly foldedBelow = new Map<string, number>();

  static fromPairs(pairs: VersionVectorPairs, folded: FoldedIncarnations = []): VersionVector {
    const vv = new VersionVector();
    vv.adoptFolds(folded);
    for (const [origin, seq] of pairs) vv.raise(origin, seq);
    return vv;
  }

  get(origin: string): number {
    return this.seqs.get(origin) ?? 0;
  }

  set(origin: string, seq: number): void {
    if (!this.isFolded(origin)) this.seqs.set(origin, seq);
  }

  /** Raises `origin` to `seq` if that is higher. */
  raise(origin: string, seq: number): void {
    if (seq > this.get(origin)) this.set(origin, seq);
  }

  /** True when the operation `(origin, seq)` has been applied here (a folded origin in full). */
  covers(origin: string, seq: number): boolean {
    return seq <= this.get(origin) || this.isFolded(origin);
  }

  /** A dead incarnation every member applied in full, no longer listed. */
  isFolded(origin: string): boolean {
    // Asked on every write: without folds, skip taking the origin's name apart.
    if (this.foldedBelow.size === 0) return false;
    const below = this.foldedBelow.get(nodeIdOfOrigin(origin));
    if (below === undefined) return false;
    const incarnation = incarnationOf(origin);
    return incarnation !== null && incarnation < below;
  }

  /** Folds every incarnation of `nodeId` below `below`: they leave the list and count as covered. */
  foldBelow(nodeId: string, below: number): void {
    if (below <= (this.foldedBelow.get(nodeId) ?? 0)) return;
    this.foldedBelow.set(nodeId, below);
    for (const origin of [...this.seqs.keys()]) if (nodeIdOfOrigin(origin) === nodeId && this.isFolded(origin)) this.seqs.delete(origin);
  }

  /**
   * `origin` is live after all (its node runs it: a fold taken from a twin's view): it and
   * every later incarnation of its node are listed again, to be taken again from peers.
   */
  unfold(origin: string): void {
    const incarnation = incarnationOf(origin);
    const nodeId = nodeIdOfOrigin(origin);
    if (incarnation === null || !this.isFolded(origin)) return;
    if (incarnation === 0) this.foldedBelow.delete(nodeId);
    else this.foldedBelow.set(nodeId, incarnation);
  }

  adoptFolds(folded: FoldedIncarnations): void {
    for (const [nodeId, below] of folded) this.foldBelow(nodeId, below);
  }

  /** The fold bound of `nodeId` (0: none folded). */
  foldedBelowOf(nodeId: string): number {
    return this.foldedBelow.get(nodeId) ?? 0;
  }

  merge(other: VersionVector): void {
    for (const [origin, seq] of other.seqs) this.raise(origin, seq);
  }

  /** Keeps only the origins `keep` accepts (folds stay). */
  retain(keep: (origin: string) => boolean): void {
    for (const origin of [...this.seqs.keys()]) if (!keep(origin)) this.seqs.delete(origin);
  }

  origins(): IterableIterator<string> {
    return this.seqs.keys();
  }

  toPairs(): VersionVectorPairs {
    return [...this.seqs];
  }

  foldedPairs(): FoldedIncarnations {
    return [...this.foldedBelow];
  }
}
