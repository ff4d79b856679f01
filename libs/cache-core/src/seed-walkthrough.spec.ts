import { Cache } from './index.js';

// The product description's own examples of the two strategies.
describe('seed walkthrough', () => {
  it('LRU: capacity 3, add A B C, access A, add D: B is removed', () => {
    const c = new Cache<string, string>({ capacity: 3, strategy: 'lru' });
    c.set('A', 'a');
    c.set('B', 'b');
    c.set('C', 'c');
    c.get('A');
    c.set('D', 'd');
    expect(c.has('B')).toBe(false);
    expect([...c.keys()]).toEqual(['D', 'A', 'C']);
  });

  it('LFU: capacity 3, A(count=1) B(count=3) C(count=2), add D: A is removed', () => {
    const c = new Cache<string, string>({ capacity: 3, strategy: 'lfu' });
    c.set('A', 'a');
    c.set('B', 'b');
    c.get('B');
    c.get('B');
    c.set('C', 'c');
    c.get('C');
    expect(c.peekEntry('B')?.accessCount).toBe(3);
    c.set('D', 'd');
    expect(c.has('A')).toBe(false);
    expect([...c.keys()].sort()).toEqual(['B', 'C', 'D']);
  });
});
