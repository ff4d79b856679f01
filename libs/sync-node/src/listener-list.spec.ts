import { EventEmitter } from 'node:events';
import { ListenerList } from './listener-list.js';

/** Runs the same script of adds, removes and emits on a ListenerList and on an EventEmitter. */
const script = (list: { add(fn: (n: number) => void): void; remove(fn: (n: number) => void): void; emit(n: number): void }) => {
  const calls: string[] = [];
  const a = (n: number) => calls.push(`a${n}`);
  const b = (n: number) => {
    calls.push(`b${n}`);
    // Changes made while emitting apply from the next emit on.
    if (n === 1) {
      list.remove(c);
      list.add(d);
    }
  };
  const c = (n: number) => calls.push(`c${n}`);
  const d = (n: number) => calls.push(`d${n}`);
  list.add(a);
  list.add(b);
  list.add(c);
  list.add(a);
  list.emit(1);
  list.emit(2);
  // The last registration of `a` goes, as with EventEmitter.off.
  list.remove(a);
  list.remove(c);
  list.emit(3);
  return calls;
};

describe('ListenerList', () => {
  it('calls, adds and removes listeners exactly as an EventEmitter does', () => {
    const ours = new ListenerList<number>();
    const emitter = new EventEmitter();
    const theirs = { add: (fn: (n: number) => void) => emitter.on('x', fn), remove: (fn: (n: number) => void) => emitter.off('x', fn), emit: (n: number) => emitter.emit('x', n) };
    expect(script(ours)).toEqual(script(theirs));
    expect(script(new ListenerList<number>())).toEqual(['a1', 'b1', 'c1', 'a1', 'a2', 'b2', 'a2', 'd2', 'a3', 'b3', 'd3']);
  });

  it('says when nobody listens', () => {
    const list = new ListenerList<number>();
    const fn = () => undefined;
    expect(list.empty).toBe(true);
    list.add(fn);
    expect(list.empty).toBe(false);
    list.remove(fn);
    expect(list.empty).toBe(true);
  });
});
