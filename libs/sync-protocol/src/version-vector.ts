import { z } from 'zod';
import { OriginSchema } from './hlc.js';

/**
 * For each origin, the highest sequence number applied with every lower one applied too.
 * Sent as pairs rather than an object so that no origin string can collide with an object
 * prototype property.
 */
export const VersionVectorSchema = z.array(z.tuple([OriginSchema, z.number().int().nonnegative()])).max(10_000);
export type VersionVectorPairs = z.infer<typeof VersionVectorSchema>;
