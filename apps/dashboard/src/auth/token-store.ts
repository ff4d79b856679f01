const KEY = 'meshcache.token';

/** The access token lives for the browser tab only (sessionStorage), never in the URL. */
export const tokenStore = {
  read(): string | undefined {
    return globalThis.sessionStorage?.getItem(KEY) ?? undefined;
  },
  write(token: string | undefined): void {
    if (token) globalThis.sessionStorage?.setItem(KEY, token);
    else globalThis.sessionStorage?.removeItem(KEY);
  },
};
