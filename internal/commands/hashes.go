package commands

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	// Small plain hashes are stored as their listpack next to their key.
	keyspace.SetUnpacker(func(b []byte) keyspace.Object { return types.Unpack(b) })
	engine.Register("hset", cmdHSet)
	engine.Register("hmset", cmdHMSet)
	engine.Register("hsetnx", cmdHSetNX)
	engine.Register("hget", cmdHGet)
	engine.Register("hmget", cmdHMGet)
	engine.Register("hgetall", cmdHGetAll)
	engine.Register("hkeys", cmdHKeys)
	engine.Register("hvals", cmdHVals)
	engine.Register("hdel", cmdHDel)
	engine.Register("hexists", cmdHExists)
	engine.Register("hlen", cmdHLen)
	engine.Register("hstrlen", cmdHStrLen)
	engine.Register("hincrby", cmdHIncrBy)
	engine.Register("hincrbyfloat", cmdHIncrByFloat)
	engine.Register("hrandfield", cmdHRandField)
	engine.Register("hscan", cmdHScan)
	// Hash field expiration (Redis 7.4): registered when the command table
	// has their specs (redis-server 7.0.15, the table's source, lacks them).
	for _, r := range []struct {
		name string
		h    engine.Handler
	}{
		{"hexpire", cmdHExpire}, {"hpexpire", cmdHPExpire},
		{"hexpireat", cmdHExpireAt}, {"hpexpireat", cmdHPExpireAt},
		{"httl", cmdHTTL}, {"hpttl", cmdHPTTL},
		{"hexpiretime", cmdHExpireTime}, {"hpexpiretime", cmdHPExpireTime},
		{"hpersist", cmdHPersist},
	} {
		if command.Lookup(r.name) != nil {
			engine.Register(r.name, r.h)
		}
	}
}

var (
	hbHDEL       = []byte("HDEL")
	hbHSET       = []byte("HSET")
	hbHPEXPIREAT = []byte("HPEXPIREAT")
	hbFIELDS     = []byte("FIELDS")
)

// hashGet looks key up as a hash. It returns (nil, true) for a missing key
// and (nil, false) after replying WRONGTYPE. Expired fields are reclaimed
// first (a hash whose fields all expired is deleted and reported missing);
// reaped tells whether that happened, so that a writing handler can
// propagate itself after the reclaiming HDEL (see hashPropagateSelf).
func hashGet(c *engine.Ctx, key []byte, read bool) (h *types.Hash, e *keyspace.Entry, ok, reaped bool) {
	if read {
		e = genericRead(c, key)
	} else {
		e = c.DB.Lookup(key)
	}
	if e == nil {
		return nil, nil, true, false
	}
	h, isHash := e.Obj().(*types.Hash)
	if !isHash {
		c.Err(errs.WrongType)
		return nil, nil, false, false
	}
	if h.HasTTLs() && hashReap(c, key, h) {
		if h.Len() == 0 {
			collDeleted(c, key)
			return nil, nil, true, true
		}
		return h, e, true, true
	}
	return h, e, true, false
}

// hashReap removes h's expired fields, propagating them as HDEL and firing
// "hexpired". It reports whether any field went.
func hashReap(c *engine.Ctx, key []byte, h *types.Hash) bool {
	var fields [][]byte
	n := h.ExpireFields(c.Now(), func(f []byte) { fields = append(fields, bytes.Clone(f)) })
	if n == 0 {
		return false
	}
	argv := make([][]byte, 0, 2+len(fields))
	argv = append(argv, hbHDEL, key)
	argv = append(argv, fields...)
	c.Propagate(argv...)
	c.Modified(key)
	c.Notify(engine.NotifyHash, "hexpired", key)
	return true
}

// hashPropagateSelf propagates the running command after hashReap turned
// propagation into explicit effects.
func hashPropagateSelf(c *engine.Ctx, reaped bool) {
	if reaped {
		c.Propagate(c.Argv...)
	}
}

// hashCreate looks key up for writing, creating an empty hash when missing
// (Redis's hashTypeLookupWriteOrCreate).
func hashCreate(c *engine.Ctx, key []byte) (*types.Hash, *keyspace.Entry, bool, bool) {
	h, e, ok, reaped := hashGet(c, key, false)
	if !ok {
		return nil, nil, false, false
	}
	if h == nil {
		h = types.NewHash()
		e = collAdd(c, key, h)
	}
	return h, e, reaped, true
}

