// Baseline 2: a plain Express 5 app with express.json() doing a Map lookup / Map set.
import express from 'express';

const store = new Map<string, unknown>();
const app = express();
app.use(express.json({ limit: '10mb' }));
app.get('/api/cache/:key', (req, res) => {
  const value = store.get(req.params.key);
  if (value === undefined) res.status(404).json({ success: false, message: 'Key not found' });
  else res.json({ success: true, key: req.params.key, value: { value } });
});
app.post('/api/cache', (req, res) => {
  store.set(req.body.key, req.body.value);
  res.json({ success: true });
});
app.post('/api/cache/bulk', (req, res) => {
  for (const item of req.body.items) store.set(item.key, item.value);
  res.json({ success: true });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
