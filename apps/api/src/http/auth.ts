import { timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { RouteAccess } from '@meshcache/api-contract';

export interface AuthOptions {
  readonly authToken?: string;
  readonly jwtSecret?: string;
  readonly publicReads: boolean;
  /** Longest lifetime a JWT may claim, seconds (exp - iat, or exp - now without iat). */
  readonly jwtMaxLifetimeS: number;
  readonly jwtAudience?: string;
  readonly jwtIssuer?: string;
}

/** Decides whether a bearer token opens a route; shared by HTTP and the dashboard socket. */
export interface Authenticator {
  /** True when no token is configured at all. */
  readonly open: boolean;
  /** Whether a request of this access level needs a token. */
  requires(access: RouteAccess): boolean;
  /** Resolves true when the token is the static token or a valid JWT. */
  verify(token: string | undefined): Promise<boolean>;
  /** As `verify`, with why a token was refused, for the 401's message (a JWT expired, too long-lived, signed with another secret...). */
  check(token: string | undefined): Promise<TokenCheck>;
  /** Synchronous check against the static token only (the hot path); undefined when a JWT check is needed. */
  verifyStatic(token: string | undefined): boolean | undefined;
}

/** What a token check decided; `reason` completes "Invalid bearer token: ...". */
export type TokenCheck = { ok: true } | { ok: false; reason: string };

const ACCEPTED: TokenCheck = { ok: true };

export const createAuthenticator = (options: AuthOptions): Authenticator => {
  const tokenBytes = options.authToken ? Buffer.from(options.authToken, 'utf8') : undefined;
  const jwtKey = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const open = !tokenBytes && !jwtKey;

  /**
   * Whether `token` is the static token, in a time that never depends on its characters:
   * `timingSafeEqual` over the UTF-8 bytes. A token of another length is refused at once, as Go's
   * `subtle.ConstantTimeCompare` and Python's `hmac.compare_digest` do: the length is not the
   * secret. (Hashing both sides first would hide the length as well, but the SHA-256, set up
   * anew by OpenSSL on every call, cost about 5 % of a GET on the hot path.)
   */
  const matchesStatic = (token: string): boolean =>
    tokenBytes !== undefined && Buffer.byteLength(token, 'utf8') === tokenBytes.length && timingSafeEqual(Buffer.from(token, 'utf8'), tokenBytes);

  const check = async (token: string | undefined): Promise<TokenCheck> => {
    if (!token) return { ok: false, reason: 'no token sent' };
    if (matchesStatic(token)) return ACCEPTED;
    if (!jwtKey) return { ok: false, reason: 'it is not AUTH_TOKEN' };
    try {
      // A token without exp would open the node forever to whoever ever saw it.
      const { payload } = await jwtVerify(token, jwtKey, {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        ...(options.jwtAudience === undefined ? {} : { audience: options.jwtAudience }),
        ...(options.jwtIssuer === undefined ? {} : { issuer: options.jwtIssuer }),
      });
      // From iat, but never from later than now: a token issued "in the future" (iat = exp, both
      // years ahead) passed exp - iat and stayed valid for years.
      const now = Math.floor(Date.now() / 1000);
      const from = Math.min(payload.iat ?? now, now);
      const lifetime = (payload.exp as number) - from;
      if (lifetime <= options.jwtMaxLifetimeS) return ACCEPTED;
      return { ok: false, reason: `the JWT is valid for ${lifetime} s from ${payload.iat === undefined ? 'now' : 'its iat'}, longer than JWT_MAX_LIFETIME_S (${options.jwtMaxLifetimeS})` };
    } catch (error) {
      // jose's own words: 'missing required "exp" claim', '"exp" claim timestamp check failed',
      // 'signature verification failed', 'Invalid Compact JWS'... No secret is in them.
      const detail = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: `${tokenStaticHint(options)}a JWT refused: ${detail}` };
    }
  };

  return {
    open,
    requires: (access) => !open && (access === 'write' || access === 'observe' || (access === 'read' && !options.publicReads)),
    verifyStatic(token) {
      if (!token) return false;
      if (matchesStatic(token)) return true;
      return jwtKey ? undefined : false;
    },
    verify: async (token) => (await check(token)).ok,
    check,
  };
};

const tokenStaticHint = (options: AuthOptions): string => (options.authToken === undefined ? '' : 'not AUTH_TOKEN, and ');

/** The token of an `Authorization: Bearer <token>` header. */
export const bearerToken = (header: string | undefined): string | undefined => {
  if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return header.slice(7).trim() || undefined;
};
