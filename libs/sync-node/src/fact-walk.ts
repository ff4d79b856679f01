import type { CacheEntryStore } from './cache-entry-store.js';
import { factHash } from './digest.js';
import type { Grave } from './replica-state.js';

/** Facts hashed per step: a few milliseconds of work. */
export const FACTS_PER_STEP = 2000;

/**
 * `[key, hash]` of every live entry and tombstone (a key is one or the other), `FACTS_PER_STEP`
 * at a time: the generator yields after each batch (drive it with `runInSteps`). Entries are
 * walked with the cache's scan; when they move (a compacting resize, a clear that kept some) the
 * walk starts again after `restart()`, so the caller drops what it gathered instead of counting a key twice.
 * The state may change between steps: the facts are then those of no single moment, which only
 * makes anti-entropy ship a few keys more or find a difference on its next run.
 */
export function* walkFacts(store: CacheEntryStore, graves: Map<string, Grave>, visit: (key: string, hash: number) => void, restart: () => void): Generator<void> {
  let layout = store.layoutVersion;
  let pages = store.walkKeys(FACTS_PER_STEP);
  for (;;) {
    if (store.layoutVersion !== layout) {
      layout = store.layoutVersion;
      restart();
      pages = store.walkKeys(FACTS_PER_STEP);
    }
    const page = pages.next();
    if (page.done === true) break;
    for (const key of page.value) {
      const record = store.peek(key);
      if (record !== undefined) visit(key, factHash(key, record.hlc, false));
    }
    yield;
  }
  let seen = 0;
  for (const [key, grave] of graves) {
    if (grave.kind === 'delete') visit(key, factHash(key, grave.hlc, true));
    if (++seen % FACTS_PER_STEP === 0) yield;
  }
}
