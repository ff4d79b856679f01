import { decodeCursor } from './key-page.js';
import type { CacheKey } from './schemas/primitives.js';

/**
 * The keys a dashboard tab has on screen, as a range of the key order the key browser pages in:
 * keys starting with `prefix`, strictly after `after`, up to and including `through`. An absent
 * bound is open, so the last page of a listing also covers keys added after its last row.
 */
export interface KeyRange {
  readonly prefix: string;
  readonly after?: CacheKey;
  readonly through?: CacheKey;
}

/** Whether a change of `key` can alter what a tab showing `range` sees. */
export const rangeCovers = (range: KeyRange, key: CacheKey): boolean =>
  key.startsWith(range.prefix) && (range.after === undefined || key > range.after) && (range.through === undefined || key <= range.through);

/** The range of a `set-view` request; an undecodable cursor widens the view, it never hides a change. */
export const keyRangeOfView = (view: { prefix: string; cursor: string | null; lastKey: CacheKey | null }): KeyRange => ({
  prefix: view.prefix,
  after: view.cursor === null ? undefined : decodeCursor(view.cursor),
  through: view.lastKey ?? undefined,
});
