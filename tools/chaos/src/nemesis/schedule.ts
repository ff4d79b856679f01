import { z } from 'zod';
import { between, pick } from '../prng.js';

/** The fault groups a run may ask for (`--faults`), and the faults each one draws from. */
export const FAULT_GROUPS = {
  partition: ['isolate', 'halves', 'bridge', 'one-way'],
  kill: ['kill'],
  power: ['power-loss', 'cut-off-power-loss'],
  pause: ['pause'],
  netem: ['netem'],
  clock: ['clock-skew'],
  disk: ['disk-full'],
} as const;
export const FaultGroupSchema = z.enum(Object.keys(FAULT_GROUPS) as [keyof typeof FAULT_GROUPS, ...Array<keyof typeof FAULT_GROUPS>]);
export type FaultGroup = z.infer<typeof FaultGroupSchema>;

export interface FaultPlan {
  group: FaultGroup;
  fault: string;
  /** The nodes it hits; for partitions, [a, b, ...] as the fault reads them (see describe()). */
  targets: string[];
  holdMs: number;
}

const shuffle = <T>(random: () => number, items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};

/**
 * The i-th fault of a run: the first rounds go through every asked group once (in a seeded
 * order), so a short run still covers each; after that groups are drawn at random.
 */
export function planFault(random: () => number, index: number, groups: readonly FaultGroup[], nodes: readonly string[], order: readonly FaultGroup[]): FaultPlan {
  const group = index < order.length ? order[index] : pick(random, groups);
  const fault = pick(random, FAULT_GROUPS[group]);
  const shuffled = shuffle(random, nodes);
  // Partitions and pauses outlast the 5 s handshake / heartbeat bounds about half the time, so both
  // the live stream and the repair paths get exercised.
  const holdMs = Math.round(group === 'kill' || group === 'power' ? between(random, 1000, 3000) : group === 'clock' ? between(random, 8000, 12_000) : between(random, 3000, 12_000));
  const allNodes = group === 'partition' ? fault !== 'isolate' : fault === 'cut-off-power-loss';
  return { group, fault, targets: allNodes ? shuffled : shuffled.slice(0, 1), holdMs };
}

export const groupOrder = (random: () => number, groups: readonly FaultGroup[]): FaultGroup[] => shuffle(random, groups);

/** The two sides of a `halves` split: the first floor(n/2) of the shuffled nodes against the rest. */
export const halvesOf = (targets: readonly string[]): [string[], string[]] => {
  const cut = Math.max(1, Math.floor(targets.length / 2));
  return [targets.slice(0, cut), targets.slice(cut)];
};
