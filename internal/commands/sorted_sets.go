package commands

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/glob"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	engine.Register("zadd", cmdZAdd)
	engine.Register("zincrby", cmdZIncrBy)
	engine.Register("zscore", cmdZScore)
	engine.Register("zmscore", cmdZMScore)
	engine.Register("zcard", cmdZCard)
	engine.Register("zcount", cmdZCount)
	engine.Register("zlexcount", cmdZLexCount)
	engine.Register("zrange", cmdZRange)
	engine.Register("zrangestore", cmdZRangeStore)
	engine.Register("zrangebyscore", cmdZRangeByScore)
	engine.Register("zrevrangebyscore", cmdZRevRangeByScore)
	engine.Register("zrangebylex", cmdZRangeByLex)
	engine.Register("zrevrangebylex", cmdZRevRangeByLex)
	engine.Register("zrevrange", cmdZRevRange)
	engine.Register("zrank", cmdZRank)
	engine.Register("zrevrank", cmdZRevRank)
	engine.Register("zrem", cmdZRem)
	engine.Register("zremrangebyscore", cmdZRemRangeByScore)
	engine.Register("zremrangebyrank", cmdZRemRangeByRank)
	engine.Register("zremrangebylex", cmdZRemRangeByLex)
	engine.Register("zpopmin", cmdZPopMin)
	engine.Register("zpopmax", cmdZPopMax)
	engine.Register("zmpop", cmdZMPop)
	engine.Register("bzpopmin", cmdBZPopMin)
	engine.Register("bzpopmax", cmdBZPopMax)
	engine.Register("bzmpop", cmdBZMPop)
	engine.Register("zrandmember", cmdZRandMember)
	engine.Register("zunion", cmdZUnion)
	engine.Register("zinter", cmdZInter)
	engine.Register("zdiff", cmdZDiff)
	engine.Register("zunionstore", cmdZUnionStore)
	engine.Register("zinterstore", cmdZInterStore)
	engine.Register("zdiffstore", cmdZDiffStore)
	engine.Register("zintercard", cmdZInterCard)
	engine.Register("zscan", cmdZScan)
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
func cmdZAdd(c *engine.Ctx) { zsAddGeneric(c, c.Argv, 0) }

// ZINCRBY key increment member
func cmdZIncrBy(c *engine.Ctx) { zsAddGeneric(c, c.Argv, types.ZAddIncr) }

// zsAddGeneric implements ZADD and ZINCRBY (and GEOADD, with a ZADD
// argv) as Redis's zaddGenericCommand. It reports whether the set changed.
func zsAddGeneric(c *engine.Ctx, argv [][]byte, flags int) bool {
	key := argv[1]
	ch := false
	scoreidx := 2
	for ; scoreidx < len(argv); scoreidx++ {
		opt := argv[scoreidx]
		switch {
		case eqFold(opt, "NX"):
			flags |= types.ZAddNX
		case eqFold(opt, "XX"):
			flags |= types.ZAddXX
		case eqFold(opt, "CH"):
			ch = true
		case eqFold(opt, "INCR"):
			flags |= types.ZAddIncr
		case eqFold(opt, "GT"):
			flags |= types.ZAddGT
		case eqFold(opt, "LT"):
			flags |= types.ZAddLT
		default:
			goto parsed
		}
	}
parsed:
	incr := flags&types.ZAddIncr != 0
	nx := flags&types.ZAddNX != 0
	xx := flags&types.ZAddXX != 0
	gt := flags&types.ZAddGT != 0
	lt := flags&types.ZAddLT != 0
	elements := len(argv) - scoreidx
	if elements%2 != 0 || elements == 0 {
		c.Err(errs.Syntax)
		return false
	}
	elements /= 2
	if nx && xx {
		c.ErrString(errZXXNX)
		return false
	}
	if (gt && nx) || (lt && nx) || (gt && lt) {
		c.ErrString(errZGTLTNX)
		return false
	}
	if incr && elements > 1 {
		c.ErrString(errZIncrPair)
		return false
	}
	var sbuf [16]float64
	scores := sbuf[:0]
	if elements > len(sbuf) {
		scores = make([]float64, 0, elements)
	}
	for j := 0; j < elements; j++ {
		s, ok := zsGetDouble(argv[scoreidx+2*j])
		if !ok {
			c.Err(errs.NotFloat)
			return false
		}
		scores = append(scores, s)
	}
	z, ok := zsLookupWrite(c, key)
	if !ok {
		return false
	}
	added, updated, processed := 0, 0, 0
	var score float64
	if z == nil {
		if xx {
			goto reply
		}
		lim := zsLimits(c)
		if lim.Entries == 0 || lim.Value < len(argv[scoreidx+1]) {
			z = types.NewZSetSkiplist(0)
		} else {
			z = types.NewZSet()
		}
		zsCreate(c, key, z)
	}
	{
		lim := zsLimits(c)
		for j := 0; j < elements; j++ {
			out, ns := z.Add(scores[j], argv[scoreidx+1+2*j], flags, lim)
			if out&types.ZAddOutNaN != 0 {
				c.ErrString(errZNaN)
				return zsAddDone(c, key, incr, added, updated)
			}
			if out&types.ZAddOutAdded != 0 {
				added++
			}
			if out&types.ZAddOutUpdated != 0 {
				updated++
			}
			if out&types.ZAddOutNop == 0 {
				processed++
				score = ns
			}
		}
	}
reply:
	if incr {
		if processed > 0 {
			c.W.Double(score)
		} else {
			c.W.Null()
		}
	} else if ch {
		c.W.Int(int64(added + updated))
	} else {
		c.W.Int(int64(added))
	}
	return zsAddDone(c, key, incr, added, updated)
}

