package commands

// Helpers shared by the hash, list and set families (hashes.go, lists.go,
// sets.go).

import (
	"math"
	"math/big"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/glob"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

// hotParam names the encoding thresholds read by every write to a small
// collection: their parameter handles are resolved once per configuration
// instead of by name on each command.
type hotParam int

const (
	hashMaxEntriesP hotParam = iota
	hashMaxValueP
	listMaxSizeP
	setMaxIntsetP
	setMaxEntriesP
	setMaxValueP
	streamMaxBytesP
	streamMaxEntriesP
	zsetMaxEntriesP
	zsetMaxValueP
	numHotParams
)

var hotParamNames = [numHotParams]string{"hash-max-listpack-entries", "hash-max-listpack-value",
	"list-max-listpack-size", "set-max-intset-entries", "set-max-listpack-entries", "set-max-listpack-value",
	"stream-node-max-bytes", "stream-node-max-entries", "zset-max-listpack-entries", "zset-max-listpack-value"}

type hotParamsKey struct{}

// hotParams are the handles of one configuration's hot parameters.
type hotParams struct {
	cfg *config.Config
	ps  *[numHotParams]*config.Param
}

// lastHot caches the handles of the configuration used last (a server has
// one): a pointer comparison instead of Config.Cached's map lookup.
var lastHot atomic.Pointer[hotParams]

// cfgInt reads a numeric setting clamped to the int range, with a default
// when there is no configuration.
func cfgInt(c *engine.Ctx, which hotParam, def int) int {
	cfg := c.E.Cfg
	if cfg == nil {
		return def
	}
	var n int64
	if full, ok := cfg.(*config.Config); ok {
		h := lastHot.Load()
		if h == nil || h.cfg != full {
			ps := full.Cached(hotParamsKey{}, func() any {
				var ps [numHotParams]*config.Param
				for i, name := range hotParamNames {
					ps[i] = full.Param(name)
				}
				return &ps
			}).(*[numHotParams]*config.Param)
			h = &hotParams{cfg: full, ps: ps}
			lastHot.Store(h)
		}
		p := h.ps[which]
		if p == nil {
			return def
		}
		n = p.Int()
	} else {
		n = cfg.Int(hotParamNames[which])
	}
	const most = min(math.MaxInt32*4, math.MaxInt) // fits int on 32-bit targets
	if n > most {
		return most
	}
	return int(n)
}

func hashMaxEntries(c *engine.Ctx) int { return cfgInt(c, hashMaxEntriesP, 128) }
func hashMaxValue(c *engine.Ctx) int   { return cfgInt(c, hashMaxValueP, 64) }

func listLimits(c *engine.Ctx) types.ListLimits {
	return types.ListFill(int64(cfgInt(c, listMaxSizeP, -2)))
}

func setLimits(c *engine.Ctx) types.SetLimits {
	return types.SetLimits{
		MaxIntset:   min(cfgInt(c, setMaxIntsetP, 512), 1<<30),
		MaxListpack: cfgInt(c, setMaxEntriesP, 128),
		MaxValue:    cfgInt(c, setMaxValueP, 64),
	}
}

// collDeleted removes key after its collection became empty, firing "del"
// as Redis's dbDelete callers do.
func collDeleted(c *engine.Ctx, key []byte) {
	c.DB.Delete(key)
	c.Notify(engine.NotifyGeneric, "del", key)
}

// collAdd stores a new collection under key (Redis's dbAdd) and fires "new".
func collAdd(c *engine.Ctx, key []byte, obj keyspace.Object) *keyspace.Entry {
	e := c.DB.Set(key, keyspace.ObjEntry(obj))
	notifyNew(c, key)
	return e
}

// parseLong parses a long argument, replying the "not an integer" error.
func parseLong(c *engine.Ctx, arg []byte) (int64, bool) {
	n, ok := parseInt(arg)
	if !ok {
		c.Err(errs.NotInt)
	}
	return n, ok
}

// parsePositive is getPositiveLongFromObjectOrReply: msg replaces the
// default "value is out of range, must be positive" (also for non-integers).
func parsePositive(c *engine.Ctx, arg []byte, msg string) (int64, bool) {
	n, ok := parseInt(arg)
	if !ok {
		if msg != "" {
			c.ErrString("ERR " + msg)
		} else {
			c.Err(errs.NotPositive)
		}
		return 0, false
	}
	if n < 0 {
		if msg != "" {
			c.ErrString("ERR " + msg)
		} else {
			c.Err(errs.NotPositive)
		}
		return 0, false
	}
	return n, true
}

// parseRange is getRangeLongFromObjectOrReply: an integer in [lo, hi], or
// msg (default "value is out of range, must be between lo and hi").
func parseRange(c *engine.Ctx, arg []byte, lo, hi int64, msg string) (int64, bool) {
	n, ok := parseInt(arg)
	if !ok {
		if msg != "" {
			c.ErrString("ERR " + msg)
		} else {
			c.Err(errs.NotInt)
		}
		return 0, false
	}
	if n < lo || n > hi {
		if msg != "" {
			c.ErrString("ERR " + msg)
		} else {
			c.ErrString("ERR value is out of range, value must between " + strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10))
		}
		return 0, false
	}
	return n, true
}

