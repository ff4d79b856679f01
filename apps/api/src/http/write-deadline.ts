import { AFTER_VERSION_HEADER, afterVersionHeaderSchema, DEADLINE_HEADER, deadlineHeaderSchema, type AfterVersion } from '@meshcache/api-contract';
import type { WriteFailure } from '@meshcache/sync-node';
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { Reply } from './json-response.js';
import { refusedWriteReply } from './item-replies.js';
import { errorReply, validationReply } from './send-error.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A header read with its schema: absent (no value), its value, or the 400 naming it. */
const readHeader = <T>(req: IncomingMessage, name: string, label: string, schema: z.ZodType<T, string>): { value?: T; refused?: Reply } => {
  const raw = req.headers[name];
  if (raw === undefined) return {};
  const parsed = schema.safeParse(Array.isArray(raw) ? raw.join(',') : raw);
  return parsed.success ? { value: parsed.data } : { refused: validationReply(parsed.error, ['headers', label]) };
};

/** What the node offers for `X-After-Version` (ReplicaNode.orderAfter). */
export interface WriteOrder {
  orderAfter(stamp: AfterVersion): WriteFailure | null;
}

/**
 * May this write still be applied? Not once its client's `X-Deadline-Ms` has passed, nor once
 * its client closed the connection: a write the client gave up on (a timeout while this node was
 * frozen or cut off) would otherwise be applied seconds later, stamped at arrival, and win
 * last-writer-wins over writes acknowledged after it. Awaited right before the write applies.
 * The loop turns twice first, so that a close that arrived with the request (a frozen process
 * finds both waiting when it resumes) is seen. Then `X-After-Version`, if sent, moves the
 * node's clock past the version it names (a refusal when that is too far ahead). Undefined: go
 * ahead.
 */
export const writeRefusal = async (req: IncomingMessage, order: WriteOrder, now: () => number = Date.now): Promise<Reply | undefined> => {
  const deadline = readHeader(req, DEADLINE_HEADER, 'X-Deadline-Ms', deadlineHeaderSchema);
  if (deadline.refused) return deadline.refused;
  const after = readHeader(req, AFTER_VERSION_HEADER, 'X-After-Version', afterVersionHeaderSchema);
  if (after.refused) return after.refused;
  // libuv stops reading once a read returns less than its buffer, so the close that came with
  // the request is read on the next poll: two turns of the loop see it.
  await nextTurn();
  await nextTurn();
  if (req.socket.destroyed || req.socket.readableEnded) return errorReply('BAD_REQUEST', 'the client closed the connection before the write was applied: nothing was applied');
  if (deadline.value !== undefined && now() > deadline.value) {
    return errorReply('DEADLINE_EXCEEDED', `the request's X-Deadline-Ms (${new Date(deadline.value).toISOString()}) passed before the node could apply it: nothing was applied`);
  }
  // Last, so nothing refuses the write after the clock has moved for it (a clock moved for
  // nothing is harmless: a hybrid clock only ever moves forward).
  if (after.value !== undefined) {
    const refused = order.orderAfter(after.value);
    if (refused !== null) return refusedWriteReply(refused);
  }
  return undefined;
};
