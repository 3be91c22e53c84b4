package engine

// Seams for persistence (internal/persist, wired by the server).
//
// WriteGuard. A point-in-time snapshot taken without fork (persist/
// snapshot) must see every value as it was when the snapshot started,
// while clients keep writing. The snapshot installs a WriteGuard for its
// duration; the engine calls it before any command that may write runs,
// with the command's locks held (the shard locks of its keys, or the world
// lock exclusively), naming the keys the command may write. The guard
// copies the values it has not saved yet. Commands that may change keys
// their key specs do not name (FLUSHALL, FLUSHDB, SWAPDB, DEBUG) call
// BeforeWriteAll under the exclusive world lock instead. Scripts and
// transactions report each command they run. When no guard is installed
// the cost is one atomic load per command.
//
// Persister. SAVE, BGSAVE, BGREWRITEAOF and SHUTDOWN reach the server's
// persistence through the Persister the server installs.

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// WriteGuard is told about writes before they happen.
type WriteGuard interface {
	// BeforeWrite is called before key of database db may be written.
	BeforeWrite(db int, key []byte)
	// BeforeWriteAll is called, under the exclusive world lock, before a
	// command that may change any key of any database.
	BeforeWriteAll()
}

// Persister is the server's persistence, as commands see it.
type Persister interface {
	// Save writes a snapshot in the foreground (SAVE).
	Save() error
	// BGSave starts a background snapshot; it returns the status reply
	// text, or an error whose text is the error reply.
	BGSave(schedule bool) (string, error)
	// BGRewriteAOF starts an AOF rewrite (status reply text or error).
	BGRewriteAOF() (string, error)
	// Info returns the fields of INFO's Persistence section that the
	// persistence layer owns (loading, rdb_*, aof_*), in Redis's order.
	Info() [][2]string
	// Reload implements DEBUG RELOAD (the caller holds the exclusive
	// world lock); an error's text is the error reply.
	Reload(save, flush, merge bool) error
}

type persistExt struct {
	guard     atomic.Pointer[guardBox]
	persister atomic.Pointer[persisterBox]
}

type guardBox struct{ g WriteGuard }
type persisterBox struct{ p Persister }

// guardsActive counts installed guards in the process: the hot path
// reads only this.
var guardsActive atomic.Int32

var persistExts sync.Map // *Engine -> *persistExt

func (e *Engine) persistExt() *persistExt {
	if v, ok := persistExts.Load(e); ok {
		return v.(*persistExt)
	}
	v, _ := persistExts.LoadOrStore(e, &persistExt{})
	return v.(*persistExt)
}

// SetWriteGuardLocked installs (g != nil) or removes the write guard. The
// caller holds the world lock exclusively, so that no command is between
// its guard call and its write.
func (e *Engine) SetWriteGuardLocked(g WriteGuard) {
	x := e.persistExt()
	old := x.guard.Load()
	if g == nil {
		if old != nil {
			x.guard.Store(nil)
			guardsActive.Add(-1)
		}
		return
	}
	x.guard.Store(&guardBox{g})
	if old == nil {
		guardsActive.Add(1)
	}
}

// SetPersister installs the server's persistence.
func (e *Engine) SetPersister(p Persister) { e.persistExt().persister.Store(&persisterBox{p}) }

// Persister returns the installed persistence, or nil.
func (e *Engine) Persister() Persister {
	if b := e.persistExt().persister.Load(); b != nil {
		return b.p
	}
	return nil
}

// guardCmd reports the keys cmd may write to the installed guard. It is
// called with the command's locks held, before the handler runs.
func (e *Engine) guardCmd(db *keyspace.DB, cmd *Command, argv [][]byte) {
	b := e.persistExt().guard.Load()
	if b == nil {
		return
	}
	g := b.g
	spec := cmd.Spec
	name := spec.Name
	switch {
	case name == "flushdb" || name == "flushall" || name == "swapdb" || name == "debug":
		g.BeforeWriteAll()
		return
	case name == "exec" || strings.HasPrefix(name, "eval") || strings.HasPrefix(name, "fcall") ||
		strings.HasPrefix(name, "function|") || strings.HasPrefix(name, "script|"):
		// Scripts and transactions report each command they run; the
		// function library is captured when the snapshot starts.
		return
	}
	if !spec.Has(command.FlagWrite) && !spec.Has(command.FlagMayReplicate) {
		return
	}
	var kb [16]int
	keys, err := command.AppendKeys(kb[:0], spec, argv)
	if err != nil {
		return
	}
	if name == "move" || name == "copy" {
		// The destination may be in another database.
		for i := 0; i < e.KS.NumDBs(); i++ {
			for _, k := range keys {
				g.BeforeWrite(i, argv[k])
			}
		}
		return
	}
	for _, k := range keys {
		g.BeforeWrite(db.ID, argv[k])
	}
}

// guardKeys reports keys a blocked command being served may write.
func (e *Engine) guardKeys(db int, keys ...[]byte) {
	b := e.persistExt().guard.Load()
	if b == nil {
		return
	}
	for _, k := range keys {
		if k != nil {
			b.g.BeforeWrite(db, k)
		}
	}
}

// AddSinkLocked is AddSink for a caller that holds the world lock
// exclusively (a snapshot's start hook).
func (e *Engine) AddSinkLocked(s EffectSink) {
	e.sinksMu.Lock()
	e.sinks = append(e.sinks, s)
	e.hasSinks.Store(true)
	e.sinksMu.Unlock()
}
