package commands

import (
	"math"
	"strconv"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
)

// Key expiry commands (Redis's expire.c).

func init() {
	engine.Register("expire", cmdExpire)
	engine.Register("pexpire", cmdPExpire)
	engine.Register("expireat", cmdExpireAt)
	engine.Register("pexpireat", cmdPExpireAt)
	engine.Register("ttl", cmdTTL)
	engine.Register("pttl", cmdPTTL)
	engine.Register("expiretime", cmdExpireTime)
	engine.Register("pexpiretime", cmdPExpireTime)
	engine.Register("persist", cmdPersist)
}

// Conditions of EXPIRE and friends.
const (
	genericExpireNX = 1 << iota
	genericExpireXX
	genericExpireGT
	genericExpireLT
)

var genericPExpireAt = []byte("PEXPIREAT")

// EXPIRE key seconds [NX | XX | GT | LT]
func cmdExpire(c *engine.Ctx) { genericExpire(c, c.Now(), true) }

// PEXPIRE key milliseconds [NX | XX | GT | LT]
func cmdPExpire(c *engine.Ctx) { genericExpire(c, c.Now(), false) }

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
func cmdExpireAt(c *engine.Ctx) { genericExpire(c, 0, true) }

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
func cmdPExpireAt(c *engine.Ctx) { genericExpire(c, 0, false) }

// genericExpire is Redis's expireGenericCommand: basetime is 0 for the
// absolute variants, seconds selects the unit of argv[2].
func genericExpire(c *engine.Ctx, basetime int64, seconds bool) {
	flags := 0
	for _, opt := range c.Argv[3:] {
		switch {
		case eqFold(opt, "NX"):
			flags |= genericExpireNX
		case eqFold(opt, "XX"):
			flags |= genericExpireXX
		case eqFold(opt, "GT"):
			flags |= genericExpireGT
		case eqFold(opt, "LT"):
			flags |= genericExpireLT
		default:
			c.ErrString("ERR Unsupported option " + genericCString(opt))
			return
		}
	}
	if flags&genericExpireNX != 0 && flags&(genericExpireXX|genericExpireGT|genericExpireLT) != 0 {
		c.ErrString("ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	}
	if flags&genericExpireGT != 0 && flags&genericExpireLT != 0 {
		c.ErrString("ERR GT and LT options at the same time are not compatible")
		return
	}
	when, ok := parseInt(c.Argv[2])
	if !ok {
		c.Err(errs.NotInt)
		return
	}
	// Negative times are allowed; only overflow is an error.
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			genericInvalidExpire(c)
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-basetime {
		genericInvalidExpire(c)
		return
	}
	when += basetime

	key := c.Argv[1]
	e := c.DB.Lookup(key) // records the access (LRU clock / LFU counter)
	if e == nil {
		c.W.Int(0)
		return
	}
	if flags != 0 {
		cur := e.Expire // 0: no TTL, Redis's -1
		switch {
		case flags&genericExpireNX != 0 && cur != 0,
			flags&genericExpireXX != 0 && cur == 0,
			// A key without a TTL has an infinite one: GT never passes.
			flags&genericExpireGT != 0 && (cur == 0 || when <= cur),
			flags&genericExpireLT != 0 && cur != 0 && when >= cur:
			c.W.Int(0)
			return
		}
	}
	if when <= c.Now() {
		// Already expired: delete now, and propagate the deletion.
		c.DB.Delete(key)
		c.Modified(key)
		if c.E.Cfg.Bool("lazyfree-lazy-expire") {
			c.Propagate([]byte("UNLINK"), key)
		} else {
			c.Propagate([]byte("DEL"), key)
		}
		c.Notify(engine.NotifyGeneric, "del", key)
		c.W.Int(1)
		return
	}
	c.DB.SetExpire(key, e, when)
	c.Modified(key)
	if basetime != 0 || seconds {
		// Propagate as PEXPIREAT with the absolute time, keeping options.
		var num [20]byte
		var buf [8][]byte
		argv := append(buf[:0], c.Argv...)
		argv[0] = genericPExpireAt
		argv[2] = strconv.AppendInt(num[:0], when, 10)
		c.Propagate(argv...)
	}
	c.Notify(engine.NotifyGeneric, "expire", key)
	c.W.Int(1)
}

// TTL key
func cmdTTL(c *engine.Ctx) { genericTTL(c, false, false) }

// PTTL key
func cmdPTTL(c *engine.Ctx) { genericTTL(c, true, false) }

// EXPIRETIME key
func cmdExpireTime(c *engine.Ctx) { genericTTL(c, false, true) }

// PEXPIRETIME key
func cmdPExpireTime(c *engine.Ctx) { genericTTL(c, true, true) }

// genericTTL is Redis's ttlGenericCommand: -2 for a missing key, -1 for a
// key without TTL, else the remaining (or absolute) time, seconds rounded.
func genericTTL(c *engine.Ctx, ms, abs bool) {
	e := lookupReadNoTouch(c, c.Argv[1])
	if e == nil {
		c.W.Int(-2)
		return
	}
	if e.Expire == 0 {
		c.W.Int(-1)
		return
	}
	ttl := e.Expire
	if !abs {
		ttl -= c.Now()
	}
	if ttl < 0 {
		ttl = 0
	}
	if !ms {
		// Rounded without overflow near the int64 limit, as Redis's result.
		ttl = int64((uint64(ttl) + 500) / 1000)
	}
	c.W.Int(ttl)
}

// PERSIST key
func cmdPersist(c *engine.Ctx) {
	key := c.Argv[1]
	e := c.DB.Lookup(key) // records the access (LRU clock / LFU counter)
	if e == nil || e.Expire == 0 {
		c.W.Int(0)
		return
	}
	c.DB.SetExpire(key, e, 0)
	c.Modified(key)
	c.Notify(engine.NotifyGeneric, "persist", key)
	c.W.Int(1)
}
