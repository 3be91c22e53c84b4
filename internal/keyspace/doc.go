// Package keyspace holds Redwing's databases.
//
// Each database is split into a fixed number of shards selected by a hash
// of the key; each shard has its own mutex and map. Commands lock the
// shards of the keys their command-table key specs name (in ascending
// shard order, so multi-key commands cannot deadlock) while holding the
// keyspace's world lock shared. Work that must run alone (FLUSHALL,
// SWAPDB, MULTI/EXEC, scripts) takes the world lock exclusively and then
// needs no shard locks at all.
//
// Every change to a key is reported through the Hooks funnel, which feeds
// WATCH, keyspace notifications, client tracking and the dirty counter;
// expired keys are reported through the same funnel so that persistence
// and replication see a DEL in order.
//
// SCAN cursors address shards: a cursor is the index of the next shard to
// visit, so every key present for a whole scan is returned at least once.
package keyspace
