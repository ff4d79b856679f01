import { Cache } from './libs/cache-core/src/index.js';
for (const stepped of [false, true]) {
  const c = new Cache<string, number>({ capacity: 4, strategy: 'lfu', onEvict: (k, v, r) => console.log('evict', k, r) });
  for (const k of ['constructor', 'f', 'constructor', 'a']) c.set(k, 0);
  c.get('f');
  if (stepped) c.beginStrategySwitch('lru', 1); 
  c.set('__proto__', 0); c.set('g', 0);
  if (!stepped) c.setStrategy('lru');
  console.log(stepped, [...c.keys()], c.switchingStrategy);
  c.resize(1);
  console.log(stepped, [...c.keys()]);
}
