import { z } from 'zod';
import { NodeIdSchema, OriginSchema } from './hlc.js';

/**
 * For each origin, the highest sequence number applied with every lower one applied too.
 * Sent as pairs rather than an object so that no origin string can collide with an object
 * prototype property.
 */
export const VersionVectorSchema = z.array(z.tuple([OriginSchema, z.number().int().nonnegative()])).max(10_000);
export type VersionVectorPairs = z.infer<typeof VersionVectorSchema>;

/**
 * Folded incarnations, per node id: `[nodeId, below]` says every origin `<nodeId>#<i>` with `i`
 * (base 36) below `below` is dead and was applied in full by every member, so it is no longer
 * listed in the version vector and no comparison counts it as missing (docs/CONSISTENCY.md).
 * One pair per node id however often it restarted.
 */
export const FoldedIncarnationsSchema = z.array(z.tuple([NodeIdSchema, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])).max(10_000);
export type FoldedIncarnations = z.infer<typeof FoldedIncarnationsSchema>;
