package engine

// Maxmemory: the OOM gate of Redis's processCommand, the configuration the
// keyspace's evictor reads, evicted-key propagation, and the Go soft memory
// limit paired with maxmemory.
//
// The gate costs one atomic load when maxmemory is 0. Otherwise it checks
// used memory (three atomic loads, keyspace/memory.go); only when memory is
// over the limit does it take the world lock shared and evict, one shard
// lock at a time, before the command takes its own locks (keyspace/evict.go).

import (
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// memoryParams are the configuration parameters the keyspace caches.
var memoryParams = []string{
	"maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity",
	"lfu-log-factor", "lfu-decay-time",
	"lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
	"lazyfree-lazy-user-del", "lazyfree-lazy-user-flush",
}

// initMemory loads the memory parameters and follows CONFIG SET.
func (e *Engine) initMemory() {
	cfg := e.Cfg
	if cfg == nil {
		return
	}
	oc, ok := cfg.(onChanger)
	e.reloadMemoryConfig(ok)
	if ok {
		for _, name := range memoryParams {
			oc.OnChange(name, func(string) error { e.reloadMemoryConfig(true); return nil })
		}
	}
}

// reloadMemoryConfig copies the parameters into the keyspace; server
// tells whether this engine runs a real server (which owns the process's
// Go memory limit).
func (e *Engine) reloadMemoryConfig(server bool) {
	cfg := e.Cfg
	s := keyspace.MemorySettings{
		MaxMemory:     uint64(cfg.Int("maxmemory")),
		Policy:        keyspace.ParsePolicy(cfg.String("maxmemory-policy")),
		Samples:       int(cfg.Int("maxmemory-samples")),
		Tenacity:      int(cfg.Int("maxmemory-eviction-tenacity")),
		LFULogFactor:  cfg.Int("lfu-log-factor"),
		LFUDecayTime:  cfg.Int("lfu-decay-time"),
		LazyEviction:  cfg.Bool("lazyfree-lazy-eviction"),
		LazyExpire:    cfg.Bool("lazyfree-lazy-expire"),
		LazyServerDel: cfg.Bool("lazyfree-lazy-server-del"),
		LazyUserDel:   cfg.Bool("lazyfree-lazy-user-del"),
		LazyUserFlush: cfg.Bool("lazyfree-lazy-user-flush"),
	}
	e.KS.SetMemorySettings(s)
	if server {
		keyspace.SetGoMemoryLimit(s.MaxMemory) // the GC works harder near maxmemory
		keyspace.ManageGCFloor()
	}
}

// oomGate is the maxmemory check of Redis's processCommand: evict if
// needed, then reject a denyoom command (or, inside MULTI, any command but
// EXEC/DISCARD/QUIT/RESET; or EXEC of a transaction holding a denyoom
// command, which then fails with EXECABORT and ends the transaction) with
// -OOM while memory stays over the limit. It reports whether
// the command was rejected. The caller holds no lock; e.KS.MaxMemory() != 0.
func (e *Engine) oomGate(c *Client, cmd *Command, argv [][]byte) bool {
	if scriptBusy() { // running, or about to (script_call.go)
		// A script holds the world lock, maybe for long: Redis does not
		// evict inside a busy script either (isInsideYieldingLongCommand).
		// The busy-script gate decides; SCRIPT KILL must not wait here.
		return false
	}
	if e.KS.PerformEvictions() != keyspace.EvictFail {
		return false
	}
	spec := cmd.Spec
	reject := spec.Has(command.FlagDenyOOM)
	if c.Multi != nil {
		switch spec.Name {
		case "exec":
			for _, q := range c.Multi.Queue {
				if q.Cmd.Spec.Has(command.FlagDenyOOM) {
					reject = true
					break
				}
			}
		case "discard", "quit", "reset":
		default:
			reject = true
		}
	}
	if !reject {
		return false
	}
	e.rejectArgv(c, argv, string(errs.OOM)) // a refused EXEC discards the transaction (EXECABORT)
	return true
}

// scriptOOMAtStart is the OOM state a script starts with (Redis's
// pre_command_oom_state): over maxmemory with nothing the policy can
// evict. Called under the exclusive world lock, so it does not evict.
func (e *Engine) scriptOOMAtStart() bool {
	return e.KS.EvictionWouldFail()
}

// KeyEvicted propagates an evicted key as DEL (UNLINK under
// lazyfree-lazy-eviction) and fires the "evicted" event. keyspace calls it
// with the key's shard lock held, before removing the key and calling
// KeyModified.
func (h *hooks) KeyEvicted(db int, key string) {
	e := (*Engine)(h)
	if e.hasSinks.Load() {
		verb := "DEL"
		if e.KS.LazyEviction() {
			verb = "UNLINK"
		}
		e.emit([]Effect{{DB: db, Argv: [][]byte{[]byte(verb), []byte(key)}}})
	}
	e.notify(NotifyEvicted, "evicted", db, []byte(key))
}
