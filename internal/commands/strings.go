package commands

import (
	"math"
	"strconv"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

func init() {
	engine.Register("get", cmdGet)
	engine.Register("set", cmdSet)
	engine.Register("setnx", cmdSetNX)
	engine.Register("setex", cmdSetEX)
	engine.Register("psetex", cmdPSetEX)
	engine.Register("getex", cmdGetEX)
	engine.Register("getdel", cmdGetDel)
	engine.Register("getset", cmdGetSet)
	engine.Register("mget", cmdMGet)
	engine.Register("mset", cmdMSet)
	engine.Register("msetnx", cmdMSetNX)
	engine.Register("append", cmdAppend)
	engine.Register("strlen", cmdStrlen)
	engine.Register("getrange", cmdGetRange)
	engine.Register("substr", cmdGetRange)
	engine.Register("setrange", cmdSetRange)
	engine.Register("incr", cmdIncr)
	engine.Register("decr", cmdDecr)
	engine.Register("incrby", cmdIncrBy)
	engine.Register("decrby", cmdDecrBy)
	engine.Register("incrbyfloat", cmdIncrByFloat)
	engine.Register("lcs", cmdLCS)
}

// GET key
func cmdGet(c *engine.Ctx) {
	getGeneric(c)
}

// getGeneric is Redis's getGenericCommand: it replies the value of argv[1]
// (or null) and returns false after replying WRONGTYPE.
func getGeneric(c *engine.Ctx) bool {
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Null()
		return true
	}
	if e.Obj() != nil {
		wrongType(c)
		return false
	}
	c.W.Bulk(e.Str())
	return true
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
// EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
func cmdSet(c *engine.Ctx) {
	flags, expire, ok := parseStringOpts(c.Argv, 3, true)
	if !ok {
		c.Err(errs.Syntax)
		return
	}
	setGeneric(c, flags, c.Argv[1], c.Argv[2], expire, replyOK, replyNull)
}

// SETNX key value
func cmdSetNX(c *engine.Ctx) {
	setGeneric(c, optNX, c.Argv[1], c.Argv[2], nil, replyOne, replyZero)
}

// SETEX key seconds value
func cmdSetEX(c *engine.Ctx) {
	setGeneric(c, optEX, c.Argv[1], c.Argv[3], c.Argv[2], replyOK, replyNull)
}

// PSETEX key milliseconds value
func cmdPSetEX(c *engine.Ctx) {
	setGeneric(c, optPX, c.Argv[1], c.Argv[3], c.Argv[2], replyOK, replyNull)
}

// Options of SET and GETEX, as Redis's OBJ_* flags.
const (
	optNX = 1 << iota
	optXX
	optEX
	optPX
	optKeepTTL
	optGet
	optEXAT
	optPXAT
	optPersist
)

// Canned replies of setGeneric.
const (
	replyOK = iota
	replyNull
	replyOne
	replyZero
)

func writeCanned(c *engine.Ctx, r int) {
	switch r {
	case replyOK:
		c.W.OK()
	case replyNull:
		c.W.Null()
	case replyOne:
		c.W.Int(1)
	case replyZero:
		c.W.Int(0)
	}
}

// parseStringOpts parses the options of SET (isSet) or GETEX from argv[i:]
// as Redis's parseExtendedStringArgumentsOrReply does. expire is the
// argument of EX/PX/EXAT/PXAT. ok is false on a syntax error.
func parseStringOpts(argv [][]byte, i int, isSet bool) (flags int, expire []byte, ok bool) {
	const anyExpire = optEX | optPX | optEXAT | optPXAT
	for ; i < len(argv); i++ {
		opt := argv[i]
		hasNext := i+1 < len(argv)
		switch {
		case isSet && eqFold(opt, "NX") && flags&optXX == 0:
			flags |= optNX
		case isSet && eqFold(opt, "XX") && flags&optNX == 0:
			flags |= optXX
		case isSet && eqFold(opt, "GET"):
			flags |= optGet
		case isSet && eqFold(opt, "KEEPTTL") && flags&(optPersist|anyExpire) == 0:
			flags |= optKeepTTL
		case !isSet && eqFold(opt, "PERSIST") && flags&(optKeepTTL|anyExpire) == 0:
			flags |= optPersist
		case hasNext && eqFold(opt, "EX") && flags&(optKeepTTL|optPersist|anyExpire&^optEX) == 0:
			flags |= optEX
			expire = argv[i+1]
			i++
		case hasNext && eqFold(opt, "PX") && flags&(optKeepTTL|optPersist|anyExpire&^optPX) == 0:
			flags |= optPX
			expire = argv[i+1]
			i++
		case hasNext && eqFold(opt, "EXAT") && flags&(optKeepTTL|optPersist|anyExpire&^optEXAT) == 0:
			flags |= optEXAT
			expire = argv[i+1]
			i++
		case hasNext && eqFold(opt, "PXAT") && flags&(optKeepTTL|optPersist|anyExpire&^optPXAT) == 0:
			flags |= optPXAT
			expire = argv[i+1]
			i++
		default:
			return 0, nil, false
		}
	}
	return flags, expire, true
}

// expireMs converts an EX/PX/EXAT/PXAT argument to an absolute Unix time
// in milliseconds, replying the error as Redis's
// getExpireMillisecondsOrReply does when it is invalid.
func expireMs(c *engine.Ctx, arg []byte, flags int) (int64, bool) {
	ms, ok := resp.ParseInt(arg)
	if !ok {
		c.Err(errs.NotInt)
		return 0, false
	}
	seconds := flags&(optEX|optEXAT) != 0
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		errInvalidExpire(c)
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(optEX|optPX) != 0 {
		ms += c.Now() // wraps on overflow, as in C, and is caught below
	}
	if ms <= 0 {
		errInvalidExpire(c)
		return 0, false
	}
	return ms, true
}

// setGeneric is Redis's setGenericCommand.
func setGeneric(c *engine.Ctx, flags int, key, val, expire []byte, okReply, abortReply int) {
	var ms int64
	if expire != nil {
		var ok bool
		if ms, ok = expireMs(c, expire, flags); !ok {
			return
		}
	}
	if flags&optGet != 0 && !getGeneric(c) {
		return
	}
	e := c.DB.Lookup(key)
	found := e != nil
	if (flags&optNX != 0 && found) || (flags&optXX != 0 && !found) {
		if flags&optGet == 0 {
			writeCanned(c, abortReply)
		}
		return
	}
	var ttl int64
	if flags&optKeepTTL != 0 && found {
		ttl = e.Expire
	}
	if expire != nil {
		ttl = ms
	}
	c.DB.Set(key, keyspace.StrEntryTTL(val, ttl))
	c.Modified(key)
	if !found {
		notifyNew(c, key)
	}
	c.Notify(engine.NotifyString, "set", key)
	if expire != nil {
		c.Notify(engine.NotifyGeneric, "expire", key)
		var tmp [20]byte
		c.Propagate(bSET, key, val, bPXAT, strconv.AppendInt(tmp[:0], ms, 10))
	} else if flags&optGet != 0 {
		// Propagate without GET, which may be repeated.
		argv := make([][]byte, 0, len(c.Argv))
		for j, a := range c.Argv {
			if j >= 3 && eqFold(a, "GET") {
				continue
			}
			argv = append(argv, a)
		}
		c.Propagate(argv...)
	}
	if flags&optGet == 0 {
		writeCanned(c, okReply)
	}
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
// PXAT unix-time-milliseconds | PERSIST]
func cmdGetEX(c *engine.Ctx) {
	flags, expire, ok := parseStringOpts(c.Argv, 2, false)
	if !ok {
		c.Err(errs.Syntax)
		return
	}
	key := c.Argv[1]
	e := lookupRead(c, key)
	if e == nil {
		c.W.Null()
		return
	}
	if e.Obj() != nil {
		wrongType(c)
		return
	}
	var ms int64
	if expire != nil {
		if ms, ok = expireMs(c, expire, flags); !ok {
			return
		}
	}
	c.W.Bulk(e.Str())
	switch {
	case flags&(optEXAT|optPXAT) != 0 && ms <= c.Now():
		// An absolute time already passed: delete the key.
		c.DB.Delete(key)
		c.Modified(key)
		if cfgBool(c, "lazyfree-lazy-expire") {
			c.Propagate(bUNLINK, key)
		} else {
			c.Propagate(bDEL, key)
		}
		c.Notify(engine.NotifyGeneric, "del", key)
	case expire != nil:
		c.DB.SetExpire(key, e, ms)
		var tmp [20]byte
		c.Propagate(bPEXPIREAT, key, strconv.AppendInt(tmp[:0], ms, 10))
		c.Modified(key)
		c.Notify(engine.NotifyGeneric, "expire", key)
	case flags&optPersist != 0 && e.Expire != 0:
		c.DB.SetExpire(key, e, 0)
		c.Modified(key)
		c.Propagate(bPERSIST, key)
		c.Notify(engine.NotifyGeneric, "persist", key)
	}
}

// GETDEL key
func cmdGetDel(c *engine.Ctx) {
	key := c.Argv[1]
	if !getGeneric(c) {
		return
	}
	if c.DB.Delete(key) {
		if cfgBool(c, "lazyfree-lazy-user-del") {
			c.Propagate(bUNLINK, key)
		} else {
			c.Propagate(bDEL, key)
		}
		c.Modified(key)
		c.Notify(engine.NotifyGeneric, "del", key)
	}
}

// GETSET key value
func cmdGetSet(c *engine.Ctx) {
	key, val := c.Argv[1], c.Argv[2]
	if !getGeneric(c) {
		return
	}
	found := c.DB.Lookup(key) != nil
	c.DB.Set(key, keyspace.StrEntry(val))
	c.Modified(key)
	if !found {
		notifyNew(c, key)
	}
	c.Notify(engine.NotifyString, "set", key)
	c.Propagate(bSET, key, val)
}

// MGET key [key ...]
func cmdMGet(c *engine.Ctx) {
	c.W.Array(len(c.Argv) - 1)
	for _, key := range c.Argv[1:] {
		e := lookupRead(c, key)
		if e == nil || e.Obj() != nil {
			c.W.Null()
		} else {
			c.W.Bulk(e.Str())
		}
	}
}

// MSET key value [key value ...]
func cmdMSet(c *engine.Ctx) { msetGeneric(c, false) }

// MSETNX key value [key value ...]
func cmdMSetNX(c *engine.Ctx) { msetGeneric(c, true) }

func msetGeneric(c *engine.Ctx, nx bool) {
	if len(c.Argv)%2 == 0 {
		c.ErrString("ERR wrong number of arguments for '" + c.Cmd.Spec.Name + "' command")
		return
	}
	if nx {
		for j := 1; j < len(c.Argv); j += 2 {
			if c.DB.Lookup(c.Argv[j]) != nil {
				c.W.Int(0)
				return
			}
		}
	}
	for j := 1; j < len(c.Argv); j += 2 {
		key := c.Argv[j]
		found := c.DB.Lookup(key) != nil
		c.DB.Set(key, keyspace.StrEntry(c.Argv[j+1]))
		c.Modified(key)
		if !found {
			notifyNew(c, key)
		}
		c.Notify(engine.NotifyString, "set", key)
	}
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

// APPEND key value
func cmdAppend(c *engine.Ctx) {
	key, val := c.Argv[1], c.Argv[2]
	e := c.DB.Lookup(key)
	var total int
	if e == nil {
		c.DB.Set(key, keyspace.StrEntry(val))
		notifyNew(c, key)
		total = len(val)
	} else {
		if e.Obj() != nil {
			wrongType(c)
			return
		}
		if !checkStringLength(c, int64(len(e.Str())), int64(len(val))) {
			return
		}
		appendString(c, key, e, val)
		total = len(e.Str())
	}
	c.Modified(key)
	c.Notify(engine.NotifyString, "append", key)
	c.W.Int(int64(total))
}

// STRLEN key
func cmdStrlen(c *engine.Ctx) {
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Int(0)
		return
	}
	if e.Obj() != nil {
		wrongType(c)
		return
	}
	c.W.Int(int64(len(e.Str())))
}

// GETRANGE key start end (also SUBSTR key start end)
func cmdGetRange(c *engine.Ctx) {
	start, ok := c.IntArg(2)
	if !ok {
		return
	}
	end, ok := c.IntArg(3)
	if !ok {
		return
	}
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Bulk(nil)
		return
	}
	if e.Obj() != nil {
		wrongType(c)
		return
	}
	s := e.Str()
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		c.W.Bulk(nil)
		return
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		c.W.Bulk(nil)
		return
	}
	c.W.Bulk(s[start : end+1])
}

