// Session store: express + express-session + connect-redis (node-redis).
//
// Starts an HTTP server on a free port, logs in, makes requests with the
// session cookie, logs out, and shows the session key and its TTL.
//
//   node examples/node/session-store.mjs      (REDIS_URL, default redis://127.0.0.1:6379)
import express from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';

const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
client.on('error', (err) => console.error('redis error', err));
await client.connect();

const prefix = `example:sess:${process.pid}:`;
const app = express();
app.use(session({
  store: new RedisStore({ client, prefix }),
  secret: 'change-me',
  resave: false,
  saveUninitialized: false,
  cookie: { maxAge: 30 * 60 * 1000 },
}));
app.post('/login', (req, res) => { req.session.user = 'ada'; req.session.cart = []; res.send('welcome'); });
app.post('/cart/:item', (req, res) => {
  if (!req.session.user) return res.sendStatus(401);
  req.session.cart.push(req.params.item);
  res.json(req.session.cart);
});
app.post('/logout', (req, res) => req.session.destroy(() => res.send('bye')));

const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
const base = `http://127.0.0.1:${server.address().port}`;

const login = await fetch(`${base}/login`, { method: 'POST' });
const cookie = login.headers.get('set-cookie').split(';')[0];
console.log(`POST /login -> ${login.status}, cookie ${cookie.slice(0, 24)}...`);
for (const item of ['book', 'pen']) {
  const r = await fetch(`${base}/cart/${item}`, { method: 'POST', headers: { cookie } });
  console.log(`POST /cart/${item} -> ${r.status} ${await r.text()}`);
}
const keys = [];
for await (const batch of client.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
console.log(`session key ${keys[0]} TTL ${await client.ttl(keys[0])}s: ${await client.get(keys[0])}`);
console.log(`POST /logout -> ${(await fetch(`${base}/logout`, { method: 'POST', headers: { cookie } })).status}`);
const gone = (await client.exists(keys[0])) === 0;
console.log(`session key deleted: ${gone}`);
console.log(`POST /cart/x after logout -> ${(await fetch(`${base}/cart/x`, { method: 'POST', headers: { cookie } })).status}`);
server.close();
await client.close();
if (!gone || keys.length !== 1) process.exit(1);