// hashStore records h, changed by the running command, as the value of
// key's entry e. It must follow every change: h may be a view of packed
// bytes (keyspace.Packer), and a small hash goes back to that form.
func hashStore(c *engine.Ctx, key []byte, e *keyspace.Entry, h *types.Hash) {
	c.DB.Store(key, e, h)
}

// hashTryConvert converts a listpack hash when one of args is longer than
// hash-max-listpack-value (Redis's hashTypeTryConversion).
func hashTryConvert(c *engine.Ctx, h *types.Hash, args [][]byte) {
	if !h.IsListpack() {
		return
	}
	max := hashMaxValue(c)
	for _, a := range args {
		if len(a) > max {
			h.Convert()
			return
		}
	}
}

// HSET key field value [field value ...]
func cmdHSet(c *engine.Ctx) { hashSetGeneric(c, true) }

// HMSET key field value [field value ...]
func cmdHMSet(c *engine.Ctx) { hashSetGeneric(c, false) }

func hashSetGeneric(c *engine.Ctx, hset bool) {
	if len(c.Argv)%2 == 1 {
		c.ErrString("ERR wrong number of arguments for '" + c.Cmd.Spec.Name + "' command")
		return
	}
	key := c.Argv[1]
	h, e, reaped, ok := hashCreate(c, key)
	if !ok {
		return
	}
	hashTryConvert(c, h, c.Argv[2:])
	maxEntries, maxValue := hashMaxEntries(c), hashMaxValue(c)
	created := 0
	for i := 2; i < len(c.Argv); i += 2 {
		if h.Set(c.Argv[i], c.Argv[i+1], false, maxEntries, maxValue) {
			created++
		}
	}
	if hset {
		c.W.Int(int64(created))
	} else {
		c.W.OK()
	}
	hashStore(c, key, e, h)
	c.Modified(key)
	c.Notify(engine.NotifyHash, "hset", key)
	hashPropagateSelf(c, reaped)
}

// HSETNX key field value
func cmdHSetNX(c *engine.Ctx) {
	key := c.Argv[1]
	h, e, reaped, ok := hashCreate(c, key)
	if !ok {
		return
	}
	if h.Has(c.Argv[2]) {
		c.W.Int(0)
		return
	}
	hashTryConvert(c, h, c.Argv[2:4])
	h.Set(c.Argv[2], c.Argv[3], false, hashMaxEntries(c), hashMaxValue(c))
	c.W.Int(1)
	hashStore(c, key, e, h)
	c.Modified(key)
	c.Notify(engine.NotifyHash, "hset", key)
	hashPropagateSelf(c, reaped)
}

// HGET key field
func cmdHGet(c *engine.Ctx) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.W.Null()
		return
	}
	if v, found := h.Get(c.Argv[2]); found {
		c.W.Bulk(v)
	} else {
		c.W.Null()
	}
}

// HMGET key field [field ...]
func cmdHMGet(c *engine.Ctx) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	c.W.Array(len(c.Argv) - 2)
	for _, f := range c.Argv[2:] {
		if h != nil {
			if v, found := h.Get(f); found {
				c.W.Bulk(v)
				continue
			}
		}
		c.W.Null()
	}
}

// HGETALL key
func cmdHGetAll(c *engine.Ctx) { hashGetAllGeneric(c, true, true) }

// HKEYS key
func cmdHKeys(c *engine.Ctx) { hashGetAllGeneric(c, true, false) }

// HVALS key
func cmdHVals(c *engine.Ctx) { hashGetAllGeneric(c, false, true) }

func hashGetAllGeneric(c *engine.Ctx, keys, vals bool) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if keys && vals {
		c.W.Map(n)
	} else {
		c.W.Array(n)
	}
	if h == nil {
		return
	}
	w := c.W
	h.ForEach(func(f, v []byte) bool {
		if keys {
			w.Bulk(f)
		}
		if vals {
			w.Bulk(v)
		}
		return true
	})
}

