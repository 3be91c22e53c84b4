// BullMQ throughput: Redwing vs redis-server.
//
//   node bench/bullmq_compare.mjs [jobs=20000] [concurrency=50]
//
// Needs `npm ci` in test/compat (BullMQ is resolved from there). Starts
// Redwing (REDWING_BIN, or built from this checkout) and, if found on PATH,
// redis-server (--save '' --appendonly no) on free ports, then for each:
// adds the jobs with addBulk (batches of 1000), processes them with one
// no-op Worker, and reports jobs/s for both phases. Both servers are
// stopped at the end.
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compat = join(root, 'test', 'compat');
const require = createRequire(join(compat, 'package.json'));
const { Queue, Worker } = require('bullmq');
const { startRedwing, freePort } = await import(join(compat, 'server.js'));

const N = Number(process.argv[2] || 20000);
const CONC = Number(process.argv[3] || 50);

async function startRedis() {
  let bin;
  try { bin = execFileSync('sh', ['-c', 'command -v redis-server']).toString().trim(); } catch { return null; }
  if (!bin) return null;
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' }); break; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  return {
    port,
    stop: () => new Promise((resolve) => { if (proc.exitCode !== null) return resolve(); proc.once('exit', resolve); proc.kill('SIGTERM'); }),
  };
}

async function run(label, port) {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const name = `bench-${Date.now()}`;
  const q = new Queue(name, { connection });
  await q.waitUntilReady();
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const n = Math.min(1000, N - i);
    await q.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'j', data: { i: i + j }, opts: { removeOnComplete: true } })));
  }
  const addMs = performance.now() - t0;
  let done = 0;
  let resolveDone;
  const finished = new Promise((r) => { resolveDone = r; });
  const t1 = performance.now();
  const w = new Worker(name, async () => 1, { connection, concurrency: CONC });
  w.on('completed', () => { if (++done === N) resolveDone(); });
  await finished;
  const procMs = performance.now() - t1;
  await w.close();
  await q.obliterate({ force: true });
  await q.close();
  const res = { label, add: Math.round(N / (addMs / 1000)), process: Math.round(N / (procMs / 1000)) };
  console.log(`${label.padEnd(12)} addBulk ${String(res.add).padStart(7)} jobs/s   process ${String(res.process).padStart(7)} jobs/s   (${N} jobs, concurrency ${CONC})`);
  return res;
}

const rw = await startRedwing(['--save', '', '--appendonly', 'no']);
try {
  await run('redwing', rw.port);
} finally {
  await rw.stop();
}
const rs = await startRedis();
if (rs) {
  try {
    await run('redis-server', rs.port);
  } finally {
    await rs.stop();
  }
} else {
  console.log('redis-server not found: skipped');
}
