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
