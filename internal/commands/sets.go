package commands

import (
	"bytes"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	engine.Register("sadd", cmdSAdd)
	engine.Register("srem", cmdSRem)
	engine.Register("smembers", cmdSMembers)
	engine.Register("sismember", cmdSIsMember)
	engine.Register("smismember", cmdSMIsMember)
	engine.Register("scard", cmdSCard)
	engine.Register("spop", cmdSPop)
	engine.Register("srandmember", cmdSRandMember)
	engine.Register("smove", cmdSMove)
	engine.Register("sinter", cmdSInter)
	engine.Register("sintercard", cmdSInterCard)
	engine.Register("sinterstore", cmdSInterStore)
	engine.Register("sunion", cmdSUnion)
	engine.Register("sunionstore", cmdSUnionStore)
	engine.Register("sdiff", cmdSDiff)
	engine.Register("sdiffstore", cmdSDiffStore)
	engine.Register("sscan", cmdSScan)
}

var (
	sbSREM = []byte("SREM")
	sbDEL  = []byte("DEL")
)

// setGet looks key up as a set: (nil, true) when missing, (nil, false)
// after replying WRONGTYPE.
func setGet(c *engine.Ctx, key []byte, read bool) (*types.Set, bool) {
	var e *keyspace.Entry
	if read {
		e = genericRead(c, key)
	} else {
		e = c.DB.Lookup(key)
	}
	if e == nil {
		return nil, true
	}
	s, ok := e.Obj().(*types.Set)
	if !ok {
		c.Err(errs.WrongType)
		return nil, false
	}
	return s, true
}

// SADD key member [member ...]
func cmdSAdd(c *engine.Ctx) {
	key := c.Argv[1]
	s, ok := setGet(c, key, false)
	if !ok {
		return
	}
	lim := setLimits(c)
	if s == nil {
		s = types.NewSet(c.Argv[2], len(c.Argv)-2, lim)
		collAdd(c, key, s)
	}
	added := 0
	for _, m := range c.Argv[2:] {
		if s.Add(m, lim) {
			added++
		}
	}
	if added > 0 {
		c.Modified(key)
		c.Notify(engine.NotifySet, "sadd", key)
	}
	c.W.Int(int64(added))
}

