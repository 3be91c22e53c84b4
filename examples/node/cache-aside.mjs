// Cache-aside with stampede protection (ioredis).
//
// getProduct() reads the cache; on a miss, only one caller takes a short
// lock (SET NX PX) and loads from the slow "database"; the others wait for
// the value to appear instead of all hitting the database at once.
//
//   node examples/node/cache-aside.mjs        (REDIS_URL, default redis://127.0.0.1:6379)
import Redis from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ns = `example:cache:${process.pid}`;

let dbQueries = 0;
async function loadFromDatabase(id) {
  dbQueries++;
  await sleep(100); // a slow query
  return { id, name: `product ${id}`, price: 9.99 };
}

async function getProduct(id) {
  const key = `${ns}:product:${id}`;
  for (;;) {
    const cached = await redis.get(key);
    if (cached !== null) return JSON.parse(cached);
    // Miss: try to become the one loader. The lock expires by itself if the
    // loader dies.
    const token = Math.random().toString(36).slice(2);
    if (await redis.set(`${key}:lock`, token, 'PX', 2000, 'NX')) {
      try {
        const value = await loadFromDatabase(id);
        await redis.set(key, JSON.stringify(value), 'EX', 60);
        return value;
      } finally {
        // Release only our own lock.
        await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, `${key}:lock`, token);
      }
    }
    await sleep(10); // someone else is loading: wait for the cache
  }
}

const results = await Promise.all(Array.from({ length: 50 }, () => getProduct(42)));
console.log(`50 concurrent requests for product 42 -> ${dbQueries} database query`);
console.log(`value: ${JSON.stringify(results[0])}, all equal: ${results.every((r) => r.name === results[0].name)}`);
console.log(`cache TTL: ${await redis.ttl(`${ns}:product:42`)}s`);
await getProduct(42);
console.log(`a later request -> still ${dbQueries} database query (served from cache)`);
await redis.del(`${ns}:product:42`);
await redis.quit();
if (dbQueries !== 1) process.exit(1);
