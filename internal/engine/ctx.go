package engine

import (
	"fmt"
	"strconv"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

// Ctx is the execution context of one command.
type Ctx struct {
	E    *Engine
	C    *Client
	Cmd  *Command
	Argv [][]byte
	W    *resp.Writer
	DB   *keyspace.DB

	// Exclusive is true when the command runs under the exclusive world
	// lock (it may then touch any key without shard locks).
	Exclusive bool

	dirty     int
	failed    bool
	rewritten bool
	effects   []Effect
	inMulti   bool
}

// Arg returns argv[i].
func (c *Ctx) Arg(i int) []byte { return c.Argv[i] }

// ArgStr returns argv[i] as a string.
func (c *Ctx) ArgStr(i int) string { return string(c.Argv[i]) }

// NArg returns len(argv).
func (c *Ctx) NArg() int { return len(c.Argv) }

// Err writes an error reply. err's text is sent as is (errs.Error values
// carry Redis's exact text); other errors are prefixed with "ERR ".
func (c *Ctx) Err(err error) {
	msg := err.Error()
	if _, ok := err.(interface{ RedisError() }); !ok && !hasCode(msg) {
		msg = "ERR " + msg
	}
	c.ErrString(msg)
}

// Errf writes an "ERR ..." reply built from a format.
func (c *Ctx) Errf(format string, args ...any) {
	c.ErrString("ERR " + fmt.Sprintf(format, args...))
}

// ErrString writes msg (which includes its code) as an error reply.
func (c *Ctx) ErrString(msg string) {
	c.failed = true
	c.E.Stats.CountError(msg)
	c.W.Error(msg)
}

func hasCode(msg string) bool {
	for i := 0; i < len(msg); i++ {
		ch := msg[i]
		if ch == ' ' {
			return i > 0
		}
		if ch < 'A' || ch > 'Z' {
			return false
		}
	}
	return false
}

// Modified reports that key (in the current db) was written. It feeds
// WATCH, tracking and the dirty counter, and marks the command for
// propagation.
func (c *Ctx) Modified(key []byte) {
	c.dirty++
	c.DB.Modified(key)
}

// ModifiedIn is Modified for a key in another database.
func (c *Ctx) ModifiedIn(db *keyspace.DB, key []byte) {
	c.dirty++
	db.Modified(key)
}

// Dirty marks the command as a write without a specific key (FLUSHDB...).
func (c *Ctx) Dirty() { c.dirty++ }

// Propagate adds an explicit effect in place of the command's own argv
// (e.g. SET ... EX rewritten to SET ... PXAT, SPOP as SREM). Once called,
// only explicit effects are propagated for this command.
func (c *Ctx) Propagate(argv ...[]byte) {
	c.rewritten = true
	if !c.E.hasSinks.Load() {
		return
	}
	cp := make([][]byte, len(argv))
	for i, a := range argv {
		cp[i] = append([]byte(nil), a...)
	}
	c.effects = append(c.effects, Effect{DB: c.DB.ID, Argv: cp})
}

// Propagating reports whether effects go anywhere (AOF, replicas): a
// command may skip building a rewritten effect when they do not.
func (c *Ctx) Propagating() bool { return c.E.hasSinks.Load() }

// NoPropagate suppresses propagation of this command.
func (c *Ctx) NoPropagate() { c.rewritten = true }

// Now returns the current time in Unix milliseconds.
func (c *Ctx) Now() int64 { return c.E.KS.Clock.NowMs() }

// IntArg parses argv[i] as an integer, writing Redis's error when invalid.
func (c *Ctx) IntArg(i int) (int64, bool) {
	n, ok := resp.ParseInt(c.Argv[i])
	if !ok {
		c.ErrString("ERR value is not an integer or out of range")
	}
	return n, ok
}

// Itoa formats n.
func Itoa(n int64) []byte { return strconv.AppendInt(nil, n, 10) }