// HDEL key field [field ...]
func cmdHDel(c *engine.Ctx) {
	key := c.Argv[1]
	h, e, ok, reaped := hashGet(c, key, false)
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		hashPropagateSelf(c, reaped)
		return
	}
	deleted := 0
	removed := false
	for _, f := range c.Argv[2:] {
		if h.Delete(f) {
			deleted++
			if h.Len() == 0 {
				c.DB.Delete(key)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		if !removed {
			hashStore(c, key, e, h)
		}
		c.Modified(key)
		c.Notify(engine.NotifyHash, "hdel", key)
		if removed {
			c.Notify(engine.NotifyGeneric, "del", key)
		}
	}
	c.W.Int(int64(deleted))
	hashPropagateSelf(c, reaped && deleted > 0)
}

// HLEN key
func cmdHLen(c *engine.Ctx) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.Len()))
}

// HSTRLEN key field
func cmdHStrLen(c *engine.Ctx) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.StrLen(c.Argv[2])))
}

// HEXISTS key field
func cmdHExists(c *engine.Ctx) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h != nil && h.Has(c.Argv[2]) {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

// HINCRBY key field increment
func cmdHIncrBy(c *engine.Ctx) {
	incr, ok := parseLong(c, c.Argv[3])
	if !ok {
		return
	}
	key := c.Argv[1]
	h, e, reaped, ok := hashCreate(c, key)
	if !ok {
		return
	}
	var value int64
	if v, found := h.Get(c.Argv[2]); found {
		n, isInt := parseInt(v)
		if !isInt {
			c.ErrString("ERR hash value is not an integer")
			return
		}
		value = n
	}
	if addOverflows(value, incr) {
		c.Err(errs.Overflow)
		return
	}
	value += incr
	var tmp [24]byte
	nv := strconv.AppendInt(tmp[:0], value, 10)
	h.Set(c.Argv[2], nv, true, hashMaxEntries(c), hashMaxValue(c))
	c.W.Int(value)
	hashStore(c, key, e, h)
	c.Modified(key)
	c.Notify(engine.NotifyHash, "hincrby", key)
	hashPropagateSelf(c, reaped)
}

// HINCRBYFLOAT key field increment
func cmdHIncrByFloat(c *engine.Ctx) {
	incr, st := parseLongDouble(c.Argv[3])
	if st == ldInvalid {
		c.Err(errs.NotFloat)
		return
	}
	if st == ldInf {
		c.ErrString("ERR value is NaN or Infinity")
		return
	}
	key := c.Argv[1]
	h, e, _, ok := hashCreate(c, key)
	if !ok {
		return
	}
	value := newLD()
	if v, found := h.Get(c.Argv[2]); found {
		x, vst := parseLongDouble(v)
		if vst != ldOK {
			c.ErrString("ERR hash value is not a float")
			return
		}
		value = x
	}
	sum, fin := addLongDouble(value, incr)
	if !fin {
		c.Err(errs.IncrNaN)
		return
	}
	s := formatLongDouble(sum)
	h.Set(c.Argv[2], s, true, hashMaxEntries(c), hashMaxValue(c))
	c.W.Bulk(s)
	hashStore(c, key, e, h)
	c.Modified(key)
	c.Notify(engine.NotifyHash, "hincrbyfloat", key)
	// Always propagated as HSET with the final value.
	c.Propagate(hbHSET, key, c.Argv[2], s)
}

// HRANDFIELD key [count [WITHVALUES]]
func cmdHRandField(c *engine.Ctx) {
	if len(c.Argv) >= 3 {
		l, ok := parseRange(c, c.Argv[2], -math.MaxInt64, math.MaxInt64, "")
		if !ok {
			return
		}
		withValues := false
		if len(c.Argv) > 4 || (len(c.Argv) == 4 && !eqFold(c.Argv[3], "WITHVALUES")) {
			c.Err(errs.Syntax)
			return
		} else if len(c.Argv) == 4 {
			withValues = true
			if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
				c.ErrString("ERR value is out of range")
				return
			}
		}
		hashRandWithCount(c, l, withValues)
		return
	}
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.W.Null()
		return
	}
	f, _ := h.At(rand.IntN(h.Len()))
	c.W.Bulk(f)
}

