import express from 'express';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { errorHandler } from './error-handler.js';

const serve = async (production: boolean) => {
  const app = express();
  app.get('/boom', () => {
    throw new TypeError('secret detail at /srv/app.js:42');
  });
  app.use(errorHandler(pino({ level: 'silent' }), production));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/boom`);
  const body = await res.json();
  await new Promise((resolve) => server.close(resolve));
  return { status: res.status, body };
};

describe('errorHandler', () => {
  it('answers 500 JSON without message or stack in production', async () => {
    const { status, body } = await serve(true);
    expect(status).toBe(500);
    expect(body).toEqual({ success: false, code: 'INTERNAL', message: 'Internal server error' });
  });

  it('adds the message, never the stack, outside production', async () => {
    const { body } = await serve(false);
    expect(body).toEqual({ success: false, code: 'INTERNAL', message: 'Internal server error', error: 'secret detail at /srv/app.js:42' });
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  });
});