// SREM key member [member ...]
func cmdSRem(c *engine.Ctx) {
	key := c.Argv[1]
	s, ok := setGet(c, key, false)
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	deleted := 0
	removed := false
	for _, m := range c.Argv[2:] {
		if s.Remove(m) {
			deleted++
			if s.Len() == 0 {
				c.DB.Delete(key)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		c.Modified(key)
		c.Notify(engine.NotifySet, "srem", key)
		if removed {
			c.Notify(engine.NotifyGeneric, "del", key)
		}
	}
	c.W.Int(int64(deleted))
}

// SMOVE source destination member
func cmdSMove(c *engine.Ctx) {
	src, dst, m := c.Argv[1], c.Argv[2], c.Argv[3]
	se := c.DB.Lookup(src)
	de := c.DB.Lookup(dst)
	if se == nil {
		c.W.Int(0)
		return
	}
	ss, ok := se.Obj().(*types.Set)
	if !ok {
		c.Err(errs.WrongType)
		return
	}
	var ds *types.Set
	if de != nil {
		if ds, ok = de.Obj().(*types.Set); !ok {
			c.Err(errs.WrongType)
			return
		}
	}
	if ss == ds {
		if ss.Has(m) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
		return
	}
	if !ss.Remove(m) {
		c.W.Int(0)
		return
	}
	c.Notify(engine.NotifySet, "srem", src)
	if ss.Len() == 0 {
		collDeleted(c, src)
	}
	lim := setLimits(c)
	if ds == nil {
		ds = types.NewSet(m, 1, lim)
		collAdd(c, dst, ds)
	}
	c.Modified(src)
	if ds.Add(m, lim) {
		c.Modified(dst)
		c.Notify(engine.NotifySet, "sadd", dst)
	}
	c.W.Int(1)
}

// SISMEMBER key member
func cmdSIsMember(c *engine.Ctx) {
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s != nil && s.Has(c.Argv[2]) {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

// SMISMEMBER key member [member ...]
func cmdSMIsMember(c *engine.Ctx) {
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	c.W.Array(len(c.Argv) - 2)
	for _, m := range c.Argv[2:] {
		if s != nil && s.Has(m) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// SCARD key
func cmdSCard(c *engine.Ctx) {
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(s.Len()))
}

// SMEMBERS key
func cmdSMembers(c *engine.Ctx) {
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Set(0)
		return
	}
	w := c.W
	w.Set(s.Len())
	s.ForEach(func(m []byte) bool { w.Bulk(m); return true })
}

// SPOP key [count]
func cmdSPop(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		c.Err(errs.Syntax)
		return
	}
	if len(c.Argv) == 3 {
		setPopWithCount(c)
		return
	}
	key := c.Argv[1]
	s, ok := setGet(c, key, false)
	if !ok {
		return
	}
	if s == nil {
		c.W.Null()
		return
	}
	var tmp [24]byte
	i := rand.IntN(s.Len())
	m := bytes.Clone(s.At(i, tmp[:]))
	s.RemoveAt(i)
	c.Notify(engine.NotifySet, "spop", key)
	c.Propagate(sbSREM, key, m)
	c.W.Bulk(m)
	if s.Len() == 0 {
		collDeleted(c, key)
	}
	c.Modified(key)
}

func setPopWithCount(c *engine.Ctx) {
	count, ok := parsePositive(c, c.Argv[2], "")
	if !ok {
		return
	}
	key := c.Argv[1]
	s, ok := setGet(c, key, false)
	if !ok {
		return
	}
	if s == nil || count == 0 {
		c.W.Set(0)
		return
	}
	size := int64(s.Len())
	c.Notify(engine.NotifySet, "spop", key)
	w := c.W
	if count >= size {
		// The whole set, in the order of a union of it (as Redis), then DEL.
		u := setUnion(c, []*types.Set{s})
		w.Set(u.Len())
		u.ForEach(func(m []byte) bool { w.Bulk(m); return true })
		collDeleted(c, key)
		c.Modified(key)
		c.Propagate(sbDEL, key)
		return
	}
	w.Set(int(count))
	var tmp [24]byte
	batch := make([][]byte, 0, min(count, 1024)+2)
	batch = append(batch, sbSREM, key)
	for i := int64(0); i < count; i++ {
		j := rand.IntN(s.Len())
		m := s.At(j, tmp[:])
		w.Bulk(m)
		batch = append(batch, bytes.Clone(m))
		s.RemoveAt(j)
		if len(batch) == 1024+2 {
			c.Propagate(batch...)
			batch = batch[:2]
		}
	}
	if len(batch) > 2 {
		c.Propagate(batch...)
	}
	c.Modified(key)
}

// SRANDMEMBER key [count]
func cmdSRandMember(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		c.Err(errs.Syntax)
		return
	}
	if len(c.Argv) == 3 {
		setRandWithCount(c)
		return
	}
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Null()
		return
	}
	var tmp [24]byte
	c.W.Bulk(s.At(rand.IntN(s.Len()), tmp[:]))
}

func setRandWithCount(c *engine.Ctx) {
	l, ok := parseRange(c, c.Argv[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return
	}
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Array(0)
		return
	}
	count, uniq := l, true
	if l < 0 {
		count, uniq = -l, false
	}
	w := c.W
	if count == 0 {
		w.Array(0)
		return
	}
	size := int64(s.Len())
	var tmp [24]byte
	if !uniq || count == 1 {
		w.Array(int(count))
		for i := int64(0); i < count; i++ {
			w.Bulk(s.At(rand.IntN(int(size)), tmp[:]))
		}
		return
	}
	if count >= size {
		w.Array(int(size))
		s.ForEach(func(m []byte) bool { w.Bulk(m); return true })
		return
	}
	w.Array(int(count))
	if count*3 > size {
		idx := make([]int32, size)
		for i := range idx {
			idx[i] = int32(i)
		}
		for i := int64(0); i < count; i++ {
			j := i + rand.Int64N(size-i)
			idx[i], idx[j] = idx[j], idx[i]
			w.Bulk(s.At(int(idx[i]), tmp[:]))
		}
		return
	}
	seen := make(map[int]struct{}, count)
	for int64(len(seen)) < count {
		i := rand.IntN(int(size))
		if _, dup := seen[i]; dup {
			continue
		}
		seen[i] = struct{}{}
		w.Bulk(s.At(i, tmp[:]))
	}
}

// setSources looks up the source sets of SINTER/SUNION/SDIFF; a missing key
// is nil. It returns false after replying WRONGTYPE.
func setSources(c *engine.Ctx, keys [][]byte, store bool) ([]*types.Set, bool) {
	sets := make([]*types.Set, len(keys))
	for i, k := range keys {
		s, ok := setGet(c, k, !store)
		if !ok {
			return nil, false
		}
		sets[i] = s
	}
	return sets, true
}

// setStore stores the result set under dst (or deletes dst when empty) and
// replies its cardinality, firing event (Redis's setKey / dbDelete paths).
func setStore(c *engine.Ctx, dst []byte, res *types.Set, event string) {
	if res != nil && res.Len() > 0 {
		e := c.DB.Lookup(dst)
		c.DB.Set(dst, keyspace.ObjEntry(res))
		if e == nil {
			notifyNew(c, dst)
		}
		c.Modified(dst)
		c.W.Int(int64(res.Len()))
		c.Notify(engine.NotifySet, event, dst)
		return
	}
	c.W.Int(0)
	if c.DB.Delete(dst) {
		c.Modified(dst)
		c.Notify(engine.NotifyGeneric, "del", dst)
	}
}

// SINTER key [key ...]
func cmdSInter(c *engine.Ctx) { setInterGeneric(c, c.Argv[1:], nil, false, 0) }

// SINTERSTORE destination key [key ...]
func cmdSInterStore(c *engine.Ctx) { setInterGeneric(c, c.Argv[2:], c.Argv[1], false, 0) }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
func cmdSInterCard(c *engine.Ctx) {
	numkeys, ok := parseRange(c, c.Argv[1], 1, math.MaxInt64, "numkeys should be greater than 0")
	if !ok {
		return
	}
	if numkeys > int64(len(c.Argv)-2) {
		c.ErrString("ERR Number of keys can't be greater than number of args")
		return
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(c.Argv); j++ {
		if eqFold(c.Argv[j], "LIMIT") && j+1 < len(c.Argv) {
			j++
			n, ok := parsePositive(c, c.Argv[j], "LIMIT can't be negative")
			if !ok {
				return
			}
			limit = n
		} else {
			c.Err(errs.Syntax)
			return
		}
	}
	setInterGeneric(c, c.Argv[2:2+numkeys], nil, true, limit)
}

func setInterGeneric(c *engine.Ctx, keys [][]byte, dst []byte, cardOnly bool, limit int64) {
	sets, ok := setSources(c, keys, dst != nil)
	if !ok {
		return
	}
	for _, s := range sets {
		if s == nil {
			switch {
			case dst != nil:
				setStore(c, dst, nil, "")
			case cardOnly:
				c.W.Int(0)
			default:
				c.W.Set(0)
			}
			return
		}
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].Len() < sets[j].Len() })
	var res *types.Set
	var lim types.SetLimits
	w := c.W
	mark := w.Len()
	var card int64
	if dst != nil {
		res = types.NewIntSet()
		lim = setLimits(c)
	}
	sets[0].ForEach(func(m []byte) bool {
		for _, o := range sets[1:] {
			if o != sets[0] && !o.Has(m) {
				return true
			}
		}
		switch {
		case cardOnly:
			card++
			if limit != 0 && card >= limit {
				return false
			}
		case dst == nil:
			w.Bulk(m)
			card++
		default:
			res.Add(m, lim)
		}
		return true
	})
	switch {
	case cardOnly:
		w.Int(card)
	case dst != nil:
		setStore(c, dst, res, "sinterstore")
	default:
		w.SetDeferred(mark, '~', int(card))
	}
}

