/**
 * Textbook O(1) LFU without aging (frequency -> insertion-ordered Set, ties least recently
 * used first), as the baseline that shows what cache-core's aging buys on the shifting trace.
 * Hit-ratio use only: it is not tuned for speed.
 */
export class ClassicLfu<K, V> {
  private readonly entries = new Map<K, { value: V; frequency: number }>();
  private readonly byFrequency = new Map<number, Set<K>>();
  private minFrequency = 0;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.bump(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.value = value;
      this.bump(key, entry);
      return;
    }
    if (this.entries.size >= this.capacity) {
      const bucket = this.byFrequency.get(this.minFrequency) as Set<K>;
      const victim = bucket.values().next().value as K;
      bucket.delete(victim);
      if (bucket.size === 0) this.byFrequency.delete(this.minFrequency);
      this.entries.delete(victim);
    }
    this.entries.set(key, { value, frequency: 1 });
    this.bucket(1).add(key);
    this.minFrequency = 1;
  }

  private bump(key: K, entry: { frequency: number }): void {
    const from = this.byFrequency.get(entry.frequency) as Set<K>;
    from.delete(key);
    if (from.size === 0) {
      this.byFrequency.delete(entry.frequency);
      if (this.minFrequency === entry.frequency) this.minFrequency++;
    }
    entry.frequency++;
    this.bucket(entry.frequency).add(key);
  }

  private bucket(frequency: number): Set<K> {
    let set = this.byFrequency.get(frequency);
    if (set === undefined) this.byFrequency.set(frequency, (set = new Set()));
    return set;
  }
}
