// rate-limiter-flexible's RateLimiterRedis on ioredis (its Lua script via
// ioredis defineCommand, i.e. EVALSHA with EVAL fallback) against Redwing:
// exact point accounting under heavy concurrency, plus ioredis's own
// defineCommand EVALSHA → NOSCRIPT → EVAL recovery after SCRIPT FLUSH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { startRedwing } from './server.js';

let srv;
before(async () => { srv = await startRedwing(); });
after(async () => { await srv.stop(); });

function client() {
  const r = new Redis({ port: srv.port, host: '127.0.0.1' });
  r.on('error', () => {});
  return r;
}

function commandCalls(info, cmd) {
  const m = info.match(new RegExp(`^cmdstat_${cmd}:calls=(\\d+)`, 'm'));
  return m ? Number(m[1]) : 0;
}

test('RateLimiterRedis: exactly 50 of 200 concurrent consume() calls succeed', async () => {
  const clients = [client(), client(), client(), client()];
  const opts = { useRedisPackage: false, points: 50, duration: 10, keyPrefix: `rlf-${process.pid}` };
  const limiters = clients.map((storeClient) => new RateLimiterRedis({ storeClient, ...opts }));
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, (_, i) => limiters[i % limiters.length].consume('user-1')),
  );
  const ok = results.filter((r) => r.status === 'fulfilled');
  const rejected = results.filter((r) => r.status === 'rejected');
  assert.equal(ok.length, 50);
  assert.equal(rejected.length, 150);
  // Each successful call saw a distinct consumed count 1..50.
  const consumed = ok.map((r) => r.value.consumedPoints).sort((a, b) => a - b);
  assert.deepEqual(consumed, Array.from({ length: 50 }, (_, i) => i + 1));
  assert.deepEqual(ok.map((r) => r.value.remainingPoints).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  for (const r of rejected) {
    assert.ok(r.reason instanceof RateLimiterRes, `rejected with ${r.reason}`);
    assert.equal(r.reason.remainingPoints, 0);
    assert.ok(r.reason.consumedPoints > 50 && r.reason.consumedPoints <= 200);
    assert.ok(r.reason.msBeforeNext > 0 && r.reason.msBeforeNext <= 10_000, `msBeforeNext ${r.reason.msBeforeNext}`);
  }
  assert.deepEqual(rejected.map((r) => r.reason.consumedPoints).sort((a, b) => a - b), Array.from({ length: 150 }, (_, i) => i + 51));

  // The stored counter and its TTL.
  const state = await limiters[0].get('user-1');
  assert.equal(state.consumedPoints, 200);
  const key = `${opts.keyPrefix}:user-1`;
  assert.equal(await clients[0].get(key), '200');
  const pttl = await clients[0].pttl(key);
  assert.ok(pttl > 8000 && pttl <= 10_000, `pttl ${pttl}`);

  // reward / penalty / delete go through the same key.
  const rewarded = await limiters[1].reward('user-1', 160);
  assert.equal(rewarded.consumedPoints, 40);
  const ok2 = await limiters[2].consume('user-1', 10);
  assert.equal(ok2.consumedPoints, 50);
  assert.equal(ok2.remainingPoints, 0);
  await assert.rejects(limiters[3].consume('user-1'), (e) => e instanceof RateLimiterRes && e.consumedPoints === 51);
  assert.equal(await limiters[0].delete('user-1'), true);
  assert.equal(await clients[0].exists(key), 0);
  const fresh = await limiters[0].consume('user-1');
  assert.equal(fresh.consumedPoints, 1);

  // A short window really expires.
  const short = new RateLimiterRedis({ storeClient: clients[0], useRedisPackage: false, points: 2, duration: 1, keyPrefix: `rlf-short-${process.pid}` });
  await short.consume('k', 2);
  await assert.rejects(short.consume('k'));
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await short.consume('k')).consumedPoints, 1);

  await Promise.all(clients.map((c) => c.quit()));
});

test('ioredis defineCommand: EVALSHA, NOSCRIPT fallback after SCRIPT FLUSH', async () => {
  const r = client();
  const admin = client();
  const lua = `
    local n = redis.call('INCRBY', KEYS[1], ARGV[1])
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {n, redis.call('PTTL', KEYS[1]) > 0 and 1 or 0}`;
  r.defineCommand('incrTtl', { numberOfKeys: 1, lua });
  const sha = (await admin.script('LOAD', lua));
  assert.match(sha, /^[0-9a-f]{40}$/);
  await admin.script('FLUSH');
  assert.deepEqual(await admin.script('EXISTS', sha), [0]);
  await admin.config('RESETSTAT');

  const key = `dc-${process.pid}`;
  // First call on a connection: ioredis sends EVAL (as with redis-server),
  // which also caches the script.
  assert.deepEqual(await r.incrTtl(key, 5, 60_000), [5, 1]);
  assert.deepEqual(await admin.script('EXISTS', sha), [1]);
  let info = await admin.info('commandstats');
  assert.equal(commandCalls(info, 'eval'), 1, info);

  // Further calls (also pipelined) all go through EVALSHA.
  await admin.config('RESETSTAT');
  const res = await Promise.all(Array.from({ length: 20 }, () => r.incrTtl(key, 1, 60_000)));
  assert.deepEqual(res.map((x) => x[0]).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 6));
  const pres = await r.pipeline().incrTtl(key, 10, 60_000).incrTtl(key, 10, 60_000).exec();
  assert.deepEqual(pres, [[null, [35, 1]], [null, [45, 1]]]);
  info = await admin.info('commandstats');
  assert.equal(commandCalls(info, 'eval'), 0, info);
  assert.ok(commandCalls(info, 'evalsha') >= 21, info);
  assert.match(info, /^cmdstat_evalsha:.*failed_calls=0/m);

  // SCRIPT FLUSH: the raw EVALSHA reply is Redis's NOSCRIPT error, and the
  // defined command recovers transparently (EVALSHA fails, EVAL follows).
  assert.equal(await admin.script('FLUSH'), 'OK');
  assert.deepEqual(await admin.script('EXISTS', sha), [0]);
  await assert.rejects(admin.evalsha(sha, 1, key, 1, 1000), /NOSCRIPT No matching script\. Please use EVAL\./);
  await admin.config('RESETSTAT');
  assert.deepEqual(await r.incrTtl(key, 5, 60_000), [50, 1]);
  info = await admin.info('commandstats');
  assert.match(info, /^cmdstat_evalsha:calls=1,.*failed_calls=1/m);
  assert.equal(commandCalls(info, 'eval'), 1, info);
  assert.deepEqual(await admin.script('EXISTS', sha), [1]);
  await admin.script('FLUSH', 'SYNC');
  const pres2 = await r.pipeline().incrTtl(key, 1, 60_000).incrTtl(key, 1, 60_000).exec();
  assert.deepEqual(pres2, [[null, [51, 1]], [null, [52, 1]]]);
  assert.equal(await admin.get(key), '52');

  // Script errors keep Redis's text.
  r.defineCommand('bad', { numberOfKeys: 0, lua: "return redis.call('INCR')" });
  await assert.rejects(r.bad(), /Wrong number of args calling Redis command from script/);

  await r.quit();
  await admin.quit();
});