func hashRandWithCount(c *engine.Ctx, l int64, withValues bool) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.W.Array(0)
		return
	}
	w := c.W
	resp3 := w.Proto >= 3
	size := int64(h.Len())
	count, uniq := l, true
	if l < 0 {
		count, uniq = -l, false
	}
	if count == 0 {
		w.Array(0)
		return
	}
	pair := func(f, v []byte) {
		if withValues && resp3 {
			w.Array(2)
		}
		w.Bulk(f)
		if withValues {
			w.Bulk(v)
		}
	}
	header := func(n int64) {
		if withValues && !resp3 {
			w.Array(int(2 * n))
		} else {
			w.Array(int(n))
		}
	}
	// With repetitions (negative count), or a single element.
	if !uniq || count == 1 {
		header(count)
		for i := int64(0); i < count; i++ {
			pair(h.At(rand.IntN(int(size))))
		}
		return
	}
	// The whole hash.
	if count >= size {
		header(size)
		h.ForEach(func(f, v []byte) bool { pair(f, v); return true })
		return
	}
	// Distinct random fields: a partial Fisher-Yates shuffle of indexes.
	header(count)
	idx := make([]int32, size)
	for i := range idx {
		idx[i] = int32(i)
	}
	for i := int64(0); i < count; i++ {
		j := i + rand.Int64N(size-i)
		idx[i], idx[j] = idx[j], idx[i]
		pair(h.At(int(idx[i])))
	}
}

// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
func cmdHScan(c *engine.Ctx) {
	cursor, ok := genericParseCursor(c.Argv[2])
	if !ok {
		c.ErrString("ERR invalid cursor")
		return
	}
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.W.Raw([]byte(emptyScan))
		return
	}
	o, ok := parseScanOpts(c, 3, hashNoValuesAllowed)
	if !ok {
		return
	}
	w := c.W
	mark := w.Len()
	n := 0
	next := h.Scan(cursor, o.count, func(f, v []byte) {
		if !o.match(f) {
			return
		}
		w.Bulk(f)
		n++
		if !o.noValues {
			w.Bulk(v)
			n++
		}
	})
	writeScanReply(w, mark, next, n)
}

// hashNoValuesAllowed enables HSCAN NOVALUES (Redis 7.4) together with the
// other 7.4 hash commands.
var hashNoValuesAllowed = command.Lookup("hpersist") != nil

// --- Hash field expiration (Redis 7.4) ---

// hfeMaxAbsMs is the largest absolute field expiry time Redis accepts.
const hfeMaxAbsMs = 1<<46 - 1

// hashFields parses "FIELDS numfields field ..." starting at argv[at]
// (the FIELDS token) and returns the fields.
func hashFields(c *engine.Ctx, at int) ([][]byte, bool) {
	if at >= len(c.Argv) || !eqFold(c.Argv[at], "FIELDS") {
		c.ErrString("ERR Mandatory argument FIELDS is missing or not at the right position")
		return nil, false
	}
	if at+1 >= len(c.Argv) {
		c.ErrString("ERR Number of fields must be a positive integer")
		return nil, false
	}
	n, ok := parseRange(c, c.Argv[at+1], 1, math.MaxInt64, "Number of fields must be a positive integer")
	if !ok {
		return nil, false
	}
	if n != int64(len(c.Argv)-at-2) {
		c.ErrString("ERR The `numfields` parameter must match the number of arguments")
		return nil, false
	}
	return c.Argv[at+2:], true
}

// HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
func cmdHExpire(c *engine.Ctx) { hashExpireGeneric(c, c.Now(), 1000) }

// HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
func cmdHPExpire(c *engine.Ctx) { hashExpireGeneric(c, c.Now(), 1) }

// HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
func cmdHExpireAt(c *engine.Ctx) { hashExpireGeneric(c, 0, 1000) }

// HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
func cmdHPExpireAt(c *engine.Ctx) { hashExpireGeneric(c, 0, 1) }

const (
	hfeNX = 1 + iota
	hfeXX
	hfeGT
	hfeLT
)

