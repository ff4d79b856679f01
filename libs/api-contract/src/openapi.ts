import { z } from 'zod';
import { routes, type RouteDefinition } from './routes.js';
import { bulkItemSchema } from './schemas/cache.js';
import { API_ERRORS, errorBodySchema } from './schemas/errors.js';

export interface OpenApiOptions {
  readonly title?: string;
  readonly version?: string;
  /** e.g. `[{ url: 'http://127.0.0.1:5000' }]` */
  readonly servers?: readonly { url: string; description?: string }[];
}

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

/** `CODE: meaning` of every error code answered with this status, from the error table. */
const statusText = (status: number): string =>
  (Object.entries(API_ERRORS) as [string, { status: number; meaning: string }][])
    .filter(([, e]) => e.status === status)
    .map(([code, e]) => `${code}: ${e.meaning}`)
    .join('; ');

const errorResponse = (status: number) => ({
  description: statusText(status) || `HTTP ${status}`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const parametersOf = (def: RouteDefinition) => {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', def.params],
    ['query', def.query],
  ] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
      out.push({ name, in: where, required: where === 'path' || !field.safeParse(undefined).success, schema: toSchema(field, 'input') });
    }
  }
  return out;
};

const successContent = (def: RouteDefinition) => {
  if (def.response === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  if (def.response === 'json-document') return { 'application/json': { schema: { type: 'object' } } };
  return { 'application/json': { schema: toSchema(def.response, 'output') } };
};

/** An OpenAPI 3.1 document of every route in {@link routes}, built from the same zod schemas. */
export const generateOpenApi = (options: OpenApiOptions = {}): Record<string, unknown> => {
  const paths = new Map<string, Record<string, unknown>>();
  for (const [operationId, def] of Object.entries(routes) as [string, RouteDefinition][]) {
    const path = def.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = { '200': { description: 'OK', content: successContent(def) } };
    const statuses = new Set<number>([...def.errors, 429, 500]);
    if (def.access !== 'public') statuses.add(401);
    for (const status of [...statuses].sort()) responses[String(status)] = errorResponse(status);
    const operation: Record<string, unknown> = { operationId, summary: def.summary, responses };
    const parameters = parametersOf(def);
    if (parameters.length) operation.parameters = parameters;
    if (def.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(def.body, 'input') } } };
    }
    if (def.access !== 'public') operation.security = [{ bearerAuth: [] }];
    const entry = paths.get(path) ?? {};
    entry[def.method.toLowerCase()] = operation;
    paths.set(path, entry);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'meshcache',
      version: options.version ?? '0.1.0',
      description: 'A node of a replicated in-memory LRU/LFU cache.',
    },
    ...(options.servers ? { servers: options.servers } : {}),
    paths: Object.fromEntries(paths),
    components: {
      schemas: { Error: toSchema(errorBodySchema, 'output'), BulkItem: toSchema(bulkItemSchema, 'input') },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'AUTH_TOKEN, or a JWT signed with JWT_SECRET (HS256)' },
      },
    },
  };
};
