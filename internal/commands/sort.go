package commands

import (
	"bytes"
	"math"
	"slices"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	// SORT reads keys named by its BY and GET patterns, which the key
	// specs do not cover: it runs alone.
	engine.Register("sort", cmdSort, engine.Exclusive)
	engine.Register("sort_ro", cmdSortRO, engine.Exclusive)
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]
func cmdSort(c *engine.Ctx) { sortGeneric(c, false) }

// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]
func cmdSortRO(c *engine.Ctx) { sortGeneric(c, true) }

// sortObj is one element being sorted (Redis's redisSortObject).
type sortObj struct {
	obj    []byte
	score  float64
	cmpobj []byte
	hasCmp bool
}

var bEmpty = []byte{}

// sortCString returns b up to its first NUL, as C string functions see it.
func sortCString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// sortLookupPattern is Redis's lookupKeyByPattern: it substitutes subst
// for the first '*' of pattern (with "->field" selecting a hash field) and
// returns the value found, or nil.
func sortLookupPattern(c *engine.Ctx, pattern, subst []byte) []byte {
	if len(pattern) >= 1 && pattern[0] == '#' && (len(pattern) == 1 || pattern[1] == 0) {
		return subst
	}
	cp := sortCString(pattern)
	star := bytes.IndexByte(cp, '*')
	if star < 0 {
		return nil
	}
	var field []byte
	fieldlen := 0
	if f := bytes.Index(cp[star+1:], []byte("->")); f >= 0 {
		f += star + 1
		if f+2 < len(cp) {
			fieldlen = len(pattern) - f - 2
			field = pattern[f+2:]
		}
	}
	postfixEnd := len(pattern)
	if fieldlen > 0 {
		postfixEnd -= fieldlen + 2
	}
	key := make([]byte, 0, star+len(subst)+postfixEnd-star-1)
	key = append(key, pattern[:star]...)
	key = append(key, subst...)
	if postfixEnd > star+1 {
		key = append(key, pattern[star+1:postfixEnd]...)
	}
	e := lookupRead(c, key)
	if e == nil {
		return nil
	}
	if field != nil {
		h, ok := e.Obj().(*types.Hash)
		if !ok {
			return nil
		}
		v, found := h.Get(field)
		if !found {
			return nil
		}
		return v
	}
	if e.Obj() != nil {
		return nil
	}
	return e.Str()
}

// sortStrtod parses a sort weight as SORT does (strtod that must reach
// the end of the C string, without range errors or NaN).
func sortStrtod(b []byte) (float64, bool) {
	v, n, erange := zsStrtod(b)
	if n < len(b) && b[n] != 0 {
		return v, false
	}
	return v, !erange && !math.IsNaN(v)
}