// SETRANGE key offset value
func cmdSetRange(c *engine.Ctx) {
	key, val := c.Argv[1], c.Argv[3]
	offset, ok := c.IntArg(2)
	if !ok {
		return
	}
	if offset < 0 {
		c.ErrString(errOffsetRange)
		return
	}
	e := c.DB.Lookup(key)
	if e == nil {
		if len(val) == 0 {
			c.W.Int(0)
			return
		}
		if !checkStringLength(c, offset, int64(len(val))) {
			return
		}
		buf := make([]byte, int(offset)+len(val))
		copy(buf[offset:], val)
		e = c.DB.Set(key, keyspace.RawStrEntry(buf))
		notifyNew(c, key)
	} else {
		if e.Obj() != nil {
			wrongType(c)
			return
		}
		if len(val) == 0 {
			c.W.Int(int64(len(e.Str())))
			return
		}
		if !checkStringLength(c, offset, int64(len(val))) {
			return
		}
		unshareString(c, key, e, int(offset)+len(val))
		copy(e.Str()[offset:], val)
	}
	c.Modified(key)
	c.Notify(engine.NotifyString, "setrange", key)
	c.W.Int(int64(len(e.Str())))
}

// INCR key
func cmdIncr(c *engine.Ctx) { incrDecr(c, 1) }

