// Real-time features through real clients: pub/sub (ioredis), a consumer
// group worker that crashes and whose pending entries are recovered with
// XAUTOCLAIM (ioredis), node-redis v5 client-side caching, and the Socket.IO
// Redis adapter broadcasting between two Socket.IO servers through Redwing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import Redis from 'ioredis';
import Redis5 from 'ioredis5';
import { createClient } from 'redis5';
import { Server } from 'socket.io';
import { io as ioc } from 'socket.io-client';
import { createAdapter } from '@socket.io/redis-adapter';
import { startRedwing, freePort } from './server.js';

let srv;
before(async () => { srv = await startRedwing(); });
after(async () => { await srv.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const client = (Ctor = Redis) => {
  const r = new Ctor({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: null });
  r.on('error', () => {});
  return r;
};

// waitFor polls cond() until it is truthy or the deadline passes.
async function waitFor(cond, what, ms = 3000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// rawExchange writes payload on a fresh RESP2 socket and resolves with
// everything received once `expected` bytes have arrived (or after 1 s).
function rawExchange(payload, expected) {
  return new Promise((resolve, reject) => {
    const s = connect(srv.port, '127.0.0.1', () => s.write(payload));
    let buf = '';
    const done = () => { clearTimeout(timer); s.destroy(); resolve(buf); };
    const timer = setTimeout(done, 1000);
    s.on('data', (d) => { buf += d; if (buf.length >= expected.length) done(); });
    s.on('error', reject);
  });
}

test('pub/sub: subscribe + psubscribe on one connection, publish from another, order kept', async () => {
  const sub = client();
  const pub = client();
  const got = [];
  sub.on('message', (ch, msg) => got.push(['message', ch, msg]));
  sub.on('pmessage', (pat, ch, msg) => got.push(['pmessage', pat, ch, msg]));
  assert.equal(await sub.subscribe('rt:news', 'rt:other'), 2);
  assert.equal(await sub.psubscribe('rt:n*'), 3);

  assert.deepEqual(await pub.pubsub('NUMSUB', 'rt:news', 'rt:none'), ['rt:news', 1, 'rt:none', 0]);
  assert.equal(await pub.pubsub('NUMPAT'), 1);
  assert.deepEqual((await pub.pubsub('CHANNELS', 'rt:*')).sort(), ['rt:news', 'rt:other']);

  const n = 50;
  for (let i = 0; i < n; i++) {
    // rt:news matches the channel and the pattern: two receivers.
    assert.equal(await pub.publish('rt:news', `m${i}`), 2);
  }
  assert.equal(await pub.publish('rt:other', 'o'), 1);
  assert.equal(await pub.publish('rt:nothing', 'p'), 1);
  assert.equal(await pub.publish('xx:nobody', 'z'), 0);

  await waitFor(() => got.length >= 2 * n + 2, 'all messages');
  await sleep(20);
  const expected = [];
  for (let i = 0; i < n; i++) {
    // Redis delivers to channel subscribers first, then to patterns.
    expected.push(['message', 'rt:news', `m${i}`]);
    expected.push(['pmessage', 'rt:n*', 'rt:news', `m${i}`]);
  }
  expected.push(['message', 'rt:other', 'o']);
  expected.push(['pmessage', 'rt:n*', 'rt:nothing', 'p']);
  assert.deepEqual(got, expected);

  // After unsubscribing, nothing more is delivered.
  await sub.unsubscribe('rt:news');
  await sub.punsubscribe('rt:n*');
  assert.equal(await pub.publish('rt:news', 'late'), 0);
  await sub.unsubscribe();
  assert.equal(await sub.set('rt:k1', 'ok-again'), 'OK');
  await Promise.all([sub.quit(), pub.quit()]);
});

test('pub/sub: a RESP2 subscribed connection rejects SET with Redis\'s error', async () => {
  const expected =
    '*3\r\n$9\r\nsubscribe\r\n$5\r\nrt:ch\r\n:1\r\n' +
    "-ERR Can't execute 'set': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n" +
    '*2\r\n$4\r\npong\r\n$0\r\n\r\n' +
    '*3\r\n$10\r\npsubscribe\r\n$4\r\nrt:*\r\n:2\r\n';
  const got = await rawExchange('SUBSCRIBE rt:ch\r\nSET rt:k v\r\nPING\r\nPSUBSCRIBE rt:*\r\n', expected);
  assert.equal(got, expected);
  // The rejected SET had no effect.
  const r = client();
  assert.equal(await r.exists('rt:k'), 0);
  await r.quit();
});

test('streams: a crashed consumer\'s pending entries are recovered with XAUTOCLAIM', async () => {
  const admin = client();
  const key = 'rt:stream';
  assert.equal(await admin.xgroup('CREATE', key, 'workers', '$', 'MKSTREAM'), 'OK');
  const total = 20;
  const ids = [];
  for (let i = 0; i < total; i++) ids.push(await admin.xadd(key, '*', 'job', String(i)));

  const processed = new Map();
  const process = (entries) => {
    for (const [id, fields] of entries) {
      assert.deepEqual(fields, ['job', String(ids.indexOf(id))]);
      processed.set(id, (processed.get(id) || 0) + 1);
    }
  };

  // alice reads 10 entries, acknowledges 3 and crashes holding 7.
  const alice = client();
  const [[, aliceEntries]] = await alice.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', 10, 'STREAMS', key, '>');
  assert.equal(aliceEntries.length, 10);
  const acked = aliceEntries.slice(0, 3);
  process(acked);
  assert.equal(await alice.xack(key, 'workers', ...acked.map(([id]) => id)), 3);
  alice.disconnect();
  const orphaned = aliceEntries.slice(3).map(([id]) => id);

  // bob consumes the rest of the stream normally.
  const bob = client();
  const [[, bobEntries]] = await bob.xreadgroup('GROUP', 'workers', 'bob', 'COUNT', 100, 'STREAMS', key, '>');
  assert.equal(bobEntries.length, 10);
  process(bobEntries);
  assert.equal(await bob.xack(key, 'workers', ...bobEntries.map(([id]) => id)), 10);
  assert.equal(await bob.xreadgroup('GROUP', 'workers', 'bob', 'STREAMS', key, '>'), null);

  // The orphaned entries are alice's pending ones.
  const summary = await admin.xpending(key, 'workers');
  assert.deepEqual(summary, [7, orphaned[0], orphaned[6], [['alice', '7']]]);

  // Not idle long enough yet: nothing claimed.
  const early = await bob.xautoclaim(key, 'workers', 'bob', 60000, '0-0');
  assert.deepEqual(early, ['0-0', [], []]);

  await sleep(70);
  // Recover in pages of 3, following the cursor.
  let cursor = '0-0';
  const claimed = [];
  let rounds = 0;
  do {
    const [next, entries, deleted] = await bob.xautoclaim(key, 'workers', 'bob', 50, cursor, 'COUNT', 3);
    assert.deepEqual(deleted, []);
    assert.ok(entries.length <= 3);
    claimed.push(...entries);
    cursor = next;
    assert.ok(++rounds < 10, 'xautoclaim cursor does not terminate');
  } while (cursor !== '0-0');
  assert.deepEqual(claimed.map(([id]) => id), orphaned);

  // Claimed entries now belong to bob and were delivered twice.
  const detail = await admin.xpending(key, 'workers', '-', '+', 100);
  assert.equal(detail.length, 7);
  for (const [id, consumer, idle, deliveries] of detail) {
    assert.ok(orphaned.includes(id));
    assert.equal(consumer, 'bob');
    assert.ok(idle < 1000);
    assert.equal(deliveries, 2);
  }

  process(claimed);
  assert.equal(await bob.xack(key, 'workers', ...orphaned), 7);
  assert.deepEqual(await admin.xpending(key, 'workers'), [0, null, null, null]);
  assert.equal(processed.size, total);
  for (const [id, n] of processed) assert.equal(n, 1, `${id} processed ${n} times`);
  // Nothing left to claim.
  assert.deepEqual(await bob.xautoclaim(key, 'workers', 'bob', 0, '0-0'), ['0-0', [], []]);
  await Promise.all([admin.quit(), bob.quit()]);
});

test('streams: XAUTOCLAIM reports and drops pending entries deleted from the stream', async () => {
  const r = client();
  const key = 'rt:stream2';
  await r.xgroup('CREATE', key, 'g', '0', 'MKSTREAM');
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push(await r.xadd(key, '*', 'f', String(i)));
  await r.xreadgroup('GROUP', 'g', 'dead', 'STREAMS', key, '>');
  assert.equal(await r.xdel(key, ids[1], ids[2]), 2);
  const [next, entries, deleted] = await r.xautoclaim(key, 'g', 'alive', 0, '0-0');
  assert.equal(next, '0-0');
  assert.deepEqual(entries, [[ids[0], ['f', '0']], [ids[3], ['f', '3']]]);
  assert.deepEqual(deleted, [ids[1], ids[2]]);
  assert.deepEqual(await r.xpending(key, 'g'), [2, ids[0], ids[3], [['alive', '2']]]);
  await r.quit();
});

const getCalls = async (r) => {
  const m = /cmdstat_get:calls=(\d+)/.exec(await r.info('commandstats'));
  return m ? Number(m[1]) : 0;
};

test('node-redis v5 client-side caching: hits served locally, invalidated by writes', async () => {
  const other = client();
  const cached = createClient({
    socket: { port: srv.port, host: '127.0.0.1' },
    RESP: 3,
    clientSideCache: { ttl: 0, maxEntries: 0 },
  });
  cached.on('error', () => {});
  await cached.connect();
  const cache = cached.clientSideCache;
  assert.ok(cache, 'client-side cache enabled');

  await other.set('rt:csc', 'v1');
  assert.equal(await cached.get('rt:csc'), 'v1'); // miss: goes to the server
  assert.equal(cache.stats().missCount, 1);
  const before = await getCalls(other);
  for (let i = 0; i < 5; i++) assert.equal(await cached.get('rt:csc'), 'v1');
  assert.equal(cache.stats().hitCount, 5);
  assert.equal(await getCalls(other), before, 'cached GETs must not reach the server');

  // A write from another client invalidates. The invalidation push is queued
  // on the tracking connection before the write returns, so once a PING on
  // that connection has been answered the cache entry must be gone.
  await other.set('rt:csc', 'v2');
  assert.equal(await cached.ping(), 'PONG');
  assert.equal(await cached.get('rt:csc'), 'v2');
  assert.equal(cache.stats().missCount, 2);
  assert.equal(await getCalls(other), before + 1);
  assert.equal(await cached.get('rt:csc'), 'v2');
  assert.equal(cache.stats().hitCount, 6);

  // Expiry/deletion by another client invalidates too.
  await other.del('rt:csc');
  await cached.ping();
  assert.equal(await cached.get('rt:csc'), null);

  // FLUSHDB invalidates everything the client tracks.
  await other.set('rt:csc2', 'x');
  assert.equal(await cached.get('rt:csc2'), 'x');
  assert.equal(await cached.get('rt:csc2'), 'x');
  await other.flushdb();
  await cached.ping();
  assert.equal(await cached.get('rt:csc2'), null);

  // The client's own writes invalidate its cache (no NOLOOP).
  await cached.set('rt:csc3', 'a');
  assert.equal(await cached.get('rt:csc3'), 'a');
  await cached.set('rt:csc3', 'b');
  await cached.ping();
  assert.equal(await cached.get('rt:csc3'), 'b');

  cached.destroy();
  await other.quit();
});

test('@socket.io/redis-adapter: events broadcast between two Socket.IO servers', async () => {
  const redisClients = [];
  const servers = [];
  const start = async () => {
    const pub = client(Redis5);
    const sub = pub.duplicate();
    sub.on('error', () => {});
    redisClients.push(pub, sub);
    const http = createServer();
    const io = new Server(http, { adapter: createAdapter(pub, sub) });
    io.on('connection', (socket) => {
      if (socket.handshake.query.room) socket.join(socket.handshake.query.room);
    });
    const port = await freePort();
    await new Promise((r) => http.listen(port, '127.0.0.1', r));
    servers.push(io);
    return { io, port };
  };
  const a = await start();
  const b = await start();
  const sockets = [];
  const connectClient = async (port, query) => {
    const s = ioc(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false, query });
    sockets.push(s);
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    return s;
  };
  try {
    // Both adapters have subscribed through Redwing (each sends PSUBSCRIBE
    // before SUBSCRIBE on its connection; NUMPAT counts distinct patterns).
    const probe = client();
    redisClients.push(probe);
    await waitFor(async () => (await probe.pubsub('NUMSUB', 'socket.io-request#/#'))[1] === 2, 'adapter subscriptions');
    assert.equal(await probe.pubsub('NUMPAT'), 1);

    const inRoom = await connectClient(a.port, { room: 'lobby' });
    const outside = await connectClient(a.port, {});
    const onB = await connectClient(b.port, {});

    const received = { inRoom: [], outside: [], onB: [] };
    for (const [name, s] of [['inRoom', inRoom], ['outside', outside], ['onB', onB]]) {
      s.on('news', (msg) => received[name].push(['news', msg]));
      s.on('room', (msg) => received[name].push(['room', msg]));
    }

    // Server B sees server A's sockets (request/response over pub/sub).
    const remote = await b.io.fetchSockets();
    assert.equal(remote.length, 3);
    assert.equal((await b.io.in('lobby').fetchSockets()).length, 1);

    // Broadcasts from B reach A's clients through Redwing, in publish order.
    b.io.emit('news', 'from-b');
    b.io.to('lobby').emit('room', 'lobby-only');
    await waitFor(() => received.inRoom.length >= 2 && received.outside.length >= 1 && received.onB.length >= 1, 'broadcasts from B');
    // And the other way round.
    a.io.emit('news', 'from-a');
    await waitFor(() => received.inRoom.length >= 3 && received.outside.length >= 2 && received.onB.length >= 2, 'broadcasts from A');
    await sleep(50);
    assert.deepEqual(received.inRoom, [['news', 'from-b'], ['room', 'lobby-only'], ['news', 'from-a']]);
    assert.deepEqual(received.outside, [['news', 'from-b'], ['news', 'from-a']]);
    assert.deepEqual(received.onB, [['news', 'from-b'], ['news', 'from-a']]);
  } finally {
    for (const s of sockets) s.disconnect();
    await Promise.all(servers.map((io) => new Promise((r) => io.close(() => r()))));
    await Promise.all(redisClients.map((r) => r.quit().catch(() => r.disconnect())));
  }
});
