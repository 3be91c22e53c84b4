package commands

import (
	"strconv"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

// lookupString returns the string value of key: (value, found, ok). ok is
// false (and WRONGTYPE has been written) when the key holds another type.
func lookupString(c *engine.Ctx, key []byte) ([]byte, bool, bool) {
	e := c.DB.Lookup(key)
	if e == nil {
		return nil, false, true
	}
	if e.Obj() != nil {
		c.Err(errs.WrongType)
		return nil, true, false
	}
	return e.Str(), true, true
}

// lookupRead is Lookup that counts keyspace hits and misses.
func lookupRead(c *engine.Ctx, key []byte) *keyspace.Entry {
	e := c.DB.Lookup(key)
	if e == nil {
		c.E.Stats.KeyspaceMisses.Add(1)
		c.Notify(engine.NotifyKeyMiss, "keymiss", key)
	} else {
		c.E.Stats.KeyspaceHits.Add(1)
	}
	return e
}

// lookupReadNoTouch is lookupRead for commands that must not record an
// access (Redis's LOOKUP_NOTOUCH: TTL, TYPE, EXISTS, OBJECT).
func lookupReadNoTouch(c *engine.Ctx, key []byte) *keyspace.Entry {
	e := c.DB.LookupNoTouch(key)
	if e == nil {
		c.E.Stats.KeyspaceMisses.Add(1)
		c.Notify(engine.NotifyKeyMiss, "keymiss", key)
	} else {
		c.E.Stats.KeyspaceHits.Add(1)
	}
	return e
}

// parseInt parses a Redis integer argument.
func parseInt(b []byte) (int64, bool) { return resp.ParseInt(b) }

// parseFloat parses a float argument as Redis's strtold-based parsing does:
// no leading/trailing spaces, "inf"/"-inf"/"+inf" accepted, NaN rejected.
func parseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpaceByte(b[0]) || isSpaceByte(b[len(b)-1]) {
		return 0, false
	}
	s := string(b)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	if f != f { // NaN
		return 0, false
	}
	// strconv accepts hex floats and underscores only with base prefix; Redis
	// (strtod) accepts hex too, so leave them.
	if strings.ContainsRune(s, '_') {
		return 0, false
	}
	return f, true
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// eqFold compares an argument with an upper-case keyword.
func eqFold(arg []byte, kw string) bool {
	if len(arg) != len(kw) {
		return false
	}
	for i := 0; i < len(arg); i++ {
		ch := arg[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch != kw[i] {
			return false
		}
	}
	return true
}
