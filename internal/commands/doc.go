// Package commands holds the command handlers, one file per family
// (strings.go, keys.go, ...), as Redis's t_*.c files. Each file registers
// its handlers with the engine in init; each handler has its syntax line
// above it. Handlers parse arguments, call keyspace or type operations and
// map results to replies; they never lock (the engine locks the shards of
// the keys named by the command table's key specs before calling them).
package commands
