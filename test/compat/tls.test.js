// TLS: ioredis and node-redis connect to Redwing's tls-port with a CA,
// server and client certificates generated here with the openssl CLI
// (never committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { startRedwing, freePort } from './server.js';

let srv;
let tlsPort;
let pki;

function openssl(dir, ...args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

// makePKI writes ca.crt, server.{crt,key} (for 127.0.0.1/localhost) and
// client.{crt,key}, and a second CA with a client certificate it signed.
function makePKI() {
  const dir = mkdtempSync(join(tmpdir(), 'redwing-tls-'));
  const ext = join(dir, 'san.ext');
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const ca of ['ca', 'ca2']) {
    openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '1', '-subj', `/CN=redwing-test-${ca}`);
  }
  const issue = (name, ca, extra = []) => {
    openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`,
      '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', ...extra);
  };
  issue('server', 'ca', ['-extfile', ext]);
  issue('client', 'ca');
  issue('stranger', 'ca2');
  const read = (f) => readFileSync(join(dir, f));
  return {
    dir,
    file: (f) => join(dir, f),
    ca: read('ca.crt'),
    cert: read('client.crt'),
    key: read('client.key'),
    strangerCert: read('stranger.crt'),
    strangerKey: read('stranger.key'),
  };
}

before(async () => {
  pki = makePKI();
  tlsPort = await freePort();
  srv = await startRedwing([
    '--tls-port', String(tlsPort),
    '--tls-cert-file', pki.file('server.crt'),
    '--tls-key-file', pki.file('server.key'),
    '--tls-ca-cert-file', pki.file('ca.crt'),
  ]);
});
after(async () => { await srv?.stop(); });

// handshake resolves with the authorization result of a raw TLS connection.
function handshake(opts) {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'localhost', ...opts }, () => {
      s.write('PING\r\n');
    });
    s.setTimeout(2000, () => { s.destroy(); resolve('timeout'); });
    s.once('data', (d) => { s.end(); resolve(d.toString()); });
    s.once('error', (e) => resolve(`error: ${e.code || e.message}`));
    s.once('close', () => resolve('closed'));
  });
}

test('ioredis over TLS with a client certificate', async () => {
  const r = new Redis({
    host: '127.0.0.1', port: tlsPort, lazyConnect: true, maxRetriesPerRequest: 0,
    tls: { ca: pki.ca, cert: pki.cert, key: pki.key, servername: 'localhost' },
  });
  r.on('error', () => {});
  await r.connect();
  assert.equal(await r.set('tls:io', 'v'), 'OK');
  assert.equal(await r.get('tls:io'), 'v');
  const big = 'x'.repeat(300000);
  assert.equal(await r.set('tls:big', big), 'OK');
  assert.equal(await r.get('tls:big'), big);
  const p = r.pipeline();
  for (let i = 0; i < 200; i++) p.incr('tls:n');
  const res = await p.exec();
  assert.deepEqual(res[199], [null, 200]);
  await r.quit();
});

test('node-redis over TLS, RESP2 and RESP3', async () => {
  for (const RESP of [2, 3]) {
    const c = createClient({
      socket: { host: '127.0.0.1', port: tlsPort, tls: true, ca: pki.ca, cert: pki.cert, key: pki.key, servername: 'localhost', reconnectStrategy: false },
      RESP,
    });
    c.on('error', () => {});
    await c.connect();
    assert.equal(await c.set(`tls:nr${RESP}`, 'x'), 'OK');
    assert.equal(await c.get(`tls:nr${RESP}`), 'x');
    assert.deepEqual(await c.hGetAll('tls:none'), {});
    await c.close();
  }
});

test('plain and TLS listeners serve the same data', async () => {
  const plain = new Redis({ host: '127.0.0.1', port: srv.port });
  plain.on('error', () => {});
  assert.equal(await plain.get('tls:io'), 'v');
  await plain.quit();
});

test('tls-auth-clients yes refuses clients without a certificate of the CA', async () => {
  assert.equal(await handshake({ ca: pki.ca, cert: pki.cert, key: pki.key }), '+PONG\r\n');
  assert.notEqual(await handshake({ ca: pki.ca }), '+PONG\r\n');
  assert.notEqual(await handshake({ ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey }), '+PONG\r\n');
  // optional: no certificate is fine, a bad one is not.
  const admin = new Redis({ host: '127.0.0.1', port: srv.port });
  admin.on('error', () => {});
  assert.equal(await admin.config('SET', 'tls-auth-clients', 'optional'), 'OK');
  assert.equal(await handshake({ ca: pki.ca }), '+PONG\r\n');
  assert.notEqual(await handshake({ ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey }), '+PONG\r\n');
  assert.equal(await admin.config('SET', 'tls-auth-clients', 'yes'), 'OK');
  await admin.quit();
});

test('CONFIG SET reloads certificates; protocol errors match Redis', async () => {
  const admin = new Redis({ host: '127.0.0.1', port: srv.port });
  admin.on('error', () => {});
  await assert.rejects(admin.config('SET', 'tls-protocols', 'TLSv1.4'),
    /^ReplyError: ERR CONFIG SET failed \(possibly related to argument 'tls-protocols'\) - Unable to update TLS configuration\. Check server logs\.$/);
  await assert.rejects(admin.config('SET', 'tls-cert-file', '/nonexistent'),
    /Unable to update TLS configuration/);
  // A server certificate from another CA: new connections see it.
  const dir = pki.dir;
  const ext = join(dir, 'san.ext');
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server2.key', '-out', 'server2.csr', '-subj', '/CN=server2');
  openssl(dir, 'x509', '-req', '-in', 'server2.csr', '-CA', 'ca2.crt', '-CAkey', 'ca2.key',
    '-CAcreateserial', '-out', 'server2.crt', '-days', '1', '-extfile', ext);
  const before = new Redis({ host: '127.0.0.1', port: tlsPort, tls: { ca: pki.ca, cert: pki.cert, key: pki.key, servername: 'localhost' } });
  before.on('error', () => {});
  assert.equal(await before.ping(), 'PONG');
  assert.equal(await admin.call('CONFIG', 'SET', 'tls-cert-file', pki.file('server2.crt'), 'tls-key-file', pki.file('server2.key')), 'OK');
  const ca2 = readFileSync(pki.file('ca2.crt'));
  assert.equal(await handshake({ ca: ca2, cert: pki.cert, key: pki.key }), '+PONG\r\n');
  assert.notEqual(await handshake({ ca: pki.ca, cert: pki.cert, key: pki.key }), '+PONG\r\n');
  assert.equal(await before.ping(), 'PONG', 'established connection keeps its session');
  before.disconnect();
  await admin.quit();
});
