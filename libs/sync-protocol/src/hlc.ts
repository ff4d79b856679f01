import { z } from 'zod';

/** Node ids name a node in logs, configs and URLs; `#` is reserved to separate the incarnation. */
export const NodeIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^#\s]+$/, 'node id must not contain "#" or whitespace');

/**
 * The writer of an operation: `<nodeId>#<incarnation>`. A node takes a fresh incarnation each
 * time it starts, so sequence numbers never repeat even if it lost the tail of its log.
 */
export const OriginSchema = z
  .string()
  .min(3)
  .max(160)
  .regex(/^[^#\s]+#[0-9a-z]+$/, 'origin must look like "<nodeId>#<incarnation>"');

/**
 * Hybrid logical clock timestamp: physical milliseconds, a logical counter for events within
 * one millisecond, and the origin that issued it (the final tie-break, so no two distinct
 * operations ever compare equal).
 */
export const HlcSchema = z.object({
  wall: z.number().int().nonnegative(),
  logical: z.number().int().nonnegative(),
  node: OriginSchema,
});
export type Hlc = z.infer<typeof HlcSchema>;

/** Total order on timestamps: wall time, then logical counter, then origin (string order). */
export function compareHlc(a: Hlc, b: Hlc): number {
  return compareHlcParts(a.wall, a.logical, a.node, b.wall, b.logical, b.node);
}

/** `compareHlc` of two timestamps given by their parts, for stores that keep them taken apart (no object per stamp). */
export function compareHlcParts(wallA: number, logicalA: number, nodeA: string, wallB: number, logicalB: number, nodeB: string): number {
  if (wallA !== wallB) return wallA < wallB ? -1 : 1;
  if (logicalA !== logicalB) return logicalA < logicalB ? -1 : 1;
  if (nodeA === nodeB) return 0;
  return nodeA < nodeB ? -1 : 1;
}

/** The node id part of an origin (`n1#k3f` → `n1`). */
export function nodeIdOfOrigin(origin: string): string {
  const at = origin.lastIndexOf('#');
  return at < 0 ? origin : origin.slice(0, at);
}
