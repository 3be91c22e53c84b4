// Client scenarios shared by every client variant: each scenario is written
// once against a small driver interface, and clients.test.js runs it for
// ioredis 6 (RESP3 and RESP2), ioredis 5, node-redis 6 and node-redis 5 (each
// in RESP2 and RESP3). A driver wraps one client library and calls its own
// idiomatic API (ioredis's lower-case commands, pipelines and defineCommand;
// node-redis's camel-case commands, execAsPipeline and defineScript), so a
// scenario exercises what an application using that library would send.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { freePort } from '../server.js';

const require = createRequire(import.meta.url);
export const pkgVersion = (pkg) => require(`${pkg}/package.json`).version;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// waitFor polls cond() until it is truthy or the deadline passes.
export async function waitFor(cond, what, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------
// Drivers.

// Names of node-redis's camel-case methods for the ioredis-style names used
// by the scenarios' pipelines and transactions.
const camel = {
  hset: 'hSet', hgetall: 'hGetAll', hincrby: 'hIncrBy', incrby: 'incrBy', decrby: 'decrBy',
  rpush: 'rPush', lrange: 'lRange', sadd: 'sAdd', smembers: 'sMembers', zadd: 'zAdd',
};

function ioredisDriver(pkg, Redis, resp) {
  const version = pkgVersion(pkg);
  return {
    kind: 'ioredis', pkg, version, resp, opened: [],
    label: `ioredis ${version} RESP${resp}`,
    async open({ port, lazy = false, retry, onError = () => {}, scripts = {}, autoPipelining = false }) {
      const opts = { host: '127.0.0.1', port, lazyConnect: true, enableAutoPipelining: autoPipelining };
      if (pkg === 'ioredis') opts.protocol = resp;
      if (retry) opts.retryStrategy = retry;
      const c = new Redis(opts);
      c.on('error', onError);
      for (const [name, s] of Object.entries(scripts)) c.defineCommand(name, { numberOfKeys: s.keys, lua: s.lua });
      const a = new IoAdapter(c, Redis);
      this.opened.push(a);
      if (!lazy) await c.connect();
      return a;
    },
  };
}

class IoAdapter {
  constructor(c, Redis) { this.c = c; this.Redis = Redis; }
  get connected() { return this.c.status === 'ready'; }
  connect() { return this.c.connect(); }
  onReady(fn) { this.c.on('ready', fn); }
  async close() {
    if (this.c.status === 'end') return;
    try { await this.c.quit(); } catch { this.c.disconnect(); }
  }
  set(k, v, { ex, px, nx } = {}) {
    const args = [k, v];
    if (ex) args.push('EX', ex);
    if (px) args.push('PX', px);
    if (nx) args.push('NX');
    return this.c.set(...args);
  }
  get(k) { return this.c.get(k); }
  ttl(k) { return this.c.ttl(k); }
  pttl(k) { return this.c.pttl(k); }
  del(...ks) { return this.c.del(...ks); }
  unlink(...ks) { return this.c.unlink(...ks); }
  exists(...ks) { return this.c.exists(...ks); }
  incr(k) { return this.c.incr(k); }
  hset(k, obj) { return this.c.hset(k, obj); }
  hgetall(k) { return this.c.hgetall(k); }
  hincrby(k, f, n) { return this.c.hincrby(k, f, n); }
  hmget(k, fs) { return this.c.hmget(k, ...fs); }
  hdel(k, ...fs) { return this.c.hdel(k, ...fs); }
  // pipeline runs ops ([name, ...args]) as one pipeline; returns [err, value] pairs.
  async pipeline(ops) {
    const p = this.c.pipeline();
    for (const [name, ...args] of ops) p[name](...args);
    return (await p.exec()).map(([e, v]) => [e ?? null, v]);
  }
  // multi runs ops in MULTI/EXEC; returns [err, value] pairs.
  async multi(ops) {
    const m = this.c.multi();
    for (const [name, ...args] of ops) m[name](...args);
    return (await m.exec()).map(([e, v]) => [e ?? null, v]);
  }
  // watchedUpdate: WATCH keys, read them, let compute() decide the writes
  // ([[key, value], ...]) and commit them with SET in MULTI/EXEC. Returns
  // false when EXEC was aborted by a concurrent change.
  async watchedUpdate(keys, compute) {
    await this.c.watch(...keys);
    const vals = await this.c.mget(...keys);
    await sleep(Math.random() * 2);
    const writes = compute(vals);
    if (!writes) { await this.c.unwatch(); return true; }
    const m = this.c.multi();
    for (const [k, v] of writes) m.set(k, v);
    const res = await m.exec();
    return res !== null;
  }
  script(name, keys, args) { return this.c[name](...keys, ...args); }
  scriptFlush() { return this.c.script('FLUSH'); }
  scriptExists(sha) { return this.c.script('EXISTS', sha); }
  info(section) { return this.c.info(section); }
  resetStat() { return this.c.config('RESETSTAT'); }
  publish(ch, msg) { return this.c.publish(ch, msg); }
  async subscribe(ch, fn) {
    this.c.on('message', (c2, m) => { if (c2 === ch) fn(m, c2); });
    return this.c.subscribe(ch);
  }
  async psubscribe(pat, fn) {
    this.c.on('pmessage', (p, c2, m) => { if (p === pat) fn(m, c2); });
    return this.c.psubscribe(pat);
  }
  punsubscribe(pat) { return this.c.punsubscribe(pat); }
  unsubscribe(ch) { return this.c.unsubscribe(ch); }
  xadd(k, fields) { return this.c.xadd(k, '*', ...Object.entries(fields).flat()); }
  xgroupCreate(k, g) { return this.c.xgroup('CREATE', k, g, '0', 'MKSTREAM'); }
  // xreadgroup returns [{id, fields}] of the one stream read.
  async xreadgroup(g, consumer, k, count) {
    const res = await this.c.xreadgroup('GROUP', g, consumer, 'COUNT', count, 'STREAMS', k, '>');
    if (res === null) return [];
    return res[0][1].map(([id, f]) => ({ id, fields: pairs(f) }));
  }
  xack(k, g, ids) { return this.c.xack(k, g, ...ids); }
  async xpendingSummary(k, g) {
    const [count, , , consumers] = await this.c.xpending(k, g);
    return { count, consumers: Object.fromEntries((consumers ?? []).map(([n, c]) => [n, Number(c)])) };
  }
  async xautoclaim(k, g, consumer, minIdle, start, count) {
    const [next, entries, deleted] = await this.c.xautoclaim(k, g, consumer, minIdle, start, 'COUNT', count);
    return { next, entries: entries.map(([id, f]) => ({ id, fields: pairs(f) })), deleted };
  }
  async xclaim(k, g, consumer, minIdle, ids) {
    const entries = await this.c.xclaim(k, g, consumer, minIdle, ...ids);
    return entries.map(([id, f]) => ({ id, fields: pairs(f) }));
  }
  scanAll(match, count) {
    return new Promise((resolve, reject) => {
      const keys = [];
      let batches = 0;
      const s = this.c.scanStream({ match, count });
      s.on('data', (b) => { batches++; keys.push(...b); });
      s.on('end', () => resolve({ keys, batches }));
      s.on('error', reject);
    });
  }
  raw(...args) { return this.c.call(...args); }
  // sendCommand with a hand-built Command object (ioredis's lowest level).
  sendCommand(name, ...args) { return this.c.sendCommand(new this.Redis.Command(name, args, { replyEncoding: 'utf8' })); }
  hscanAll(k, match, count) {
    return new Promise((resolve, reject) => {
      const o = {};
      const s = this.c.hscanStream(k, { match, count });
      s.on('data', (b) => { for (let i = 0; i < b.length; i += 2) o[b[i]] = b[i + 1]; });
      s.on('end', () => resolve(o));
      s.on('error', reject);
    });
  }
  autoPipelineQueued() { return this.c.autoPipelineQueueSize; }
}

// pairs turns a flat [f1, v1, f2, v2] list into an object.
function pairs(flat) {
  const o = {};
  for (let i = 0; i < flat.length; i += 2) o[flat[i]] = flat[i + 1];
  return o;
}

function nodeRedisDriver(pkg, lib, resp) {
  const version = pkgVersion(pkg);
  return {
    kind: 'node-redis', pkg, version, resp, opened: [],
    label: `node-redis ${version} RESP${resp}`,
    async open({ port, lazy = false, retry, onError = () => {}, scripts = {} }) {
      const defs = {};
      for (const [name, s] of Object.entries(scripts)) {
        defs[name] = lib.defineScript({
          SCRIPT: s.lua,
          NUMBER_OF_KEYS: s.keys,
          parseCommand(parser, keys, args) {
            for (const k of keys) parser.pushKey(k);
            for (const a of args) parser.push(String(a));
          },
          transformReply: (r) => r,
        });
      }
      const socket = { host: '127.0.0.1', port };
      if (retry) socket.reconnectStrategy = (retries) => retry(retries + 1) ?? false;
      // unstableResp3: node-redis 5 asks for it before it parses some RESP3
      // replies (XREADGROUP's map of streams).
      const c = lib.createClient({ socket, RESP: resp, scripts: defs, ...(resp === 3 ? { unstableResp3: true } : {}) });
      c.on('error', onError);
      const a = new NrAdapter(c, lib);
      this.opened.push(a);
      if (!lazy) await c.connect();
      return a;
    },
  };
}

class NrAdapter {
  constructor(c, lib) { this.c = c; this.lib = lib; }
  get connected() { return this.c.isReady; }
  connect() { return this.c.connect(); }
  onReady(fn) { this.c.on('ready', fn); }
  async close() {
    if (!this.c.isOpen) return;
    try { await this.c.close(); } catch { try { this.c.destroy(); } catch { /* closed */ } }
  }
  set(k, v, { ex, px, nx } = {}) {
    const o = {};
    if (ex) o.EX = ex;
    if (px) o.PX = px;
    if (nx) o.NX = true;
    return this.c.set(k, v, o);
  }
  get(k) { return this.c.get(k); }
  ttl(k) { return this.c.ttl(k); }
  pttl(k) { return this.c.pTTL(k); }
  del(...ks) { return this.c.del(ks); }
  unlink(...ks) { return this.c.unlink(ks); }
  exists(...ks) { return this.c.exists(ks); }
  incr(k) { return this.c.incr(k); }
  hset(k, obj) { return this.c.hSet(k, obj); }
  async hgetall(k) { return { ...(await this.c.hGetAll(k)) }; }
  hincrby(k, f, n) { return this.c.hIncrBy(k, f, n); }
  hmget(k, fs) { return this.c.hmGet(k, fs); }
  hdel(k, ...fs) { return this.c.hDel(k, fs); }
  #build(m, ops) {
    for (const [name, ...args] of ops) m = m[camel[name] ?? name](...args);
    return m;
  }
  // Errors inside a pipeline or transaction reject the whole call with a
  // MultiErrorReply that carries every reply; map it to [err, value] pairs.
  async #pairs(p) {
    try {
      return (await p).map((v) => [null, v]);
    } catch (e) {
      if (!(e instanceof this.lib.MultiErrorReply)) throw e;
      return e.replies.map((v) => (v instanceof Error ? [v, undefined] : [null, v]));
    }
  }
  pipeline(ops) { return this.#pairs(this.#build(this.c.multi(), ops).execAsPipeline()); }
  multi(ops) { return this.#pairs(this.#build(this.c.multi(), ops).exec()); }
  async watchedUpdate(keys, compute) {
    await this.c.watch(keys);
    const vals = await this.c.mGet(keys);
    await sleep(Math.random() * 2);
    const writes = compute(vals);
    if (!writes) { await this.c.unwatch(); return true; }
    let m = this.c.multi();
    for (const [k, v] of writes) m = m.set(k, v);
    try {
      await m.exec();
      return true;
    } catch (e) {
      if (e instanceof this.lib.WatchError) return false;
      throw e;
    }
  }
  script(name, keys, args) { return this.c[name](keys, args); }
  scriptFlush() { return this.c.scriptFlush(); }
  scriptExists(sha) { return this.c.scriptExists(sha); }
  info(section) { return this.c.info(section); }
  resetStat() { return this.c.configResetStat(); }
  publish(ch, msg) { return this.c.publish(ch, msg); }
  async subscribe(ch, fn) { await this.c.subscribe(ch, (m, c2) => fn(m, c2)); }
  async psubscribe(pat, fn) { await this.c.pSubscribe(pat, (m, c2) => fn(m, c2)); }
  punsubscribe(pat) { return this.c.pUnsubscribe(pat); }
  unsubscribe(ch) { return this.c.unsubscribe(ch); }
  xadd(k, fields) { return this.c.xAdd(k, '*', fields); }
  xgroupCreate(k, g) { return this.c.xGroupCreate(k, g, '0', { MKSTREAM: true }); }
  async xreadgroup(g, consumer, k, count) {
    const res = await this.c.xReadGroup(g, consumer, { key: k, id: '>' }, { COUNT: count });
    if (res === null) return [];
    // RESP2: [{name, messages}]; RESP3: a map of stream name -> messages.
    const msgs = Array.isArray(res) ? res[0].messages : (res instanceof Map ? res.get(k) : res[k]);
    // node-redis 5 hands RESP3's entries over unparsed: [id, [f, v, ...]].
    return msgs.map((m) => (Array.isArray(m) ? { id: m[0], fields: pairs(m[1]) } : { id: m.id, fields: { ...m.message } }));
  }
  xack(k, g, ids) { return this.c.xAck(k, g, ids); }
  async xpendingSummary(k, g) {
    const r = await this.c.xPending(k, g);
    return { count: r.pending, consumers: Object.fromEntries((r.consumers ?? []).map((c) => [c.name, Number(c.deliveriesCounter)])) };
  }
  async xautoclaim(k, g, consumer, minIdle, start, count) {
    const r = await this.c.xAutoClaim(k, g, consumer, minIdle, start, { COUNT: count });
    return { next: r.nextId, entries: r.messages.filter(Boolean).map(({ id, message }) => ({ id, fields: { ...message } })), deleted: r.deletedMessages };
  }
  async xclaim(k, g, consumer, minIdle, ids) {
    const r = await this.c.xClaim(k, g, consumer, minIdle, ids);
    return r.filter(Boolean).map(({ id, message }) => ({ id, fields: { ...message } }));
  }
  async scanAll(match, count) {
    const keys = [];
    let batches = 0;
    for await (const b of this.c.scanIterator({ MATCH: match, COUNT: count })) { batches++; keys.push(...b); }
    return { keys, batches };
  }
  raw(...args) { return this.c.sendCommand(args.map(String)); }
  sendCommand(name, ...args) { return this.c.sendCommand([name, ...args.map(String)]); }
  async hscanAll(k, match, count) {
    const o = {};
    for await (const entries of this.c.hScanIterator(k, { MATCH: match, COUNT: count })) for (const { field, value } of entries) o[field] = value;
    return o;
  }
  autoPipelineQueued() { return undefined; }
}

export async function drivers() {
  const [Io6, Io5, nr6, nr5] = await Promise.all([
    import('ioredis'), import('ioredis5'), import('redis'), import('redis5'),
  ]);
  return [
    ioredisDriver('ioredis', Io6.default, 3),
    ioredisDriver('ioredis', Io6.default, 2),
    ioredisDriver('ioredis5', Io5.default, 2),
    nodeRedisDriver('redis', nr6, 2),
    nodeRedisDriver('redis', nr6, 3),
    nodeRedisDriver('redis5', nr5, 2),
    nodeRedisDriver('redis5', nr5, 3),
  ];
}

// ---------------------------------------------------------------------------
// Scenarios. Each takes (d, env): d the driver, env { port, startRedwing,
// prefix } where prefix keeps the keys of different variants apart.

export const scenarios = {
  // Connection set-up: nothing happens before connect() with lazy connect;
  // a refused connection reaches the error handler and the retry strategy,
  // which gives up after three tries.
  async 'lazy connect, error handler and retry strategy'(d, env) {
    const port = await freePort(); // nothing listens here
    const errors = [];
    const tries = [];
    const a = await d.open({ port, lazy: true, onError: (e) => errors.push(e), retry: (n) => { tries.push(n); return n <= 2 ? 10 : null; } });
    await sleep(50);
    assert.equal(errors.length, 0, 'no connection attempt before connect()');
    assert.equal(a.connected, false);
    await assert.rejects(a.connect());
    await waitFor(() => tries.length >= 3, 'three retry-strategy calls');
    await sleep(50);
    assert.deepEqual(tries, [1, 2, 3]);
    assert.ok(errors.length >= 1);
    assert.ok(errors.some((e) => /ECONNREFUSED/.test(String(e?.code ?? e?.message ?? e)) || /ECONNREFUSED/.test(String(e?.cause?.code))), String(errors[0]));
    await a.close();

    // Against the live server: the lazy client opens its connection only
    // on connect(), and the server sees it then.
    const admin = await d.open({ port: env.port });
    const named = async (name) => (await admin.raw('CLIENT', 'LIST')).split('\n').filter((l) => l.includes(` name=${name} `)).length;
    const live = await d.open({ port: env.port, lazy: true });
    await sleep(30);
    assert.equal(live.connected, false);
    await live.connect();
    assert.equal(await live.raw('CLIENT', 'SETNAME', `lazy-${d.pkg}-${d.resp}`), 'OK');
    assert.equal(await named(`lazy-${d.pkg}-${d.resp}`), 1);
    assert.equal(await live.raw('PING'), 'PONG');
    await live.close();
    await waitFor(async () => (await named(`lazy-${d.pkg}-${d.resp}`)) === 0, 'the server to drop the closed connection');
    await admin.close();
  },

  // Reconnect: a dedicated Redwing is stopped and another started on the
  // same port; the client notices, retries, and commands issued meanwhile
  // complete once it is back.
  async 'reconnect after a server restart'(d, env) {
    const srv = await env.startRedwing(['--save', '']);
    const errors = [];
    const tries = [];
    let readies = 0;
    const a = await d.open({ port: srv.port, onError: (e) => errors.push(e), retry: (n) => { tries.push(n); return 50; } });
    a.onReady(() => { readies++; });
    try {
      assert.equal(await a.set('rc', 'before'), 'OK');
      await srv.stop();
      await waitFor(() => errors.length > 0 || tries.length > 0, 'the client to notice the stopped server');
      await srv.restart();
      // Issued while (possibly) still disconnected: queued, then sent.
      const got = await a.get('rc');
      assert.equal(got, null, 'the new server starts empty');
      assert.equal(await a.set('rc', 'after'), 'OK');
      assert.equal(await a.get('rc'), 'after');
      assert.ok(tries.length >= 1, 'retry strategy consulted');
      await waitFor(() => readies >= 1, 'ready after reconnect');
    } finally {
      await a.close();
      await srv.stop();
    }
  },

  async 'strings with TTL'(d, { port, prefix }) {
    const a = await d.open({ port });
    const k = `${prefix}:str`;
    assert.equal(await a.set(k, 'v1', { ex: 100 }), 'OK');
    assert.equal(await a.get(k), 'v1');
    const ttl = await a.ttl(k);
    assert.ok(ttl > 95 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await a.set(k, 'v2', { nx: true }), null, 'SET NX on an existing key');
    assert.equal(await a.set(`${k}:short`, 'x', { px: 80 }), 'OK');
    const pttl = await a.pttl(`${k}:short`);
    assert.ok(pttl > 0 && pttl <= 80, `pttl ${pttl}`);
    await sleep(150);
    assert.equal(await a.get(`${k}:short`), null, 'expired after PX');
    assert.equal(await a.ttl(`${k}:short`), -2);
    assert.equal(await a.set(k, 'v3'), 'OK');
    assert.equal(await a.ttl(k), -1, 'plain SET clears the TTL');
    await a.close();
  },

  // Cache-aside: read the cache, on a miss load from the "database" and
  // store JSON with a TTL; an update invalidates.
  async 'cache-aside with JSON values'(d, { port, prefix }) {
    const a = await d.open({ port });
    const db = new Map([[1, { id: 1, name: 'Zoë', tags: ['a', 'b'], score: 1.5, nested: { ok: true, none: null } }]]);
    let loads = 0;
    const getUser = async (id) => {
      const key = `${prefix}:user:${id}`;
      const hit = await a.get(key);
      if (hit !== null) return JSON.parse(hit);
      loads++;
      const v = db.get(id);
      await a.set(key, JSON.stringify(v), { ex: 60 });
      return v;
    };
    const first = await getUser(1);
    assert.deepEqual(first, db.get(1));
    for (let i = 0; i < 5; i++) assert.deepEqual(await getUser(1), db.get(1));
    assert.equal(loads, 1, 'served from the cache after the first load');
    assert.ok((await a.ttl(`${prefix}:user:1`)) > 0);
    db.set(1, { ...db.get(1), name: 'Zoe' });
    assert.equal(await a.del(`${prefix}:user:1`), 1);
    assert.equal((await getUser(1)).name, 'Zoe');
    assert.equal(loads, 2);
    await a.close();
  },

  async hashes(d, { port, prefix }) {
    const a = await d.open({ port });
    const k = `${prefix}:h`;
    assert.equal(await a.hset(k, { name: 'ada', visits: '1', lang: 'en' }), 3);
    assert.deepEqual(await a.hgetall(k), { name: 'ada', visits: '1', lang: 'en' });
    assert.equal(await a.hincrby(k, 'visits', 41), 42);
    assert.deepEqual(await a.hmget(k, ['name', 'missing', 'visits']), ['ada', null, '42']);
    assert.equal(await a.hdel(k, 'lang', 'nope'), 1);
    assert.deepEqual(await a.hgetall(k), { name: 'ada', visits: '42' });
    assert.deepEqual(await a.hgetall(`${k}:missing`), {});
    await a.close();
  },

  // A pipeline of many commands: replies in order; a command failing in the
  // middle does not stop the ones after it (ioredis reports per-command
  // errors, node-redis's execAsPipeline rejects with the first error).
  async pipeline(d, { port, prefix }) {
    const a = await d.open({ port });
    const k = `${prefix}:pipe`;
    const ops = [['set', `${k}:s`, 'text']];
    for (let i = 0; i < 300; i++) ops.push(['incr', `${k}:n`]);
    ops.push(['rpush', `${k}:l`, 'a']);
    ops.push(['lrange', `${k}:l`, 0, -1]);
    const res = await a.pipeline(ops);
    assert.equal(res.length, ops.length);
    assert.deepEqual(res[0], [null, 'OK']);
    for (let i = 0; i < 300; i++) assert.deepEqual(res[1 + i], [null, i + 1]);
    assert.deepEqual(res[301], [null, 1]);
    assert.deepEqual(res[302], [null, ['a']]);

    const bad = [['incr', `${k}:n`], ['incr', `${k}:s`], ['incr', `${k}:n`], ['get', `${k}:n`]];
    let replies;
    try {
      replies = await a.pipeline(bad);
    } catch (e) {
      assert.equal(d.kind, 'node-redis', String(e));
      assert.match(e.message, /^ERR value is not an integer or out of range$/);
    }
    if (replies) {
      assert.deepEqual(replies[0], [null, 301]);
      assert.match(replies[1][0].message, /^ERR value is not an integer or out of range$/);
      assert.deepEqual(replies.slice(2), [[null, 302], [null, '302']]);
    }
    assert.equal(await a.get(`${k}:n`), '302', 'commands after the failing one ran');
  },

  // MULTI/EXEC: replies of every queued command; a runtime error (WRONGTYPE)
  // fails only its command and the others are applied.
  async 'MULTI/EXEC'(d, { port, prefix }) {
    const a = await d.open({ port });
    const k = `${prefix}:tx`;
    const res = await a.multi([['set', `${k}:a`, '1'], ['incr', `${k}:a`], ['get', `${k}:a`], ['hset', `${k}:h`, 'f', 'v']]);
    assert.deepEqual(res, [[null, 'OK'], [null, 2], [null, '2'], [null, 1]]);
    const bad = await a.multi([['incr', `${k}:a`], ['lrange', `${k}:a`, 0, -1], ['incr', `${k}:a`]]);
    assert.deepEqual(bad[0], [null, 3]);
    assert.match(String(bad[1][0]?.message ?? bad[1][0]), /WRONGTYPE Operation against a key holding the wrong kind of value/);
    assert.deepEqual(bad[2], [null, 4]);
    assert.equal(await a.get(`${k}:a`), '4');
    await a.close();
  },

  // WATCH optimistic locking: concurrent transfers on separate connections
  // read balances, compute new ones and write them back with SET inside
  // MULTI/EXEC. Without a working WATCH updates would be lost and the total
  // would drift.
  async 'WATCH optimistic locking under contention'(d, { port, prefix }) {
    const accounts = Array.from({ length: 4 }, (_, i) => `${prefix}:acct:${i}`);
    const admin = await d.open({ port });
    for (const k of accounts) await admin.set(k, '1000');
    const workers = await Promise.all(Array.from({ length: 6 }, () => d.open({ port })));
    let committed = 0;
    let aborted = 0;
    const perWorker = 25;
    await Promise.all(workers.map(async (w, wi) => {
      for (let i = 0; i < perWorker; i++) {
        const from = accounts[(wi + i) % 4];
        const to = accounts[(wi + i + 1 + (i % 3)) % 4];
        const amount = 1 + ((wi * 7 + i) % 13);
        for (;;) {
          const ok = await w.watchedUpdate([from, to], ([fb, tb]) => [[from, String(+fb - amount)], [to, String(+tb + amount)]]);
          if (ok) { committed++; break; }
          aborted++;
        }
      }
    }));
    let total = 0;
    for (const k of accounts) total += Number(await admin.get(k));
    assert.equal(committed, workers.length * perWorker);
    assert.equal(total, 4000, 'the total is conserved');
    assert.ok(aborted > 0, 'contention made some EXECs abort (WATCH detected concurrent writes)');
    await Promise.all([...workers, admin].map((w) => w.close()));
  },

  // Lua with the library's script helper: EVALSHA first, and after SCRIPT
  // FLUSH the NOSCRIPT error makes the client fall back to EVAL.
  async 'Lua scripts: EVALSHA and NOSCRIPT fallback'(d, { port, prefix }) {
    const lua = "local v = redis.call('INCRBY', KEYS[1], ARGV[1]); redis.call('EXPIRE', KEYS[1], ARGV[2]); return {v, redis.call('TTL', KEYS[1])}";
    const a = await d.open({ port, scripts: { incrEx: { lua, keys: 1 } } });
    const admin = await d.open({ port });
    const k = `${prefix}:lua`;
    assert.deepEqual(await a.script('incrEx', [k], [5, 100]), [5, 100]);
    assert.deepEqual(await a.script('incrEx', [k], [5, 100]), [10, 100]);
    await admin.scriptFlush();
    await admin.resetStat();
    assert.deepEqual(await a.script('incrEx', [k], [1, 50]), [11, 50]);
    const info = await admin.info('commandstats');
    assert.match(info, /cmdstat_evalsha:calls=1,.*failed_calls=1/, 'EVALSHA tried first and failed with NOSCRIPT');
    assert.match(info, /cmdstat_eval:calls=1,/, 'then EVAL');
    const sha = (await import('node:crypto')).createHash('sha1').update(lua).digest('hex');
    const ex = await admin.scriptExists(sha);
    assert.ok(ex[0] === 1 || ex[0] === true, 'EVAL cached the script again');
    await Promise.all([a.close(), admin.close()]);
  },

  // Pub/sub: a subscriber connection with a channel and a pattern
  // subscription; a publisher on another connection.
  async 'pub/sub with pattern subscriptions'(d, { port, prefix }) {
    const sub = await d.open({ port });
    const pub = await d.open({ port });
    const got = [];
    const ch = `${prefix}:news`;
    await sub.subscribe(ch, (m, c) => got.push(['ch', c, m]));
    await sub.psubscribe(`${prefix}:n*`, (m, c) => got.push(['pat', c, m]));
    assert.equal(await pub.publish(ch, 'm1'), 2, 'delivered to the channel and the pattern subscription');
    assert.equal(await pub.publish(`${prefix}:nation`, 'm2'), 1);
    assert.equal(await pub.publish(`${prefix}:other`, 'm3'), 0);
    await waitFor(() => got.length >= 3, 'three deliveries');
    await sleep(20);
    got.sort((x, y) => (x.join() < y.join() ? -1 : 1));
    assert.deepEqual(got, [['ch', ch, 'm1'], ['pat', `${prefix}:nation`, 'm2'], ['pat', ch, 'm1']]);
    await sub.punsubscribe(`${prefix}:n*`);
    assert.equal(await pub.publish(ch, 'm4'), 1);
    await waitFor(() => got.length === 4, 'fourth delivery');
    await sub.unsubscribe(ch);
    assert.equal(await pub.publish(ch, 'm5'), 0);
    await Promise.all([sub.close(), pub.close()]);
  },

  // Streams: a consumer group; one consumer crashes holding entries, the
  // others recover them with XCLAIM and XAUTOCLAIM.
  async 'streams: consumer group and pending-entry recovery'(d, { port, prefix }) {
    const k = `${prefix}:stream`;
    const a = await d.open({ port });
    const b = await d.open({ port });
    assert.equal(await a.xgroupCreate(k, 'g'), 'OK');
    for (let i = 0; i < 10; i++) await a.xadd(k, { job: String(i) });
    const crashed = await a.xreadgroup('g', 'alice', k, 6);
    assert.deepEqual(crashed.map((e) => e.fields.job), ['0', '1', '2', '3', '4', '5']);
    const rest = await b.xreadgroup('g', 'bob', k, 100);
    assert.equal(rest.length, 4);
    assert.equal(await b.xack(k, 'g', rest.map((e) => e.id)), 4);
    assert.deepEqual(await b.xreadgroup('g', 'bob', k, 100), []);
    assert.deepEqual(await a.xpendingSummary(k, 'g'), { count: 6, consumers: { alice: 6 } });
    await sleep(30);
    // XCLAIM two specific entries, then XAUTOCLAIM the rest page by page.
    const claimed = await b.xclaim(k, 'g', 'bob', 20, crashed.slice(0, 2).map((e) => e.id));
    assert.deepEqual(claimed.map((e) => e.fields.job), ['0', '1']);
    const recovered = [...claimed];
    let start = '0-0';
    for (let i = 0; i < 10; i++) {
      const r = await b.xautoclaim(k, 'g', 'bob', 20, start, 2);
      assert.deepEqual(r.deleted, []);
      recovered.push(...r.entries.filter((e) => !recovered.some((x) => x.id === e.id)));
      start = r.next;
      if (start === '0-0') break;
    }
    assert.equal(start, '0-0', 'the XAUTOCLAIM cursor ends at 0-0');
    assert.deepEqual(recovered.map((e) => e.fields.job).sort(), ['0', '1', '2', '3', '4', '5']);
    assert.deepEqual(await a.xpendingSummary(k, 'g'), { count: 6, consumers: { bob: 6 } });
    assert.equal(await b.xack(k, 'g', recovered.map((e) => e.id)), 6);
    assert.deepEqual(await a.xpendingSummary(k, 'g'), { count: 0, consumers: {} });
    await Promise.all([a.close(), b.close()]);
  },

  // SCAN through the library's iterator: every matching key exactly once.
  async 'scan iterator'(d, { port, prefix }) {
    const a = await d.open({ port });
    const want = [];
    const ops = [];
    for (let i = 0; i < 1500; i++) {
      const key = `${prefix}:scan:${i}`;
      want.push(key);
      ops.push(['set', key, String(i)]);
      ops.push(['set', `${prefix}:other:${i}`, 'x']);
    }
    await a.pipeline(ops);
    const { keys, batches } = await a.scanAll(`${prefix}:scan:*`, 100);
    assert.equal(new Set(keys).size, keys.length, 'no key returned twice');
    assert.deepEqual([...keys].sort(), want.sort());
    assert.ok(batches > 1, `iterated over several batches (${batches})`);
    // HSCAN through the library's hash iterator.
    const h = {};
    for (let i = 0; i < 600; i++) h[`field:${i}`] = String(i);
    h.other = 'x';
    await a.hset(`${prefix}:scanhash`, h);
    const got = await a.hscanAll(`${prefix}:scanhash`, 'field:*', 50);
    delete h.other;
    assert.deepEqual(got, h);
    await a.close();
  },

  async UNLINK(d, { port, prefix }) {
    const a = await d.open({ port });
    const k = `${prefix}:un`;
    const big = {};
    for (let i = 0; i < 2000; i++) big[`f${i}`] = `v${i}`;
    await a.hset(`${k}:big`, big);
    await a.set(`${k}:s`, 'x');
    assert.equal(await a.unlink(`${k}:big`, `${k}:s`, `${k}:none`), 2);
    assert.equal(await a.exists(`${k}:big`, `${k}:s`), 0);
    await a.close();
  },

  // Thousands of concurrent commands on one connection (ioredis with
  // enableAutoPipelining; node-redis pipelines concurrent commands itself).
  async 'thousands of concurrent commands'(d, { port, prefix }) {
    const a = await d.open({ port, autoPipelining: true });
    const k = `${prefix}:conc`;
    const n = 3000;
    const incrs = Array.from({ length: n }, () => a.incr(k));
    if (d.kind === 'ioredis') assert.ok(a.autoPipelineQueued() > 0, 'commands were queued for auto-pipelining');
    const res = await Promise.all(incrs);
    assert.deepEqual(res, Array.from({ length: n }, (_, i) => i + 1), 'replies matched to commands in order');
    const hs = await Promise.all(Array.from({ length: n }, (_, i) => a.hset(`${k}:h`, { [`f${i}`]: String(i) })));
    assert.ok(hs.every((x) => x === 1));
    assert.equal(Object.keys(await a.hgetall(`${k}:h`)).length, n);
    await a.close();
  },

  // Raw commands through the library's generic entry point.
  async 'raw commands (sendCommand / call)'(d, { port, prefix }) {
    const a = await d.open({ port });
    assert.equal(await a.raw('CLIENT', 'SETNAME', `${d.pkg}-raw`), 'OK');
    assert.equal(await a.raw('CLIENT', 'GETNAME'), `${d.pkg}-raw`);
    assert.equal(await a.raw('SET', `${prefix}:raw`, '12345'), 'OK');
    assert.equal(await a.raw('OBJECT', 'ENCODING', `${prefix}:raw`), 'int');
    assert.equal(await a.raw('STRLEN', `${prefix}:raw`), 5);
    assert.equal(await a.sendCommand('APPEND', `${prefix}:raw`, '6'), 6);
    assert.equal(await a.sendCommand('GET', `${prefix}:raw`), '123456');
    assert.equal(await a.sendCommand('OBJECT', 'ENCODING', `${prefix}:raw`), 'raw', 'APPEND makes the value raw, as in Redis');
    await assert.rejects(a.raw('NOSUCHCMD', 'x'), /ERR unknown command 'NOSUCHCMD', with args beginning with: 'x'/);
    await assert.rejects(a.raw('GET'), /ERR wrong number of arguments for 'get' command/);
    await a.close();
  },
};
