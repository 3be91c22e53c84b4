package commands

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

// Helpers of the generic keyspace family (keys.go, expire.go, dbs.go).

// genericDuper is implemented by every Object that COPY can duplicate: Dup
// returns a deep copy that shares no mutable memory with the original (a
// keyspace.Object; declared as any so that leaf type packages need not
// import keyspace).
type genericDuper interface {
	Dup() any
}

// genericRead is a read lookup as Redis's lookupKeyRead with
// LOOKUP_NOTOUCH: it counts keyspace hits and misses and fires "keymiss"
// on a miss (lookupRead does all of that; other families call this name).
func genericRead(c *engine.Ctx, key []byte) *keyspace.Entry {
	return lookupRead(c, key)
}

// genericObjectLookup is the lookup of OBJECT (Redis's LOOKUP_NOTOUCH |
// LOOKUP_NONOTIFY): it counts keyspace hits and misses but fires no
// "keymiss" event.
func genericObjectLookup(c *engine.Ctx, key []byte) *keyspace.Entry {
	e := c.DB.LookupNoTouch(key)
	if e == nil {
		c.E.Stats.KeyspaceMisses.Add(1)
	} else {
		c.E.Stats.KeyspaceHits.Add(1)
	}
	return e
}

// genericLFU reports whether the maxmemory policy tracks access frequency.
func genericLFU(c *engine.Ctx) bool {
	return strings.HasSuffix(c.E.Cfg.String("maxmemory-policy"), "-lfu")
}

// genericTouch records an access to e for OBJECT IDLETIME / FREQ, as the
// lookups of Redis commands without LOOKUP_NOTOUCH do.
func genericTouch(c *engine.Ctx, e *keyspace.Entry) {
	if c.C != nil && c.C.NoTouch && !eqFold(c.Argv[0], "TOUCH") {
		return
	}
	// The coarse clock, as every other access stamp and OBJECT IDLETIME:
	// the precise one can be a second ahead of it.
	now := c.E.KS.CoarseNowMs()
	if genericLFU(c) {
		e.TouchLFU(now, c.E.Cfg.Int("lfu-log-factor"), c.E.Cfg.Int("lfu-decay-time"), rand.Float64())
	} else {
		e.TouchLRU(now)
	}
}

// genericNotifyIn fires a keyspace event for a key of database db.
func genericNotifyIn(c *engine.Ctx, db *keyspace.DB, class int, event string, key []byte) {
	cur := c.DB
	c.DB = db
	c.Notify(class, event, key)
	c.DB = cur
}

// genericDBIndex parses a database index as getIntFromObjectOrReply does
// (a 32-bit integer) and checks its range. It writes the error and returns
// false when the index is unusable.
func genericDBIndex(c *engine.Ctx, arg []byte) (int, bool) {
	n, ok := parseInt(arg)
	if !ok {
		c.Err(errs.NotInt)
		return 0, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		c.ErrString("ERR value is out of range, value must between -2147483648 and 2147483647")
		return 0, false
	}
	if n < 0 || n >= int64(c.E.KS.NumDBs()) {
		c.Err(errs.DBIndex)
		return 0, false
	}
	return int(n), true
}

// genericParseCursor parses a SCAN cursor as Redis's strtoul-based
// parseScanCursorOrReply: optional sign (a '-' negates modulo 2^64),
// decimal digits, and nothing after them up to the end or a NUL byte; a
// leading space, an overflow or other trailing bytes are invalid. An empty
// argument is cursor 0.
func genericParseCursor(b []byte) (uint64, bool) {
	at := func(i int) byte {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	switch at(0) {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return 0, false
	}
	i := 0
	neg := false
	if c := at(0); c == '+' || c == '-' {
		neg = c == '-'
		i++
	}
	if at(i) < '0' || at(i) > '9' {
		// No conversion: strtoul leaves the end pointer at the start.
		return 0, at(0) == 0
	}
	var v uint64
	for ; at(i) >= '0' && at(i) <= '9'; i++ {
		d := uint64(at(i) - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if at(i) != 0 {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// genericEqFoldStr compares an argument with a string, ignoring ASCII case.
func genericEqFoldStr(a []byte, s string) bool {
	if len(a) != len(s) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], s[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// genericInsertAt inserts b into the reply buffer at mark.
func genericInsertAt(w *resp.Writer, mark int, b []byte) {
	w.Buf = append(w.Buf, b...)
	copy(w.Buf[mark+len(b):], w.Buf[mark:len(w.Buf)-len(b)])
	copy(w.Buf[mark:], b)
}

// genericStrEncoding returns OBJECT ENCODING of a string value: "int" for
// a canonical 64-bit integer, "embstr" up to 44 bytes, "raw" beyond or
// once modified in place (APPEND, SETRANGE ...).
func genericStrEncoding(e *keyspace.Entry) string {
	if e.Raw() {
		return "raw"
	}
	if len(e.Str()) <= 20 {
		if _, ok := parseInt(e.Str()); ok {
			return "int"
		}
	}
	if len(e.Str()) <= 44 {
		return "embstr"
	}
	return "raw"
}

func genericInvalidExpire(c *engine.Ctx) {
	c.ErrString("ERR invalid expire time in '" + c.Cmd.FullName() + "' command")
}

// genericCString returns an argument as Redis's %s formatting prints it:
// up to the first NUL byte.
func genericCString(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// genericInt32 parses a 32-bit integer argument (getIntFromObject).
func genericInt32(b []byte) (int64, bool) {
	n, ok := parseInt(b)
	if !ok || n < -1<<31 || n > 1<<31-1 {
		return 0, false
	}
	return n, true
}