// setUnion builds the union of sets into a new set, starting from an
// intset as Redis does.
func setUnion(c *engine.Ctx, sets []*types.Set) *types.Set {
	res := types.NewIntSet()
	lim := setLimits(c)
	for _, s := range sets {
		if s == nil {
			continue
		}
		s.ForEach(func(m []byte) bool { res.Add(m, lim); return true })
	}
	return res
}

// SUNION key [key ...]
func cmdSUnion(c *engine.Ctx) { setUnionDiffGeneric(c, c.Argv[1:], nil, false) }

// SUNIONSTORE destination key [key ...]
func cmdSUnionStore(c *engine.Ctx) { setUnionDiffGeneric(c, c.Argv[2:], c.Argv[1], false) }

// SDIFF key [key ...]
func cmdSDiff(c *engine.Ctx) { setUnionDiffGeneric(c, c.Argv[1:], nil, true) }

// SDIFFSTORE destination key [key ...]
func cmdSDiffStore(c *engine.Ctx) { setUnionDiffGeneric(c, c.Argv[2:], c.Argv[1], true) }

func setUnionDiffGeneric(c *engine.Ctx, keys [][]byte, dst []byte, diff bool) {
	sets, ok := setSources(c, keys, dst != nil)
	if !ok {
		return
	}
	var res *types.Set
	if !diff {
		res = setUnion(c, sets)
	} else {
		res = types.NewIntSet()
		lim := setLimits(c)
		same := false
		for _, s := range sets[1:] {
			if s != nil && s == sets[0] {
				same = true
			}
		}
		if sets[0] != nil && !same {
			sets[0].ForEach(func(m []byte) bool {
				for _, o := range sets[1:] {
					if o != nil && o.Has(m) {
						return true
					}
				}
				res.Add(m, lim)
				return true
			})
		}
	}
	if dst != nil {
		event := "sunionstore"
		if diff {
			event = "sdiffstore"
		}
		setStore(c, dst, res, event)
		return
	}
	w := c.W
	w.Set(res.Len())
	res.ForEach(func(m []byte) bool { w.Bulk(m); return true })
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
func cmdSScan(c *engine.Ctx) {
	cursor, ok := genericParseCursor(c.Argv[2])
	if !ok {
		c.ErrString("ERR invalid cursor")
		return
	}
	s, ok := setGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Raw([]byte(emptyScan))
		return
	}
	o, ok := parseScanOpts(c, 3, false)
	if !ok {
		return
	}
	w := c.W
	mark := w.Len()
	n := 0
	next := s.Scan(cursor, o.count, func(m []byte) {
		if o.match(m) {
			w.Bulk(m)
			n++
		}
	})
	writeScanReply(w, mark, next, n)
}
