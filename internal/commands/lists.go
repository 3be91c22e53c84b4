package commands

import (
	"bytes"
	"strconv"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	engine.Register("lpush", cmdLPush)
	engine.Register("rpush", cmdRPush)
	engine.Register("lpushx", cmdLPushX)
	engine.Register("rpushx", cmdRPushX)
	engine.Register("lpop", cmdLPop)
	engine.Register("rpop", cmdRPop)
	engine.Register("llen", cmdLLen)
	engine.Register("lrange", cmdLRange)
	engine.Register("lindex", cmdLIndex)
	engine.Register("lset", cmdLSet)
	engine.Register("linsert", cmdLInsert)
	engine.Register("lrem", cmdLRem)
	engine.Register("ltrim", cmdLTrim)
	engine.Register("lpos", cmdLPos)
	engine.Register("lmove", cmdLMove)
	engine.Register("rpoplpush", cmdRPopLPush)
	engine.Register("lmpop", cmdLMPop)
	engine.Register("blpop", cmdBLPop)
	engine.Register("brpop", cmdBRPop)
	engine.Register("blmove", cmdBLMove)
	engine.Register("brpoplpush", cmdBRPopLPush)
	engine.Register("blmpop", cmdBLMPop)

	infoHooks.BlockedClients = func(e *engine.Engine) int64 { return e.BlockedClients() }
	infoHooks.BlockingKeys = func(e *engine.Engine) int64 { return e.BlockingKeys() }
	infoHooks.TimeoutTable = func(e *engine.Engine) int64 { return e.BlockedWithTimeout() }
}

const (
	listHead = iota // LEFT
	listTail        // RIGHT
)

var (
	lbLPOP      = []byte("LPOP")
	lbRPOP      = []byte("RPOP")
	lbLMOVE     = []byte("LMOVE")
	lbRPOPLPUSH = []byte("RPOPLPUSH")
	lbLEFT      = []byte("LEFT")
	lbRIGHT     = []byte("RIGHT")
)

// listGet looks key up as a list: (nil, true) when missing, (nil, false)
// after replying WRONGTYPE.
func listGet(c *engine.Ctx, key []byte, read bool) (*types.List, bool) {
	var e *keyspace.Entry
	if read {
		e = genericRead(c, key)
	} else {
		e = c.DB.Lookup(key)
	}
	if e == nil {
		return nil, true
	}
	l, ok := e.Obj().(*types.List)
	if !ok {
		c.Err(errs.WrongType)
		return nil, false
	}
	return l, true
}

// listPush pushes vs at one end of l.
func listPush(c *engine.Ctx, l *types.List, where int, vs ...[]byte) {
	if where == listHead {
		l.PushFront(listLimits(c), vs...)
	} else {
		l.PushBack(listLimits(c), vs...)
	}
}

// listPushed reports a push to key: WATCH/dirty, the event, blocked clients.
func listPushed(c *engine.Ctx, key []byte, where int) {
	c.Modified(key)
	if where == listHead {
		c.Notify(engine.NotifyList, "lpush", key)
	} else {
		c.Notify(engine.NotifyList, "rpush", key)
	}
	c.SignalReady(key)
}

// listPopped reports elements removed from an end of key's list (Redis's
// listElementsRemoved): the event, then deletion of an emptied list.
func listPopped(c *engine.Ctx, key []byte, l *types.List, where int) {
	if where == listHead {
		c.Notify(engine.NotifyList, "lpop", key)
	} else {
		c.Notify(engine.NotifyList, "rpop", key)
	}
	if l.Len() == 0 {
		collDeleted(c, key)
	}
	c.Modified(key)
}

func listPop(l *types.List, where int, lim types.ListLimits) []byte {
	var v []byte
	if where == listHead {
		v, _ = l.PopFront(lim)
	} else {
		v, _ = l.PopBack(lim)
	}
	return v
}

// listWhere parses LEFT|RIGHT (getListPositionFromObjectOrReply).
func listWhere(c *engine.Ctx, arg []byte) (int, bool) {
	switch {
	case eqFold(arg, "LEFT"):
		return listHead, true
	case eqFold(arg, "RIGHT"):
		return listTail, true
	}
	c.Err(errs.Syntax)
	return 0, false
}

// LPUSH key element [element ...]
func cmdLPush(c *engine.Ctx) { listPushGeneric(c, listHead, false) }

// RPUSH key element [element ...]
func cmdRPush(c *engine.Ctx) { listPushGeneric(c, listTail, false) }