func sortGeneric(c *engine.Ctx, readonly bool) {
	argv := c.Argv
	desc, alpha := false, false
	limitStart, limitCount := int64(0), int64(-1)
	dontsort := false
	var sortby, storekey []byte
	var gets [][]byte
	for j := 2; j < len(argv); j++ {
		left := len(argv) - j - 1
		a := argv[j]
		switch {
		case eqFold(a, "ASC"):
			desc = false
		case eqFold(a, "DESC"):
			desc = true
		case eqFold(a, "ALPHA"):
			alpha = true
		case eqFold(a, "LIMIT") && left >= 2:
			var ok bool
			if limitStart, ok = zsParseLong(c, argv[j+1]); !ok {
				return
			}
			if limitCount, ok = zsParseLong(c, argv[j+2]); !ok {
				return
			}
			j += 2
		case !readonly && eqFold(a, "STORE") && left >= 1:
			storekey = argv[j+1]
			j++
		case eqFold(a, "BY") && left >= 1:
			sortby = argv[j+1]
			if bytes.IndexByte(sortCString(sortby), '*') < 0 {
				dontsort = true
			}
			j++
		case eqFold(a, "GET") && left >= 1:
			gets = append(gets, argv[j+1])
			j++
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	e := lookupRead(c, argv[1])
	var list *types.List
	var set *types.Set
	var zset *types.ZSet
	if e != nil {
		switch o := e.Obj().(type) {
		case *types.List:
			list = o
		case *types.Set:
			set = o
		case *types.ZSet:
			zset = o
		default:
			c.Err(errs.WrongType)
			return
		}
	}
	if dontsort && set != nil && (storekey != nil || c.C.DenyBlocking) {
		// A set has no order of its own: sort it so that the result is the
		// same on replicas and in scripts.
		dontsort = false
		alpha = true
		sortby = nil
	}
	if zset != nil {
		zset.ConvertToSkiplist()
	}
	vectorlen := int64(0)
	switch {
	case list != nil:
		vectorlen = int64(list.Len())
	case set != nil:
		vectorlen = int64(set.Len())
	case zset != nil:
		vectorlen = int64(zset.Len())
	}
	start := min(max(limitStart, 0), vectorlen)
	limitCount = min(max(limitCount, -1), vectorlen)
	end := vectorlen - 1
	if limitCount >= 0 {
		end = start + limitCount - 1
	}
	if start >= vectorlen {
		start = vectorlen - 1
		end = vectorlen - 2
	}
	if end >= vectorlen {
		end = vectorlen - 1
	}
	if (zset != nil || list != nil) && dontsort && (start != 0 || end != vectorlen-1) {
		vectorlen = end - start + 1
	}
	vector := make([]sortObj, 0, max(vectorlen, 0))
	switch {
	case list != nil && dontsort:
		if end >= start {
			if desc {
				n := list.Len()
				list.RangeReverse(n-int(start)-1, n-int(start)-int(vectorlen), func(v []byte) bool {
					vector = append(vector, sortObj{obj: append([]byte(nil), v...)})
					return true
				})
			} else {
				list.Range(int(start), int(start+vectorlen-1), func(v []byte) bool {
					vector = append(vector, sortObj{obj: append([]byte(nil), v...)})
					return true
				})
			}
			end -= start
			start = 0
		}
	case list != nil:
		list.ForEach(func(v []byte) bool {
			vector = append(vector, sortObj{obj: append([]byte(nil), v...)})
			return true
		})
	case set != nil:
		set.ForEach(func(m []byte) bool {
			vector = append(vector, sortObj{obj: append([]byte(nil), m...)})
			return true
		})
	case zset != nil && dontsort:
		if vectorlen > 0 {
			zset.RangeByRank(int(start), int(start+vectorlen-1), desc, func(m []byte, _ float64) {
				vector = append(vector, sortObj{obj: append([]byte(nil), m...)})
			})
		}
		end -= start
		start = 0
	case zset != nil:
		zset.ForEach(func(m []byte, _ float64) bool {
			vector = append(vector, sortObj{obj: append([]byte(nil), m...)})
			return true
		})
	}
	convErr := false
	if !dontsort {
		for i := range vector {
			byval := vector[i].obj
			if sortby != nil {
				byval = sortLookupPattern(c, sortby, vector[i].obj)
				if byval == nil {
					continue
				}
			}
			if alpha {
				if sortby != nil {
					vector[i].cmpobj = byval
					vector[i].hasCmp = true
				}
				continue
			}
			s, ok := sortStrtod(byval)
			vector[i].score = s
			if !ok {
				convErr = true
			}
		}
		store := storekey != nil
		cmp := func(a, b *sortObj) int {
			var r int
			switch {
			case !alpha:
				switch {
				case a.score > b.score:
					r = 1
				case a.score < b.score:
					r = -1
				default:
					r = bytes.Compare(a.obj, b.obj)
				}
			case sortby != nil:
				switch {
				case !a.hasCmp || !b.hasCmp:
					switch {
					case a.hasCmp == b.hasCmp:
						r = 0
					case !a.hasCmp:
						r = -1
					default:
						r = 1
					}
				case store:
					r = bytes.Compare(a.cmpobj, b.cmpobj)
				default:
					r = bytes.Compare(sortCString(a.cmpobj), sortCString(b.cmpobj))
				}
			case store:
				r = bytes.Compare(a.obj, b.obj)
			default:
				r = bytes.Compare(sortCString(a.obj), sortCString(b.obj))
			}
			if desc {
				return -r
			}
			return r
		}
		if sortby != nil && (start != 0 || end != int64(len(vector))-1) {
			pqsort(vector, cmp, int(start), int(end))
		} else {
			slices.SortStableFunc(vector, func(a, b sortObj) int { return cmp(&a, &b) })
		}
	}
	n := end - start + 1
	if n < 0 {
		n = 0
	}
	outputlen := n
	if len(gets) > 0 {
		outputlen = int64(len(gets)) * n
	}
	if convErr {
		c.ErrString("ERR One or more scores can't be converted into double")
		return
	}
	if storekey == nil {
		c.W.Array(int(outputlen))
		for j := start; j <= end; j++ {
			if len(gets) == 0 {
				c.W.Bulk(vector[j].obj)
			}
			for _, g := range gets {
				if v := sortLookupPattern(c, g, vector[j].obj); v != nil {
					c.W.Bulk(v)
				} else {
					c.W.Null()
				}
			}
		}
		return
	}
	var vals [][]byte
	for j := start; j <= end; j++ {
		if len(gets) == 0 {
			vals = append(vals, vector[j].obj)
			continue
		}
		for _, g := range gets {
			v := sortLookupPattern(c, g, vector[j].obj)
			if v == nil {
				v = bEmpty
			}
			vals = append(vals, append([]byte(nil), v...))
		}
	}
	if outputlen > 0 {
		l := types.NewList()
		l.PushBack(listLimits(c), vals...)
		if c.DB.Lookup(storekey) == nil {
			c.DB.Set(storekey, keyspace.ObjEntry(l))
			c.Notify(engine.NotifyNew, "new", storekey)
		} else {
			c.DB.Set(storekey, keyspace.ObjEntry(l))
		}
		zsModified(c, storekey, int(outputlen))
		c.Notify(engine.NotifyList, "sortstore", storekey)
		c.SignalReady(storekey)
	} else if c.DB.Delete(storekey) {
		c.Modified(storekey)
		c.Notify(engine.NotifyGeneric, "del", storekey)
	}
	c.W.Int(outputlen)
}
