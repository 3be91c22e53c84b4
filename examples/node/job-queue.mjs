// BullMQ job queue with retries and graceful shutdown.
//
// Jobs are added (one fails once and is retried); a worker processes them.
// On SIGTERM/SIGINT — or, in this demo, once the queue is drained — the
// worker is closed gracefully: it takes no new jobs and waits for the active
// ones to finish before the process exits.
//
//   node examples/node/job-queue.mjs          (REDIS_URL, default redis://127.0.0.1:6379)
import { Queue, Worker, QueueEvents } from 'bullmq';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
const name = `example-emails-${process.pid}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const queue = new Queue(name, { connection });
const events = new QueueEvents(name, { connection });
await events.waitUntilReady();

let attempts = 0;
const worker = new Worker(name, async (job) => {
  attempts++;
  if (job.data.to === 'flaky@example.com' && job.attemptsMade === 0) throw new Error('SMTP timeout');
  await sleep(job.data.to.startsWith('slow') ? 300 : 30);
  return `sent to ${job.data.to}`;
}, { connection, concurrency: 3 });
worker.on('failed', (job, err) => console.log(`job ${job.id} attempt ${job.attemptsMade} failed: ${err.message}`));

let shuttingDown;
const shutdown = async (why) => {
  shuttingDown ??= (async () => {
    console.log(`${why}: closing the worker (waits for active jobs)...`);
    const t0 = Date.now();
    await worker.close();
    console.log(`worker closed after ${Date.now() - t0} ms`);
  })();
  return shuttingDown;
};
const cleanup = async () => {
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
};
process.on('SIGTERM', () => shutdown('SIGTERM').then(cleanup).then(() => process.exit(0)));
process.on('SIGINT', () => shutdown('SIGINT').then(cleanup).then(() => process.exit(0)));

const recipients = ['a@example.com', 'b@example.com', 'flaky@example.com', 'c@example.com', 'd@example.com'];
const jobs = await queue.addBulk(recipients.map((to) => ({ name: 'email', data: { to }, opts: { attempts: 3, backoff: { type: 'fixed', delay: 50 } } })));
const results = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 10_000)));
for (const r of results) console.log(`completed: ${r}`);
console.log(`${results.length} jobs completed with ${attempts} attempts (one retry)`);
// A slow job is running when shutdown starts: close() waits for it.
const slow = await queue.add('email', { to: 'slow@example.com' });
for (let i = 0; i < 200 && (await slow.getState()) !== 'active'; i++) await sleep(5);
await shutdown('demo done');
const slowState = await slow.getState();
console.log(`slow job state after shutdown: ${slowState}`);
await cleanup();
process.exit(results.length === 5 && attempts === 7 && slowState === 'completed' ? 0 : 1);
