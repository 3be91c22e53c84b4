// BullMQ (5.x, which drives ioredis 5 and a large set of Lua scripts) run
// against Redwing: the whole job life cycle — adding, processing with
// concurrency, retries with exponential backoff, delays, priorities,
// progress/logs, queue events, pause/resume, rate limiting, job schedulers,
// flows, clean/drain/obliterate and graceful worker shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, Worker, QueueEvents, FlowProducer } from 'bullmq';
import { startRedwing } from './server.js';

let srv;
let connection;
const warnings = [];
const origWarn = console.warn;

before(async () => {
  srv = await startRedwing();
  connection = { host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null };
  // BullMQ reports server problems (old version, eviction policy) through
  // console.warn: capture them so a test can assert there are none.
  console.warn = (...args) => { warnings.push(args.map(String).join(' ')); origWarn(...args); };
});
after(async () => {
  console.warn = origWarn;
  await srv.stop();
});

let seq = 0;
const qname = (label) => `rw-${label}-${process.pid}-${++seq}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// harness tracks every BullMQ object a test opens and closes them (and
// obliterates the queue) at the end, even when the test failed.
function harness(t, label) {
  const name = qname(label);
  const opened = [];
  const errors = [];
  const track = (o) => { opened.push(o); o.on?.('error', (e) => errors.push(e)); return o; };
  const h = {
    name,
    errors,
    queue: (n = name, opts = {}) => track(new Queue(n, { connection, ...opts })),
    worker: (fn, opts = {}, n = name) => track(new Worker(n, fn, { connection, ...opts })),
    events: (n = name) => track(new QueueEvents(n, { connection })),
    flow: () => track(new FlowProducer({ connection })),
  };
  t.after(async () => {
    for (const o of opened.reverse()) {
      if (o instanceof Queue) {
        try { await o.obliterate({ force: true }); } catch { /* already gone */ }
      }
      await o.close();
    }
  });
  return h;
}

// waitFor polls cond until it is truthy or the timeout expires.
async function waitFor(cond, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('add/addBulk, worker concurrency, results stored', async (t) => {
  const h = harness(t, 'basic');
  const q = h.queue();
  const job = await q.add('single', { n: 1 }, { jobId: 'fixed-id' });
  assert.equal(job.id, 'fixed-id');
  // Same custom id again: deduplicated by BullMQ's addStandardJob script.
  const dup = await q.add('single', { n: 999 }, { jobId: 'fixed-id' });
  assert.equal(dup.id, 'fixed-id');
  const bulk = await q.addBulk(Array.from({ length: 19 }, (_, i) => ({ name: 'bulk', data: { n: i + 2 } })));
  assert.equal(bulk.length, 19);
  assert.equal(await q.count(), 20);
  assert.deepEqual(await q.getJobCounts('wait', 'active', 'completed'), { wait: 20, active: 0, completed: 0 });
  const stored = await q.getJob('fixed-id');
  assert.deepEqual(stored.data, { n: 1 });

  let active = 0;
  let maxActive = 0;
  const w = h.worker(async (j) => {
    active++;
    maxActive = Math.max(maxActive, active);
    await sleep(40);
    active--;
    return j.data.n * 2;
  }, { concurrency: 5 });
  await waitFor(async () => (await q.getCompletedCount()) === 20, 8000, '20 completed');
  assert.equal(maxActive, 5, 'concurrency limit reached but not exceeded');
  const done = await q.getCompleted(0, -1);
  assert.equal(done.length, 20);
  const sum = done.reduce((s, j) => s + j.returnvalue, 0);
  assert.equal(sum, 2 * (20 * 21) / 2);
  const j1 = await q.getJob('fixed-id');
  assert.equal(j1.returnvalue, 2);
  assert.equal(await j1.getState(), 'completed');
  assert.equal(j1.attemptsMade, 1);
  assert.ok(j1.finishedOn >= j1.processedOn);
  assert.deepEqual(await q.getJobCounts('wait', 'active', 'completed', 'failed'), { wait: 0, active: 0, completed: 20, failed: 0 });
  await w.close();
  assert.deepEqual(h.errors, []);
});

test('failures: attempts with exponential backoff, then final failure', async (t) => {
  const h = harness(t, 'retry');
  const q = h.queue();
  const attempts = {};
  h.worker(async (j) => {
    (attempts[j.name] ??= []).push(Date.now());
    if (j.name === 'flaky' && j.attemptsMade < 2) throw new Error(`boom ${j.attemptsMade}`);
    if (j.name === 'broken') throw new Error('always broken');
    return 'ok';
  }, { concurrency: 2 });
  const flaky = await q.add('flaky', {}, { attempts: 3, backoff: { type: 'exponential', delay: 100 } });
  const broken = await q.add('broken', {}, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
  await waitFor(async () => (await flaky.getState()) === 'completed' && (await broken.getState()) === 'failed', 8000, 'final states');

  const f = await q.getJob(flaky.id);
  assert.equal(f.returnvalue, 'ok');
  assert.equal(f.attemptsMade, 3);
  assert.equal(attempts.flaky.length, 3);
  // exponential: 100 ms after the first failure, 200 ms after the second.
  const gap1 = attempts.flaky[1] - attempts.flaky[0];
  const gap2 = attempts.flaky[2] - attempts.flaky[1];
  assert.ok(gap1 >= 95, `first backoff ${gap1}`);
  assert.ok(gap2 >= 195, `second backoff ${gap2}`);
  assert.ok(gap2 > gap1, `backoff grows: ${gap1} then ${gap2}`);

  const b = await q.getJob(broken.id);
  assert.equal(b.failedReason, 'always broken');
  assert.equal(b.attemptsMade, 2);
  assert.equal(attempts.broken.length, 2);
  assert.ok(b.stacktrace.length >= 1);
  assert.equal(await q.getFailedCount(), 1);
  const failed = await q.getFailed();
  assert.deepEqual(failed.map((j) => j.id), [broken.id]);

  // retry() brings a failed job back.
  await b.retry();
  // Picked up again at once (the worker is idle), so waiting or active.
  assert.ok(['waiting', 'active'].includes(await b.getState()));
  await waitFor(async () => (await q.getJob(broken.id)).attemptsMade >= 3 && (await q.getJob(broken.id).then((j) => j.getState())) === 'failed', 5000, 'retried job fails again');
  assert.equal(attempts.broken.length, 3);
});

test('delayed jobs run after their delay, in due order', async (t) => {
  const h = harness(t, 'delay');
  const q = h.queue();
  const t0 = Date.now();
  const late = await q.add('late', {}, { delay: 600 });
  const early = await q.add('early', {}, { delay: 300 });
  const now = await q.add('now', {});
  assert.equal(await late.getState(), 'delayed');
  assert.equal(await early.getState(), 'delayed');
  assert.equal(await q.getDelayedCount(), 2);
  const order = [];
  h.worker(async (j) => { order.push([j.name, Date.now() - t0]); });
  await waitFor(async () => (await q.getCompletedCount()) === 3, 5000, 'delayed jobs done');
  assert.deepEqual(order.map((o) => o[0]), ['now', 'early', 'late']);
  assert.ok(order[1][1] >= 290, `early ran at ${order[1][1]}`);
  assert.ok(order[2][1] >= 590, `late ran at ${order[2][1]}`);
  assert.ok(order[2][1] < 3000, `late ran at ${order[2][1]} (promptly)`);
  void now;

  // changeDelay / promote on a delayed job.
  const p = await q.add('promoted', {}, { delay: 60_000 });
  assert.equal(await p.getState(), 'delayed');
  await p.promote();
  await waitFor(async () => (await p.getState()) === 'completed', 3000, 'promoted job done');
});

test('priorities are processed in priority order (FIFO within a priority)', async (t) => {
  const h = harness(t, 'prio');
  const q = h.queue();
  await q.add('p10-a', {}, { priority: 10 });
  await q.add('p1-a', {}, { priority: 1 });
  await q.add('none-a', {});
  await q.add('p5', {}, { priority: 5 });
  await q.add('p1-b', {}, { priority: 1 });
  await q.add('p10-b', {}, { priority: 10 });
  await q.add('none-b', {});
  assert.equal(await q.getPrioritizedCount(), 5);
  assert.equal(await q.getWaitingCount(), 2);
  const order = [];
  h.worker(async (j) => { order.push(j.name); }, { concurrency: 1 });
  await waitFor(async () => (await q.getCompletedCount()) === 7, 5000, 'all done');
  // Jobs without priority come first (priority 0), then 1, 5, 10.
  assert.deepEqual(order, ['none-a', 'none-b', 'p1-a', 'p1-b', 'p5', 'p10-a', 'p10-b']);
});

test('progress, logs and QueueEvents (completed/failed/progress)', async (t) => {
  const h = harness(t, 'events');
  const q = h.queue();
  const ev = h.events();
  await ev.waitUntilReady();
  const seen = { progress: [], completed: [], failed: [] };
  ev.on('progress', ({ jobId, data }) => seen.progress.push([jobId, data]));
  ev.on('completed', ({ jobId, returnvalue }) => seen.completed.push([jobId, returnvalue]));
  ev.on('failed', ({ jobId, failedReason }) => seen.failed.push([jobId, failedReason]));
  h.worker(async (j) => {
    if (j.name === 'bad') throw new Error('bad job');
    for (const p of [25, 50, 100]) await j.updateProgress(p);
    await j.updateProgress({ stage: 'done' });
    await j.log('first line');
    await j.log('second line');
    return { ok: j.data.v };
  });
  const good = await q.add('good', { v: 7 });
  const bad = await q.add('bad', {});
  const res = await good.waitUntilFinished(ev, 5000);
  assert.deepEqual(res, { ok: 7 });
  await assert.rejects(bad.waitUntilFinished(ev, 5000), /bad job/);
  await waitFor(() => seen.completed.length >= 1 && seen.failed.length >= 1 && seen.progress.length >= 4, 3000, 'events');
  assert.deepEqual(seen.progress.filter(([id]) => id === good.id).map(([, d]) => d), [25, 50, 100, { stage: 'done' }]);
  assert.deepEqual(seen.completed, [[good.id, { ok: 7 }]]);
  assert.deepEqual(seen.failed, [[bad.id, 'bad job']]);
  const g = await q.getJob(good.id);
  assert.deepEqual(g.progress, { stage: 'done' });
  const logs = await q.getJobLogs(good.id);
  assert.deepEqual(logs, { logs: ['first line', 'second line'], count: 2 });
});

test('pause and resume', async (t) => {
  const h = harness(t, 'pause');
  const q = h.queue();
  await q.pause();
  assert.equal(await q.isPaused(), true);
  let processed = 0;
  h.worker(async () => { processed++; });
  await q.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'j', data: { i } })));
  await sleep(400);
  assert.equal(processed, 0, 'nothing runs while paused');
  assert.equal(await q.getWaitingCount(), 5);
  await q.resume();
  assert.equal(await q.isPaused(), false);
  await waitFor(async () => (await q.getCompletedCount()) === 5, 5000, 'jobs after resume');
  assert.equal(processed, 5);
});

test('rate-limited queue (limiter max/duration)', async (t) => {
  const h = harness(t, 'limit');
  const q = h.queue();
  await q.addBulk(Array.from({ length: 6 }, (_, i) => ({ name: 'j', data: { i } })));
  const stamps = [];
  const t0 = Date.now();
  h.worker(async () => { stamps.push(Date.now() - t0); }, { concurrency: 6, limiter: { max: 2, duration: 400 } });
  await waitFor(async () => (await q.getCompletedCount()) === 6, 6000, 'limited jobs');
  assert.equal(stamps.length, 6);
  stamps.sort((a, b) => a - b);
  // 2 per 400 ms window: the 3rd and 5th jobs have to wait a window each.
  assert.ok(stamps[2] - stamps[0] >= 350, `3rd job at ${stamps[2]}, 1st at ${stamps[0]}`);
  assert.ok(stamps[4] - stamps[0] >= 750, `5th job at ${stamps[4]}, 1st at ${stamps[0]}`);
  for (let i = 0; i + 2 < stamps.length; i++) {
    assert.ok(stamps[i + 2] - stamps[i] >= 350, `three jobs within one window: ${stamps}`);
  }
});

test('job schedulers (upsertJobScheduler every)', async (t) => {
  const h = harness(t, 'sched');
  const q = h.queue();
  const runs = [];
  h.worker(async (j) => { runs.push([j.name, j.data, Date.now()]); });
  await q.upsertJobScheduler('tick', { every: 150 }, { name: 'tick-job', data: { a: 1 } });
  const schedulers = await q.getJobSchedulers();
  assert.equal(schedulers.length, 1);
  assert.equal(schedulers[0].key, 'tick');
  assert.equal(schedulers[0].every, 150);
  await waitFor(() => runs.length >= 4, 4000, '4 scheduled runs');
  await q.removeJobScheduler('tick');
  assert.deepEqual(await q.getJobSchedulers(), []);
  for (const [n, d] of runs) {
    assert.equal(n, 'tick-job');
    assert.deepEqual(d, { a: 1 });
  }
  // Runs are aligned to 150 ms slots: individual gaps jitter, on average
  // they are one slot (a scheduler firing back to back would be ~0 ms).
  for (let i = 1; i < 4; i++) {
    const gap = runs[i][2] - runs[i - 1][2];
    assert.ok(gap >= 50, `gap between runs ${gap}`);
  }
  const avg = (runs[3][2] - runs[0][2]) / 3;
  assert.ok(avg >= 120 && avg < 400, `average gap ${avg}`);
  const before = runs.length;
  await sleep(400);
  assert.ok(runs.length <= before + 1, 'scheduler stopped after removal');
});

test('flows: parent runs after its children and sees their results', async (t) => {
  const h = harness(t, 'flow');
  const childQ = `${h.name}-child`;
  const q = h.queue();
  h.queue(childQ);
  const order = [];
  h.worker(async (j) => { order.push(j.name); await sleep(20); return j.data.v * 10; }, { concurrency: 3 }, childQ);
  let childValues;
  h.worker(async (j) => {
    order.push(j.name);
    childValues = await j.getChildrenValues();
    return Object.values(childValues).reduce((a, b) => a + b, 0);
  });
  const flow = h.flow();
  const tree = await flow.add({
    name: 'parent',
    queueName: h.name,
    data: {},
    children: [1, 2, 3].map((v) => ({ name: `child-${v}`, queueName: childQ, data: { v } })),
  });
  assert.equal(tree.children.length, 3);
  assert.equal(await tree.job.getState(), 'waiting-children');
  await waitFor(async () => (await tree.job.getState()) === 'completed', 5000, 'parent completed');
  assert.equal(order[order.length - 1], 'parent');
  assert.deepEqual(order.slice(0, 3).sort(), ['child-1', 'child-2', 'child-3']);
  assert.equal(Object.keys(childValues).length, 3);
  const parent = await h.queue().getJob(tree.job.id);
  assert.equal(parent.returnvalue, 60);
  const deps = await parent.getDependenciesCount();
  assert.equal(deps.processed, 3);
  assert.equal(deps.unprocessed, 0);
});

test('clean, drain and obliterate', async (t) => {
  const h = harness(t, 'clean');
  const q = h.queue();
  h.worker(async (j) => { if (j.data.fail) throw new Error('x'); }, { concurrency: 4 });
  await q.addBulk(Array.from({ length: 8 }, (_, i) => ({ name: 'j', data: { fail: i < 3 } })));
  await waitFor(async () => (await q.getCompletedCount()) === 5 && (await q.getFailedCount()) === 3, 5000, 'jobs settled');
  const cleanedDone = await q.clean(0, 100, 'completed');
  assert.equal(cleanedDone.length, 5);
  assert.equal(await q.getCompletedCount(), 0);
  const cleanedFailed = await q.clean(0, 2, 'failed');
  assert.equal(cleanedFailed.length, 2, 'limit respected');
  assert.equal(await q.getFailedCount(), 1);

  // drain removes waiting (and with true, delayed) jobs.
  const q2name = `${h.name}-drain`;
  const q2 = h.queue(q2name);
  await q2.addBulk(Array.from({ length: 4 }, () => ({ name: 'w', data: {} })));
  await q2.add('d', {}, { delay: 60_000 });
  assert.equal(await q2.getWaitingCount(), 4);
  await q2.drain();
  assert.equal(await q2.getWaitingCount(), 0);
  assert.equal(await q2.getDelayedCount(), 1);
  await q2.drain(true);
  assert.equal(await q2.getDelayedCount(), 0);

  // obliterate removes every key of the queue.
  const q3name = `${h.name}-obl`;
  const q3 = h.queue(q3name);
  await q3.addBulk(Array.from({ length: 10 }, () => ({ name: 'o', data: {} })));
  await q3.add('d', {}, { delay: 60_000 });
  const client = await q3.client;
  assert.ok((await client.keys(`bull:${q3name}:*`)).length > 0);
  await q3.obliterate();
  assert.deepEqual(await client.keys(`bull:${q3name}:*`), []);
});

test('graceful worker close waits for active jobs', async (t) => {
  const h = harness(t, 'close');
  const q = h.queue();
  let finished = 0;
  let started = 0;
  const w = h.worker(async () => { started++; await sleep(300); finished++; return 'done'; }, { concurrency: 3 });
  await q.addBulk(Array.from({ length: 6 }, () => ({ name: 'c', data: {} })));
  await waitFor(() => started === 3, 3000, '3 jobs active');
  await w.close();
  assert.equal(finished, 3, 'active jobs finished before close resolved');
  assert.equal(await q.getCompletedCount(), 3);
  assert.equal(await q.getActiveCount(), 0);
  assert.equal(await q.getWaitingCount(), 3, 'remaining jobs left waiting');
  assert.equal(w.isRunning(), false);
});

test('no BullMQ warnings about the server', () => {
  assert.deepEqual(warnings, []);
});