func hashExpireGeneric(c *engine.Ctx, base, unit int64) {
	key := c.Argv[1]
	h, e, ok, _ := hashGet(c, key, false)
	if !ok {
		return
	}
	expire, ok := parseLong(c, c.Argv[2])
	if !ok {
		return
	}
	if expire < 0 {
		c.ErrString("ERR invalid expire time, must be >= 0")
		return
	}
	if unit == 1000 {
		if expire > hfeMaxAbsMs/1000 {
			errInvalidExpire(c)
			return
		}
		expire *= 1000
	}
	if expire > hfeMaxAbsMs-base {
		errInvalidExpire(c)
		return
	}
	at := expire + base
	cond := 0
	fieldsAt := 3
	if len(c.Argv) > 3 {
		switch {
		case eqFold(c.Argv[3], "NX"):
			cond = hfeNX
		case eqFold(c.Argv[3], "XX"):
			cond = hfeXX
		case eqFold(c.Argv[3], "GT"):
			cond = hfeGT
		case eqFold(c.Argv[3], "LT"):
			cond = hfeLT
		}
		if cond != 0 {
			fieldsAt++
		}
	}
	fields, ok := hashFields(c, fieldsAt)
	if !ok {
		return
	}
	c.W.Array(len(fields))
	if h == nil {
		for range fields {
			c.W.Int(-2)
		}
		return
	}
	now := c.Now()
	var updated, deleted [][]byte
	for _, f := range fields {
		cur, exists := h.FieldExpire(f)
		if !exists {
			c.W.Int(-2)
			continue
		}
		met := true
		switch cond {
		case hfeNX:
			met = cur == 0
		case hfeXX:
			met = cur != 0
		case hfeGT:
			met = cur != 0 && at > cur
		case hfeLT:
			met = cur == 0 || at < cur
		}
		if !met {
			c.W.Int(0)
			continue
		}
		if at <= now {
			h.Delete(f)
			deleted = append(deleted, f)
			c.W.Int(2)
			continue
		}
		h.SetFieldExpire(f, at)
		updated = append(updated, f)
		c.W.Int(1)
	}
	if len(updated) == 0 && len(deleted) == 0 {
		return
	}
	if h.Len() > 0 {
		hashStore(c, key, e, h)
	}
	c.Modified(key)
	if len(updated) > 0 {
		c.Notify(engine.NotifyHash, "hexpire", key)
		argv := [][]byte{hbHPEXPIREAT, key, strconv.AppendInt(nil, at, 10), hbFIELDS, strconv.AppendInt(nil, int64(len(updated)), 10)}
		c.Propagate(append(argv, updated...)...)
	}
	if len(deleted) > 0 {
		c.Notify(engine.NotifyHash, "hdel", key)
		c.Propagate(append([][]byte{hbHDEL, key}, deleted...)...)
	}
	if h.Len() == 0 {
		collDeleted(c, key)
	}
}

// HTTL key FIELDS numfields field [field ...]
func cmdHTTL(c *engine.Ctx) { hashTTLGeneric(c, true, true) }

// HPTTL key FIELDS numfields field [field ...]
func cmdHPTTL(c *engine.Ctx) { hashTTLGeneric(c, true, false) }

// HEXPIRETIME key FIELDS numfields field [field ...]
func cmdHExpireTime(c *engine.Ctx) { hashTTLGeneric(c, false, true) }

// HPEXPIRETIME key FIELDS numfields field [field ...]
func cmdHPExpireTime(c *engine.Ctx) { hashTTLGeneric(c, false, false) }

func hashTTLGeneric(c *engine.Ctx, relative, seconds bool) {
	h, _, ok, _ := hashGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	fields, ok := hashFields(c, 2)
	if !ok {
		return
	}
	base := int64(0)
	if relative {
		base = c.Now()
	}
	c.W.Array(len(fields))
	for _, f := range fields {
		if h == nil {
			c.W.Int(-2)
			continue
		}
		at, exists := h.FieldExpire(f)
		switch {
		case !exists:
			c.W.Int(-2)
		case at == 0:
			c.W.Int(-1)
		case seconds:
			c.W.Int((at + 999 - base) / 1000)
		default:
			c.W.Int(at - base)
		}
	}
}

// HPERSIST key FIELDS numfields field [field ...]
func cmdHPersist(c *engine.Ctx) {
	key := c.Argv[1]
	h, e, ok, reaped := hashGet(c, key, false)
	if !ok {
		return
	}
	fields, ok := hashFields(c, 2)
	if !ok {
		return
	}
	c.W.Array(len(fields))
	changed := false
	for _, f := range fields {
		if h == nil {
			c.W.Int(-2)
			continue
		}
		at, exists := h.FieldExpire(f)
		switch {
		case !exists:
			c.W.Int(-2)
		case at == 0:
			c.W.Int(-1)
		default:
			h.PersistField(f)
			changed = true
			c.W.Int(1)
		}
	}
	if changed {
		hashStore(c, key, e, h)
		c.Modified(key)
		c.Notify(engine.NotifyHash, "hpersist", key)
		hashPropagateSelf(c, reaped)
	}
}
