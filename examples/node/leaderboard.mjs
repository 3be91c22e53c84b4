// Leaderboard with a sorted set (node-redis): scores, top N, a player's
// rank, players around them, and a score range.
//
//   node examples/node/leaderboard.mjs        (REDIS_URL, default redis://127.0.0.1:6379)
import { createClient } from 'redis';

const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
client.on('error', (err) => console.error('redis error', err));
await client.connect();
const board = `example:leaderboard:${process.pid}`;

await client.zAdd(board, [
  { score: 1200, value: 'ada' }, { score: 950, value: 'bob' }, { score: 1430, value: 'carol' },
  { score: 800, value: 'dave' }, { score: 1100, value: 'erin' }, { score: 1010, value: 'frank' },
]);
// Points won in concurrent games.
await Promise.all([client.zIncrBy(board, 300, 'bob'), client.zIncrBy(board, 50, 'dave'), client.zIncrBy(board, 300, 'bob')]);

const top = await client.zRangeWithScores(board, 0, 2, { REV: true });
console.log('top 3:');
top.forEach((e, i) => console.log(`  ${i + 1}. ${e.value} ${e.score}`));
const rank = await client.zRevRank(board, 'erin');
console.log(`erin is #${rank + 1} with ${await client.zScore(board, 'erin')} points`);
const around = await client.zRange(board, Math.max(0, rank - 1), rank + 1, { REV: true });
console.log(`around erin: ${around.join(', ')}`);
const between = await client.zRangeByScore(board, 1000, 1300);
console.log(`scores 1000-1300: ${between.join(', ')}`);
console.log(`${await client.zCard(board)} players`);
const ok = top[0].value === 'bob' && top[0].score === 1550 && rank === 3;
await client.del(board);
await client.close();
process.exit(ok ? 0 : 1);
