import { Queue, Worker, QueueEvents } from 'bullmq';
import { startRedwing } from './server.js';
const srv = await startRedwing();
const connection = { host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null };
const q = new Queue('smoke', { connection });
q.on('error', e => console.log('qerr', e));
await q.add('a', { x: 1 });
const done = new Promise(res => {
  const w = new Worker('smoke', async job => job.data.x + 1, { connection });
  w.on('completed', (j, r) => { console.log('completed', r); res(w); });
  w.on('failed', (j, e) => console.log('failed', e));
  w.on('error', e => console.log('werr', e));
});
const w = await Promise.race([done, new Promise(r => setTimeout(() => r(null), 5000))]);
console.log('w', !!w);
if (w) await w.close();
await q.close();
await srv.stop();
