import { SignJWT } from 'jose';
import { createAuthenticator } from './auth.js';

describe('the static token check', () => {
  const auth = createAuthenticator({ authToken: 'static-token-123', publicReads: false, jwtMaxLifetimeS: 60 });

  it('accepts exactly the token', () => {
    expect(auth.verifyStatic('static-token-123')).toBe(true);
  });

  it.each([
    ['a token of the same length', 'static-token-124'],
    ['a prefix', 'static-token-12'],
    ['a longer token', 'static-token-1234'],
    ['another case', 'STATIC-TOKEN-123'],
    ['the same UTF-16 length, other UTF-8 bytes', 'static-token-12é'],
    ['an empty token', ''],
    ['no token', undefined],
  ])('refuses %s', (_what, token) => {
    expect(auth.verifyStatic(token)).toBe(false);
  });

  it('leaves a token it does not know to the JWT check when a JWT secret is set', () => {
    const both = createAuthenticator({ authToken: 'static-token-123', jwtSecret: 'jwt-secret-0123456789', publicReads: false, jwtMaxLifetimeS: 60 });
    expect(both.verifyStatic('static-token-123')).toBe(true);
    expect(both.verifyStatic('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBeUndefined();
  });

  it('is open with neither a token nor a JWT secret', () => {
    expect(createAuthenticator({ publicReads: false, jwtMaxLifetimeS: 60 }).open).toBe(true);
  });
});

describe('the JWT lifetime limit', () => {
  const secret = 'jwt-secret-0123456789';
  const key = new TextEncoder().encode(secret);
  const auth = createAuthenticator({ jwtSecret: secret, publicReads: false, jwtMaxLifetimeS: 3600 });
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: { iat?: number; exp: number }) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(claims.exp);
    return (claims.iat === undefined ? jwt : jwt.setIssuedAt(claims.iat)).sign(key);
  };

  it('accepts a token within the limit, from iat or (without iat) from now', async () => {
    expect(await auth.verify(await sign({ iat: now() - 60, exp: now() + 600 }))).toBe(true);
    expect(await auth.verify(await sign({ exp: now() + 600 }))).toBe(true);
  });

  it('refuses a token issued "in the future" that stays valid longer than the limit from now', async () => {
    const far = now() + 10 * 365 * 24 * 3600;
    expect(await auth.verify(await sign({ iat: far, exp: far + 10 }))).toBe(false);
    expect(await auth.verify(await sign({ iat: far + 10, exp: far + 10 }))).toBe(false);
    expect(await auth.verify(await sign({ iat: now() - 60, exp: now() + 7200 }))).toBe(false);
  });
});