// LPUSHX key element [element ...]
func cmdLPushX(c *engine.Ctx) { listPushGeneric(c, listHead, true) }

// RPUSHX key element [element ...]
func cmdRPushX(c *engine.Ctx) { listPushGeneric(c, listTail, true) }

func listPushGeneric(c *engine.Ctx, where int, xx bool) {
	key := c.Argv[1]
	l, ok := listGet(c, key, false)
	if !ok {
		return
	}
	if l == nil {
		if xx {
			c.W.Int(0)
			return
		}
		l = types.NewList()
		collAdd(c, key, l)
	}
	listPush(c, l, where, c.Argv[2:]...)
	c.W.Int(int64(l.Len()))
	listPushed(c, key, where)
}

// LPOP key [count]
func cmdLPop(c *engine.Ctx) { listPopGeneric(c, listHead) }

// RPOP key [count]
func cmdRPop(c *engine.Ctx) { listPopGeneric(c, listTail) }

func listPopGeneric(c *engine.Ctx, where int) {
	if len(c.Argv) > 3 {
		c.ErrString("ERR wrong number of arguments for '" + c.Cmd.Spec.Name + "' command")
		return
	}
	hasCount := len(c.Argv) == 3
	var count int64
	if hasCount {
		n, ok := parsePositive(c, c.Argv[2], "")
		if !ok {
			return
		}
		count = n
	}
	key := c.Argv[1]
	l, ok := listGet(c, key, false)
	if !ok {
		return
	}
	if l == nil {
		if hasCount {
			c.W.NullArray()
		} else {
			c.W.Null()
		}
		return
	}
	if hasCount && count == 0 {
		c.W.Array(0)
		return
	}
	lim := listLimits(c)
	if !hasCount {
		c.W.Bulk(listPop(l, where, lim))
		listPopped(c, key, l, where)
		return
	}
	n := int64(l.Len())
	if count > n {
		count = n
	}
	c.W.Array(int(count))
	for i := int64(0); i < count; i++ {
		c.W.Bulk(listPop(l, where, lim))
	}
	listPopped(c, key, l, where)
}

// LLEN key
func cmdLLen(c *engine.Ctx) {
	l, ok := listGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if l == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(l.Len()))
}

// listRange converts Redis start/end indexes to a clamped [start, end]
// range; ok is false when the range is empty.
func listRange(start, end, n int64) (int64, int64, bool) {
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if start > end || start >= n {
		return 0, 0, false
	}
	if end >= n {
		end = n - 1
	}
	return start, end, true
}

// LRANGE key start stop
func cmdLRange(c *engine.Ctx) {
	start, ok := parseLong(c, c.Argv[2])
	if !ok {
		return
	}
	end, ok := parseLong(c, c.Argv[3])
	if !ok {
		return
	}
	l, ok := listGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if l == nil {
		c.W.Array(0)
		return
	}
	s, e, nonEmpty := listRange(start, end, int64(l.Len()))
	if !nonEmpty {
		c.W.Array(0)
		return
	}
	w := c.W
	w.Array(int(e - s + 1))
	l.Range(int(s), int(e), func(v []byte) bool { w.Bulk(v); return true })
}

// LINDEX key index
func cmdLIndex(c *engine.Ctx) {
	l, ok := listGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if l == nil {
		c.W.Null()
		return
	}
	idx, ok := parseLong(c, c.Argv[2])
	if !ok {
		return
	}
	if idx < 0 {
		idx += int64(l.Len())
	}
	if v, found := l.Index(int(idx)); found && idx >= 0 {
		c.W.Bulk(v)
	} else {
		c.W.Null()
	}
}

// LSET key index element
func cmdLSet(c *engine.Ctx) {
	key := c.Argv[1]
	l, ok := listGet(c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.Err(errs.NoSuchKey)
		return
	}
	idx, ok := parseLong(c, c.Argv[2])
	if !ok {
		return
	}
	if idx < 0 {
		idx += int64(l.Len())
	}
	if idx < 0 || idx >= int64(l.Len()) {
		c.Err(errs.OutOfRange)
		return
	}
	l.Set(int(idx), c.Argv[3], listLimits(c))
	c.W.OK()
	c.Modified(key)
	c.Notify(engine.NotifyList, "lset", key)
}

