// Package keyspace holds Redwing's databases.
//
// Each database is split into a fixed number of shards selected by a hash
// of the key; each shard has its own mutex and table (table.go: entries in
// chunks the collector does not scan, open-addressing indexes by key and
// by TTL). Commands lock the shards of the keys their command-table key
// specs name (in ascending shard order, so multi-key commands cannot
// deadlock) while holding the keyspace's world lock shared. Work that
// must run alone (FLUSHALL, SWAPDB, MULTI/EXEC, scripts) takes the world
// lock exclusively and then needs no shard locks at all.
//
// Every change to a key is reported through the Hooks funnel, which feeds
// WATCH, keyspace notifications, client tracking and the dirty counter;
// expired keys are reported through the same funnel so that persistence
// and replication see a DEL in order.
//
// Memory (memory.go, evict.go, lazyfree.go): used memory is the live heap
// the last garbage collection measured plus the keyspace's estimated growth
// since; with maxmemory set, PerformEvictions samples keys shard by shard
// into Redis's 16-entry eviction pool (approximated LRU / LFU / TTL, or
// random) and evicts through the same hooks funnel, one shard lock at a
// time under the shared world lock. Lazy freeing is dropping a reference:
// the collector frees concurrently (lazyfree.go explains the counters).
// Shard tables shrink as keys go and are dropped when a shard empties.
//
// SCAN cursors address shards: a cursor is the index of the next shard to
// visit, so every key present for a whole scan is returned at least once.
package keyspace
