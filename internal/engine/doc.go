// Package engine is the gate between connections and the keyspace: it owns
// the client registry, the command registry (handlers bound to the
// declarative command table), the dispatch checks in Redis's order, the
// locking plan for each command, MULTI/EXEC and the stream of write effects.
//
// Execution model: a command runs on its connection's goroutine. Ordinary
// commands hold the keyspace world lock shared and lock the shards of the
// keys their key specs name, in ascending order. Commands registered as
// Exclusive (and whole transactions) hold the world lock exclusively and
// take no shard locks. Write effects are emitted while the locks are held,
// so their order in the Effects stream matches execution order per key,
// and a transaction is one contiguous unit.
package engine