// LINSERT key BEFORE | AFTER pivot element
func cmdLInsert(c *engine.Ctx) {
	var before bool
	switch {
	case eqFold(c.Argv[2], "AFTER"):
	case eqFold(c.Argv[2], "BEFORE"):
		before = true
	default:
		c.Err(errs.Syntax)
		return
	}
	key := c.Argv[1]
	l, ok := listGet(c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.W.Int(0)
		return
	}
	n := l.Insert(c.Argv[3], c.Argv[4], before, listLimits(c))
	if n < 0 {
		c.W.Int(-1)
		return
	}
	c.Modified(key)
	c.Notify(engine.NotifyList, "linsert", key)
	c.W.Int(int64(n))
}

// LREM key count element
func cmdLRem(c *engine.Ctx) {
	count, ok := parseLong(c, c.Argv[2])
	if !ok {
		return
	}
	key := c.Argv[1]
	l, ok := listGet(c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.W.Int(0)
		return
	}
	cnt := count
	if cnt > int64(l.Len()) {
		cnt = int64(l.Len())
	} else if cnt < -int64(l.Len()) {
		cnt = -int64(l.Len())
	}
	removed := l.Remove(c.Argv[3], int(cnt), listLimits(c))
	if removed > 0 {
		c.Modified(key)
		c.Notify(engine.NotifyList, "lrem", key)
		if l.Len() == 0 {
			collDeleted(c, key)
		}
	}
	c.W.Int(int64(removed))
}

