// Sliding-window rate limiter in Lua (ioredis defineCommand).
//
// Each request is a sorted-set member scored by its timestamp; the script
// drops entries older than the window, counts the rest and admits the
// request only below the limit, atomically.
//
//   node examples/node/rate-limiter.mjs       (REDIS_URL, default redis://127.0.0.1:6379)
import Redis from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
redis.defineCommand('slidingWindow', {
  numberOfKeys: 1,
  lua: `
    local key, now, window, limit, id = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local count = redis.call('ZCARD', key)
    if count >= limit then return {0, count} end
    redis.call('ZADD', key, now, id)
    redis.call('PEXPIRE', key, window)
    return {1, count + 1}`,
});

const key = `example:ratelimit:${process.pid}:user-1`;
const limit = 10;
const windowMs = 500;
let seq = 0;
const hit = async () => {
  const [allowed] = await redis.slidingWindow(key, Date.now(), windowMs, limit, `${Date.now()}-${seq++}`);
  return allowed === 1;
};

const burst = await Promise.all(Array.from({ length: 25 }, hit));
const admitted = burst.filter(Boolean).length;
console.log(`burst of 25 concurrent requests, limit ${limit} per ${windowMs} ms -> ${admitted} admitted, ${25 - admitted} rejected`);
await new Promise((r) => setTimeout(r, windowMs + 50));
const later = await hit();
console.log(`after the window slid by -> admitted again: ${later}`);
await redis.del(key);
await redis.quit();
if (admitted !== limit || !later) process.exit(1);
