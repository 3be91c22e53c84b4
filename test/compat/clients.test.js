// The client matrix: every scenario of scenarios/clients.js for every client
// variant (ioredis 6 in RESP3 and RESP2, ioredis 5, node-redis 6 and 5 in
// RESP2 and RESP3). One describe block per variant, named
// "<library> <version> RESP<n>", which report.mjs maps to the table.
//
// COMPAT_AGAINST=redis-server runs the same scenarios against Debian's
// redis-server instead, to check that the expectations are Redis's own.
import { describe, test, before, after, afterEach } from 'node:test';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { startRedwing, freePort } from './server.js';
import { drivers, scenarios, sleep } from './scenarios/clients.js';

async function startRedisServer(extraArgs = []) {
  const port = await freePort();
  let proc;
  const launch = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const ok = await new Promise((resolve) => {
        const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      if (i > 100) throw new Error('redis-server did not start');
      await sleep(50);
    }
  };
  await launch();
  const stop = () => new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
  return { port, stop, restart: async () => { await stop(); await launch(); } };
}

const start = process.env.COMPAT_AGAINST === 'redis-server' ? startRedisServer : startRedwing;

let srv;
before(async () => { srv = await start(['--save', '']); });
after(async () => { await srv.stop(); });

for (const d of await drivers()) {
  describe(d.label, () => {
    // Close whatever a scenario left open (e.g. when an assertion failed).
    afterEach(async () => { await Promise.all(d.opened.splice(0).map((a) => a.close())); });
    const prefix = `${d.pkg}:${d.resp}`;
    for (const [name, fn] of Object.entries(scenarios)) {
      test(name, { timeout: 30_000 }, () => fn(d, { port: srv.port, prefix, startRedwing: start }));
    }
  });
}