// LTRIM key start stop
func cmdLTrim(c *engine.Ctx) {
	start, ok := parseLong(c, c.Argv[2])
	if !ok {
		return
	}
	end, ok := parseLong(c, c.Argv[3])
	if !ok {
		return
	}
	key := c.Argv[1]
	l, ok := listGet(c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.W.OK()
		return
	}
	s, e, nonEmpty := listRange(start, end, int64(l.Len()))
	if nonEmpty {
		l.Trim(int(s), int(e), listLimits(c))
	} else {
		l.Trim(1, 0, listLimits(c))
	}
	c.Notify(engine.NotifyList, "ltrim", key)
	if l.Len() == 0 {
		collDeleted(c, key)
	}
	c.Modified(key)
	c.W.OK()
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
func cmdLPos(c *engine.Ctx) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(c.Argv); j++ {
		opt := c.Argv[j]
		more := j+1 < len(c.Argv)
		switch {
		case more && eqFold(opt, "RANK"):
			j++
			n, ok := parseLong(c, c.Argv[j])
			if !ok {
				return
			}
			if n == 0 {
				c.ErrString("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
				return
			}
			rank = n
		case more && eqFold(opt, "COUNT"):
			j++
			n, ok := parsePositive(c, c.Argv[j], "COUNT can't be negative")
			if !ok {
				return
			}
			count = n
		case more && eqFold(opt, "MAXLEN"):
			j++
			n, ok := parsePositive(c, c.Argv[j], "MAXLEN can't be negative")
			if !ok {
				return
			}
			maxlen = n
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	fromTail := false
	if rank < 0 {
		rank = -rank // LONG_MIN stays negative, as in Redis: every match ranks
		fromTail = true
	}
	l, ok := listGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if l == nil {
		if count != -1 {
			c.W.Array(0)
		} else {
			c.W.Null()
		}
		return
	}
	ele := c.Argv[2]
	n := int64(l.Len())
	w := c.W
	mark := w.Len()
	var index, matches, arraylen int64
	matchIndex := int64(-1)
	visit := func(v []byte) bool {
		if maxlen != 0 && index >= maxlen {
			return false
		}
		if bytes.Equal(v, ele) {
			matches++
			if matches >= rank {
				real := index
				if fromTail {
					real = n - index - 1
				}
				if count != -1 {
					arraylen++
					w.Int(real)
					if count != 0 && matches-rank+1 >= count {
						return false
					}
				} else {
					matchIndex = real
					return false
				}
			}
		}
		index++
		return true
	}
	if fromTail {
		l.RangeReverse(int(n-1), 0, visit)
	} else {
		l.Range(0, int(n-1), visit)
	}
	if count != -1 {
		w.SetDeferred(mark, '*', int(arraylen))
	} else if matchIndex != -1 {
		w.Int(matchIndex)
	} else {
		w.Null()
	}
}

// LMOVE source destination LEFT | RIGHT LEFT | RIGHT
func cmdLMove(c *engine.Ctx) {
	from, ok := listWhere(c, c.Argv[3])
	if !ok {
		return
	}
	to, ok := listWhere(c, c.Argv[4])
	if !ok {
		return
	}
	listMoveGeneric(c, from, to)
}

// RPOPLPUSH source destination
func cmdRPopLPush(c *engine.Ctx) { listMoveGeneric(c, listTail, listHead) }

// listMoveGeneric is Redis's lmoveGenericCommand.
func listMoveGeneric(c *engine.Ctx, from, to int) {
	src, dst := c.Argv[1], c.Argv[2]
	sl, ok := listGet(c, src, false)
	if !ok {
		return
	}
	if sl == nil {
		c.W.Null()
		return
	}
	listMoveFrom(c, src, dst, sl, from, to)
}

// listMoveFrom moves one element from the non-empty list sl at src to dst
// and replies it. It replies WRONGTYPE (moving nothing) when dst holds
// another type. It reports whether the move happened.
func listMoveFrom(c *engine.Ctx, src, dst []byte, sl *types.List, from, to int) bool {
	dl, ok := listGet(c, dst, false)
	if !ok {
		return false
	}
	// dl was looked up before the pop: when src == dst it is the same
	// list, which the push refills.
	v := bytes.Clone(listPop(sl, from, listLimits(c)))
	if dl == nil {
		dl = types.NewList()
		collAdd(c, dst, dl)
	}
	listPush(c, dl, to, v)
	listPushed(c, dst, to)
	c.W.Bulk(v)
	listPopped(c, src, sl, from)
	return true
}

// LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count]
func cmdLMPop(c *engine.Ctx) { listMPopGeneric(c, 1, 0, false) }

// listMPopArgs parses numkeys, the keys, the direction and COUNT of
// [B]LMPOP (Redis's lmpopGenericCommand).
func listMPopArgs(c *engine.Ctx, numkeysIdx int) (keys [][]byte, where int, count int64, ok bool) {
	numkeys, ok := parseRange(c, c.Argv[numkeysIdx], 1, 1<<63-1, "numkeys should be greater than 0")
	if !ok {
		return nil, 0, 0, false
	}
	whereIdx := int64(numkeysIdx) + numkeys + 1
	if whereIdx >= int64(len(c.Argv)) || whereIdx < 0 {
		c.Err(errs.Syntax)
		return nil, 0, 0, false
	}
	where, ok = listWhere(c, c.Argv[whereIdx])
	if !ok {
		return nil, 0, 0, false
	}
	count = -1
	for j := int(whereIdx) + 1; j < len(c.Argv); j++ {
		more := j+1 < len(c.Argv)
		if count == -1 && more && eqFold(c.Argv[j], "COUNT") {
			j++
			n, ok := parseRange(c, c.Argv[j], 1, 1<<63-1, "count should be greater than 0")
			if !ok {
				return nil, 0, 0, false
			}
			count = n
		} else {
			c.Err(errs.Syntax)
			return nil, 0, 0, false
		}
	}
	if count == -1 {
		count = 1
	}
	return c.Argv[numkeysIdx+1 : whereIdx], where, count, true
}

func listMPopGeneric(c *engine.Ctx, numkeysIdx int, timeout time.Duration, block bool) {
	keys, where, count, ok := listMPopArgs(c, numkeysIdx)
	if !ok {
		return
	}
	for _, key := range keys {
		l, ok := listGet(c, key, false)
		if !ok {
			return
		}
		if l == nil || l.Len() == 0 {
			continue
		}
		listMPopServe(c, key, l, where, count)
		return
	}
	if !block || !c.CanBlock() {
		c.W.NullArray()
		return
	}
	c.Block(keys, timeout, nil, func(sc *engine.Ctx, key []byte) bool {
		l, ok := listServable(sc, key)
		if !ok {
			return false
		}
		listMPopServe(sc, key, l, where, count)
		return true
	})
}

// listMPopServe pops up to count elements of key's list and replies
// [key, [elements]], propagated as [LR]POP key count.
func listMPopServe(c *engine.Ctx, key []byte, l *types.List, where int, count int64) {
	if n := int64(l.Len()); count > n {
		count = n
	}
	c.W.Array(2)
	c.W.Bulk(key)
	c.W.Array(int(count))
	lim := listLimits(c)
	for i := int64(0); i < count; i++ {
		c.W.Bulk(listPop(l, where, lim))
	}
	listPopped(c, key, l, where)
	cmd := lbLPOP
	if where == listTail {
		cmd = lbRPOP
	}
	c.Propagate(cmd, key, strconv.AppendInt(nil, count, 10))
}

// listServable returns key's list when it can serve a blocked client: it
// exists, is a list and is not empty (Redis 7.0 leaves clients blocked
// when the key holds another type).
func listServable(c *engine.Ctx, key []byte) (*types.List, bool) {
	e := c.DB.Lookup(key)
	if e == nil {
		return nil, false
	}
	l, ok := e.Obj().(*types.List)
	if !ok || l.Len() == 0 {
		return nil, false
	}
	return l, true
}

// BLPOP key [key ...] timeout
func cmdBLPop(c *engine.Ctx) { listBPopGeneric(c, listHead) }

// BRPOP key [key ...] timeout
func cmdBRPop(c *engine.Ctx) { listBPopGeneric(c, listTail) }

func listBPopGeneric(c *engine.Ctx, where int) {
	timeout, ok := parseTimeout(c, c.Argv[len(c.Argv)-1])
	if !ok {
		return
	}
	keys := c.Argv[1 : len(c.Argv)-1]
	for _, key := range keys {
		l, ok := listGet(c, key, false)
		if !ok {
			return
		}
		if l == nil || l.Len() == 0 {
			continue
		}
		listBPopServe(c, key, l, where)
		return
	}
	if !c.CanBlock() {
		c.W.NullArray()
		return
	}
	c.Block(keys, timeout, nil, func(sc *engine.Ctx, key []byte) bool {
		l, ok := listServable(sc, key)
		if !ok {
			return false
		}
		listBPopServe(sc, key, l, where)
		return true
	})
}

// listBPopServe pops one element and replies [key, element], propagated as
// [LR]POP key.
func listBPopServe(c *engine.Ctx, key []byte, l *types.List, where int) {
	c.W.Array(2)
	c.W.Bulk(key)
	c.W.Bulk(listPop(l, where, listLimits(c)))
	listPopped(c, key, l, where)
	cmd := lbLPOP
	if where == listTail {
		cmd = lbRPOP
	}
	c.Propagate(cmd, key)
}

// BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout
func cmdBLMove(c *engine.Ctx) {
	from, ok := listWhere(c, c.Argv[3])
	if !ok {
		return
	}
	to, ok := listWhere(c, c.Argv[4])
	if !ok {
		return
	}
	timeout, ok := parseTimeout(c, c.Argv[5])
	if !ok {
		return
	}
	listBMoveGeneric(c, from, to, timeout)
}

// BRPOPLPUSH source destination timeout
func cmdBRPopLPush(c *engine.Ctx) {
	timeout, ok := parseTimeout(c, c.Argv[3])
	if !ok {
		return
	}
	listBMoveGeneric(c, listTail, listHead, timeout)
}

func listMoveEffect(src, dst []byte, from, to int) [][]byte {
	w := func(x int) []byte {
		if x == listHead {
			return lbLEFT
		}
		return lbRIGHT
	}
	return [][]byte{lbLMOVE, src, dst, w(from), w(to)}
}

func listBMoveGeneric(c *engine.Ctx, from, to int, timeout time.Duration) {
	src, dst := c.Argv[1], c.Argv[2]
	sl, ok := listGet(c, src, false)
	if !ok {
		return
	}
	if sl != nil {
		if listMoveFrom(c, src, dst, sl, from, to) {
			if eqFold(c.Argv[0], "BRPOPLPUSH") {
				c.Propagate(lbRPOPLPUSH, src, dst)
			} else {
				c.Propagate(listMoveEffect(src, dst, from, to)...)
			}
		}
		return
	}
	if !c.CanBlock() {
		c.W.Null()
		return
	}
	rpoplpush := eqFold(c.Argv[0], "BRPOPLPUSH")
	c.Block([][]byte{src}, timeout, dst, func(sc *engine.Ctx, key []byte) bool {
		sl, ok := listServable(sc, key)
		if !ok {
			return false
		}
		if listMoveFrom(sc, key, dst, sl, from, to) {
			if rpoplpush {
				sc.Propagate(lbRPOPLPUSH, key, dst)
			} else {
				sc.Propagate(listMoveEffect(key, dst, from, to)...)
			}
		}
		return true
	})
}

// BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]
func cmdBLMPop(c *engine.Ctx) {
	timeout, ok := parseTimeout(c, c.Argv[1])
	if !ok {
		return
	}
	listMPopGeneric(c, 2, timeout, true)
}