// DECR key
func cmdDecr(c *engine.Ctx) { incrDecr(c, -1) }

// INCRBY key increment
func cmdIncrBy(c *engine.Ctx) {
	incr, ok := c.IntArg(2)
	if !ok {
		return
	}
	incrDecr(c, incr)
}

// DECRBY key decrement
func cmdDecrBy(c *engine.Ctx) {
	incr, ok := c.IntArg(2)
	if !ok {
		return
	}
	if incr == math.MinInt64 {
		c.ErrString(errDecrOverflow)
		return
	}
	incrDecr(c, -incr)
}

// incrDecr is Redis's incrDecrCommand.
func incrDecr(c *engine.Ctx, incr int64) {
	key := c.Argv[1]
	e := c.DB.Lookup(key)
	var v int64
	if e != nil {
		if e.Obj() != nil {
			wrongType(c)
			return
		}
		var ok bool
		if v, ok = resp.ParseInt(e.Str()); !ok {
			c.Err(errs.NotInt)
			return
		}
	}
	if addOverflows(v, incr) {
		c.Err(errs.Overflow)
		return
	}
	v += incr
	var digits []byte
	if e != nil {
		// In place when it fits: the value is the key's own.
		digits = strconv.AppendInt(e.Str()[:0], v, 10)
		c.DB.SetStr(key, e, digits)
		e.SetRaw(false)
	} else {
		digits = strconv.AppendInt(nil, v, 10)
		c.DB.Set(key, keyspace.StrEntry(digits))
		notifyNew(c, key)
	}
	c.Modified(key)
	c.Notify(engine.NotifyString, "incrby", key)
	c.W.IntDigits(digits)
}

