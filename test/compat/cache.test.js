// Keyv with its Redis store (@keyv/redis, which drives node-redis) and
// cache-manager on top of it, against Redwing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import Redis from 'ioredis';
import { startRedwing } from './server.js';

let srv;
let admin;
const stores = [];
before(async () => {
  srv = await startRedwing(['--save', '']);
  admin = new Redis({ host: '127.0.0.1', port: srv.port });
});
after(async () => {
  for (const s of stores) await s.disconnect().catch(() => {});
  await admin.quit();
  await srv.stop();
});

// rk is the server-side key: @keyv/redis's namespace prefix, then Keyv's.
const rk = (ns, k) => `${ns}::${ns}:${k}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const keyv = (namespace) => {
  const store = new KeyvRedis(`redis://127.0.0.1:${srv.port}`);
  stores.push(store);
  const k = new Keyv({ store, namespace });
  k.on('error', () => {});
  return k;
};

test('Keyv + @keyv/redis: set/get/TTL/delete and namespace clear', async () => {
  const users = keyv('users');
  const other = keyv('other');
  assert.equal(await users.set('u1', { name: 'ada', roles: ['admin'] }, 60_000), true);
  assert.deepEqual(await users.get('u1'), { name: 'ada', roles: ['admin'] });
  const keys = (await admin.keys('*')).sort();
  assert.ok(keys.includes(rk('users', 'u1')), keys.join());
  const pttl = await admin.pttl(rk('users', 'u1'));
  assert.ok(pttl > 59_000 && pttl <= 60_000, `pttl ${pttl}`);
  assert.equal(await admin.ttl(rk('users', 'u1')) > 0, true);

  // A short TTL really expires on the server.
  await users.set('short', 'x', 60);
  await sleep(120);
  assert.equal(await users.get('short'), undefined);
  assert.equal(await admin.exists(rk('users', 'short')), 0);

  // Same key in another namespace is independent.
  await other.set('u1', 'other-value');
  assert.equal(await other.get('u1'), 'other-value');
  assert.deepEqual(await users.get('u1'), { name: 'ada', roles: ['admin'] });

  assert.equal(await users.has('u1'), true);
  assert.equal(await users.delete('u1'), true);
  assert.equal(await users.delete('u1'), false);
  assert.equal(await users.get('u1'), undefined);

  // many keys, then clear() removes only the namespace's keys.
  await Promise.all(Array.from({ length: 300 }, (_, i) => users.set(`k${i}`, i)));
  assert.deepEqual(await users.getMany(['k0', 'k299', 'nope']), [0, 299, undefined]);
  assert.equal((await admin.keys(rk('users', '*'))).length, 300);
  await users.clear();
  assert.equal((await admin.keys(rk('users', '*'))).length, 0);
  assert.equal(await other.get('u1'), 'other-value', 'other namespace kept');
});

test('cache-manager over Keyv/Redis: set/get/ttl/del and wrap() loads once', async () => {
  const cache = createCache({ stores: [keyv('cm')] });
  await cache.set('a', { n: 1 }, 30_000);
  assert.deepEqual(await cache.get('a'), { n: 1 });
  const exp = await cache.ttl('a');
  assert.ok(exp > Date.now() + 29_000 && exp <= Date.now() + 30_000, `expiry ${exp}`);
  const pttl = await admin.pttl(rk('cm', 'a'));
  assert.ok(pttl > 29_000 && pttl <= 30_000, `server pttl ${pttl}`);
  assert.equal(await cache.del('a'), true);
  assert.equal(await cache.get('a'), undefined);
  assert.equal(await admin.exists(rk('cm', 'a')), 0);

  let loads = 0;
  const loader = async () => { loads++; await sleep(20); return { fresh: true }; };
  const results = await Promise.all(Array.from({ length: 10 }, () => cache.wrap('w', loader, 10_000)));
  results.forEach((r) => assert.deepEqual(r, { fresh: true }));
  assert.equal(loads, 1, 'concurrent wrap() calls coalesced into one load');
  assert.deepEqual(await cache.wrap('w', loader, 10_000), { fresh: true });
  assert.equal(loads, 1, 'served from Redis');
  assert.equal(await admin.exists(rk('cm', 'w')), 1);
  await cache.disconnect();
});
