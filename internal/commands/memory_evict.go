package commands

import "github.com/redwingdb/redwing/internal/engine"

// INFO figures of eviction (keyspace/evict.go).

func init() {
	infoHooks.EvictedKeys = func(e *engine.Engine) int64 { return e.KS.EvictedKeys() }
}
