// Atomic balance transfers, two ways (ioredis):
//  1. optimistic locking: WATCH both balances, check, MULTI/EXEC; retry when
//     EXEC returns null because another client changed a watched key;
//  2. a Lua script that checks and moves the money atomically.
// Concurrent transfers never lose money nor overdraw an account.
//
//   node examples/node/transfer.mjs           (REDIS_URL, default redis://127.0.0.1:6379)
import Redis from 'ioredis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ns = `example:bank:${process.pid}`;
const admin = new Redis(url);
const accounts = ['alice', 'bob', 'carol'].map((n) => `${ns}:${n}`);
for (const a of accounts) await admin.set(a, 100);

async function transferWatch(r, from, to, amount) {
  for (let retries = 0; ; retries++) {
    await r.watch(from, to);
    const balance = Number(await r.get(from));
    if (balance < amount) { await r.unwatch(); return { ok: false, retries }; }
    const res = await r.multi().decrby(from, amount).incrby(to, amount).exec();
    if (res !== null) return { ok: true, retries };
  }
}

// WATCH needs its own connection per concurrent transaction.
const clients = Array.from({ length: 5 }, () => new Redis(url));
let retries = 0;
let refused = 0;
await Promise.all(clients.map(async (r, i) => {
  for (let j = 0; j < 20; j++) {
    const res = await transferWatch(r, accounts[(i + j) % 3], accounts[(i + j + 1) % 3], 7 + ((i + j) % 5));
    retries += res.retries;
    if (!res.ok) refused++;
  }
}));
const total = async () => (await admin.mget(...accounts)).reduce((s, v) => s + Number(v), 0);
console.log(`WATCH: 100 concurrent transfers, ${retries} retries after conflicts, ${refused} refused for insufficient funds, total ${await total()}`);

admin.defineCommand('transfer', {
  numberOfKeys: 2,
  lua: `
    local amount = tonumber(ARGV[1])
    local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
    if balance < amount then return 0 end
    redis.call('DECRBY', KEYS[1], amount)
    redis.call('INCRBY', KEYS[2], amount)
    return 1`,
});
const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => admin.transfer(accounts[i % 3], accounts[(i + 2) % 3], 5 + (i % 11))));
console.log(`Lua: ${outcomes.filter((x) => x === 1).length} of 100 transfers done, the rest refused; total ${await total()}`);
const balances = (await admin.mget(...accounts)).map(Number);
console.log(`balances: ${accounts.map((a, i) => `${a.split(':').pop()}=${balances[i]}`).join(' ')}`);
const ok = (await total()) === 300 && balances.every((b) => b >= 0);
await admin.del(...accounts);
await Promise.all([...clients, admin].map((c) => c.quit()));
process.exit(ok ? 0 : 1);
