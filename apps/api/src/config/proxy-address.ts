import { isIP } from 'node:net';

/** Express' names for address ranges in `trust proxy`. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, an IP/prefix CIDR, or one of Express' range names. */
export const isProxyAddress = (text: string): boolean => {
  if (NAMED_RANGES.has(text)) return true;
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const prefix = text.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};
