// Sorted-set workloads through ioredis: the sliding-window rate limiter
// (ZREMRANGEBYSCORE + ZCARD + ZADD in one Lua script) run concurrently
// from many connections must admit exactly `limit` requests; a leaderboard
// and a blocking consumer (BZPOPMIN) behave as with Redis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startRedwing } from './server.js';

let srv;
before(async () => { srv = await startRedwing(); });
after(async () => { await srv.stop(); });

const slidingWindow = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return 1
end
return 0
`;

function client() {
  const r = new Redis({ port: srv.port, host: '127.0.0.1' });
  r.on('error', () => {});
  r.defineCommand('slidingWindow', { numberOfKeys: 1, lua: slidingWindow });
  return r;
}

test('sliding-window rate limiter admits exactly limit requests under concurrency', async () => {
  const limit = 50;
  const clients = Array.from({ length: 16 }, client);
  const now = Date.now();
  let seq = 0;
  const results = await Promise.all(clients.flatMap((r, ci) =>
    Array.from({ length: 25 }, () => r.slidingWindow('rl:user:1', now, 60000, limit, `req:${ci}:${seq++}`))));
  assert.equal(results.length, 400);
  assert.equal(results.filter((x) => x === 1).length, limit);
  assert.equal(await clients[0].zcard('rl:user:1'), limit);
  const ttl = await clients[0].pttl('rl:user:1');
  assert.ok(ttl > 0 && ttl <= 60000, `pttl ${ttl}`);
  // Once the window has moved on, requests are admitted again.
  assert.equal(await clients[0].slidingWindow('rl:user:1', now + 60001, 60000, limit, 'late'), 1);
  assert.equal(await clients[0].zcard('rl:user:1'), 1);
  await Promise.all(clients.map((r) => r.quit()));
});

test('leaderboard', async () => {
  const r = client();
  await r.del('lb');
  await r.zadd('lb', 100, 'alice', 250, 'bob', 175, 'carol', 250, 'ann');
  assert.equal(await r.zincrby('lb', 80, 'alice'), '180');
  assert.deepEqual(await r.zrevrange('lb', 0, 2, 'WITHSCORES'), ['bob', '250', 'ann', '250', 'alice', '180']);
  assert.equal(await r.zrevrank('lb', 'carol'), 3);
  assert.equal(await r.zscore('lb', 'carol'), '175');
  assert.deepEqual(await r.zrangebyscore('lb', '(175', '+inf', 'LIMIT', 0, 2), ['alice', 'ann']);
  assert.deepEqual(await r.zmscore('lb', 'bob', 'nobody'), ['250', null]);
  await r.quit();
});

test('delayed jobs: BZPOPMIN consumer is woken by ZADD', async () => {
  const consumer = client();
  const producer = client();
  await producer.del('jobs');
  const popped = consumer.bzpopmin('jobs', 5);
  await new Promise((res) => setTimeout(res, 100));
  await producer.zadd('jobs', 1700000000000, 'job:1', 1600000000000, 'job:0');
  assert.deepEqual(await popped, ['jobs', 'job:0', '1600000000000']);
  assert.deepEqual(await producer.zrange('jobs', 0, -1), ['job:1']);
  await consumer.quit();
  await producer.quit();
});
