import { z } from 'zod';

/**
 * `X-After-Version`: a causal token. The `version` (or ETag) of a write the client made or read,
 * on any node: the node stamps the write it is asked for after it, so last-writer-wins orders the
 * two as the client did. Without it, a write on node 1 followed by one on node 2 is ordered by
 * their clocks, which can put the second first when it comes within the same millisecond or
 * within the clocks' skew. A version further ahead of the node's clock than its peers would
 * accept (`MAX_CLOCK_OFFSET_MS`) is refused with 503 `CLOCK_SKEW`. See docs/CONSISTENCY.md.
 */
export const AFTER_VERSION_HEADER = 'x-after-version';

/** `<wall ms>.<logical>.<origin>`, as `versionOf` writes it; quoted (an ETag) or not. */
export const afterVersionHeaderSchema = z
  .string()
  .regex(/^(?:W\/)?"?\d{1,16}\.\d{1,10}\.[^"\s]{1,300}"?$/, 'X-After-Version must be a version (or ETag) this API answered, <wall ms>.<logical>.<origin>')
  .transform((text) => {
    const bare = text.replace(/^(?:W\/)?"?|"$/g, '');
    const [wall, logical] = bare.split('.', 2);
    return { wall: Number(wall), logical: Number(logical), node: bare.slice(wall.length + logical.length + 2) };
  })
  .pipe(z.object({ wall: z.number().int().nonnegative().max(8.64e15), logical: z.number().int().nonnegative(), node: z.string().min(1) }));
export type AfterVersion = z.infer<typeof afterVersionHeaderSchema>;
