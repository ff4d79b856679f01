// Baseline 1: a bare node:http server doing a Map lookup / Map set, nothing else.
import { createServer } from 'node:http';

const store = new Map<string, unknown>();
const PREFIX = '/api/cache/';

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url.startsWith(PREFIX)) {
    const key = decodeURIComponent(url.slice(PREFIX.length));
    const value = store.get(key);
    const body = value === undefined ? '{"success":false,"message":"Key not found"}' : JSON.stringify({ success: true, key, value: { value } });
    res.writeHead(value === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  if (req.method === 'POST' && (url === '/api/cache' || url === '/api/cache/bulk')) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: string; value?: unknown; items?: { key: string; value: unknown }[] };
      for (const item of body.items ?? [body as { key: string; value: unknown }]) store.set(item.key, item.value);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success":true}');
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
