// Builds the compatibility table of README.md from a real run of the Node
// suites: runs `node --test` over every suite with compat-reporter.mjs,
// maps each test (file › describe › name) to a library row, reads each
// library's version from node_modules/<pkg>/package.json and writes the table
// between <!-- compat-table:start --> and <!-- compat-table:end -->.
//
//   npm run compat-table            run the suites, rewrite README.md's table
//   node report.mjs --print         run the suites, print the table only
//   node report.mjs --from FILE     build from a previous reporter output
//                                   (Node suites only, for debugging the mapping)
//
// The go-redis row comes from `go test -json ./test/goredis/ ./examples/...`.
//
// Exits non-zero when a test failed (the table still shows the failure). A
// test that matches no row is listed under "other: <file>" (add a row below).
import { spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const readme = join(here, '..', '..', 'README.md');
// Read from node_modules directly: some packages do not export package.json.
const version = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Rows of the table, in order. `match` is tested against
// "file › describe › ... › test name"; the first matching row takes a test.
const io6 = version('ioredis');
const io5 = version('ioredis5');
const nr6 = version('redis');
const nr5 = version('redis5');
const rows = [
  { lib: 'ioredis', pkg: 'ioredis', proto: 'RESP3', covers: 'client matrix¹; defineCommand/EVALSHA accounting, pub/sub, stream recovery, sliding-window limiter, leaderboard, BZPOPMIN', match: [new RegExp(`^clients\\.test\\.js › ioredis ${esc(io6)} RESP3 › `), /^ioredis\.test\.js › ioredis 6: /, /^ratelimit\.test\.js › ioredis defineCommand/, /^realtime\.test\.js › (pub\/sub|streams):/, /^zset_ratelimit\.test\.js › /] },
  { lib: 'ioredis', pkg: 'ioredis', proto: 'RESP2', covers: 'client matrix¹', match: [new RegExp(`^clients\\.test\\.js › ioredis ${esc(io6)} RESP2 › `)] },
  { lib: 'ioredis', pkg: 'ioredis5', proto: 'RESP2', covers: 'client matrix¹; hashes, BLMOVE reliable queue', match: [new RegExp(`^clients\\.test\\.js › ioredis ${esc(io5)} RESP2 › `), /^ioredis\.test\.js › ioredis 5: /, /^collections\.test\.js › /] },
  { lib: 'node-redis (redis)', pkg: 'redis', proto: 'RESP2', covers: 'client matrix¹', match: [new RegExp(`^clients\\.test\\.js › node-redis ${esc(nr6)} RESP2 › `), /^node-redis\.test\.js › node-redis RESP2: /] },
  { lib: 'node-redis (redis)', pkg: 'redis', proto: 'RESP3', covers: 'client matrix¹', match: [new RegExp(`^clients\\.test\\.js › node-redis ${esc(nr6)} RESP3 › `), /^node-redis\.test\.js › node-redis RESP3: /] },
  { lib: 'node-redis (redis)', pkg: 'redis5', proto: 'RESP2', covers: 'client matrix¹', match: [new RegExp(`^clients\\.test\\.js › node-redis ${esc(nr5)} RESP2 › `)] },
  { lib: 'node-redis (redis)', pkg: 'redis5', proto: 'RESP3', covers: 'client matrix¹; client-side caching (CLIENT TRACKING)', match: [new RegExp(`^clients\\.test\\.js › node-redis ${esc(nr5)} RESP3 › `), /^realtime\.test\.js › node-redis v5 client-side caching/] },
  { lib: 'BullMQ', pkg: 'bullmq', covers: 'queue, worker concurrency, retries/backoff, delayed, priorities, progress, QueueEvents, pause, rate limit, job schedulers, flows (FlowProducer), clean/drain/obliterate, graceful close', match: [/^bullmq\.test\.js › /] },
  { lib: 'rate-limiter-flexible', pkg: 'rate-limiter-flexible', covers: 'RateLimiterRedis: exact point accounting of 200 concurrent consume() calls over 4 connections, stored counter and TTL, delete, window expiry', match: [/^ratelimit\.test\.js › RateLimiterRedis/] },
  { lib: '@socket.io/redis-adapter', pkg: '@socket.io/redis-adapter', covers: 'classic adapter (ioredis 5) and sharded adapter (SSUBSCRIBE/SPUBLISH, node-redis 6, dynamic room channels): broadcasts, rooms and fetchSockets across two Socket.IO servers', match: [/^realtime\.test\.js › @socket\.io\/redis-adapter/, /^socketio\.test\.js › /] },
  { lib: 'connect-redis + express-session', pkg: 'connect-redis', extra: ['express-session', 'express'], covers: 'sessions over real HTTP: persistence across requests, TTL = cookie maxAge, destroy, expiry', match: [/^sessions\.test\.js › /] },
  { lib: 'redis-semaphore', pkg: 'redis-semaphore', covers: 'Mutex mutual exclusion (non-atomic GET/SET counter), expiry, refresh, tryAcquire; Semaphore limit', match: [/^locks\.test\.js › (control|redis-semaphore)/] },
  { lib: 'redlock', pkg: 'redlock', covers: 'mutual exclusion, extend, unlock, stale-holder safety', match: [/^locks\.test\.js › redlock/] },
  { lib: 'Keyv + @keyv/redis', pkg: 'keyv', extra: ['@keyv/redis'], covers: 'set/get/TTL/delete, getMany, namespace clear', match: [/^cache\.test\.js › Keyv/] },
  { lib: 'cache-manager', pkg: 'cache-manager', covers: 'set/get/ttl/del, wrap() coalescing', match: [/^cache\.test\.js › cache-manager/] },
  { lib: 'TLS: ioredis + node-redis', pkg: 'ioredis', extra: ['redis'], covers: 'tls-port with CA, server and client certificates (RESP2 and RESP3), tls-auth-clients, certificate reload', match: [/^tls\.test\.js › /] },
  { lib: 'examples/node (ioredis, node-redis, BullMQ, express)', covers: 'every program of examples/node runs and prints the expected result', match: [/^examples\.test\.js › /] },
];

function runSuites() {
  // One server binary for every suite (server.js would build one per file).
  const env = { ...process.env };
  if (!env.REDWING_BIN) {
    env.REDWING_BIN = join(mkdtempSync(join(tmpdir(), 'redwing-bin-')), 'redwing');
    execFileSync('go', ['build', '-o', env.REDWING_BIN, './cmd/redwing'], { cwd: join(here, '..', '..'), stdio: 'inherit' });
  }
  const out = join(mkdtempSync(join(tmpdir(), 'compat-report-')), 'results.jsonl');
  const r = spawnSync(process.execPath, ['--test', '--test-timeout=120000', '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./compat-reporter.mjs', `--test-reporter-destination=${out}`], { cwd: here, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return out;
}

// runGo runs the go-redis suites (test/goredis and the Go examples) and
// counts their top-level tests.
function runGo() {
  const root = join(here, '..', '..');
  const r = spawnSync('go', ['test', '-count=1', '-json', './test/goredis/', './examples/...'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  const s = { pass: 0, fail: 0, failed: [] };
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const ev = JSON.parse(line);
    if (!ev.Test || ev.Test.includes('/')) continue;
    if (ev.Action === 'pass') s.pass++;
    if (ev.Action === 'fail') { s.fail++; s.failed.push(`${ev.Package} › ${ev.Test}`); }
  }
  if (r.status !== 0 && s.fail === 0) { s.fail++; s.failed.push(`go test exited ${r.status}: ${r.stderr.slice(0, 500)}`); }
  const mod = readFileSync(join(root, 'go.mod'), 'utf8');
  const v = /github\.com\/redis\/go-redis\/v9 (v\S+)/.exec(mod)?.[1] ?? '?';
  return { ...s, version: v.replace(/^v/, '') };
}

const args = process.argv.slice(2);
const from = args.includes('--from') ? args[args.indexOf('--from') + 1] : runSuites();
const goStats = args.includes('--from') ? null : runGo();
const results = readFileSync(from, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const stats = rows.map(() => ({ pass: 0, fail: 0, failed: [] }));
const unmatched = [];
const other = new Map(); // file -> stats, for tests that no row claims
for (const r of results) {
  if (r.skip || r.todo) continue;
  const full = [r.file, ...r.path].join(' › ');
  const i = rows.findIndex((row) => row.match.some((m) => m.test(full)));
  let s = stats[i];
  if (i < 0) {
    unmatched.push(full);
    if (!other.has(r.file)) other.set(r.file, { pass: 0, fail: 0, failed: [] });
    s = other.get(r.file);
  }
  if (r.ok) s.pass++;
  else { s.fail++; s.failed.push(full); }
}

const lines = [
  '| library | version | protocol | tests passed | covers |',
  '|---|---|---|---|---|',
];
rows.forEach((row, i) => {
  const s = stats[i];
  if (s.pass + s.fail === 0) return;
  const v = row.pkg ? [row.pkg, ...(row.extra ?? [])].map((p, j) => (j === 0 ? version(p) : `${p} ${version(p)}`)).join(', ') : '—';
  const result = s.fail ? `**${s.pass}/${s.pass + s.fail}** ✗` : `${s.pass}/${s.pass} ✓`;
  lines.push(`| ${row.lib} | ${v} | ${row.proto ?? '—'} | ${result} | ${row.covers} |`);
});
if (goStats) {
  const s = goStats;
  const result = s.fail ? `**${s.pass}/${s.pass + s.fail}** ✗` : `${s.pass}/${s.pass} ✓`;
  lines.push(`| go-redis (Go) | ${s.version} | RESP2, RESP3 | ${result} | \`test/goredis\`: HELLO/CLIENT SETINFO, pipelines, WATCH transfers under contention, Lua NOSCRIPT fallback (\`redis.NewScript\`), pub/sub patterns, SCAN/HSCAN iterators, cache-aside, UNLINK, blocking pops and stream consumer groups under concurrency; the Go examples (\`redwing.Start\` in \`TestMain\`) |`);
}
for (const [file, s] of other) {
  lines.push(`| other: ${file} | — | — | ${s.fail ? `**${s.pass}/${s.pass + s.fail}** ✗` : `${s.pass}/${s.pass} ✓`} | (no row in test/compat/report.mjs) |`);
}
const total = stats.reduce((a, s) => a + s.pass + s.fail, 0) + [...other.values()].reduce((a, s) => a + s.pass + s.fail, 0);
const goTotal = goStats ? goStats.pass + goStats.fail : 0;
const failed = [...stats, ...other.values(), ...(goStats ? [goStats] : [])].flatMap((s) => s.failed);
lines.push('');
lines.push('¹ client matrix (`test/compat/scenarios/clients.js`, the same scenarios for every client and protocol): lazy connect with an error handler and retry strategy; reconnect after a server restart on the same port; strings with TTL; cache-aside with JSON; hashes; pipelines (errors mid-pipeline); MULTI/EXEC; WATCH transfers under contention; Lua via defineCommand/defineScript with EVALSHA and the NOSCRIPT fallback; pub/sub with pattern subscriptions; stream consumer groups with XCLAIM/XAUTOCLAIM recovery; scanStream/scanIterator; UNLINK; thousands of concurrent (auto-pipelined) commands; raw commands.');
lines.push('');
lines.push(`Generated by \`npm run compat-table\` in test/compat from a run of ${total} Node tests (Node ${process.versions.node})${goStats ? ` and ${goTotal} Go tests` : ''}${failed.length ? ` — ${failed.length} FAILED` : ''}.`);
const table = lines.join('\n');

if (args.includes('--print') || args.includes('--from')) {
  console.log(table);
} else {
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- compat-table:start -->';
  const end = '<!-- compat-table:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} ... ${end} markers`);
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
  console.log(`README.md compatibility table updated (${total} tests)`);
}
if (unmatched.length) console.error(`tests matched by no row:\n  ${unmatched.join('\n  ')}`);
if (failed.length) console.error(`failed:\n  ${failed.join('\n  ')}`);
process.exit(failed.length ? 1 : 0);
