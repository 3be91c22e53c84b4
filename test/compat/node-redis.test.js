import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { startRedwing } from './server.js';

let srv;
before(async () => { srv = await startRedwing(); });
after(async () => { await srv.stop(); });

for (const RESP of [2, 3]) {
  test(`node-redis RESP${RESP}: strings, TTL, transactions`, async () => {
    const c = createClient({ socket: { port: srv.port, host: '127.0.0.1' }, RESP });
    c.on('error', () => {});
    await c.connect();
    const k = `nr${RESP}`;
    assert.equal(await c.set(`${k}:s`, 'hello', { EX: 50 }), 'OK');
    assert.equal(await c.get(`${k}:s`), 'hello');
    assert.ok((await c.pTTL(`${k}:s`)) > 49000);
    assert.equal(await c.incr(`${k}:n`), 1);
    const res = await c.multi().incr(`${k}:n`).incr(`${k}:n`).exec();
    assert.deepEqual(res, [2, 3]);
    assert.equal(await c.exists([`${k}:s`, `${k}:n`, `${k}:none`]), 2);
    assert.equal(await c.sendCommand(['ECHO', 'raw']), 'raw');
    await c.close();
  });
}
