import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis5';
import { startRedwing } from './server.js';

let srv;
before(async () => { srv = await startRedwing(); });
after(async () => { await srv.stop(); });

const client = () => {
  const r = new Redis({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: null });
  r.on('error', () => {});
  return r;
};

test('hgetall of a missing key is {} and hashes round-trip', async () => {
  const r = client();
  assert.deepEqual(await r.hgetall('coll:none'), {});
  await r.hset('coll:h', { a: '1', b: '2' });
  assert.deepEqual(await r.hgetall('coll:h'), { a: '1', b: '2' });
  assert.equal(await r.hincrby('coll:h', 'a', 5), 6);
  await r.quit();
});

// A reliable queue: workers move jobs to a processing list with BLMOVE,
// acknowledge with LREM. Every job is processed exactly once even with
// several workers blocked on the same queue.
test('reliable queue with BLMOVE: each job processed exactly once', async () => {
  const producer = client();
  const workers = Array.from({ length: 4 }, client);
  const jobs = 400;
  const seen = new Map();
  let stop = false;
  const work = async (w, i) => {
    const processing = `coll:processing:${i}`;
    while (!stop) {
      const job = await w.blmove('coll:queue', processing, 'RIGHT', 'LEFT', 0.2);
      if (job === null) continue;
      seen.set(job, (seen.get(job) || 0) + 1);
      assert.equal(await w.lrem(processing, 1, job), 1);
    }
  };
  const running = workers.map(work);
  for (let i = 0; i < jobs; i++) await producer.lpush('coll:queue', `job-${i}`);
  const deadline = Date.now() + 10000;
  while (seen.size < jobs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  stop = true;
  await Promise.all(running);
  assert.equal(seen.size, jobs);
  for (const [job, n] of seen) assert.equal(n, 1, `${job} processed ${n} times`);
  assert.equal(await producer.llen('coll:queue'), 0);
  for (let i = 0; i < 4; i++) assert.equal(await producer.llen(`coll:processing:${i}`), 0);
  await Promise.all([producer, ...workers].map((c) => c.quit()));
});
