import express from 'express';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { errorHandler } from './error-handler.js';

const serve = async (thrown: unknown) => {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  const app = express();
  app.get('/boom', () => {
    throw thrown;
  });
  app.use(errorHandler(logger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/boom`);
  const body = (await res.json()) as { requestId?: string };
  await new Promise((resolve) => server.close(resolve));
  return { status: res.status, body, header: res.headers.get('x-request-id'), log: lines.join('') };
};

describe('errorHandler', () => {
  it('answers 500 with a request id only, in every environment, and logs the details under that id', async () => {
    const { status, body, header, log } = await serve(new Error("EFBIG: file too large, write at /srv/app.js:42"));
    expect(status).toBe(500);
    expect(body).toEqual({ success: false, code: 'INTERNAL', message: expect.stringContaining(body.requestId ?? 'no request id'), requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(header).toBe(body.requestId);
    expect(JSON.stringify(body)).not.toMatch(/EFBIG|srv|\n\s+at /);
    expect(log).toContain('EFBIG');
    expect(log).toContain(body.requestId);
  });

  it('does not pass a parser failure that is not a syntax error (a stack overflow) to the client', async () => {
    const overflow = Object.assign(new RangeError('Maximum call stack size exceeded'), { type: 'entity.parse.failed', status: 400, expose: true });
    const { status, body } = await serve(overflow);
    expect(status).toBe(400);
    expect(body).toMatchObject({ success: false, code: 'INVALID_JSON' });
    expect(JSON.stringify(body)).not.toContain('call stack');
  });
});
