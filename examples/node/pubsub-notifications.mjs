// Pub/sub notifications (node-redis): one subscriber connection follows a
// user's channel and a pattern for all "alerts:*" channels; a publisher
// sends notifications from another connection.
//
//   node examples/node/pubsub-notifications.mjs   (REDIS_URL, default redis://127.0.0.1:6379)
import { createClient } from 'redis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pub = createClient({ url });
pub.on('error', (err) => console.error('redis error', err));
await pub.connect();
const sub = pub.duplicate();
await sub.connect();

const ns = `example:${process.pid}`;
const received = [];
await sub.subscribe(`${ns}:user:42`, (msg, ch) => received.push(`${ch}: ${msg}`));
await sub.pSubscribe(`${ns}:alerts:*`, (msg, ch) => received.push(`${ch} (pattern): ${msg}`));

const deliveries = [
  await pub.publish(`${ns}:user:42`, JSON.stringify({ type: 'message', from: 'bob' })),
  await pub.publish(`${ns}:alerts:disk`, 'disk 91% full'),
  await pub.publish(`${ns}:alerts:cpu`, 'cpu hot'),
  await pub.publish(`${ns}:user:7`, 'nobody listens'),
];
console.log(`PUBLISH receiver counts: ${deliveries.join(', ')}`);
for (let i = 0; i < 100 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
for (const line of received) console.log(`received ${line}`);
await sub.unsubscribe();
await sub.pUnsubscribe();
await Promise.all([sub.close(), pub.close()]);
if (received.length !== 3 || deliveries.join() !== '1,1,1,0') process.exit(1);
