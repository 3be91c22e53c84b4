// BullMQ throughput: Redwing vs redis-server.
//
//   node bench/bullmq_compare.mjs [jobs=20000] [concurrency=50] [rounds=1]
//
// Needs `npm ci` in test/compat (BullMQ is resolved from there). Starts
// Redwing (REDWING_BIN, or built from this checkout) and, if found on PATH,
// redis-server (--save '' --appendonly no) on free ports, then for each:
// adds the jobs with addBulk (batches of 1000), processes them with one
// no-op Worker, and reports jobs/s for both phases and the server's CPU
// time per job (user+system, from /proc). With several rounds the two
// servers alternate and the medians and Redwing/Redis ratios follow. Both
// servers are stopped at the end. NO_REDIS=1 runs Redwing alone (profiling).
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compat = join(root, 'test', 'compat');
const require = createRequire(join(compat, 'package.json'));
const { Queue, Worker } = require('bullmq');
const { startRedwing, freePort } = await import(join(compat, 'server.js'));

const N = Number(process.argv[2] || 20000);
const CONC = Number(process.argv[3] || 50);
const ROUNDS = Number(process.argv[4] || 1);

// cpuMs is the CPU time a process used so far (utime+stime), or NaN
// without /proc.
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
  } catch { return NaN; }
}

async function startRedis() {
  if (process.env.NO_REDIS) return null;
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
    pid: () => proc.pid,
    stop: () => new Promise((resolve) => { if (proc.exitCode !== null) return resolve(); proc.once('exit', resolve); proc.kill('SIGTERM'); }),
  };
}

async function run(label, port, pid) {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const name = `bench-${Date.now()}`;
  const q = new Queue(name, { connection });
  await q.waitUntilReady();
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const n = Math.min(1000, N - i);
    await q.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'j', data: { i: i + j }, opts: { removeOnComplete: true } })));
  }
  const addMs = performance.now() - t0;
  const c1 = cpuMs(pid);
  let done = 0;
  let resolveDone;
  const finished = new Promise((r) => { resolveDone = r; });
  const t1 = performance.now();
  const w = new Worker(name, async () => 1, { connection, concurrency: CONC });
  w.on('completed', () => { if (++done === N) resolveDone(); });
  await finished;
  const procMs = performance.now() - t1;
  const c2 = cpuMs(pid);
  await w.close();
  await q.obliterate({ force: true });
  await q.close();
  const res = {
    add: Math.round(N / (addMs / 1000)), process: Math.round(N / (procMs / 1000)),
    addCpu: Math.round((c1 - c0) * 10000 / N) / 10, processCpu: Math.round((c2 - c1) * 10000 / N) / 10,
  };
  console.log(`${label.padEnd(12)} addBulk ${String(res.add).padStart(7)} jobs/s ${String(res.addCpu).padStart(4)} µs CPU/job   process ${String(res.process).padStart(7)} jobs/s ${String(res.processCpu).padStart(4)} µs CPU/job   (${N} jobs, concurrency ${CONC})`);
  return res;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const rw = await startRedwing(['--save', '', '--appendonly', 'no']);
const rs = await startRedis();
if (!rs) console.log('redis-server not found: Redwing only');
const results = { redwing: [], redis: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = [['redwing', rw], ['redis', rs]].filter(([, s]) => s);
    if (r % 2) order.reverse();
    for (const [label, srv] of order) results[label].push(await run(label === 'redis' ? 'redis-server' : label, srv.port, srv.pid()));
  }
} finally {
  await rw.stop();
  if (rs) await rs.stop();
}
if (rs && ROUNDS > 1) {
  console.log(`medians of ${ROUNDS} alternated rounds (Redwing/Redis: rate higher is better, CPU lower is better)`);
  for (const k of ['add', 'process']) {
    const a = median(results.redwing.map((x) => x[k])); const b = median(results.redis.map((x) => x[k]));
    const ca = median(results.redwing.map((x) => x[k + 'Cpu'])); const cb = median(results.redis.map((x) => x[k + 'Cpu']));
    console.log(`${k.padEnd(8)} redwing ${a} jobs/s ${ca} µs   redis ${b} jobs/s ${cb} µs   rate ratio ${(a / b).toFixed(2)}   CPU ratio ${(ca / cb).toFixed(2)}`);
  }
}
