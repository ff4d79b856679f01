import {
  bulkItemSchema,
  compileKeyPattern,
  MAX_PATTERN_DELETES,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  describeIssues,
  routes,
  toValidationIssues,
  type BulkFailure,
  type WriteConcernQuery,
} from '@meshcache/api-contract';
import type { Request, Router } from 'express';
import type { ServerContext } from '../../server/context.js';
import { keyEntry } from '../../views/item-views.js';
import { bindRoute } from '../bind-route.js';
import { NOT_FOUND, readItemReply, refusedWriteReply, setItemWithConcernReply, writeItem } from '../item-replies.js';
import { errorReply } from '../send-error.js';
import { requestConcern, withWriteConcern } from '../write-concern.js';

export const mountCacheRoutes = (router: Router, ctx: ServerContext): void => {
  const { node, auth } = ctx;

  bindRoute(router, auth, routes.listKeys, ({ query }) => {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === undefined) {
      const issues = [{ path: 'cursor', message: 'not a cursor this server issued' }];
      return errorReply('VALIDATION_FAILED', `Invalid request: ${describeIssues(issues)}`, { issues });
    }
    const request = { prefix: query.prefix, after, limit: query.limit ?? DEFAULT_PAGE_LIMIT };
    const pattern = query.pattern === undefined ? undefined : compileKeyPattern(query.pattern);
    const page = pattern ? ctx.keys.scan(request, pattern) : ctx.keys.page(request);
    const items = page.keys.map((key) => keyEntry(node, key)).filter((e) => e !== undefined);
    if (!pattern) return { body: { success: true, items, nextCursor: page.nextCursor, totalKeys: ctx.keys.count(query.prefix) } };
    const total = ctx.keys.countMatching(query.prefix, pattern);
    return { body: { success: true, items, nextCursor: page.nextCursor, totalKeys: total.count, totalIsLowerBound: !total.complete } };
  });

  bindRoute(router, auth, routes.deleteMatching, ({ body }) => {
    const pattern = compileKeyPattern(body.pattern);
    const limit = body.limit ?? MAX_PATTERN_DELETES;
    // Collected first: each delete changes the index being walked.
    const page = ctx.keys.scan({ limit }, pattern);
    let deleted = 0;
    for (const key of page.keys) {
      const result = node.delete(key);
      // A refusal part-way is the refusal's status, never a 2xx: the client must not read "done".
      // The deletes before it are applied and replicate; `applied` says how many.
      if (!result.ok) return refusedWriteReply({ ...result, message: `Deleted ${deleted} key(s), then the node refused: ${result.message}` }, deleted);
      if (result.existed) deleted++;
    }
    const more = page.nextCursor !== null;
    return { body: { success: true, message: `Deleted ${deleted} key(s) matching ${body.pattern}${more ? '; more may match, call again' : ''}`, pattern: body.pattern, deleted, more } };
  });

  const removeItem = (key: string, query: WriteConcernQuery, req: Request) => {
    const asked = requestConcern(query, req);
    if ('reply' in asked) return asked.reply;
    return withWriteConcern(ctx, asked.concern, () => {
      const result = node.delete(key);
      if (!result.ok) return { reply: refusedWriteReply(result) };
      // A delete of an absent key is still replicated (it beats older writes elsewhere): it is waited for too.
      return { reply: result.existed ? { body: { success: true, message: 'Item deleted', key } } : NOT_FOUND, seq: result.existed ? result.seq : undefined };
    });
  };

  bindRoute(router, auth, routes.getItem, ({ params }, req) => readItemReply(node, params.key, req.headers['if-none-match']));
  bindRoute(router, auth, routes.deleteItem, ({ params, query }, req) => removeItem(params.key, query, req));
  // `:key` cannot be empty, so the empty key lives at the path with a trailing slash
  // (the app routes strictly: `/api/cache` is the collection, `/api/cache/` the key '').
  bindRoute(router, auth, { ...routes.getItem, params: undefined }, (_input, req) => readItemReply(node, '', req.headers['if-none-match']), '/api/cache/');
  bindRoute(router, auth, { ...routes.deleteItem, params: undefined }, ({ query }, req) => removeItem('', query, req), '/api/cache/');

  bindRoute(router, auth, routes.setItem, ({ body, query }, req) => {
    const asked = requestConcern(query, req);
    return 'reply' in asked ? asked.reply : setItemWithConcernReply(ctx, body, asked.concern);
  });

  bindRoute(router, auth, routes.bulkSet, ({ body, query }, req) => {
    const asked = requestConcern(query, req);
    if ('reply' in asked) return asked.reply;
    return withWriteConcern(ctx, asked.concern, () => {
      const failed: BulkFailure[] = [];
      // Acknowledgements are cumulative per origin: the last written item's seq covers them all.
      let lastSeq: number | undefined;
      body.items.forEach((raw, index) => {
        const parsed = bulkItemSchema.safeParse(raw);
        if (!parsed.success) {
          const key = typeof (raw as { key?: unknown } | null)?.key === 'string' ? (raw as { key: string }).key : undefined;
          failed.push({ index, ...(key === undefined ? {} : { key }), message: describeIssues(toValidationIssues(parsed.error)) });
          return;
        }
        const result = writeItem(node, parsed.data);
        if (!result.ok) failed.push({ index, key: parsed.data.key, message: result.message });
        else lastSeq = result.seq;
      });
      return { reply: { body: { success: true, successCount: body.items.length - failed.length, totalCount: body.items.length, failed } }, seq: lastSeq };
    });
  });

  bindRoute(router, auth, routes.clear, () => {
    const result = node.clear();
    if (!result.ok) return refusedWriteReply(result);
    return { body: { success: true, message: 'Cache cleared' } };
  });
};
