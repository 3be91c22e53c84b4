package commands

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
	"unsafe"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

// Helpers of the sorted set, geo, HyperLogLog and SORT families.

// Error texts of these families.
const (
	errZMinMaxFloat = "ERR min or max is not a float"
	errZMinMaxLex   = "ERR min or max not valid string range item"
	errZNaN         = "ERR resulting score is not a number (NaN)"
	errZXXNX        = "ERR XX and NX options at the same time are not compatible"
	errZGTLTNX      = "ERR GT, LT, and/or NX options at the same time are not compatible"
	errZIncrPair    = "ERR INCR option supports a single increment-element pair"
	errZLimitRank   = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	errZWithscores  = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	errZWeight      = "ERR weight value is not a float"
	errZLimitNeg    = "ERR LIMIT can't be negative"
	errZNumkeys     = "ERR numkeys should be greater than 0"
	errZCount       = "ERR count should be greater than 0"
	errInvalidCur   = "ERR invalid cursor"
	errOutOfRangeP  = "ERR value is out of range, must be positive"
)

// zsIsSpace is C's isspace.
func zsIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func zsLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func zsPrefixFold(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if zsLower(b[i]) != p[i] {
			return false
		}
	}
	return true
}

func zsDigit(c byte) bool { return c >= '0' && c <= '9' }

func zsHexDigit(c byte) bool {
	return zsDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// zsStrtod emulates glibc's strtod on s as a C string (it stops at the
// first NUL byte). It returns the value, the number of bytes consumed
// (0 when no conversion was performed) and whether errno would be ERANGE.
func zsStrtod(s []byte) (float64, int, bool) {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	i := 0
	for i < len(s) && zsIsSpace(s[i]) {
		i++
	}
	start := i
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	rest := s[i:]
	switch {
	case zsPrefixFold(rest, "inf"):
		n := i + 3
		if zsPrefixFold(rest, "infinity") {
			n = i + 8
		}
		if neg {
			return math.Inf(-1), n, false
		}
		return math.Inf(1), n, false
	case zsPrefixFold(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			j := n + 1
			for j < len(s) && (zsDigit(s[j]) || (s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z') || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				n = j + 1
			}
		}
		return math.NaN(), n, false
	}
	if i+1 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' {
		j := i + 2
		digits, nonzero := 0, false
		for j < len(s) && zsHexDigit(s[j]) {
			nonzero = nonzero || s[j] != '0'
			j++
			digits++
		}
		if j < len(s) && s[j] == '.' {
			k := j + 1
			d2 := 0
			for k < len(s) && zsHexDigit(s[k]) {
				nonzero = nonzero || s[k] != '0'
				k++
				d2++
			}
			if digits+d2 > 0 {
				j = k
				digits += d2
			}
		}
		if digits > 0 {
			hasExp := false
			if j < len(s) && s[j]|0x20 == 'p' {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && zsDigit(s[k]) {
					for k < len(s) && zsDigit(s[k]) {
						k++
					}
					j = k
					hasExp = true
				}
			}
			str := string(s[start:j])
			if !hasExp {
				str += "p0"
			}
			return zsFinish(str, nonzero, j)
		}
		// "0x" without digits: only the "0" converts.
		if neg {
			return math.Copysign(0, -1), i + 1, false
		}
		return 0, i + 1, false
	}
	j := i
	digits, nonzero := 0, false
	for j < len(s) && zsDigit(s[j]) {
		nonzero = nonzero || s[j] != '0'
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		k := j + 1
		for k < len(s) && zsDigit(s[k]) {
			nonzero = nonzero || s[k] != '0'
			k++
			digits++
		}
		if digits > 0 {
			j = k
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	if j < len(s) && s[j]|0x20 == 'e' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && zsDigit(s[k]) {
			for k < len(s) && zsDigit(s[k]) {
				k++
			}
			j = k
		}
	}
	// strconv does not retain its argument: parse the bytes in place.
	return zsFinish(unsafe.String(&s[start], j-start), nonzero, j)
}

func zsFinish(str string, nonzero bool, n int) (float64, int, bool) {
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, n, true
		}
		return 0, n, false
	}
	erange := nonzero && f == 0
	if f != 0 && math.Abs(f) < 0x1p-1022 {
		// Subnormal: glibc reports ERANGE only when the result is inexact.
		r, ok := new(big.Rat).SetString(str)
		erange = !ok || r.Cmp(new(big.Rat).SetFloat64(f)) != 0
	}
	return f, n, erange
}

