// Starts a Redwing server for a test file: the binary from REDWING_BIN, or
// one built from this checkout.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function binary() {
  if (process.env.REDWING_BIN) return process.env.REDWING_BIN;
  const out = join(mkdtempSync(join(tmpdir(), 'redwing-bin-')), 'redwing');
  execFileSync('go', ['build', '-o', out, './cmd/redwing'], { cwd: root, stdio: 'inherit' });
  process.env.REDWING_BIN = out;
  return out;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitReady(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redwing did not start');
}

// startRedwing returns { port, stop(), restart(), pid() }.
export async function startRedwing(extraArgs = []) {
  const bin = binary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redwing-data-'));
  let proc;
  const launch = async () => {
    proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...extraArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitReady(port);
  };
  await launch();
  const stop = () => new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
  return { port, stop, restart: async () => { await stop(); await launch(); }, pid: () => proc.pid };
}
