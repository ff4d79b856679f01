import { createHash, timingSafeEqual } from 'node:crypto';
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

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export const createAuthenticator = (options: AuthOptions): Authenticator => {
  const tokenDigest = options.authToken ? digest(options.authToken) : undefined;
  const jwtKey = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const open = !tokenDigest && !jwtKey;

  // Comparing fixed-length digests keeps the comparison time independent of the token.
  const matchesStatic = (token: string): boolean => tokenDigest !== undefined && timingSafeEqual(digest(token), tokenDigest);

  return {
    open,
    requires: (access) => !open && (access === 'write' || (access === 'read' && !options.publicReads)),
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
        const from = payload.iat ?? Math.floor(Date.now() / 1000);
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
