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
  /** Synchronous check against the static token only (the hot path); undefined when a JWT check is needed. */
  verifyStatic(token: string | undefined): boolean | undefined;
}

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

  return {
    open,
    requires: (access) => !open && (access === 'write' || access === 'observe' || (access === 'read' && !options.publicReads)),
    verifyStatic(token) {
      if (!token) return false;
      if (matchesStatic(token)) return true;
      return jwtKey ? undefined : false;
    },
    async verify(token) {
      if (!token) return false;
      if (matchesStatic(token)) return true;
      if (!jwtKey) return false;
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
        return (payload.exp as number) - from <= options.jwtMaxLifetimeS;
      } catch {
        return false;
      }
    },
  };
};

/** The token of an `Authorization: Bearer <token>` header. */
export const bearerToken = (header: string | undefined): string | undefined => {
  if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return header.slice(7).trim() || undefined;
};
