// Package persist runs Redwing's durability: loading at start-up, RDB
// snapshots (SAVE, BGSAVE, save points, SHUTDOWN), the multi-part AOF
// (appendonly, appendfsync, BGREWRITEAOF, automatic rewrites) and the
// reply barrier of appendfsync always. The byte formats live in the rdb
// and aof subpackages, the fork-less snapshot in snapshot.
package persist
