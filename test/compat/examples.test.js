// Runs every Node example of examples/node against a test Redwing (REDIS_URL)
// and checks its exit code and what it printed. The examples have their own
// package.json: `npm ci` in examples/node first (scripts/test does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedwing } from './server.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'node');

let srv;
before(async () => {
  assert.ok(existsSync(join(dir, 'node_modules')), 'examples/node has no node_modules: run `npm ci` in examples/node');
  srv = await startRedwing(['--save', '']);
});
after(async () => { await srv.stop(); });

const run = (file) => new Promise((resolve) => {
  execFile(process.execPath, [join(dir, file)], { env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${srv.port}` }, timeout: 30_000 },
    (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
});

const expectations = {
  'cache-aside.mjs': [/50 concurrent requests for product 42 -> 1 database query/, /all equal: true/, /cache TTL: 60s/, /still 1 database query/],
  'session-store.mjs': [/POST \/login -> 200/, /POST \/cart\/pen -> 200 \["book","pen"\]/, /TTL 1800s: .*"user":"ada"/, /session key deleted: true/, /after logout -> 401/],
  'rate-limiter.mjs': [/-> 10 admitted, 15 rejected/, /admitted again: true/],
  'pubsub-notifications.mjs': [/PUBLISH receiver counts: 1, 1, 1, 0/, /user:42: \{"type":"message","from":"bob"\}/, /alerts:disk \(pattern\): disk 91% full/, /alerts:cpu \(pattern\): cpu hot/],
  'stream-consumer-group.mjs': [/alice read 3 orders/, /bob processed 5 orders/, /pending: 3 \(alice=3\)/, /bob recovered 3 orders with XAUTOCLAIM/, /pending now 0/],
  'job-queue.mjs': [/job \d+ attempt 1 failed: SMTP timeout/, /5 jobs completed with 6 attempts/, /worker closed after \d+ ms/, /slow job state after shutdown: completed/],
  'transfer.mjs': [/WATCH: 100 concurrent transfers, \d+ retries after conflicts, \d+ refused for insufficient funds, total 300/, /Lua: \d+ of 100 transfers done, the rest refused; total 300/],
  'leaderboard.mjs': [/1\. bob 1550/, /2\. carol 1430/, /erin is #4 with 1100 points/, /around erin: ada, erin, frank/, /scores 1000-1300: frank, erin, ada/],
};

for (const [file, patterns] of Object.entries(expectations)) {
  test(`examples/node/${file}`, async () => {
    const { code, stdout, stderr } = await run(file);
    assert.equal(code, 0, `exit code ${code}\n${stdout}\n${stderr}`);
    for (const p of patterns) assert.match(stdout, p);
  });
}