func zsAddDone(c *engine.Ctx, key []byte, incr bool, added, updated int) bool {
	if added == 0 && updated == 0 {
		return false
	}
	zsModified(c, key, added+updated)
	if incr {
		c.Notify(engine.NotifyZSet, "zincr", key)
	} else {
		c.Notify(engine.NotifyZSet, "zadd", key)
	}
	c.SignalReady(key)
	return true
}

// ZSCORE key member
func cmdZScore(c *engine.Ctx) {
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	if s, found := z.Score(c.Argv[2]); found {
		c.W.Double(s)
	} else {
		c.W.Null()
	}
}

// ZMSCORE key member [member ...]
func cmdZMScore(c *engine.Ctx) {
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Argv) - 2)
	for _, m := range c.Argv[2:] {
		if z == nil {
			c.W.Null()
			continue
		}
		if s, found := z.Score(m); found {
			c.W.Double(s)
		} else {
			c.W.Null()
		}
	}
}

// ZCARD key
func cmdZCard(c *engine.Ctx) {
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.Len()))
}

// ZCOUNT key min max
func cmdZCount(c *engine.Ctx) {
	r, ok := zsParseRange(c.Argv[2], c.Argv[3])
	if !ok {
		c.ErrString(errZMinMaxFloat)
		return
	}
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.CountInRange(&r)))
}

// ZLEXCOUNT key min max
func cmdZLexCount(c *engine.Ctx) {
	r, ok := zsParseLex(c.Argv[2], c.Argv[3])
	if !ok {
		c.ErrString(errZMinMaxLex)
		return
	}
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.CountInLex(&r)))
}

// Range kinds and directions of zsRangeGeneric.
const (
	zrAuto = iota
	zrRank
	zrScore
	zrLex
)

const (
	zdAuto = iota
	zdForward
	zdReverse
)

// zsRangeOut consumes the members of a range: a client reply or a
// destination set (ZRANGESTORE).
type zsRangeOut struct {
	c          *engine.Ctx
	store      bool
	withscores bool
	nested     bool // RESP3 WITHSCORES: [member, score] pairs
	mark       int
	deferred   bool
	dst        *types.ZSet
	lim        types.ZLimits
	count      int
}

func (o *zsRangeOut) begin(length int) {
	if o.store {
		o.dst = types.NewZSet()
		o.lim = zsLimits(o.c)
		return
	}
	if length > 0 {
		if o.withscores && !o.nested {
			length *= 2
		}
		o.c.W.Array(length)
		return
	}
	o.deferred = true
	o.mark = o.c.W.DeferLen()
}

func (o *zsRangeOut) emit(m []byte, score float64) {
	o.count++
	if o.store {
		o.dst.Add(score, m, 0, o.lim)
		return
	}
	w := o.c.W
	if o.nested {
		w.Array(2)
	}
	w.Bulk(m)
	if o.withscores {
		w.Double(score)
	}
}

func (o *zsRangeOut) finish(dstkey []byte) {
	if o.store {
		n := zsStore(o.c, dstkey, o.dst, "zrangestore")
		o.c.W.Int(int64(n))
		return
	}
	if o.deferred {
		n := o.count
		if o.withscores && !o.nested {
			n *= 2
		}
		o.c.W.SetDeferred(o.mark, '*', n)
	}
}

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
func cmdZRange(c *engine.Ctx) { zsRangeGeneric(c, 1, false, zrAuto, zdAuto) }

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
func cmdZRangeStore(c *engine.Ctx) { zsRangeGeneric(c, 2, true, zrAuto, zdAuto) }

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
func cmdZRangeByScore(c *engine.Ctx) { zsRangeGeneric(c, 1, false, zrScore, zdForward) }

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
func cmdZRevRangeByScore(c *engine.Ctx) { zsRangeGeneric(c, 1, false, zrScore, zdReverse) }

// ZRANGEBYLEX key min max [LIMIT offset count]
func cmdZRangeByLex(c *engine.Ctx) { zsRangeGeneric(c, 1, false, zrLex, zdForward) }

