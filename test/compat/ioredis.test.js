import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis6 from 'ioredis';
import Redis5 from 'ioredis5';
import { startRedwing } from './server.js';

let srv;
before(async () => { srv = await startRedwing(); });
after(async () => { await srv.stop(); });

for (const [label, Redis] of [['ioredis 6', Redis6], ['ioredis 5', Redis5]]) {
  test(`${label}: strings, TTL, counters`, async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    r.on('error', () => {});
    await r.connect();
    const k = `${label}:str`;
    assert.equal(await r.set(k, 'v', 'EX', 100), 'OK');
    assert.equal(await r.get(k), 'v');
    const ttl = await r.ttl(k);
    assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await r.incrby(`${label}:n`, 5), 5);
    assert.equal(await r.incrbyfloat(`${label}:n`, 0.5), '5.5');
    assert.deepEqual(await r.mget(k, `${label}:missing`), ['v', null]);
    assert.equal(await r.del(k, `${label}:n`), 2);
    await r.quit();
  });

  test(`${label}: pipeline and MULTI`, async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1' });
    r.on('error', () => {});
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.incr(`${label}:pipe`);
    const res = await p.exec();
    assert.equal(res.length, 500);
    assert.deepEqual(res[499], [null, 500]);
    const tx = await r.multi().set(`${label}:a`, '1').incr(`${label}:a`).get(`${label}:a`).exec();
    assert.deepEqual(tx, [[null, 'OK'], [null, 2], [null, '2']]);
    await r.quit();
  });

  test(`${label}: errors surface with Redis text`, async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1' });
    r.on('error', () => {});
    await r.set(`${label}:s`, 'x');
    await assert.rejects(r.incr(`${label}:s`), /ERR value is not an integer or out of range/);
    await assert.rejects(r.call('NOSUCHCMD'), /ERR unknown command 'NOSUCHCMD'/);
    await r.quit();
  });

  test(`${label}: auto-pipelining with many concurrent commands`, async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', enableAutoPipelining: true });
    r.on('error', () => {});
    const n = 5000;
    await Promise.all(Array.from({ length: n }, (_, i) => r.set(`${label}:ap:${i}`, String(i))));
    const vals = await Promise.all(Array.from({ length: n }, (_, i) => r.get(`${label}:ap:${i}`)));
    vals.forEach((v, i) => assert.equal(v, String(i)));
    await r.quit();
  });
}