// zsGetDouble parses a float argument as Redis's getDoubleFromObject.
func zsGetDouble(b []byte) (float64, bool) {
	if len(b) == 0 || zsIsSpace(b[0]) {
		return 0, false
	}
	if v, ok := zsSmallInt(b); ok {
		return v, true
	}
	v, n, erange := zsStrtod(b)
	if n != len(b) || math.IsNaN(v) {
		return 0, false
	}
	if erange && (math.IsInf(v, 0) || v == 0) {
		return 0, false
	}
	return v, true
}

// zsSmallInt parses the common score, an integer of up to 15 digits with
// an optional sign, which strtod would give exactly (-0 included).
func zsSmallInt(b []byte) (float64, bool) {
	neg := b[0] == '-'
	if neg || b[0] == '+' {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	n := int64(0)
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	if neg {
		return -float64(n), true // -0 for "-0", as strtod
	}
	return float64(n), true
}

// zsRangeItem parses one bound of a score range (zslParseRange).
func zsRangeItem(b []byte) (float64, bool, bool) {
	ex := false
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	v, n, _ := zsStrtod(b)
	if (n < len(b) && b[n] != 0) || math.IsNaN(v) {
		return 0, false, false
	}
	return v, ex, true
}

// zsParseRange parses a score range as Redis's zslParseRange.
func zsParseRange(min, max []byte) (types.ZRangeSpec, bool) {
	var r types.ZRangeSpec
	var ok bool
	if r.Min, r.MinEx, ok = zsRangeItem(min); !ok {
		return r, false
	}
	if r.Max, r.MaxEx, ok = zsRangeItem(max); !ok {
		return r, false
	}
	return r, true
}

func zsLexItem(b []byte) ([]byte, int, bool, bool) {
	if len(b) == 0 {
		return nil, 0, false, false
	}
	switch b[0] {
	case '+':
		if len(b) > 1 && b[1] != 0 {
			return nil, 0, false, false
		}
		return nil, types.LexPlusInf, true, true
	case '-':
		if len(b) > 1 && b[1] != 0 {
			return nil, 0, false, false
		}
		return nil, types.LexMinusInf, true, true
	case '(':
		return b[1:], types.LexValue, true, true
	case '[':
		return b[1:], types.LexValue, false, true
	}
	return nil, 0, false, false
}

// zsParseLex parses a lexicographic range as Redis's zslParseLexRange.
func zsParseLex(min, max []byte) (types.ZLexSpec, bool) {
	var r types.ZLexSpec
	var ok bool
	if r.Min, r.MinKind, r.MinEx, ok = zsLexItem(min); !ok {
		return r, false
	}
	if r.Max, r.MaxKind, r.MaxEx, ok = zsLexItem(max); !ok {
		return r, false
	}
	return r, true
}

// zsLimits returns the zset-max-listpack-* thresholds.
func zsLimits(c *engine.Ctx) types.ZLimits {
	return types.ZLimits{
		Entries: zsClampInt(int64(cfgInt(c, zsetMaxEntriesP, 128))),
		Value:   zsClampInt(int64(cfgInt(c, zsetMaxValueP, 64))),
	}
}

func zsClampInt(n int64) int {
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	if n < 0 {
		return 0
	}
	return int(n)
}

// zsGet returns the sorted set in e, or nil and false (WRONGTYPE written)
// when e holds another type. e may be nil.
func zsGet(c *engine.Ctx, e *keyspace.Entry) (*types.ZSet, bool) {
	if e == nil {
		return nil, true
	}
	z, ok := e.Obj().(*types.ZSet)
	if !ok {
		c.Err(errs.WrongType)
		return nil, false
	}
	return z, true
}

// zsLookupRead looks key up for reading (counting hits and misses).
func zsLookupRead(c *engine.Ctx, key []byte) (*types.ZSet, bool) {
	return zsGet(c, lookupRead(c, key))
}

// zsLookupWrite looks key up for writing.
func zsLookupWrite(c *engine.Ctx, key []byte) (*types.ZSet, bool) {
	return zsGet(c, c.DB.Lookup(key))
}

// zsCreate stores a new sorted set at key (which must not exist).
func zsCreate(c *engine.Ctx, key []byte, z *types.ZSet) {
	c.DB.Set(key, keyspace.ObjEntry(z))
	c.Notify(engine.NotifyNew, "new", key)
}

// zsStore replaces key's value with z (Redis's setKey: the TTL goes), or
// deletes key when z is empty. event is the keyspace event of a store.
// It reports the reply count.
func zsStore(c *engine.Ctx, key []byte, z *types.ZSet, event string) int {
	n := 0
	if z != nil {
		n = z.Len()
	}
	if n > 0 {
		if c.DB.Lookup(key) == nil {
			c.DB.Set(key, keyspace.ObjEntry(z))
			c.Notify(engine.NotifyNew, "new", key)
		} else {
			c.DB.Set(key, keyspace.ObjEntry(z))
		}
		c.Modified(key)
		c.Notify(engine.NotifyZSet, event, key)
		c.SignalReady(key)
		return n
	}
	if c.DB.Delete(key) {
		c.Modified(key)
		c.Notify(engine.NotifyGeneric, "del", key)
	}
	return 0
}

// zsScore writes a score reply element (double).
func zsScore(w *resp.Writer, s float64) { w.Double(s) }

// zsParseLong parses a long argument, replying the standard error.
func zsParseLong(c *engine.Ctx, b []byte) (int64, bool) {
	n, ok := resp.ParseInt(b)
	if !ok {
		c.Err(errs.NotInt)
	}
	return n, ok
}

// zsRangeLong is getRangeLongFromObjectOrReply with a message for both
// failures.
func zsRangeLong(c *engine.Ctx, b []byte, min int64, msg string) (int64, bool) {
	n, ok := resp.ParseInt(b)
	if !ok || n < min {
		c.ErrString(msg)
		return 0, false
	}
	return n, true
}

// zsPositiveLong is getPositiveLongFromObjectOrReply without a message.
func zsPositiveLong(c *engine.Ctx, b []byte) (int64, bool) {
	n, ok := resp.ParseInt(b)
	if !ok || n < 0 {
		c.ErrString(errOutOfRangeP)
		return 0, false
	}
	return n, true
}

// zsParseCursor parses a SCAN cursor as Redis's parseScanCursorOrReply
// (strtoul: a leading sign is accepted, a negative value wraps).
func zsParseCursor(b []byte) (uint64, bool) {
	if len(b) > 0 && zsIsSpace(b[0]) {
		return 0, false
	}
	s := b
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) == 0 {
		return 0, len(b) == 0 || b[0] == 0
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	if i >= len(s) || !zsDigit(s[i]) {
		return 0, false
	}
	var u uint64
	for ; i < len(s); i++ {
		if !zsDigit(s[i]) {
			return 0, false
		}
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		u = -u
	}
	return u, true
}

// zsDouble2ll reports whether d is kept as an integer in a listpack
// (Redis's double2ll) and returns it.
func zsDouble2ll(d float64) (int64, bool) {
	const lim = float64(math.MaxInt64 / 2)
	if d < -lim || d > lim {
		return 0, false
	}
	ll := int64(d)
	if float64(ll) == d {
		return ll, true
	}
	return 0, false
}

// zsModified reports a write of key that Redis counts as n changes in its
// dirty counter (INFO rdb_changes_since_last_save): WATCH, propagation and
// the counter see it as Redis does.
func zsModified(c *engine.Ctx, key []byte, n int) {
	c.Modified(key)
	if n > 1 {
		c.E.Stats.Dirty.Add(int64(n - 1))
	}
}
