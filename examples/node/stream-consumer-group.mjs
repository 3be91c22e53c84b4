// Stream consumer group with recovery (ioredis).
//
// A producer appends orders to a stream. Consumer "alice" reads some and
// crashes before acknowledging; "bob" processes the rest, then recovers
// alice's pending entries with XAUTOCLAIM. Every order is processed once.
//
//   node examples/node/stream-consumer-group.mjs   (REDIS_URL, default redis://127.0.0.1:6379)
import Redis from 'ioredis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(url);
const stream = `example:orders:${process.pid}`;
await admin.xgroup('CREATE', stream, 'billing', '$', 'MKSTREAM');
for (let i = 1; i <= 8; i++) await admin.xadd(stream, '*', 'order', String(i), 'amount', String(i * 10));
console.log('produced 8 orders');

const processed = [];
const handle = (entries, who) => {
  for (const [id, fields] of entries) processed.push(`${who}:${fields[1]}`);
  return entries.map(([id]) => id);
};

const alice = new Redis(url);
const [[, aliceEntries]] = await alice.xreadgroup('GROUP', 'billing', 'alice', 'COUNT', 3, 'STREAMS', stream, '>');
console.log(`alice read ${aliceEntries.length} orders and crashed without XACK`);
alice.disconnect();

const bob = new Redis(url);
const [[, bobEntries]] = await bob.xreadgroup('GROUP', 'billing', 'bob', 'COUNT', 100, 'STREAMS', stream, '>');
await bob.xack(stream, 'billing', ...handle(bobEntries, 'bob'));
console.log(`bob processed ${bobEntries.length} orders`);

const [pending, , , consumers] = await admin.xpending(stream, 'billing');
console.log(`pending: ${pending} (${consumers.map(([c, n]) => `${c}=${n}`).join(', ')})`);

await new Promise((r) => setTimeout(r, 50));
const [, claimed] = await bob.xautoclaim(stream, 'billing', 'bob', 20, '0-0', 'COUNT', 10);
await bob.xack(stream, 'billing', ...handle(claimed, 'bob(recovered)'));
console.log(`bob recovered ${claimed.length} orders with XAUTOCLAIM`);
const [left] = await admin.xpending(stream, 'billing');
console.log(`processed: ${processed.join(' ')}; pending now ${left}`);
await admin.del(stream);
await Promise.all([bob.quit(), admin.quit()]);
if (processed.length !== 8 || left !== 0) process.exit(1);
