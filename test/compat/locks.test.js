// Distributed locks on Redwing: redis-semaphore (Mutex, Semaphore; ioredis 6)
// and redlock 4. Mutual exclusion is checked with a deliberately non-atomic
// read-modify-write (GET, pause, SET) done by concurrent workers on separate
// connections: the final count equals the number of increments only if the
// lock really excluded the other workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { Mutex, Semaphore } from 'redis-semaphore';
import Redlock from 'redlock';
import { startRedwing } from './server.js';

let srv;
const clients = [];
before(async () => { srv = await startRedwing(['--save', '']); });
after(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await srv.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const client = () => {
  const c = new Redis({ host: '127.0.0.1', port: srv.port });
  c.on('error', () => {});
  clients.push(c);
  return c;
};

// unsafeIncrement reads, pauses (so that another worker could interleave)
// and writes back.
async function unsafeIncrement(c, key) {
  const v = Number(await c.get(key) ?? 0);
  await sleep(Math.random() * 2);
  await c.set(key, String(v + 1));
}

const WORKERS = 6;
const PER_WORKER = 10;

test('control: without a lock the read-modify-write loses updates', async () => {
  const key = 'lock:control';
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    const c = client();
    for (let i = 0; i < PER_WORKER; i++) await unsafeIncrement(c, key);
  }));
  assert.ok(Number(await client().get(key)) < WORKERS * PER_WORKER, 'the workload does race');
});

test('redis-semaphore Mutex: mutual exclusion under contention', async () => {
  const key = 'lock:mutex-counter';
  let inside = 0;
  let maxInside = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    const c = client();
    for (let i = 0; i < PER_WORKER; i++) {
      const m = new Mutex(c, 'counter', { lockTimeout: 5000, acquireTimeout: 20_000, retryInterval: 2 });
      await m.acquire();
      inside++;
      maxInside = Math.max(maxInside, inside);
      await unsafeIncrement(c, key);
      inside--;
      await m.release();
    }
  }));
  assert.equal(await client().get(key), String(WORKERS * PER_WORKER));
  assert.equal(maxInside, 1);
  assert.equal(await client().exists('mutex:counter'), 0, 'released');
});

test('redis-semaphore Mutex: lock expiry, refresh (extension) and tryAcquire', async () => {
  const a = client();
  const b = client();
  // No refresh: the lock expires after lockTimeout and another holder gets it.
  const m1 = new Mutex(a, 'exp', { lockTimeout: 150, refreshInterval: 0 });
  await m1.acquire();
  const pttl = await a.pttl('mutex:exp');
  assert.ok(pttl > 0 && pttl <= 150, `pttl ${pttl}`);
  const m2 = new Mutex(b, 'exp', { lockTimeout: 1000, acquireTimeout: 50, retryInterval: 10 });
  assert.equal(await m2.tryAcquire(), false, 'held by m1');
  await sleep(200);
  assert.equal(await m2.tryAcquire(), true, 'm1 expired');
  await m2.release();

  // With refresh: held well past lockTimeout, others time out.
  let lost = false;
  const m3 = new Mutex(a, 'refresh', { lockTimeout: 150, refreshInterval: 40, onLockLost: () => { lost = true; } });
  await m3.acquire();
  await sleep(400);
  assert.equal(m3.isAcquired, true);
  assert.equal(lost, false);
  const m4 = new Mutex(b, 'refresh', { lockTimeout: 1000, acquireTimeout: 100, retryInterval: 10 });
  await assert.rejects(m4.acquire(), /Acquire mutex mutex:refresh timeout/);
  await m3.release();
  assert.equal(await m4.tryAcquire(), true);
  await m4.release();
});

test('redis-semaphore Semaphore: at most N holders at once', async () => {
  let inside = 0;
  let maxInside = 0;
  let done = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    const c = client();
    for (let i = 0; i < 5; i++) {
      const s = new Semaphore(c, 'pool', 3, { lockTimeout: 5000, acquireTimeout: 20_000, retryInterval: 2 });
      await s.acquire();
      inside++;
      maxInside = Math.max(maxInside, inside);
      await sleep(3);
      inside--;
      done++;
      await s.release();
    }
  }));
  assert.equal(done, 40);
  assert.ok(maxInside <= 3, `at most 3 holders (saw ${maxInside})`);
  assert.ok(maxInside >= 2, 'the semaphore admitted several holders at once');
  assert.equal(await client().zcard('semaphore:pool'), 0);
});

test('redlock: mutual exclusion, extension and release', async () => {
  const key = 'lock:redlock-counter';
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    const c = client();
    const redlock = new Redlock([c], { retryCount: 2000, retryDelay: 3, retryJitter: 2 });
    for (let i = 0; i < PER_WORKER; i++) {
      const lock = await redlock.lock('locks:counter', 5000);
      await unsafeIncrement(c, key);
      await lock.unlock();
    }
  }));
  assert.equal(await client().get(key), String(WORKERS * PER_WORKER));

  const c = client();
  const rl = new Redlock([c], { retryCount: 0 });
  const lock = await rl.lock('locks:res', 200);
  await assert.rejects(rl.lock('locks:res', 200), (e) => e.name === 'LockError');
  const extended = await lock.extend(2000);
  const pttl = await c.pttl('locks:res');
  assert.ok(pttl > 1000 && pttl <= 2000, `extended pttl ${pttl}`);
  await sleep(250);
  await assert.rejects(rl.lock('locks:res', 200), (e) => e.name === 'LockError', 'still held after the original TTL');
  await extended.unlock();
  assert.equal(await c.exists('locks:res'), 0);
  const again = await rl.lock('locks:res', 200);
  // A lock whose TTL passed can be taken by someone else; the old holder's
  // unlock then must not delete the new holder's lock.
  await sleep(250);
  const other = await rl.lock('locks:res', 5000);
  await again.unlock().catch(() => {});
  assert.equal(await c.get('locks:res'), other.value, 'the stale holder did not release the new lock');
  await other.unlock();
});
