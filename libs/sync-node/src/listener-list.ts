/**
 * The listeners of one event emitted on every write (`change`, `op`), called in the order they
 * were added, like an `EventEmitter`'s, without the copy of its listener array that
 * `EventEmitter.emit` makes on every call with more than one listener: here the array is
 * replaced on every add and remove instead (copy on write), so a listener added or removed
 * during an emit changes only the later ones, as with `EventEmitter`. `empty` lets the emitter
 * skip building an event nobody listens to.
 */
export class ListenerList<T> {
  private fns: readonly ((arg: T) => void)[] = [];

  get empty(): boolean {
    return this.fns.length === 0;
  }

  add(fn: (arg: T) => void): void {
    this.fns = [...this.fns, fn];
  }

  /** Removes the last registration of `fn`, as `EventEmitter.off` does. */
  remove(fn: (arg: T) => void): void {
    const at = this.fns.lastIndexOf(fn);
    if (at !== -1) this.fns = [...this.fns.slice(0, at), ...this.fns.slice(at + 1)];
  }

  emit(arg: T): void {
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) fns[i](arg);
  }
}
