// @socket.io/redis-adapter's sharded adapter (Redis 7 sharded pub/sub:
// SSUBSCRIBE/SPUBLISH, via node-redis 6) between two Socket.IO servers, with
// per-room dynamic subscriptions. (The classic adapter is in realtime.test.js.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as ioc } from 'socket.io-client';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { startRedwing, freePort } from './server.js';

let srv;
before(async () => { srv = await startRedwing(['--save', '']); });
after(async () => { await srv.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond, what, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('sharded adapter: broadcasts, rooms with dynamic shard channels, fetchSockets across servers', async () => {
  const redisClients = [];
  const servers = [];
  const sockets = [];
  const newClient = async () => {
    const c = createClient({ socket: { host: '127.0.0.1', port: srv.port } });
    c.on('error', () => {});
    redisClients.push(c);
    await c.connect();
    return c;
  };
  const start = async () => {
    const pub = await newClient();
    const sub = pub.duplicate();
    sub.on('error', () => {});
    redisClients.push(sub);
    await sub.connect();
    const http = createServer();
    const io = new Server(http, { adapter: createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' }) });
    io.on('connection', (socket) => {
      if (socket.handshake.query.room) socket.join(socket.handshake.query.room);
    });
    const port = await freePort();
    await new Promise((r) => http.listen(port, '127.0.0.1', r));
    servers.push(io);
    return { io, port };
  };
  const connectClient = async (port, query) => {
    const s = ioc(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false, query });
    sockets.push(s);
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    return s;
  };
  try {
    const probe = await newClient();
    const a = await start();
    const b = await start();
    // Each server subscribes to the namespace's shard channels.
    await waitFor(async () => (await probe.sendCommand(['PUBSUB', 'SHARDNUMSUB', 'socket.io#/#']))[1] === 2, 'shard subscriptions');

    const inRoom = await connectClient(a.port, { room: 'lobby' });
    const outside = await connectClient(a.port, {});
    const onB = await connectClient(b.port, { room: 'lobby' });
    // Dynamic mode: a room gets its own shard channel once someone joins it.
    await waitFor(async () => (await probe.sendCommand(['PUBSUB', 'SHARDCHANNELS', 'socket.io#/#lobby#'])).length === 1, 'room shard channel');

    const received = { inRoom: [], outside: [], onB: [] };
    for (const [name, s] of [['inRoom', inRoom], ['outside', outside], ['onB', onB]]) {
      s.on('news', (msg) => received[name].push(['news', msg]));
      s.on('room', (msg) => received[name].push(['room', msg]));
    }
    assert.equal((await b.io.fetchSockets()).length, 3);
    assert.equal((await a.io.in('lobby').fetchSockets()).length, 2);

    b.io.emit('news', 'from-b');
    b.io.to('lobby').emit('room', 'lobby-only');
    a.io.emit('news', 'from-a');
    await waitFor(() => received.inRoom.length >= 3 && received.outside.length >= 2 && received.onB.length >= 3, 'broadcasts');
    await sleep(50);
    // Each server's broadcasts arrive in the order it sent them; Redis
    // orders nothing across publishing connections, so a's message may come
    // before or after b's.
    const fromB = (r) => r.filter(([, msg]) => msg !== 'from-a');
    const sorted = (r) => [...r].sort((x, y) => x[1].localeCompare(y[1]));
    assert.deepEqual(fromB(received.inRoom), [['news', 'from-b'], ['room', 'lobby-only']]);
    assert.deepEqual(sorted(received.inRoom), [['news', 'from-a'], ['news', 'from-b'], ['room', 'lobby-only']]);
    assert.deepEqual(sorted(received.outside), [['news', 'from-a'], ['news', 'from-b']]);
    assert.deepEqual(fromB(received.onB), [['news', 'from-b'], ['room', 'lobby-only']]);
    assert.deepEqual(sorted(received.onB), [['news', 'from-a'], ['news', 'from-b'], ['room', 'lobby-only']]);
  } finally {
    for (const s of sockets) s.disconnect();
    await Promise.all(servers.map((io) => new Promise((r) => io.close(() => r()))));
    await Promise.all(redisClients.map((c) => c.close().catch(() => {})));
  }
});
