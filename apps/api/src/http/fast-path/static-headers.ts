import type { RequestHandler } from 'express';

export type HeaderList = readonly (readonly [string, string])[];

/**
 * Runs a header-only middleware (helmet) once against a recording response and returns the
 * headers it sets, so the fast path sends exactly what the Express stack sends without running
 * the middleware per request.
 */
export const captureHeaders = (middleware: RequestHandler): HeaderList => {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let done = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as never, recorder as never, () => {
    done = true;
  });
  if (!done) throw new TypeError('header middleware did not complete synchronously');
  return headers;
};
