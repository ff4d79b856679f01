const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON body's text. RFC 8259 asks for UTF-8, and bytes that are not UTF-8 are refused (a 400
 * INVALID_JSON) instead of being replaced by U+FFFD: `{"key":"inv\xff"}` used to store the key
 * `inv\uFFFD`, a key the client never sent. The Redis protocol refuses such text the same way.
 * Thrown as a SyntaxError, which both paths answer as invalid JSON with this message.
 */
export const bodyText = (bytes: Uint8Array): string => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new SyntaxError('the body is not UTF-8 text (RFC 8259 requires UTF-8)');
  }
};

/**
 * The same check as `express.json`'s `verify` hook: body-parser answers the error as a failed
 * parse (`entity.parse.failed`), which the error handler turns into the same 400.
 */
export const verifyUtf8Body = (_req: unknown, _res: unknown, bytes: Buffer): void => {
  try {
    bodyText(bytes);
  } catch (error) {
    throw Object.assign(error as SyntaxError, { type: 'entity.parse.failed' });
  }
};
