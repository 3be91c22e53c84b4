package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
)

// Whole-database commands (Redis's db.c): they run alone, under the
// exclusive world lock, except DBSIZE which reads a counter.

func init() {
	engine.Register("dbsize", cmdDBSize, engine.SelfLocking)
	engine.Register("flushdb", cmdFlushDB, engine.Exclusive)
	engine.Register("flushall", cmdFlushAll, engine.Exclusive)
	engine.Register("swapdb", cmdSwapDB, engine.Exclusive)
}

// DBSIZE
func cmdDBSize(c *engine.Ctx) { c.W.Int(c.DB.Size()) }

// genericFlushArgs checks the optional ASYNC | SYNC argument and returns
// whether to flush asynchronously (ASYNC, or no argument with
// lazyfree-lazy-user-flush). Both free memory the same way here (the
// garbage collector reclaims the dropped maps); ASYNC counts the keys as
// lazily freed objects, as Redis does (keyspace/lazyfree.go).
func genericFlushArgs(c *engine.Ctx) (async, ok bool) {
	switch {
	case len(c.Argv) == 1:
		return c.E.KS.LazyUserFlush(), true
	case len(c.Argv) == 2 && eqFold(c.Argv[1], "SYNC"):
		return false, true
	case len(c.Argv) == 2 && eqFold(c.Argv[1], "ASYNC"):
		return true, true
	}
	c.Err(errs.Syntax)
	return false, false
}

// FLUSHDB [ASYNC | SYNC]
func cmdFlushDB(c *engine.Ctx) {
	async, ok := genericFlushArgs(c)
	if !ok {
		return
	}
	n := c.DB.Size()
	if async {
		c.DB.FlushAsync()
	} else {
		c.DB.Flush()
	}
	c.E.Stats.Dirty.Add(n)
	c.Dirty() // always propagated, even when the db was empty
	c.W.OK()
}

// FLUSHALL [ASYNC | SYNC]
func cmdFlushAll(c *engine.Ctx) {
	async, ok := genericFlushArgs(c)
	if !ok {
		return
	}
	ks := c.E.KS
	var n int64
	for i := 0; i < ks.NumDBs(); i++ {
		db := ks.DBIfUsed(i)
		if db == nil {
			continue
		}
		n += db.Size()
		if async {
			db.FlushAsync()
		} else {
			db.Flush()
		}
	}
	c.E.Stats.Dirty.Add(n + 1)
	c.Dirty()
	c.W.OK()
}

// SWAPDB index1 index2
func cmdSwapDB(c *engine.Ctx) {
	if c.E.Cfg.Bool("cluster-enabled") {
		c.ErrString("ERR SWAPDB is not allowed in cluster mode")
		return
	}
	a, ok := genericInt32(c.Argv[1])
	if !ok {
		c.ErrString("ERR invalid first DB index")
		return
	}
	b, ok := genericInt32(c.Argv[2])
	if !ok {
		c.ErrString("ERR invalid second DB index")
		return
	}
	ks := c.E.KS
	if a < 0 || a >= int64(ks.NumDBs()) || b < 0 || b >= int64(ks.NumDBs()) {
		c.Err(errs.DBIndex)
		return
	}
	ks.Swap(int(a), int(b))
	c.E.Stats.Dirty.Add(1)
	c.Dirty()
	c.W.OK()
}