// INCRBYFLOAT key increment
func cmdIncrByFloat(c *engine.Ctx) {
	key := c.Argv[1]
	e := c.DB.Lookup(key)
	if e != nil && e.Obj() != nil {
		wrongType(c)
		return
	}
	value := newLD()
	inf := false
	if e != nil {
		v, st := parseLongDouble(e.Str())
		if st == ldInvalid {
			c.Err(errs.NotFloat)
			return
		}
		inf = st == ldInf
		value = v
	}
	incr, st := parseLongDouble(c.Argv[2])
	if st == ldInvalid {
		c.Err(errs.NotFloat)
		return
	}
	if inf || st == ldInf {
		c.Err(errs.IncrNaN)
		return
	}
	sum, ok := addLongDouble(value, incr)
	if !ok {
		c.Err(errs.IncrNaN)
		return
	}
	s := formatLongDouble(sum)
	if e != nil {
		c.DB.SetStr(key, e, s)
		e.SetRaw(false)
	} else {
		c.DB.Set(key, keyspace.StrEntry(s))
		notifyNew(c, key)
	}
	c.Modified(key)
	c.Notify(engine.NotifyString, "incrbyfloat", key)
	c.W.Bulk(s)
	c.Propagate(bSET, key, s, bKEEPTTL)
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
func cmdLCS(c *engine.Ctx) {
	ea := lookupRead(c, c.Argv[1])
	eb := lookupRead(c, c.Argv[2])
	if (ea != nil && ea.Obj() != nil) || (eb != nil && eb.Obj() != nil) {
		c.ErrString(errLCSTypes)
		return
	}
	var a, b []byte
	if ea != nil {
		a = ea.Str()
	}
	if eb != nil {
		b = eb.Str()
	}
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(c.Argv); j++ {
		opt := c.Argv[j]
		more := len(c.Argv) - 1 - j
		switch {
		case eqFold(opt, "IDX"):
			getIdx = true
		case eqFold(opt, "LEN"):
			getLen = true
		case eqFold(opt, "WITHMATCHLEN"):
			withMatchLen = true
		case eqFold(opt, "MINMATCHLEN") && more > 0:
			n, ok := c.IntArg(j + 1)
			if !ok {
				return
			}
			if n < 0 {
				n = 0
			}
			minMatchLen = n
			j++
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if getIdx && getLen {
		c.ErrString(errLCSIdxLen)
		return
	}
	if int64(len(a)) >= math.MaxUint32-1 || int64(len(b)) >= math.MaxUint32-1 {
		c.ErrString(errLCSTooLong)
		return
	}
	cells := uint64(len(a)+1) * uint64(len(b)+1)
	if cells*4 > uint64(maxBulkLen(c)) {
		c.ErrString(errLCSMem)
		return
	}
	lcsReply(c, a, b, getLen, getIdx, withMatchLen, minMatchLen)
}
