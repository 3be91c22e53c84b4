package commands

import (
	"fmt"
	"math"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// String value ownership. Every string value that the string and bitmap
// commands store is a freshly allocated buffer owned by its key alone.
// Entry.Raw marks a value these commands have unshared and may modify in
// place, capacity included (APPEND, SETRANGE, SETBIT, BITFIELD), as Redis's
// dbUnshareStringValue does: a value stored by another path (with Raw
// false) is copied first. Whoever copies an Entry to another key (COPY,
// RESTORE...) must therefore copy Str, not share it.

// Propagated command names, shared so that rewriting allocates less.
var (
	bSET       = []byte("SET")
	bPXAT      = []byte("PXAT")
	bKEEPTTL   = []byte("KEEPTTL")
	bDEL       = []byte("DEL")
	bUNLINK    = []byte("UNLINK")
	bPEXPIREAT = []byte("PEXPIREAT")
	bPERSIST   = []byte("PERSIST")
)

// Error texts of the string and bitmap families that are not shared.
const (
	errOffsetRange  = "ERR offset is out of range"
	errDecrOverflow = "ERR decrement would overflow"
	errLCSTypes     = "ERR The specified keys must contain string values"
	errLCSIdxLen    = "ERR If you want both the length and indexes, please just use IDX."
	errLCSTooLong   = "ERR String too long for LCS"
	errLCSMem       = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
	errBitfieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	errBitfieldOvf  = "ERR Invalid OVERFLOW type specified"
	errBitfieldRO   = "ERR BITFIELD_RO only supports the GET subcommand"
	errBitopNot     = "ERR BITOP NOT must be called with a single source key."
	errBitposBit    = "ERR The bit argument must be 1 or 0."
)

// maxBulkLen returns proto-max-bulk-len, the largest string a command may build.
func maxBulkLen(c *engine.Ctx) int64 {
	if c.E.Cfg == nil {
		return 512 << 20
	}
	n := c.E.Cfg.Int("proto-max-bulk-len")
	if n <= 0 {
		return 512 << 20
	}
	return n
}

// checkStringLength is Redis's checkStringLength: it replies an error and
// returns false when size+add exceeds proto-max-bulk-len or overflows.
func checkStringLength(c *engine.Ctx, size, add int64) bool {
	total := int64(uint64(size) + uint64(add))
	if total > maxBulkLen(c) || total < size || total < add {
		c.Err(errs.StringTooLong)
		return false
	}
	return true
}

// cfgBool reads a boolean setting, false when there is no configuration.
func cfgBool(c *engine.Ctx, name string) bool {
	return c.E.Cfg != nil && c.E.Cfg.Bool(name)
}

// errInvalidExpire replies "invalid expire time in '<cmd>' command".
func errInvalidExpire(c *engine.Ctx) {
	c.ErrString(fmt.Sprintf(string(errs.InvalidExpire), c.Cmd.Spec.Name))
}

// wrongType replies WRONGTYPE.
func wrongType(c *engine.Ctx) { c.Err(errs.WrongType) }

// notifyNew fires the "new" keyspace event Redis's dbAdd fires.
func notifyNew(c *engine.Ctx, key []byte) { c.Notify(engine.NotifyNew, "new", key) }

// unshareString makes e's value a buffer the key owns, at least n bytes
// long (new bytes are zero), as Redis's dbUnshareStringValue followed by
// sdsgrowzero. It reports whether the length changed.
func unshareString(c *engine.Ctx, key []byte, e *keyspace.Entry, n int) bool {
	old := len(e.Str())
	if n < old {
		n = old
	}
	if e.Raw() && cap(e.Str()) >= n {
		if n > old {
			c.DB.SetStr(key, e, e.Str()[:n])
			clear(e.Str()[old:])
		}
		return n != old
	}
	buf := make([]byte, n, growCap(n, e.Raw()))
	copy(buf, e.Str())
	c.DB.SetStr(key, e, buf)
	e.SetRaw(true)
	return n != old
}

// appendString appends v to e's value in place (after unsharing it).
func appendString(c *engine.Ctx, key []byte, e *keyspace.Entry, v []byte) {
	n := len(e.Str()) + len(v)
	if e.Raw() && cap(e.Str()) >= n {
		c.DB.SetStr(key, e, append(e.Str(), v...))
		return
	}
	buf := make([]byte, len(e.Str()), growCap(n, true))
	copy(buf, e.Str())
	c.DB.SetStr(key, e, append(buf, v...))
	e.SetRaw(true)
}

// growCap is the capacity for a string growing to n bytes: exact for a
// first copy, then with room to grow as sds does (double up to 1MB, then
// +1MB).
func growCap(n int, growing bool) int {
	if !growing {
		return n
	}
	const maxPrealloc = 1 << 20
	if n < maxPrealloc {
		return 2 * n
	}
	return n + maxPrealloc
}

// addOverflows reports whether a+b overflows int64, as incrDecrCommand checks.
func addOverflows(a, b int64) bool {
	return (b < 0 && a < 0 && b < math.MinInt64-a) || (b > 0 && a > 0 && b > math.MaxInt64-a)
}
