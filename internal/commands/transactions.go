package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
)

// Transactions (Redis's multi.c). The engine queues commands while a
// client is in MULTI (and dooms the transaction when it rejects one);
// EXEC hands the queue to Engine.ExecTx, which checks the watched keys,
// runs the queue and ends the transaction under the exclusive world lock. EXEC is registered
// NoLock: it must not hold the shared world lock when ExecTx takes it
// exclusively.

func init() {
	engine.Register("multi", cmdMulti)
	engine.Register("exec", cmdExec, engine.NoLock)
	engine.Register("discard", cmdDiscard)
	engine.Register("watch", cmdWatch)
	engine.Register("unwatch", cmdUnwatch)
}

// MULTI
func cmdMulti(c *engine.Ctx) {
	if c.C.Multi != nil {
		c.ErrString("ERR MULTI calls can not be nested")
		return
	}
	c.C.Multi = &engine.MultiState{}
	c.W.OK()
}

// txDiscard ends the transaction and forgets the watched keys.
func txDiscard(c *engine.Ctx) {
	c.C.Multi = nil
	c.E.Unwatch(c.C)
}

// EXEC
func cmdExec(c *engine.Ctx) {
	m := c.C.Multi
	if m == nil {
		c.Err(errs.NoMulti)
		return
	}
	if m.Aborted {
		c.E.DiscardTx(c.C)
		c.Err(errs.ExecAbort)
		return
	}
	c.E.ExecTx(c.C, m.Queue) // ends the transaction too
}

// DISCARD
func cmdDiscard(c *engine.Ctx) {
	if c.C.Multi == nil {
		c.ErrString("ERR DISCARD without MULTI")
		return
	}
	txDiscard(c)
	c.W.OK()
}

// WATCH key [key ...]
func cmdWatch(c *engine.Ctx) {
	if c.C.Multi != nil {
		c.ErrString("ERR WATCH inside MULTI is not allowed")
		return
	}
	for _, key := range c.Argv[1:] {
		// A key that has already expired is removed before it is watched:
		// Redis ignores the removal of a key that was stale when watched,
		// and only a later write to it fails the transaction, which is
		// what watching it as absent gives. A key live now fails the
		// transaction if it expires before EXEC (see Engine.ExecTx).
		if c.DB.Peek(key) == nil {
			c.DB.Lookup(key)
		}
		c.E.Watch(c.C, c.DB.ID, string(key))
	}
	c.W.OK()
}

// UNWATCH
func cmdUnwatch(c *engine.Ctx) {
	c.E.Unwatch(c.C)
	c.W.OK()
}
