/** A RESP reply as tests see it: errors as `{ error }`, maps as `{ map: [...] }` pairs. */
export type Reply = string | number | null | bigint | boolean | { error: string } | { map: [Reply, Reply][] } | Reply[];

/**
 * Decodes whole replies from the front of `buf` (test side of the wire); returns the replies
 * and how many bytes they used, leaving an incomplete tail for later.
 */
export const readReplies = (buf: Buffer): { replies: Reply[]; used: number } => {
  const replies: Reply[] = [];
  let pos = 0;
  const line = (): string | undefined => {
    const end = buf.indexOf('\r\n', pos);
    if (end === -1) return undefined;
    const text = buf.toString('utf8', pos + 1, end);
    pos = end + 2;
    return text;
  };
  const one = (): Reply | undefined => {
    if (pos >= buf.length) return undefined;
    const type = String.fromCharCode(buf[pos]);
    const text = line();
    if (text === undefined) return undefined;
    switch (type) {
      case '+':
        return text;
      case '-':
        return { error: text };
      case ':': {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : BigInt(text);
      }
      case '_':
        return null;
      case ',':
        return Number(text);
      case '#':
        return text === 't';
      case '$':
      case '=': {
        const n = Number(text);
        if (n < 0) return null;
        if (pos + n + 2 > buf.length) return undefined;
        const s = buf.toString('utf8', pos, pos + n);
        pos += n + 2;
        return s;
      }
      case '*':
      case '~': {
        const n = Number(text);
        if (n < 0) return null;
        const out: Reply[] = [];
        for (let i = 0; i < n; i++) {
          const item = one();
          if (item === undefined) return undefined;
          out.push(item);
        }
        return out;
      }
      case '%': {
        const n = Number(text);
        const out: [Reply, Reply][] = [];
        for (let i = 0; i < n; i++) {
          const k = one();
          if (k === undefined) return undefined;
          const v = one();
          if (v === undefined) return undefined;
          out.push([k, v]);
        }
        return { map: out };
      }
      default:
        throw new TypeError(`unexpected reply type ${JSON.stringify(type)}`);
    }
  };
  for (;;) {
    const start = pos;
    const reply = one();
    if (reply === undefined) {
      pos = start;
      break;
    }
    replies.push(reply);
  }
  return { replies, used: pos };
};
