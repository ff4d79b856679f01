import type { EvictionPolicy } from './eviction-policy.js';
import { lfu } from './lfu-policy.js';
import { lru } from './lru-policy.js';
import { tinylfu } from './tinylfu-policy.js';

/**
 * What a policy tells the cache about itself, so that the cache never asks for a policy by
 * name. One descriptor per policy, declared in the policy's own file.
 */
export interface PolicyDescriptor<Name extends string = string> {
  readonly name: Name;
  /** One line for people: docs, the dashboard's strategy switch, `--help`. */
  readonly summary: string;
  /** Whether `add` and `seed` need the key's content hash (see hashKey); 0 is passed otherwise. */
  readonly hashesKeys: boolean;
  /**
   * The order `seed` wants entries in: `recency` (least recently used first) or `frequency`
   * (by access count, ties least recently used first).
   */
  readonly seedOrder: 'recency' | 'frequency';
  /** Whether the policy's structure depends on the capacity, so that `resize` rebuilds it. */
  readonly sizedByCapacity: boolean;
  create(slots: number, capacity: number): EvictionPolicy;
}

/**
 * THE table of eviction strategies. Every list of strategy names in meshcache (the peer
 * protocol, the REST contract, the server's configuration, the dashboard, the Redis
 * maxmemory-policy) is derived from it: adding a policy is a new file and one row here.
 */
export const POLICIES = [lru, lfu, tinylfu] as const;

type NamesOf<T extends readonly PolicyDescriptor[]> = { readonly [I in keyof T]: T[I]['name'] };

/** Strategy names, in the order of {@link POLICIES}. */
export const STRATEGIES = POLICIES.map((p) => p.name) as unknown as NamesOf<typeof POLICIES>;

export type Strategy = (typeof STRATEGIES)[number];

/** A strategy's one-line description, by name. */
export const STRATEGY_SUMMARIES: Readonly<Record<Strategy, string>> = Object.fromEntries(
  POLICIES.map((p) => [p.name, p.summary]),
) as Record<Strategy, string>;

const byName = new Map<string, PolicyDescriptor>(POLICIES.map((p) => [p.name, p]));

export function isStrategy(name: unknown): name is Strategy {
  return typeof name === 'string' && byName.has(name);
}

export function policyDescriptor(strategy: Strategy): PolicyDescriptor<Strategy> {
  return byName.get(strategy) as PolicyDescriptor<Strategy>;
}
