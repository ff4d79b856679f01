import { MAX_PATTERN_SCAN, SortedKeyIndex, type KeyPage, type KeyPageRequest, type KeyPattern } from '@meshcache/api-contract';
import type { ReplicaNode } from '@meshcache/sync-node';
import type { Logger } from 'pino';

/**
 * The node's keys in order, for paging without a pass over the cache. Removals arrive through
 * the cache's eviction hook (every reason but an overwrite) or as one `clear` change, additions
 * through `change` events;
 * a restore is silent, so the index is rebuilt after it, and whenever its size disagrees with the
 * cache's it rebuilds itself rather than serve a wrong page.
 */
export class KeyListing {
  private readonly index = new SortedKeyIndex();
  private node: ReplicaNode | undefined;

  constructor(private readonly logger: Logger) {}

  /** For the node's `cache.onEvict` option. */
  readonly onEvict = (key: string, _value: unknown, reason: string): void => {
    if (reason !== 'set') this.index.delete(key);
  };

  /** Starts following `node`; call after restore, before the node takes writes. */
  attach(node: ReplicaNode): void {
    this.node = node;
    this.index.reset(node.cache.keys());
    node.on('change', (change) => {
      // Most writes overwrite a key the index holds: only a created key is inserted (a sorted
      // insert costs a binary search over string keys, a fifth of a SET when done every time).
      if (change.kind === 'set') {
        if (change.created !== false && change.key !== undefined && node.cache.has(change.key)) this.index.add(change.key);
      } else if (change.kind === 'clear' && this.index.size !== node.cache.size) {
        // A clear applied at once reports no key (the node empties its cache wholesale and puts
        // back the few newer entries): re-read the keys left, usually none or a handful. A clear
        // applied entry by entry reported each removal, and the sizes already agree.
        this.index.reset(node.cache.keys());
      }
    });
  }

  /** Keys starting with `prefix` (all keys for `''`): the `totalKeys` of a page. */
  count(prefix: string | undefined): number {
    this.keepInStep();
    return this.index.countPrefix(prefix ?? '');
  }

  page(request: KeyPageRequest): KeyPage {
    this.keepInStep();
    return this.index.page(request);
  }

  /** A page of the keys matching `pattern` (and `prefix`), looking at MAX_PATTERN_SCAN keys at most. */
  scan(request: KeyPageRequest, pattern: KeyPattern): KeyPage {
    this.keepInStep();
    return this.index.scan({ ...request, prefix: this.narrowest(request.prefix, pattern), match: (key) => this.accepts(key, request.prefix, pattern), budget: MAX_PATTERN_SCAN });
  }

  /** Keys matching `pattern` (and `prefix`), counted over MAX_PATTERN_SCAN keys at most. */
  countMatching(prefix: string | undefined, pattern: KeyPattern): { count: number; complete: boolean } {
    this.keepInStep();
    return this.index.countMatching(this.narrowest(prefix, pattern), (key) => this.accepts(key, prefix, pattern), MAX_PATTERN_SCAN);
  }

  /** The longer of the two prefixes bounds the walk (the other check stays in `accepts`). */
  private narrowest(prefix: string | undefined, pattern: KeyPattern): string {
    const p = prefix ?? '';
    return pattern.literalPrefix.length > p.length ? pattern.literalPrefix : p;
  }

  private accepts(key: string, prefix: string | undefined, pattern: KeyPattern): boolean {
    return (prefix === undefined || key.startsWith(prefix)) && pattern.matches(key);
  }

  private keepInStep(): void {
    const node = this.node;
    if (node && this.index.size !== node.cache.size) {
      this.logger.warn({ indexed: this.index.size, cached: node.cache.size }, 'key index out of step with the cache, rebuilding');
      this.index.reset(node.cache.keys());
    }
  }
}