// parseTimeout is Redis 7.0's getTimeoutFromObjectOrReply in seconds: a
// long double multiplied by 1000 and truncated (values past the int64
// range become negative); 0 means forever.
func parseTimeout(c *engine.Ctx, arg []byte) (time.Duration, bool) {
	v, st := parseLongDouble(arg)
	if st == ldInvalid {
		c.Err(errs.Timeout)
		return 0, false
	}
	var ms int64
	if st == ldInf {
		ms = math.MinInt64 // (long long) of an infinite long double
	} else {
		v.Mul(v, big.NewFloat(1000))
		if i, acc := v.Int64(); acc == big.Exact || (i != math.MaxInt64 && i != math.MinInt64) {
			ms = i
		} else {
			ms = math.MinInt64
		}
	}
	if ms < 0 {
		c.Err(errs.TimeoutNeg)
		return 0, false
	}
	if ms > math.MaxInt64-time.Now().UnixMilli() {
		// Redis 7.0 adds the current time without an overflow check: the
		// deadline wraps negative, which means no timeout.
		return 0, true
	}
	if ms > math.MaxInt64/int64(time.Millisecond) {
		ms = math.MaxInt64 / int64(time.Millisecond)
	}
	return time.Duration(ms) * time.Millisecond, true
}

// scanOpts are the options of HSCAN / SSCAN.
type scanOpts struct {
	count    int
	pat      []byte
	usePat   bool
	noValues bool
}

// parseScanOpts parses [MATCH pattern] [COUNT count] (and NOVALUES when
// allowed) from argv[i:], as Redis's scanGenericCommand.
func parseScanOpts(c *engine.Ctx, i int, allowNoValues bool) (scanOpts, bool) {
	o := scanOpts{count: 10}
	for ; i < len(c.Argv); i++ {
		arg := c.Argv[i]
		more := i+1 < len(c.Argv)
		switch {
		case more && eqFold(arg, "COUNT"):
			n, ok := parseInt(c.Argv[i+1])
			if !ok {
				c.Err(errs.NotInt)
				return o, false
			}
			if n < 1 {
				c.Err(errs.Syntax)
				return o, false
			}
			if n > math.MaxInt32 {
				n = math.MaxInt32
			}
			o.count = int(n)
			i++
		case more && eqFold(arg, "MATCH"):
			o.pat = c.Argv[i+1]
			o.usePat = !(len(o.pat) == 1 && o.pat[0] == '*')
			i++
		case allowNoValues && eqFold(arg, "NOVALUES"):
			o.noValues = true
		default:
			c.Err(errs.Syntax)
			return o, false
		}
	}
	return o, true
}

func (o *scanOpts) match(b []byte) bool {
	return !o.usePat || glob.Match(o.pat, b, false)
}

// writeScanReply writes [cursor, [items...]]: the items were written after
// mark, n of them.
func writeScanReply(w *resp.Writer, mark int, cursor uint64, n int) {
	var hdr [64]byte
	var num [24]byte
	cur := strconv.AppendUint(num[:0], cursor, 10)
	h := append(hdr[:0], "*2\r\n$"...)
	h = strconv.AppendInt(h, int64(len(cur)), 10)
	h = append(h, "\r\n"...)
	h = append(h, cur...)
	h = append(h, "\r\n*"...)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, "\r\n"...)
	genericInsertAt(w, mark, h)
}

// emptyScan is Redis's shared.emptyscan.
const emptyScan = "*2\r\n$1\r\n0\r\n*0\r\n"
