import { z } from 'zod';

/** What the clients process is told (environment CHAOS_WORKLOAD, JSON). */
export const WorkloadConfigSchema = z.strictObject({
  nodes: z.array(z.strictObject({ name: z.string(), url: z.url() })).min(1),
  token: z.string().min(8),
  clients: z.number().int().min(1).max(64),
  keys: z.number().int().min(1).max(10_000),
  seed: z.number().int(),
  thinkMs: z.number().int().min(0),
  timeoutMs: z.number().int().min(100),
  /** Hard bound: the clients stop by themselves after this long even if never told to. */
  maxMs: z.number().int().min(1000),
  out: z.string().min(1),
});
export type WorkloadConfig = z.infer<typeof WorkloadConfigSchema>;
