package commands

import (
	"github.com/redwingdb/redwing/internal/keyspace"

	"strconv"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/persist/rdb"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	// SAVE, BGSAVE and BGREWRITEAOF start snapshots, which take the world
	// lock themselves: they run with no lock held.
	engine.Register("save", cmdSave, engine.NoLock)
	engine.Register("bgsave", cmdBGSave, engine.NoLock)
	engine.Register("bgrewriteaof", cmdBGRewriteAOF, engine.NoLock)
	engine.Register("dump", cmdDump)
	engine.Register("restore", cmdRestore)
}

// SAVE
func cmdSave(c *engine.Ctx) {
	p := c.E.Persister()
	if p == nil {
		c.ErrString("ERR")
		return
	}
	c.WillTakeLong() // the loop's other clients are served while it writes
	if err := p.Save(); err != nil {
		c.ErrString(err.Error())
		return
	}
	c.W.OK()
}

// BGSAVE [SCHEDULE]
func cmdBGSave(c *engine.Ctx) {
	schedule := false
	if len(c.Argv) > 1 {
		if len(c.Argv) == 2 && eqFold(c.Argv[1], "SCHEDULE") {
			schedule = true
		} else {
			c.Err(errs.Syntax)
			return
		}
	}
	p := c.E.Persister()
	if p == nil {
		c.ErrString("ERR")
		return
	}
	// Inside EXEC (the world lock is held) a save can only be scheduled.
	msg, err := p.BGSave(schedule || c.Exclusive)
	if err != nil {
		c.ErrString(err.Error())
		return
	}
	c.W.Simple(msg)
}

// BGREWRITEAOF
func cmdBGRewriteAOF(c *engine.Ctx) {
	p := c.E.Persister()
	if p == nil {
		c.ErrString("ERR")
		return
	}
	if c.Exclusive {
		// Inside EXEC: scheduled, as Redis does while in_exec.
		if s, ok := p.(interface{ ScheduleRewrite() }); ok {
			s.ScheduleRewrite()
			c.W.Simple("Background append only file rewriting scheduled")
			return
		}
	}
	msg, err := p.BGRewriteAOF()
	if err != nil {
		c.ErrString(err.Error())
		return
	}
	c.W.Simple(msg)
}

// dumpEncoder builds DUMP payloads: Redis 7.0's format (RDB version 10),
// so payloads restore into Redis 7.0 and later.
func dumpEncoder(c *engine.Ctx) *rdb.Encoder {
	return rdb.NewEncoder(rdb.Options{Version: rdb.DumpVersion, Compress: c.E.Cfg.Bool("rdbcompression")})
}

// DUMP key
func cmdDump(c *engine.Ctx) {
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Null()
		return
	}
	p, err := dumpEncoder(c).Dump(nil, e, c.Now())
	if err != nil {
		c.ErrString("ERR " + err.Error())
		return
	}
	c.W.Bulk(p)
}

// restoreLimits are the encoding thresholds restored values are built with.
func restoreLimits(c *engine.Ctx) rdb.Limits {
	return rdb.Limits{
		HashMaxEntries: hashMaxEntries(c),
		HashMaxValue:   hashMaxValue(c),
		List:           listLimits(c),
		Set:            setLimits(c),
		ZSet:           zsLimits(c),
		Stream: types.StreamLimits{
			MaxBytes:   c.E.Cfg.Int("stream-node-max-bytes"),
			MaxEntries: c.E.Cfg.Int("stream-node-max-entries"),
		},
	}
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
func cmdRestore(c *engine.Ctx) {
	replace, absttl := false, false
	lfuFreq, lruIdle := int64(-1), int64(-1)
	argv := c.Argv
	for j := 4; j < len(argv); j++ {
		more := len(argv) - j - 1
		switch {
		case eqFold(argv[j], "REPLACE"):
			replace = true
		case eqFold(argv[j], "ABSTTL"):
			absttl = true
		case eqFold(argv[j], "IDLETIME") && more >= 1 && lfuFreq == -1:
			v, ok := parseInt(argv[j+1])
			if !ok {
				c.Err(errs.NotInt)
				return
			}
			if v < 0 {
				c.ErrString("ERR Invalid IDLETIME value, must be >= 0")
				return
			}
			lruIdle = v
			j++
		case eqFold(argv[j], "FREQ") && more >= 1 && lruIdle == -1:
			v, ok := parseInt(argv[j+1])
			if !ok {
				c.Err(errs.NotInt)
				return
			}
			if v < 0 || v > 255 {
				c.ErrString("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return
			}
			lfuFreq = v
			j++
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	key := argv[1]
	old := c.DB.Lookup(key)
	if old != nil && !replace {
		c.ErrString("BUSYKEY Target key name already exists.")
		return
	}
	ttl, ok := parseInt(argv[2])
	if !ok {
		c.Err(errs.NotInt)
		return
	} else if ttl < 0 {
		c.ErrString("ERR Invalid TTL value, must be >= 0")
		return
	}
	payload := argv[3]
	if !rdb.VerifyDump(payload, false) {
		c.ErrString("ERR DUMP payload version or checksum are wrong")
		return
	}
	ent, err := rdb.Restore(payload, restoreLimits(c))
	if err != nil {
		c.ErrString("ERR Bad data format")
		return
	}
	deleted := false
	if replace && old != nil {
		deleted = c.DB.Delete(key)
	}
	now := c.Now()
	if ttl != 0 && !absttl {
		ttl += now
	}
	if ttl != 0 && ttl <= now {
		// Already expired: the key is not created.
		if deleted {
			c.Modified(key)
			if c.E.Cfg.Bool("lazyfree-lazy-server-del") {
				c.Propagate([]byte("UNLINK"), key)
			} else {
				c.Propagate([]byte("DEL"), key)
			}
			c.Notify(engine.NotifyGeneric, "del", key)
		} else {
			c.NoPropagate()
		}
		c.W.OK()
		return
	}
	ent.Expire = ttl
	// Access words use the coarse clock OBJECT IDLETIME reads (the
	// precise one can be a second ahead of it).
	switch stamp := c.E.KS.CoarseNowMs(); {
	case lfuPolicy(c) && lfuFreq >= 0:
		ent.Access = keyspace.LFUAccess(stamp, lfuFreq)
	case !lfuPolicy(c) && lruIdle >= 0:
		ent.Access = keyspace.LRUAccess(stamp, lruIdle)
	}
	c.DB.Set(key, ent)
	c.Modified(key)
	if ttl != 0 && !absttl {
		// Propagate the TTL as an absolute time.
		nargv := make([][]byte, 0, len(argv)+1)
		nargv = append(nargv, argv[0], argv[1], strconv.AppendInt(nil, ttl, 10))
		nargv = append(nargv, argv[3:]...)
		nargv = append(nargv, []byte("ABSTTL"))
		c.Propagate(nargv...)
	}
	switch ent.Obj().(type) {
	case *types.List, *types.ZSet, *types.Stream:
		c.SignalReady(key)
	}
	c.Notify(engine.NotifyGeneric, "restore", key)
	c.W.OK()
}

func lfuPolicy(c *engine.Ctx) bool {
	p := c.E.Cfg.String("maxmemory-policy")
	return len(p) > 4 && p[len(p)-4:] == "-lfu"
}