// ZREVRANGEBYLEX key max min [LIMIT offset count]
func cmdZRevRangeByLex(c *engine.Ctx) { zsRangeGeneric(c, 1, false, zrLex, zdReverse) }

// ZREVRANGE key start stop [WITHSCORES]
func cmdZRevRange(c *engine.Ctx) { zsRangeGeneric(c, 1, false, zrRank, zdReverse) }

// zsRangeGeneric implements the ZRANGE family as Redis's zrangeGenericCommand.
func zsRangeGeneric(c *engine.Ctx, argcStart int, store bool, rangetype, direction int) {
	argv := c.Argv
	key := argv[argcStart]
	minidx, maxidx := argcStart+1, argcStart+2
	var optStart, optEnd, optOffset int64
	optLimit := int64(-1)
	withscores := false
	for j := argcStart + 3; j < len(argv); j++ {
		left := len(argv) - j - 1
		a := argv[j]
		switch {
		case !store && eqFold(a, "WITHSCORES"):
			withscores = true
		case eqFold(a, "LIMIT") && left >= 2:
			var ok bool
			if optOffset, ok = zsParseLong(c, argv[j+1]); !ok {
				return
			}
			if optLimit, ok = zsParseLong(c, argv[j+2]); !ok {
				return
			}
			j += 2
		case direction == zdAuto && eqFold(a, "REV"):
			direction = zdReverse
		case rangetype == zrAuto && eqFold(a, "BYLEX"):
			rangetype = zrLex
		case rangetype == zrAuto && eqFold(a, "BYSCORE"):
			rangetype = zrScore
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if direction == zdAuto {
		direction = zdForward
	}
	if rangetype == zrAuto {
		rangetype = zrRank
	}
	if optLimit != -1 && rangetype == zrRank {
		c.ErrString(errZLimitRank)
		return
	}
	if withscores && rangetype == zrLex {
		c.ErrString(errZWithscores)
		return
	}
	reverse := direction == zdReverse
	if reverse && (rangetype == zrScore || rangetype == zrLex) {
		minidx, maxidx = maxidx, minidx
	}
	var sr types.ZRangeSpec
	var lr types.ZLexSpec
	switch rangetype {
	case zrRank:
		var ok bool
		if optStart, ok = zsParseLong(c, argv[minidx]); !ok {
			return
		}
		if optEnd, ok = zsParseLong(c, argv[maxidx]); !ok {
			return
		}
	case zrScore:
		var ok bool
		if sr, ok = zsParseRange(argv[minidx], argv[maxidx]); !ok {
			c.ErrString(errZMinMaxFloat)
			return
		}
	case zrLex:
		var ok bool
		if lr, ok = zsParseLex(argv[minidx], argv[maxidx]); !ok {
			c.ErrString(errZMinMaxLex)
			return
		}
	}
	out := zsRangeOut{c: c, store: store, withscores: withscores || store}
	out.nested = out.withscores && !store && c.C.Proto > 2
	z, ok := zsLookupRead(c, key)
	if !ok {
		return
	}
	if z == nil {
		if store {
			out.begin(-1)
			out.finish(argv[1])
		} else {
			c.W.Array(0)
		}
		return
	}
	switch rangetype {
	case zrRank:
		llen := int64(z.Len())
		start, end := optStart, optEnd
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= llen {
			out.begin(0)
			out.finish(argv[1])
			return
		}
		if end >= llen {
			end = llen - 1
		}
		out.begin(int(end - start + 1))
		z.RangeByRank(int(start), int(end), reverse, out.emit)
	case zrScore:
		out.begin(-1)
		z.RangeByScore(&sr, reverse, zsClampOffset(optOffset), zsClampOffset(optLimit), out.emit)
	case zrLex:
		out.begin(-1)
		z.RangeByLex(&lr, reverse, zsClampOffset(optOffset), zsClampOffset(optLimit), out.emit)
	}
	out.finish(argv[1])
}

func zsClampOffset(n int64) int {
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	if n < math.MinInt32 {
		return -1
	}
	return int(n)
}

// ZRANK key member
func cmdZRank(c *engine.Ctx) { zsRankGeneric(c, false) }

// ZREVRANK key member
func cmdZRevRank(c *engine.Ctx) { zsRankGeneric(c, true) }

func zsRankGeneric(c *engine.Ctx, reverse bool) {
	withscore := false
	if len(c.Argv) > 3 {
		if len(c.Argv) > 4 || !eqFold(c.Argv[3], "WITHSCORE") {
			c.Err(errs.Syntax)
			return
		}
		withscore = true
	}
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	if z == nil {
		if withscore {
			c.W.NullArray()
		} else {
			c.W.Null()
		}
		return
	}
	r, s, found := z.Rank(c.Argv[2], reverse)
	switch {
	case !found && withscore:
		c.W.NullArray()
	case !found:
		c.W.Null()
	case withscore:
		c.W.Array(2)
		c.W.Int(int64(r))
		c.W.Double(s)
	default:
		c.W.Int(int64(r))
	}
}

// ZREM key member [member ...]
func cmdZRem(c *engine.Ctx) {
	key := c.Argv[1]
	z, ok := zsLookupWrite(c, key)
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	deleted := 0
	removed := false
	for _, m := range c.Argv[2:] {
		if z.Delete(m) {
			deleted++
		}
		if z.Len() == 0 {
			c.DB.Delete(key)
			removed = true
			break
		}
	}
	if deleted > 0 {
		c.Notify(engine.NotifyZSet, "zrem", key)
		if removed {
			c.Notify(engine.NotifyGeneric, "del", key)
		}
		zsModified(c, key, deleted)
	}
	c.W.Int(int64(deleted))
}

// ZREMRANGEBYSCORE key min max
func cmdZRemRangeByScore(c *engine.Ctx) { zsRemRangeGeneric(c, zrScore) }

// ZREMRANGEBYRANK key start stop
func cmdZRemRangeByRank(c *engine.Ctx) { zsRemRangeGeneric(c, zrRank) }

// ZREMRANGEBYLEX key min max
func cmdZRemRangeByLex(c *engine.Ctx) { zsRemRangeGeneric(c, zrLex) }

func zsRemRangeGeneric(c *engine.Ctx, rangetype int) {
	key := c.Argv[1]
	var start, end int64
	var sr types.ZRangeSpec
	var lr types.ZLexSpec
	var event string
	switch rangetype {
	case zrRank:
		event = "zremrangebyrank"
		var ok bool
		if start, ok = zsParseLong(c, c.Argv[2]); !ok {
			return
		}
		if end, ok = zsParseLong(c, c.Argv[3]); !ok {
			return
		}
	case zrScore:
		event = "zremrangebyscore"
		var ok bool
		if sr, ok = zsParseRange(c.Argv[2], c.Argv[3]); !ok {
			c.ErrString(errZMinMaxFloat)
			return
		}
	case zrLex:
		event = "zremrangebylex"
		var ok bool
		if lr, ok = zsParseLex(c.Argv[2], c.Argv[3]); !ok {
			c.ErrString(errZMinMaxLex)
			return
		}
	}
	z, ok := zsLookupWrite(c, key)
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	deleted := 0
	switch rangetype {
	case zrRank:
		llen := int64(z.Len())
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= llen {
			c.W.Int(0)
			return
		}
		if end >= llen {
			end = llen - 1
		}
		deleted = z.DeleteRangeByRank(int(start), int(end))
	case zrScore:
		deleted = z.DeleteRangeByScore(&sr)
	case zrLex:
		deleted = z.DeleteRangeByLex(&lr)
	}
	removed := false
	if z.Len() == 0 {
		c.DB.Delete(key)
		removed = true
	}
	if deleted > 0 {
		zsModified(c, key, deleted)
		c.Notify(engine.NotifyZSet, event, key)
		if removed {
			c.Notify(engine.NotifyGeneric, "del", key)
		}
	}
	c.W.Int(int64(deleted))
}

var (
	bZPOPMIN = []byte("ZPOPMIN")
	bZPOPMAX = []byte("ZPOPMAX")
)

// zsPop pops from the first non-empty sorted set among keys, as Redis's
// genericZpopCommand; count -1 is a single pop. It writes the reply and
// returns the key popped from (nil when none) and how many were popped.
func zsPop(c *engine.Ctx, keys [][]byte, max bool, emitkey bool, count int64, nested, nilWhenEmpty bool) ([]byte, int) {
	var key []byte
	var z *types.ZSet
	for _, k := range keys {
		e := c.DB.Lookup(k)
		if e == nil {
			continue
		}
		var ok bool
		if z, ok = zsGet(c, e); !ok {
			return nil, 0
		}
		key = k
		break
	}
	w := c.W
	if z == nil {
		if nilWhenEmpty {
			w.NullArray()
		} else {
			w.Array(0)
		}
		return nil, 0
	}
	if count == 0 {
		w.Array(0)
		return nil, 0
	}
	if count == -1 {
		count = 1
	}
	llen := int64(z.Len())
	rangelen := count
	if rangelen > llen {
		rangelen = llen
	}
	switch {
	case !nested && !emitkey:
		w.Array(int(rangelen * 2))
	case nested && !emitkey:
		w.Array(int(rangelen))
	case !nested && emitkey:
		w.Array(int(rangelen*2 + 1))
		w.Bulk(key)
	default:
		w.Array(2)
		w.Bulk(key)
		w.Array(int(rangelen))
	}
	for i := int64(0); i < rangelen; i++ {
		m, s, _ := z.Pop(max)
		if i == 0 {
			if max {
				c.Notify(engine.NotifyZSet, "zpopmax", key)
			} else {
				c.Notify(engine.NotifyZSet, "zpopmin", key)
			}
		}
		if nested {
			w.Array(2)
		}
		w.Bulk(m)
		w.Double(s)
	}
	zsModified(c, key, int(rangelen))
	if z.Len() == 0 {
		c.DB.Delete(key)
		c.Notify(engine.NotifyGeneric, "del", key)
	}
	return key, int(rangelen)
}

// zsPropagatePop propagates a pop as ZPOPMIN/ZPOPMAX key [count].
func zsPropagatePop(c *engine.Ctx, key []byte, max bool, count int, withCount bool) {
	name := bZPOPMIN
	if max {
		name = bZPOPMAX
	}
	if withCount {
		var tmp [20]byte
		c.Propagate(name, key, strconv.AppendInt(tmp[:0], int64(count), 10))
	} else {
		c.Propagate(name, key)
	}
}

// ZPOPMIN key [count]
func cmdZPopMin(c *engine.Ctx) { zsPopMinMax(c, false) }

// ZPOPMAX key [count]
func cmdZPopMax(c *engine.Ctx) { zsPopMinMax(c, true) }

func zsPopMinMax(c *engine.Ctx, max bool) {
	if len(c.Argv) > 3 {
		c.Err(errs.Syntax)
		return
	}
	count := int64(-1)
	if len(c.Argv) == 3 {
		var ok bool
		if count, ok = zsPositiveLong(c, c.Argv[2]); !ok {
			return
		}
	}
	nested := c.C.Proto > 2 && count != -1
	zsPop(c, c.Argv[1:2], max, false, count, nested, false)
}

// zsParseMPop parses the tail of ZMPOP/BZMPOP from numkeys on.
func zsParseMPop(c *engine.Ctx, numkeysIdx int) (keys [][]byte, max bool, count int64, ok bool) {
	argv := c.Argv
	numkeys, ok := zsRangeLong(c, argv[numkeysIdx], 1, errZNumkeys)
	if !ok {
		return nil, false, 0, false
	}
	if numkeys > int64(len(argv)) {
		c.Err(errs.Syntax)
		return nil, false, 0, false
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	if whereIdx >= len(argv) {
		c.Err(errs.Syntax)
		return nil, false, 0, false
	}
	switch {
	case eqFold(argv[whereIdx], "MIN"):
	case eqFold(argv[whereIdx], "MAX"):
		max = true
	default:
		c.Err(errs.Syntax)
		return nil, false, 0, false
	}
	count = -1
	for j := whereIdx + 1; j < len(argv); j++ {
		more := len(argv) - 1 - j
		if count == -1 && eqFold(argv[j], "COUNT") && more > 0 {
			j++
			if count, ok = zsRangeLong(c, argv[j], 1, errZCount); !ok {
				return nil, false, 0, false
			}
		} else {
			c.Err(errs.Syntax)
			return nil, false, 0, false
		}
	}
	if count == -1 {
		count = 1
	}
	return argv[numkeysIdx+1 : whereIdx], max, count, true
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
func cmdZMPop(c *engine.Ctx) {
	keys, max, count, ok := zsParseMPop(c, 1)
	if !ok {
		return
	}
	key, n := zsPop(c, keys, max, true, count, true, true)
	if key != nil {
		zsPropagatePop(c, key, max, n, true)
	}
}

// BZPOPMIN key [key ...] timeout
func cmdBZPopMin(c *engine.Ctx) {
	zsBlockingPop(c, c.Argv[1:len(c.Argv)-1], false, len(c.Argv)-1, -1, false, false)
}

// BZPOPMAX key [key ...] timeout
func cmdBZPopMax(c *engine.Ctx) {
	zsBlockingPop(c, c.Argv[1:len(c.Argv)-1], true, len(c.Argv)-1, -1, false, false)
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
func cmdBZMPop(c *engine.Ctx) {
	keys, max, count, ok := zsParseMPop(c, 2)
	if !ok {
		return
	}
	zsBlockingPop(c, keys, max, 1, count, true, true)
}

// zsBlockingPop is Redis's blockingGenericZpopCommand.
func zsBlockingPop(c *engine.Ctx, keys [][]byte, max bool, timeoutIdx int, count int64, nested, nilWhenEmpty bool) {
	timeout, ok := parseTimeout(c, c.Argv[timeoutIdx])
	if !ok {
		return
	}
	for _, k := range keys {
		e := c.DB.Lookup(k)
		if e == nil {
			continue
		}
		z, ok := zsGet(c, e)
		if !ok {
			return
		}
		if z.Len() == 0 {
			continue
		}
		zsServePop(c, k, max, count, nested, nilWhenEmpty)
		return
	}
	if !c.CanBlock() {
		c.W.NullArray()
		return
	}
	c.Block(keys, timeout, nil, func(c *engine.Ctx, key []byte) bool {
		e := c.DB.Lookup(key)
		if e == nil {
			return false
		}
		z, ok := e.Obj().(*types.ZSet)
		if !ok || z.Len() == 0 {
			return false
		}
		zsServePop(c, key, max, count, nested, nilWhenEmpty)
		return true
	})
}

// zsServePop pops from key (a non-empty sorted set) for a blocking pop and
// propagates it as ZPOPMIN/ZPOPMAX.
func zsServePop(c *engine.Ctx, key []byte, max bool, count int64, nested, nilWhenEmpty bool) {
	k, n := zsPop(c, [][]byte{key}, max, true, count, nested, nilWhenEmpty)
	if k != nil {
		zsPropagatePop(c, k, max, n, count != -1)
	}
}

// ZRANDMEMBER key [count [WITHSCORES]]
func cmdZRandMember(c *engine.Ctx) {
	argv := c.Argv
	if len(argv) >= 3 {
		l, ok := zsParseLong(c, argv[2])
		if !ok {
			return
		}
		if l < -math.MaxInt64 {
			c.ErrString("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
			return
		}
		withscores := false
		if len(argv) > 4 || (len(argv) == 4 && !eqFold(argv[3], "WITHSCORES")) {
			c.Err(errs.Syntax)
			return
		} else if len(argv) == 4 {
			withscores = true
			if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
				c.ErrString("ERR value is out of range")
				return
			}
		}
		zsRandWithCount(c, l, withscores)
		return
	}
	z, ok := zsLookupRead(c, argv[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	m, _ := z.RandomMember()
	c.W.Bulk(m)
}

func zsRandWithCount(c *engine.Ctx, l int64, withscores bool) {
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	w := c.W
	if z == nil {
		w.Array(0)
		return
	}
	size := uint64(z.Len())
	uniq := true
	var count uint64
	if l >= 0 {
		count = uint64(l)
	} else {
		count = uint64(-l)
		uniq = false
	}
	if count == 0 {
		w.Array(0)
		return
	}
	nested := withscores && c.C.Proto > 2
	emit := func(m []byte, s float64) {
		if nested {
			w.Array(2)
		}
		w.Bulk(m)
		if withscores {
			w.Double(s)
		}
	}
	if !uniq || count == 1 {
		if withscores && !nested {
			w.Array(int(count * 2))
		} else {
			w.Array(int(count))
		}
		for ; count > 0; count-- {
			emit(z.RandomMember())
		}
		return
	}
	n := count
	if n > size {
		n = size
	}
	if withscores && !nested {
		w.Array(int(n * 2))
	} else {
		w.Array(int(n))
	}
	// Case 2: the whole set, in Redis's iteration order (highest first).
	if count >= size {
		z.ForEachReverse(func(m []byte, s float64) bool { emit(m, s); return true })
		return
	}
	// Cases 3 and 4: a random subset without repetitions.
	type ms struct {
		m []byte
		s float64
	}
	if count*3 > size || z.IsListpack() {
		all := make([]ms, 0, size)
		z.ForEach(func(m []byte, s float64) bool { all = append(all, ms{m, s}); return true })
		for i := uint64(0); i < count; i++ {
			j := i + uint64(rand.Int64N(int64(size-i)))
			all[i], all[j] = all[j], all[i]
		}
		picked := all[:count]
		if z.IsListpack() && count*3 <= size {
			// Redis's lpRandomPairsUnique returns members in set order.
			slices.SortFunc(picked, func(a, b ms) int {
				if a.s != b.s {
					if a.s < b.s {
						return -1
					}
					return 1
				}
				return strings.Compare(string(a.m), string(b.m))
			})
		}
		for _, p := range picked {
			emit(p.m, p.s)
		}
		return
	}
	seen := make(map[string]struct{}, count)
	for uint64(len(seen)) < count {
		m, s := z.RandomMember()
		if _, dup := seen[string(m)]; dup {
			continue
		}
		seen[string(m)] = struct{}{}
		emit(m, s)
	}
}

// Set operations (ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD).

const (
	zsOpUnion = iota
	zsOpInter
	zsOpDiff
)

const (
	zsAggSum = iota
	zsAggMin
	zsAggMax
)

// zsSrc is one input of a set operation: a sorted set, a set or missing.
type zsSrc struct {
	z      *types.ZSet
	s      *types.Set
	obj    any
	weight float64
}

func (s *zsSrc) length() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.s != nil:
		return s.s.Len()
	}
	return 0
}

// each iterates the source in Redis's order (sorted sets from the highest
// score down); sets have score 1.
func (s *zsSrc) each(fn func(m []byte, score float64) bool) {
	switch {
	case s.z != nil:
		s.z.ForEachReverse(fn)
	case s.s != nil:
		s.s.ForEach(func(m []byte) bool { return fn(m, 1.0) })
	}
}

func (s *zsSrc) find(m []byte) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(m)
	case s.s != nil:
		if s.s.Has(m) {
			return 1.0, true
		}
	}
	return 0, false
}

func zsAggregate(target *float64, val float64, agg int) {
	switch agg {
	case zsAggSum:
		*target = *target + val
		if math.IsNaN(*target) {
			*target = 0
		}
	case zsAggMin:
		if val < *target {
			*target = val
		}
	case zsAggMax:
		if val > *target {
			*target = val
		}
	}
}

// zsResult is a computed member of a set operation.
type zsResult struct {
	m string
	s float64
}

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
func cmdZUnionStore(c *engine.Ctx) { zsSetOp(c, c.Argv[1], 2, zsOpUnion, false) }

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
func cmdZInterStore(c *engine.Ctx) { zsSetOp(c, c.Argv[1], 2, zsOpInter, false) }

// ZDIFFSTORE destination numkeys key [key ...]
func cmdZDiffStore(c *engine.Ctx) { zsSetOp(c, c.Argv[1], 2, zsOpDiff, false) }

// ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
func cmdZUnion(c *engine.Ctx) { zsSetOp(c, nil, 1, zsOpUnion, false) }

// ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
func cmdZInter(c *engine.Ctx) { zsSetOp(c, nil, 1, zsOpInter, false) }

// ZDIFF numkeys key [key ...] [WITHSCORES]
func cmdZDiff(c *engine.Ctx) { zsSetOp(c, nil, 1, zsOpDiff, false) }

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
func cmdZInterCard(c *engine.Ctx) { zsSetOp(c, nil, 1, zsOpInter, true) }

// zsSetOp is Redis's zunionInterDiffGenericCommand.
func zsSetOp(c *engine.Ctx, dstkey []byte, numkeysIdx int, op int, cardOnly bool) {
	argv := c.Argv
	setnum, ok := zsParseLong(c, argv[numkeysIdx])
	if !ok {
		return
	}
	if setnum < 1 {
		c.ErrString("ERR at least 1 input key is needed for '" + c.Cmd.Spec.Name + "' command")
		return
	}
	if setnum > int64(len(argv)-(numkeysIdx+1)) {
		c.Err(errs.Syntax)
		return
	}
	src := make([]zsSrc, setnum)
	j := numkeysIdx + 1
	for i := range src {
		e := lookupRead(c, argv[j])
		j++
		src[i].weight = 1
		if e == nil {
			continue
		}
		switch o := e.Obj().(type) {
		case *types.ZSet:
			src[i].z, src[i].obj = o, o
		case *types.Set:
			src[i].s, src[i].obj = o, o
		default:
			c.Err(errs.WrongType)
			return
		}
	}
	agg := zsAggSum
	withscores := false
	var limit int64
	for remaining := len(argv) - j; remaining > 0; remaining = len(argv) - j {
		a := argv[j]
		switch {
		case op != zsOpDiff && !cardOnly && int64(remaining) >= setnum+1 && eqFold(a, "WEIGHTS"):
			j++
			for i := range src {
				w, ok := zsGetDouble(argv[j])
				if !ok {
					c.ErrString(errZWeight)
					return
				}
				src[i].weight = w
				j++
			}
		case op != zsOpDiff && !cardOnly && remaining >= 2 && eqFold(a, "AGGREGATE"):
			j++
			switch {
			case eqFold(argv[j], "SUM"):
				agg = zsAggSum
			case eqFold(argv[j], "MIN"):
				agg = zsAggMin
			case eqFold(argv[j], "MAX"):
				agg = zsAggMax
			default:
				c.Err(errs.Syntax)
				return
			}
			j++
		case remaining >= 1 && dstkey == nil && !cardOnly && eqFold(a, "WITHSCORES"):
			j++
			withscores = true
		case cardOnly && remaining >= 2 && eqFold(a, "LIMIT"):
			j++
			n, ok := resp2Long(argv[j])
			if !ok || n < 0 {
				c.ErrString(errZLimitNeg)
				return
			}
			limit = n
			j++
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if op != zsOpDiff {
		slices.SortStableFunc(src, func(a, b zsSrc) int { return a.length() - b.length() })
	}
	var res []zsResult
	maxlen := 0
	cardinality := int64(0)
	switch op {
	case zsOpInter:
		if src[0].length() == 0 {
			break
		}
		src[0].each(func(m []byte, s0 float64) bool {
			score := src[0].weight * s0
			if math.IsNaN(score) {
				score = 0
			}
			k := 1
			for ; k < len(src); k++ {
				var value float64
				if src[k].obj == src[0].obj {
					value = s0 * src[k].weight
				} else if v, found := src[k].find(m); found {
					value = v * src[k].weight
				} else {
					break
				}
				zsAggregate(&score, value, agg)
			}
			if k != len(src) {
				return true
			}
			if cardOnly {
				cardinality++
				return limit == 0 || cardinality < limit
			}
			res = append(res, zsResult{string(m), score})
			if len(m) > maxlen {
				maxlen = len(m)
			}
			return true
		})
	case zsOpUnion:
		acc := make(map[string]int, src[len(src)-1].length())
		for i := range src {
			if src[i].length() == 0 {
				continue
			}
			wt := src[i].weight
			src[i].each(func(m []byte, s float64) bool {
				score := wt * s
				if math.IsNaN(score) {
					score = 0
				}
				if idx, found := acc[string(m)]; found {
					zsAggregate(&res[idx].s, score, agg)
					return true
				}
				ms := string(m)
				acc[ms] = len(res)
				res = append(res, zsResult{ms, score})
				if len(m) > maxlen {
					maxlen = len(m)
				}
				return true
			})
		}
	case zsOpDiff:
		if src[0].length() == 0 {
			break
		}
		for k := 1; k < len(src); k++ {
			if src[k].obj != nil && src[k].obj == src[0].obj {
				goto computed
			}
		}
		src[0].each(func(m []byte, s float64) bool {
			for k := 1; k < len(src); k++ {
				if _, found := src[k].find(m); found {
					return true
				}
			}
			res = append(res, zsResult{string(m), s})
			if len(m) > maxlen {
				maxlen = len(m)
			}
			return true
		})
	}
computed:
	if cardOnly {
		c.W.Int(cardinality)
		return
	}
	slices.SortFunc(res, func(a, b zsResult) int {
		if a.s < b.s {
			return -1
		}
		if a.s > b.s {
			return 1
		}
		return strings.Compare(a.m, b.m)
	})
	if dstkey != nil {
		var dst *types.ZSet
		if len(res) > 0 {
			dst = types.NewZSetSkiplist(len(res))
			lim := zsLimits(c)
			for i := len(res) - 1; i >= 0; i-- {
				dst.Add(res[i].s, []byte(res[i].m), 0, types.ZLimits{Entries: math.MaxInt32, Value: math.MaxInt32})
			}
			dst.MaybeConvertToListpack(maxlen, lim)
		}
		event := "zunionstore"
		switch op {
		case zsOpInter:
			event = "zinterstore"
		case zsOpDiff:
			event = "zdiffstore"
		}
		c.W.Int(int64(zsStore(c, dstkey, dst, event)))
		return
	}
	w := c.W
	nested := withscores && c.C.Proto > 2
	if withscores && !nested {
		w.Array(len(res) * 2)
	} else {
		w.Array(len(res))
	}
	for _, r := range res {
		if nested {
			w.Array(2)
		}
		w.BulkString(r.m)
		if withscores {
			w.Double(r.s)
		}
	}
}

// resp2Long parses a Redis long.
func resp2Long(b []byte) (int64, bool) { return parseInt(b) }

// ZSCAN key cursor [MATCH pattern] [COUNT count]
func cmdZScan(c *engine.Ctx) {
	cursor, ok := zsParseCursor(c.Argv[2])
	if !ok {
		c.ErrString(errInvalidCur)
		return
	}
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Array(2)
		c.W.BulkString("0")
		c.W.Array(0)
		return
	}
	z, ok := zsGet(c, e)
	if !ok {
		return
	}
	count := int64(10)
	var pat []byte
	usePattern := false
	argv := c.Argv
	for i := 3; i < len(argv); {
		left := len(argv) - i
		switch {
		case eqFold(argv[i], "COUNT") && left >= 2:
			var ok bool
			if count, ok = zsParseLong(c, argv[i+1]); !ok {
				return
			}
			if count < 1 {
				c.Err(errs.Syntax)
				return
			}
			i += 2
		case eqFold(argv[i], "MATCH") && left >= 2:
			pat = argv[i+1]
			usePattern = !(len(pat) == 1 && pat[0] == '*')
			i += 2
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	var items [][]byte
	listpack := z.IsListpack()
	next := z.Scan(cursor, int(min(count, math.MaxInt32)), func(m []byte, s float64) {
		if usePattern && !glob.Match(pat, m, false) {
			return
		}
		items = append(items, append([]byte(nil), m...))
		var tmp [32]byte
		if listpack {
			if ll, ok := zsDouble2ll(s); ok {
				items = append(items, strconv.AppendInt(tmp[:0], ll, 10))
				return
			}
		}
		items = append(items, zsFormatScore(tmp[:0], s))
	})
	c.W.Array(2)
	var tmp [20]byte
	c.W.Bulk(strconv.AppendUint(tmp[:0], next, 10))
	c.W.Array(len(items))
	for _, it := range items {
		c.W.Bulk(it)
	}
}

// zsFormatScore formats a score as Redis's %.17g (inf, -inf).
func zsFormatScore(dst []byte, s float64) []byte {
	return append([]byte(nil), resp.FormatDouble(dst, s)...)
}
