// express-session with connect-redis (node-redis 6 client) against Redwing,
// driven through real HTTP requests with fetch: the session survives across
// requests, its key carries the cookie's TTL, destroy removes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { startRedwing } from './server.js';

let srv;
let client;
let http;
let base;
const maxAge = 90_000;

before(async () => {
  srv = await startRedwing(['--save', '']);
  client = createClient({ socket: { host: '127.0.0.1', port: srv.port } });
  client.on('error', () => {});
  await client.connect();
  const app = express();
  app.use(session({
    store: new RedisStore({ client, prefix: 'sess:' }),
    secret: 'compat-secret',
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge },
  }));
  app.post('/login/:user', (req, res) => { req.session.user = req.params.user; req.session.views = 0; res.json({ ok: true }); });
  app.get('/me', (req, res) => {
    if (!req.session.user) return res.status(401).json({ user: null });
    req.session.views++;
    res.json({ user: req.session.user, views: req.session.views });
  });
  app.post('/logout', (req, res) => req.session.destroy((err) => res.status(err ? 500 : 200).json({ ok: !err })));
  await new Promise((resolve) => { http = app.listen(0, '127.0.0.1', resolve); });
  base = `http://127.0.0.1:${http.address().port}`;
});
after(async () => {
  await new Promise((r) => http.close(r));
  await client.close();
  await srv.stop();
});

const sidOf = (cookie) => decodeURIComponent(/connect\.sid=([^;]+)/.exec(cookie)[1]).replace(/^s:/, '').replace(/\..*$/, '');

test('connect-redis: session survives across requests, TTL from cookie maxAge, destroy removes it', async () => {
  const login = await fetch(`${base}/login/ada`, { method: 'POST' });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie');
  assert.ok(cookie, 'session cookie set');
  const sid = sidOf(cookie);
  const key = `sess:${sid}`;
  const stored = JSON.parse(await client.get(key));
  assert.equal(stored.user, 'ada');
  const ttl = await client.ttl(key);
  assert.ok(ttl > 0 && ttl <= maxAge / 1000 && ttl >= maxAge / 1000 - 5, `ttl ${ttl} matches cookie maxAge`);

  const headers = { cookie: cookie.split(';')[0] };
  for (let i = 1; i <= 3; i++) {
    const me = await fetch(`${base}/me`, { headers });
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { user: 'ada', views: i });
  }
  assert.equal(JSON.parse(await client.get(key)).views, 3);
  // Without the cookie there is no session.
  assert.equal((await fetch(`${base}/me`)).status, 401);

  // A second, independent session.
  const other = await fetch(`${base}/login/bob`, { method: 'POST' });
  const otherCookie = other.headers.get('set-cookie').split(';')[0];
  assert.deepEqual(await (await fetch(`${base}/me`, { headers: { cookie: otherCookie } })).json(), { user: 'bob', views: 1 });
  const keys = [];
  for await (const b of client.scanIterator({ MATCH: 'sess:*' })) keys.push(...b);
  assert.equal(keys.length, 2);

  const out = await fetch(`${base}/logout`, { method: 'POST', headers });
  assert.equal(out.status, 200);
  assert.equal(await client.exists(key), 0, 'destroy deleted the session key');
  assert.equal((await fetch(`${base}/me`, { headers })).status, 401);
  assert.equal((await fetch(`${base}/me`, { headers: { cookie: otherCookie } })).status, 200, 'the other session is untouched');
});

test('connect-redis: an expired session key means no session', async () => {
  const login = await fetch(`${base}/login/eve`, { method: 'POST' });
  const cookie = login.headers.get('set-cookie');
  const key = `sess:${sidOf(cookie)}`;
  assert.equal(await client.exists(key), 1);
  assert.equal(await client.pExpire(key, 30), 1);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal((await fetch(`${base}/me`, { headers: { cookie: cookie.split(';')[0] } })).status, 401);
});
