package commands

import (
	"math"
	"strconv"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	engine.Register("xadd", cmdXAdd)
	engine.Register("xlen", cmdXLen)
	engine.Register("xrange", cmdXRange)
	engine.Register("xrevrange", cmdXRevRange)
	engine.Register("xdel", cmdXDel)
	engine.Register("xtrim", cmdXTrim)
	engine.Register("xread", cmdXRead)
	engine.Register("xreadgroup", cmdXReadGroup)
	engine.Register("xgroup|create", cmdXGroup)
	engine.Register("xgroup|setid", cmdXGroup)
	engine.Register("xgroup|destroy", cmdXGroup)
	engine.Register("xgroup|createconsumer", cmdXGroup)
	engine.Register("xgroup|delconsumer", cmdXGroup)
	engine.Register("xgroup|help", cmdXGroupHelp)
	engine.Register("xack", cmdXAck)
	engine.Register("xpending", cmdXPending)
	engine.Register("xclaim", cmdXClaim)
	engine.Register("xautoclaim", cmdXAutoClaim)
	engine.Register("xinfo|stream", cmdXInfo)
	engine.Register("xinfo|groups", cmdXInfo)
	engine.Register("xinfo|consumers", cmdXInfo)
	engine.Register("xinfo|help", cmdXInfoHelp)
	engine.Register("xsetid", cmdXSetID)
}

// XADD key [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] * | id field value [field value ...]
func cmdXAdd(c *engine.Ctx) {
	var a streamTrimArgs
	idpos := streamParseAddOrTrim(c, &a, true)
	if idpos < 0 {
		return
	}
	fieldPos := idpos + 1
	if n := len(c.Argv) - fieldPos; n < 2 || n%2 == 1 {
		c.ErrString("ERR wrong number of arguments for 'xadd' command")
		return
	}
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		c.ErrString(xerrIDZero)
		return
	}
	key := c.Argv[1]
	s, ok := streamGet(c, key, false)
	if !ok {
		return
	}
	if s == nil {
		if a.noMkStream {
			c.W.Null()
			return
		}
		s = types.NewStream()
		collAdd(c, key, s)
		c.SignalReady(key)
	}
	if s.LastID() == types.StreamMaxID {
		c.ErrString(xerrExhausted)
		return
	}
	id, st := s.NextID(uint64(c.Now()), a.id, a.idGiven, a.seqGiven)
	switch st {
	case types.StreamIDTooSmall:
		c.ErrString(xerrIDTooSmall)
		return
	case types.StreamIDSeqExhausted:
		// Redis 7.0 fails here without setting errno to EDOM, hence the
		// unrelated error text.
		c.ErrString(xerrTooLarge)
		return
	}
	fv := c.Argv[fieldPos:]
	total := 0
	for _, b := range fv {
		total += len(b)
	}
	if total > types.StreamMaxElementsSize {
		c.ErrString(xerrTooLarge)
		return
	}
	s.Append(id, fv, streamLimits(c))
	streamWriteID(c.W, id)
	c.Modified(key)
	c.Notify(engine.NotifyStream, "xadd", key)
	rewriteTrim := false
	if a.trim.Strategy != types.TrimNone {
		if s.Trim(a.trim) > 0 {
			c.Notify(engine.NotifyStream, "xtrim", key)
		}
		rewriteTrim = a.trim.Approx
	}
	if rewriteTrim || !a.idGiven || !a.seqGiven {
		streamPropagateRewritten(c, &a, s, rewriteTrim, idpos, id)
	}
	c.SignalReady(key)
}

// XLEN key
func cmdXLen(c *engine.Ctx) {
	s, ok := streamGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(s.Length()))
}

// XRANGE key start end [COUNT count]
func cmdXRange(c *engine.Ctx) { streamRangeGeneric(c, false) }

// XREVRANGE key end start [COUNT count]
func cmdXRevRange(c *engine.Ctx) { streamRangeGeneric(c, true) }

func streamRangeGeneric(c *engine.Ctx, rev bool) {
	startArg, endArg := c.Argv[2], c.Argv[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, end, ok := streamRangeArgs(c, startArg, endArg)
	if !ok {
		return
	}
	count := int64(-1)
	for j := 4; j < len(c.Argv); j++ {
		if eqFold(c.Argv[j], "COUNT") && len(c.Argv)-j-1 >= 1 {
			n, ok := streamLongArg(c, c.Argv[j+1], "")
			if !ok {
				return
			}
			if n < 0 {
				n = 0
			}
			count = n
			j++
		} else {
			c.Err(errs.Syntax)
			return
		}
	}
	s, ok := streamGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.W.Array(0)
		return
	}
	if count == 0 {
		c.W.NullArray()
		return
	}
	if count == -1 {
		count = 0
	}
	streamWriteRange(c.W, s, start, end, count, rev)
}

// XDEL key id [id ...]
func cmdXDel(c *engine.Ctx) {
	key := c.Argv[1]
	s, ok := streamGet(c, key, false)
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	var buf [8]types.StreamID
	ids := buf[:0]
	for _, arg := range c.Argv[2:] {
		id, ok := streamIDArg(c, arg, 0)
		if !ok {
			return
		}
		ids = append(ids, id)
	}
	n := s.Delete(ids)
	if n > 0 {
		c.Modified(key)
		c.Notify(engine.NotifyStream, "xdel", key)
	}
	c.W.Int(int64(n))
}

// XTRIM key MAXLEN | MINID [= | ~] threshold [LIMIT count]
func cmdXTrim(c *engine.Ctx) {
	var a streamTrimArgs
	if streamParseAddOrTrim(c, &a, false) < 0 {
		return
	}
	key := c.Argv[1]
	s, ok := streamGet(c, key, false)
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	deleted := s.Trim(a.trim)
	if deleted > 0 {
		c.Notify(engine.NotifyStream, "xtrim", key)
		if a.trim.Approx {
			streamPropagateRewritten(c, &a, s, true, -1, types.StreamID{})
		}
		c.Modified(key)
	}
	c.W.Int(deleted)
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
func cmdXRead(c *engine.Ctx) { streamRead(c, false) }

// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
func cmdXReadGroup(c *engine.Ctx) { streamRead(c, true) }

// streamBlockedCount is Redis's XREAD_BLOCKED_DEFAULT_COUNT: a client
// served after blocking gets at most this many entries without COUNT.
const streamBlockedCount = 1000

// streamRead is Redis's xreadCommand (XREAD and XREADGROUP).
func streamRead(c *engine.Ctx, xgroup bool) {
	argv := c.Argv
	timeout := int64(-1)
	var count int64
	streamsArg, nstreams := 0, 0
	noack := false
	var groupName, consumerName []byte
parse:
	for i := 1; i < len(argv); i++ {
		more := len(argv) - i - 1
		o := argv[i]
		switch {
		case more > 0 && eqFold(o, "BLOCK"):
			if streamInScript(c) {
				c.ErrString("ERR " + streamCStr(string(argv[0])) + " command is not allowed with BLOCK option from scripts")
				return
			}
			i++
			n, ok := streamLongArg(c, argv[i], "timeout is not an integer or out of range")
			if !ok {
				return
			}
			if n < 0 {
				c.Err(errs.TimeoutNeg)
				return
			}
			timeout = n
		case more > 0 && eqFold(o, "COUNT"):
			i++
			n, ok := streamLongArg(c, argv[i], "")
			if !ok {
				return
			}
			if n < 0 {
				n = 0
			}
			count = n
		case more > 0 && eqFold(o, "STREAMS"):
			streamsArg = i + 1
			nstreams = len(argv) - streamsArg
			if nstreams%2 != 0 {
				c.ErrString(xerrUnbalanced)
				return
			}
			nstreams /= 2
			break parse
		case more >= 2 && eqFold(o, "GROUP"):
			if !xgroup {
				c.ErrString(xerrGroupOnly)
				return
			}
			groupName, consumerName = argv[i+1], argv[i+2]
			i += 2
		case eqFold(o, "NOACK"):
			if !xgroup {
				c.ErrString(xerrNoAckOnly)
				return
			}
			noack = true
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if streamsArg == 0 {
		c.Err(errs.Syntax)
		return
	}
	if xgroup && groupName == nil {
		c.ErrString(xerrMissingGroup)
		return
	}
	keys := argv[streamsArg : streamsArg+nstreams]
	var idBuf [8]types.StreamID
	var groupBuf [8]*types.StreamGroup
	ids := idBuf[:0]
	groups := groupBuf[:0]
	for k, key := range keys {
		s, ok := streamGet(c, key, true)
		if !ok {
			return
		}
		var g *types.StreamGroup
		if xgroup {
			if s != nil {
				g = s.Group(groupName)
			}
			if g == nil {
				c.ErrString("NOGROUP No such key '" + streamCStr(string(key)) + "' or consumer group '" +
					streamCStr(string(groupName)) + "' in XREADGROUP with GROUP option")
				return
			}
		}
		groups = append(groups, g)
		arg := argv[streamsArg+nstreams+k]
		var id types.StreamID
		switch {
		case streamCStrEq(arg, "$"):
			if xgroup {
				c.ErrString(xerrDollarGroup)
				return
			}
			if s != nil {
				id = s.LastID()
			}
		case streamCStrEq(arg, ">"):
			if !xgroup {
				c.ErrString(xerrGreaterNoGroup)
				return
			}
			id = types.StreamMaxID
		default:
			if id, ok = streamIDArg(c, arg, 0); !ok {
				return
			}
		}
		ids = append(ids, id)
	}

	// The command is propagated through the effects of serving it.
	c.NoPropagate()
	w := c.W
	now := c.Now()
	mark, served := 0, 0
	for k, key := range keys {
		s, _ := streamGet(c, key, true)
		if s == nil {
			continue
		}
		gt := ids[k]
		serve, history := false, false
		var cons *types.StreamConsumer
		g := groups[k]
		if g != nil {
			if gt != types.StreamMaxID {
				serve, history = true, true
			} else if s.Length() > 0 {
				if maxid, _ := s.LastLive(); g.LastID.Less(maxid) {
					serve = true
					gt = g.LastID
				}
			}
		} else if s.Length() > 0 {
			if maxid, _ := s.LastLive(); gt.Less(maxid) {
				serve = true
			}
		}
		if !serve {
			continue
		}
		if g != nil {
			// Only a consumer that is served is looked up or created.
			if cons = g.Consumer(consumerName); cons == nil {
				cons = streamCreateConsumer(c, g, consumerName, key)
				if noack {
					c.Propagate(xbXGROUP, xbCREATECONSUMER, key, groupName, consumerName)
				}
			} else {
				cons.SeenTime = now
			}
		}
		if served == 0 {
			mark = w.DeferLen()
		}
		served++
		start, _ := gt.Incr()
		if w.Proto < 3 {
			w.Array(2)
		}
		w.Bulk(key)
		streamReadRange(c, s, key, start, count, g, cons, noack, history, groupName)
		if g != nil {
			c.Dirty()
		}
	}
	if served > 0 {
		kind := byte('*')
		if w.Proto >= 3 {
			kind = '%'
		}
		w.SetDeferred(mark, kind, served)
		return
	}
	if timeout == -1 || !c.CanBlock() {
		w.NullArray()
		return
	}
	streamBlock(c, keys, ids, timeout, count, xgroup, noack, groupName, consumerName)
}

// streamCStrEq compares arg, read as a C string, with s.
func streamCStrEq(arg []byte, s string) bool {
	for i := 0; i < len(arg); i++ {
		if arg[i] == 0 {
			arg = arg[:i]
			break
		}
	}
	return string(arg) == s
}

// streamReadRange writes the entries an XREAD / XREADGROUP gets from one
// stream, from start on (at most count; 0: all). With a group it
// maintains the group's last ID and read counter and the PELs (unless
// noack), propagating the changes as XCLAIM / XGROUP SETID; with history
// it serves the consumer's own pending entries instead.
func streamReadRange(c *engine.Ctx, s *types.Stream, key []byte, start types.StreamID, count int64,
	g *types.StreamGroup, cons *types.StreamConsumer, noack, history bool, groupName []byte) {
	w := c.W
	now := c.Now()
	mark := w.DeferLen()
	var n int64
	if g != nil && history {
		it := cons.PEL.Seek(start)
		for count == 0 || n < count {
			id, nack, ok := it.Next()
			if !ok {
				break
			}
			var e types.StreamEntry
			if s.Get(id, &e) {
				streamWriteEntry(w, &e)
				nack.DeliveryTime = now
				nack.DeliveryCount++
			} else {
				w.Array(2)
				streamWriteID(w, id)
				w.NullArray()
			}
			n++
		}
		w.SetDeferred(mark, '*', int(n))
		return
	}
	propagateLast := false
	var idb [48]byte
	var e types.StreamEntry
	it := s.Iter(start, types.StreamMaxID, false)
	for (count == 0 || n < count) && it.Next(&e) {
		if g != nil && g.LastID.Less(e.ID) {
			s.GroupDelivered(g, e.ID)
			if noack {
				propagateLast = true
			}
		}
		streamWriteEntry(w, &e)
		if g != nil && !noack {
			nack := g.PEL.Get(e.ID)
			if nack == nil {
				nack = &types.StreamNACK{DeliveryTime: now, DeliveryCount: 1, Consumer: cons}
				g.PEL.Insert(e.ID, nack)
				cons.PEL.Insert(e.ID, nack)
			} else {
				if nack.Consumer != nil {
					nack.Consumer.PEL.Delete(e.ID)
				}
				nack.Consumer = cons
				nack.DeliveryTime = now
				nack.DeliveryCount = 1
				cons.PEL.Insert(e.ID, nack)
			}
			streamPropagateClaim(c, key, groupName, g, e.ID.Append(idb[:0]), nack)
		}
		n++
	}
	if propagateLast {
		streamPropagateGroupID(c, key, groupName, g)
	}
	w.SetDeferred(mark, '*', int(n))
}

// streamBlock blocks an XREAD / XREADGROUP on its keys. Each waiter is
// served on its own (BlockEach): when one of its keys gets entries past
// its ID (for a group: past the group's last delivered ID, read when
// served). An XREADGROUP waiter is also woken, with an error, when the
// key is deleted or its group destroyed.
func streamBlock(c *engine.Ctx, keys [][]byte, ids []types.StreamID, timeout, count int64,
	xgroup, noack bool, groupName, consumerName []byte) {
	var dur time.Duration
	if timeout > 0 {
		if timeout > math.MaxInt64-time.Now().UnixMilli() {
			dur = 0 // Redis's deadline wraps negative: no timeout
		} else if timeout > math.MaxInt64/int64(time.Millisecond) {
			dur = math.MaxInt64
		} else {
			dur = time.Duration(timeout) * time.Millisecond
		}
	}
	if count == 0 {
		count = streamBlockedCount
	}
	owned := make([][]byte, len(keys))
	for i, k := range keys {
		owned[i] = append([]byte(nil), k...)
	}
	wantIDs := append([]types.StreamID(nil), ids...)
	gname := append([]byte(nil), groupName...)
	cname := append([]byte(nil), consumerName...)
	c.BlockEach(keys, dur, xgroup, func(sc *engine.Ctx, key []byte) bool {
		idx := 0
		for i, k := range owned {
			if string(k) == string(key) {
				idx = i
				break
			}
		}
		var s *types.Stream
		if e := sc.DB.Lookup(key); e != nil {
			s, _ = e.Obj().(*types.Stream)
		}
		var g *types.StreamGroup
		var gt types.StreamID
		if xgroup {
			sc.NoPropagate()
			if s == nil {
				sc.ErrString(xerrUnblockedGone)
				return true
			}
			if g = s.Group(gname); g == nil {
				sc.ErrString(xerrUnblockedGroup)
				return true
			}
			gt = g.LastID
		} else {
			if s == nil {
				return false
			}
			gt = wantIDs[idx]
		}
		if !gt.Less(s.LastID()) {
			return false
		}
		start, _ := gt.Incr()
		var cons *types.StreamConsumer
		if g != nil {
			if cons = g.Consumer(cname); cons == nil {
				cons = streamCreateConsumer(sc, g, cname, key)
				if noack {
					sc.Propagate(xbXGROUP, xbCREATECONSUMER, key, gname, cname)
				}
			} else {
				cons.SeenTime = sc.Now()
			}
		}
		w := sc.W
		if w.Proto < 3 {
			w.Array(1)
			w.Array(2)
		} else {
			w.Map(1)
		}
		w.Bulk(key)
		streamReadRange(sc, s, key, start, count, g, cons, noack, false, gname)
		if g != nil {
			sc.Dirty()
		}
		return true
	})
}

// XGROUP CREATE key group id | $ [MKSTREAM] [ENTRIESREAD entries-read]
// XGROUP SETID key group id | $ [ENTRIESREAD entries-read]
// XGROUP DESTROY key group
// XGROUP CREATECONSUMER key group consumer
// XGROUP DELCONSUMER key group consumer
func cmdXGroup(c *engine.Ctx) {
	argv := c.Argv
	opt := argv[1]
	create, setid := eqFold(opt, "CREATE"), eqFold(opt, "SETID")
	mkstream := false
	entriesRead := int64(-1)
	for i := 5; i < len(argv); {
		switch {
		case create && eqFold(argv[i], "MKSTREAM"):
			mkstream = true
			i++
		case (create || setid) && eqFold(argv[i], "ENTRIESREAD") && i+1 < len(argv):
			n, ok := streamLongArg(c, argv[i+1], "")
			if !ok {
				return
			}
			if n < 0 && n != -1 {
				c.ErrString(xerrEntriesRead)
				return
			}
			entriesRead = n
			i += 2
		default:
			streamSubcommandSyntax(c)
			return
		}
	}
	key, grp := argv[2], argv[3]
	s, ok := streamGet(c, key, false)
	if !ok {
		return
	}
	var g *types.StreamGroup
	if !mkstream {
		if s == nil {
			c.ErrString(xerrKeyMissing)
			return
		}
		g = s.Group(grp)
		if g == nil && !create && !eqFold(opt, "DESTROY") {
			c.ErrString("NOGROUP No such consumer group '" + streamCStr(string(grp)) + "' for key name '" + streamCStr(string(key)) + "'")
			return
		}
	}
	switch {
	case create && len(argv) >= 5 && len(argv) <= 8:
		var id types.StreamID
		if streamCStrEq(argv[4], "$") {
			if s != nil {
				id = s.LastID()
			}
		} else if id, ok = streamIDArg(c, argv[4], 0); !ok {
			return
		}
		if s == nil {
			s = types.NewStream()
			collAdd(c, key, s)
			c.Modified(key)
			c.SignalReady(key)
		}
		if s.CreateGroup(grp, id, entriesRead) == nil {
			c.ErrString(xerrBusyGroup)
			return
		}
		c.W.OK()
		c.Dirty()
		c.Notify(engine.NotifyStream, "xgroup-create", key)
	case setid && (len(argv) == 5 || len(argv) == 7):
		var id types.StreamID
		if streamCStrEq(argv[4], "$") {
			id = s.LastID()
		} else {
			var ok bool
			if id, _, ok = streamParseID(argv[4], 0, false, false); !ok {
				c.ErrString(xerrInvalidID)
				return
			}
		}
		g.LastID = id
		g.EntriesRead = entriesRead
		c.W.OK()
		c.Dirty()
		c.Notify(engine.NotifyStream, "xgroup-setid", key)
	case eqFold(opt, "DESTROY") && len(argv) == 4:
		if g == nil {
			c.W.Int(0)
			return
		}
		s.DestroyGroup(grp)
		c.W.Int(1)
		c.Dirty()
		c.Notify(engine.NotifyStream, "xgroup-destroy", key)
		c.SignalReady(key) // XREADGROUP waiters reply NOGROUP
	case eqFold(opt, "CREATECONSUMER") && len(argv) == 5:
		if streamCreateConsumer(c, g, argv[4], key) != nil {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	case eqFold(opt, "DELCONSUMER") && len(argv) == 5:
		pending := g.DeleteConsumer(argv[4])
		if pending < 0 {
			c.W.Int(0)
			return
		}
		c.Dirty()
		c.Notify(engine.NotifyStream, "xgroup-delconsumer", key)
		c.W.Int(pending)
	default:
		streamSubcommandSyntax(c)
	}
}

// XGROUP HELP
func cmdXGroupHelp(c *engine.Ctx) {
	streamHelp(c,
		"CREATE <key> <groupname> <id|$> [option]",
		"    Create a new consumer group. Options are:",
		"    * MKSTREAM",
		"      Create the empty stream if it does not exist.",
		"    * ENTRIESREAD entries_read",
		"      Set the group's entries_read counter (internal use).",
		"CREATECONSUMER <key> <groupname> <consumer>",
		"    Create a new consumer in the specified group.",
		"DELCONSUMER <key> <groupname> <consumer>",
		"    Remove the specified consumer.",
		"DESTROY <key> <groupname>",
		"    Remove the specified group.",
		"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
		"    Set the current group ID and entries_read counter.")
}

// XACK key group id [id ...]
func cmdXAck(c *engine.Ctx) {
	s, ok := streamGet(c, c.Argv[1], true)
	if !ok {
		return
	}
	var g *types.StreamGroup
	if s != nil {
		g = s.Group(c.Argv[2])
	}
	if g == nil {
		c.W.Int(0)
		return
	}
	var buf [8]types.StreamID
	ids := buf[:0]
	for _, arg := range c.Argv[3:] {
		id, ok := streamIDArg(c, arg, 0)
		if !ok {
			return
		}
		ids = append(ids, id)
	}
	n := 0
	for _, id := range ids {
		if g.Ack(id) {
			n++
			c.Dirty()
		}
	}
	c.W.Int(int64(n))
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
func cmdXPending(c *engine.Ctx) {
	argv := c.Argv
	justInfo := len(argv) == 3
	if len(argv) != 3 && (len(argv) < 6 || len(argv) > 9) {
		c.Err(errs.Syntax)
		return
	}
	var start, end types.StreamID
	var count, minIdle int64
	var consumerName []byte
	if len(argv) >= 6 {
		si := 3
		if eqFold(argv[3], "IDLE") {
			n, ok := streamLongArg(c, argv[4], "")
			if !ok {
				return
			}
			minIdle = n
			if len(argv) < 8 {
				c.Err(errs.Syntax)
				return
			}
			si += 2
		}
		n, ok := streamLongArg(c, argv[si+2], "")
		if !ok {
			return
		}
		if n < 0 {
			n = 0
		}
		count = n
		if start, end, ok = streamRangeArgs(c, argv[si], argv[si+1]); !ok {
			return
		}
		if si+3 < len(argv) {
			consumerName = argv[si+3]
		}
	}
	key, grp := argv[1], argv[2]
	s, ok := streamGet(c, key, true)
	if !ok {
		return
	}
	var g *types.StreamGroup
	if s != nil {
		g = s.Group(grp)
	}
	if g == nil {
		c.ErrString("NOGROUP No such key '" + streamCStr(string(key)) + "' or consumer group '" + streamCStr(string(grp)) + "'")
		return
	}
	w := c.W
	if justInfo {
		w.Array(4)
		w.Int(int64(g.PEL.Len()))
		first, ok := g.PEL.First()
		if !ok {
			w.Null()
			w.Null()
			w.NullArray()
			return
		}
		last, _ := g.PEL.Last()
		streamWriteID(w, first)
		streamWriteID(w, last)
		mark := w.DeferLen()
		n := 0
		for _, cons := range g.Consumers() {
			if cons.PEL.Len() == 0 {
				continue
			}
			w.Array(2)
			w.BulkString(cons.Name)
			w.BulkInt(int64(cons.PEL.Len()))
			n++
		}
		w.SetDeferred(mark, '*', n)
		return
	}
	pel := &g.PEL
	if consumerName != nil {
		cons := g.Consumer(consumerName)
		if cons == nil {
			w.Array(0)
			return
		}
		pel = &cons.PEL
	}
	now := c.Now()
	mark := w.DeferLen()
	n := 0
	it := pel.Seek(start)
	for count > 0 {
		id, nack, ok := it.Next()
		if !ok || end.Less(id) {
			break
		}
		if minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		n++
		count--
		w.Array(4)
		streamWriteID(w, id)
		w.BulkString(nack.Consumer.Name)
		elapsed := now - nack.DeliveryTime
		if elapsed < 0 {
			elapsed = 0
		}
		w.Int(elapsed)
		w.Int(nack.DeliveryCount)
	}
	w.SetDeferred(mark, '*', n)
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
func cmdXClaim(c *engine.Ctx) {
	argv := c.Argv
	key, grp := argv[1], argv[2]
	s, ok := streamGet(c, key, true)
	if !ok {
		return
	}
	var g *types.StreamGroup
	if s != nil {
		g = s.Group(grp)
	}
	if g == nil {
		c.ErrString("NOGROUP No such key '" + streamCStr(string(key)) + "' or consumer group '" + streamCStr(string(grp)) + "'")
		return
	}
	minIdle, ok := streamLongArg(c, argv[4], "Invalid min-idle-time argument for XCLAIM")
	if !ok {
		return
	}
	if minIdle < 0 {
		minIdle = 0
	}
	var buf [8]types.StreamID
	ids := buf[:0]
	j := 5
	for ; j < len(argv); j++ {
		id, _, ok := streamParseID(argv[j], 0, true, false)
		if !ok {
			break
		}
		ids = append(ids, id)
	}
	now := c.Now()
	deliveryTime, retryCount := int64(-1), int64(-1)
	force, justID := false, false
	var lastID types.StreamID
	for ; j < len(argv); j++ {
		more := len(argv) - 1 - j
		opt := argv[j]
		switch {
		case eqFold(opt, "FORCE"):
			force = true
		case eqFold(opt, "JUSTID"):
			justID = true
		case more > 0 && eqFold(opt, "IDLE"):
			j++
			n, ok := streamLongArg(c, argv[j], "Invalid IDLE option argument for XCLAIM")
			if !ok {
				return
			}
			deliveryTime = now - n
		case more > 0 && eqFold(opt, "TIME"):
			j++
			n, ok := streamLongArg(c, argv[j], "Invalid TIME option argument for XCLAIM")
			if !ok {
				return
			}
			deliveryTime = n
		case more > 0 && eqFold(opt, "RETRYCOUNT"):
			j++
			n, ok := streamLongArg(c, argv[j], "Invalid RETRYCOUNT option argument for XCLAIM")
			if !ok {
				return
			}
			retryCount = n
		case more > 0 && eqFold(opt, "LASTID"):
			j++
			id, ok := streamIDArg(c, argv[j], 0)
			if !ok {
				return
			}
			lastID = id
		default:
			c.ErrString("ERR Unrecognized XCLAIM option '" + streamCStr(string(opt)) + "'")
			return
		}
	}
	c.NoPropagate()
	propagateLast := false
	if g.LastID.Less(lastID) {
		g.LastID = lastID
		propagateLast = true
	}
	if deliveryTime != -1 {
		if deliveryTime < 0 || deliveryTime > now {
			deliveryTime = now
		}
	} else {
		deliveryTime = now
	}
	// The consumer is looked up (its seen time refreshed) or created
	// when the first entry is claimed, as Redis 7.0 does.
	var cons *types.StreamConsumer
	w := c.W
	mark := w.DeferLen()
	n := 0
	for i, id := range ids {
		idArg := argv[5+i]
		nack := g.PEL.Get(id)
		if !s.Exists(id) {
			if nack != nil {
				streamPropagateClaim(c, key, grp, g, idArg, nack)
				propagateLast = false
				c.Dirty()
				g.Ack(id)
			}
			continue
		}
		if force && nack == nil {
			nack = &types.StreamNACK{DeliveryTime: now, DeliveryCount: 1}
			g.PEL.Insert(id, nack)
		}
		if nack == nil {
			continue
		}
		if nack.Consumer != nil && minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if cons == nil {
			cons = streamLookupConsumer(c, g, argv[3], key)
		}
		if nack.Consumer != cons {
			if nack.Consumer != nil {
				nack.Consumer.PEL.Delete(id)
			}
		}
		nack.DeliveryTime = deliveryTime
		if retryCount >= 0 {
			nack.DeliveryCount = retryCount
		} else if !justID {
			nack.DeliveryCount++
		}
		if nack.Consumer != cons {
			cons.PEL.Insert(id, nack)
			nack.Consumer = cons
		}
		if justID {
			streamWriteID(w, id)
		} else {
			streamWriteOneEntry(w, s, id)
		}
		n++
		streamPropagateClaim(c, key, grp, g, idArg, nack)
		propagateLast = false
		c.Dirty()
	}
	if propagateLast {
		streamPropagateGroupID(c, key, grp, g)
		c.Dirty()
	}
	w.SetDeferred(mark, '*', n)
}

// streamAutoclaimMaxCount is the largest COUNT whose transient allocation
// Redis 7.0 manages (count * 16 bytes) on a typical 64-bit host.
const streamAutoclaimMaxCount = 5497558138880

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
func cmdXAutoClaim(c *engine.Ctx) {
	argv := c.Argv
	minIdle, ok := streamLongArg(c, argv[4], "Invalid min-idle-time argument for XAUTOCLAIM")
	if !ok {
		return
	}
	if minIdle < 0 {
		minIdle = 0
	}
	start, excl, ok := streamIntervalArg(c, argv[5], 0)
	if !ok {
		return
	}
	if excl {
		if start, ok = start.Incr(); !ok {
			c.ErrString(xerrStartInterval)
			return
		}
	}
	count := int64(100)
	justID := false
	for j := 6; j < len(argv); j++ {
		more := len(argv) - 1 - j
		switch {
		case more > 0 && eqFold(argv[j], "COUNT"):
			n, ok := parseInt(argv[j+1])
			if !ok || n < 1 || n > math.MaxInt64/16 {
				c.ErrString(xerrAutoclaimCount)
				return
			}
			count = n
			j++
		case eqFold(argv[j], "JUSTID"):
			justID = true
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	key, grp := argv[1], argv[2]
	s, ok := streamGet(c, key, true)
	if !ok {
		return
	}
	var g *types.StreamGroup
	if s != nil {
		g = s.Group(grp)
	}
	if g == nil {
		c.ErrString("NOGROUP No such key '" + streamCStr(string(key)) + "' or consumer group '" + streamCStr(string(grp)) + "'")
		return
	}
	if count > streamAutoclaimMaxCount {
		c.ErrString(xerrAutoclaimMem)
		return
	}
	c.NoPropagate()
	now := c.Now()
	var cons *types.StreamConsumer // looked up or created by the first claim
	attempts := count * 10
	w := c.W
	w.Array(3)
	mark := w.Len() // the cursor and the claimed array's header go here
	var deleted []types.StreamID
	n := 0
	var idb [48]byte
	it := g.PEL.Seek(start)
	for attempts > 0 && count > 0 {
		attempts--
		id, nack, ok := it.Next()
		if !ok {
			break
		}
		if !s.Exists(id) {
			streamPropagateClaim(c, key, grp, g, id.Append(idb[:0]), nack)
			c.Dirty()
			g.Ack(id)
			deleted = append(deleted, id)
			it = g.PEL.Seek(id)
			count--
			continue
		}
		if minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if cons == nil {
			cons = streamLookupConsumer(c, g, argv[3], key)
		}
		if nack.Consumer != cons {
			if nack.Consumer != nil {
				nack.Consumer.PEL.Delete(id)
			}
		}
		nack.DeliveryTime = now
		if !justID {
			nack.DeliveryCount++
		}
		if nack.Consumer != cons {
			cons.PEL.Insert(id, nack)
			nack.Consumer = cons
		}
		if justID {
			streamWriteID(w, id)
		} else {
			streamWriteOneEntry(w, s, id)
		}
		n++
		count--
		streamPropagateClaim(c, key, grp, g, id.Append(idb[:0]), nack)
		c.Dirty()
	}
	var next types.StreamID
	if id, _, ok := it.Next(); ok {
		next = id
	}
	var hdr [96]byte
	h := append(hdr[:0], '$')
	h = strconv.AppendInt(h, int64(len(next.Append(idb[:0]))), 10)
	h = append(h, '\r', '\n')
	h = next.Append(h)
	h = append(h, "\r\n*"...)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	streamInsertAt(w, mark, h)
	w.Array(len(deleted))
	for _, id := range deleted {
		streamWriteID(w, id)
	}
}

// XINFO CONSUMERS key group
// XINFO GROUPS key
// XINFO STREAM key [FULL [COUNT count]]
func cmdXInfo(c *engine.Ctx) {
	argv := c.Argv
	key := argv[2]
	e := lookupRead(c, key)
	if e == nil {
		c.Err(errs.NoSuchKey)
		return
	}
	s, ok := e.Obj().(*types.Stream)
	if !ok {
		c.Err(errs.WrongType)
		return
	}
	w := c.W
	switch {
	case eqFold(argv[1], "CONSUMERS") && len(argv) == 4:
		g := s.Group(argv[3])
		if g == nil {
			c.ErrString("NOGROUP No such consumer group '" + streamCStr(string(argv[3])) + "' for key name '" + streamCStr(string(key)) + "'")
			return
		}
		now := c.Now()
		w.Array(len(g.Consumers()))
		for _, cons := range g.Consumers() {
			idle := now - cons.SeenTime
			if idle < 0 {
				idle = 0
			}
			w.Map(3)
			w.BulkString("name")
			w.BulkString(cons.Name)
			w.BulkString("pending")
			w.Int(int64(cons.PEL.Len()))
			w.BulkString("idle")
			w.Int(idle)
		}
	case eqFold(argv[1], "GROUPS") && len(argv) == 3:
		w.Array(len(s.Groups()))
		for _, g := range s.Groups() {
			w.Map(6)
			w.BulkString("name")
			w.BulkString(g.Name)
			w.BulkString("consumers")
			w.Int(int64(len(g.Consumers())))
			w.BulkString("pending")
			w.Int(int64(g.PEL.Len()))
			w.BulkString("last-delivered-id")
			streamWriteID(w, g.LastID)
			w.BulkString("entries-read")
			streamWriteEntriesRead(w, g)
			w.BulkString("lag")
			streamWriteLag(w, s, g)
		}
	case eqFold(argv[1], "STREAM"):
		streamInfo(c, s)
	default:
		streamSubcommandSyntax(c)
	}
}

func streamWriteEntriesRead(w *resp.Writer, g *types.StreamGroup) {
	if g.EntriesRead != -1 {
		w.Int(g.EntriesRead)
	} else {
		w.Null()
	}
}

func streamWriteLag(w *resp.Writer, s *types.Stream, g *types.StreamGroup) {
	if lag, ok := s.GroupLag(g); ok {
		w.Int(lag)
	} else {
		w.Null()
	}
}

// streamInfo is XINFO STREAM key [FULL [COUNT count]].
func streamInfo(c *engine.Ctx, s *types.Stream) {
	argv := c.Argv
	full := false
	count := int64(10)
	if opts := argv[3:]; len(opts) > 0 {
		if len(opts) != 1 && len(opts) != 3 {
			streamSubcommandSyntax(c)
			return
		}
		if !eqFold(opts[0], "FULL") {
			streamSubcommandSyntax(c)
			return
		}
		if len(opts) == 3 {
			if !eqFold(opts[1], "COUNT") {
				streamSubcommandSyntax(c)
				return
			}
			n, ok := streamLongArg(c, opts[2], "")
			if !ok {
				return
			}
			if n < 0 {
				n = 10
			}
			count = n
		}
		full = true
	}
	w := c.W
	if full {
		w.Map(9)
	} else {
		w.Map(10)
	}
	w.BulkString("length")
	w.Int(int64(s.Length()))
	w.BulkString("radix-tree-keys")
	w.Int(int64(s.RadixKeys()))
	w.BulkString("radix-tree-nodes")
	w.Int(s.RadixNodes())
	w.BulkString("last-generated-id")
	streamWriteID(w, s.LastID())
	w.BulkString("max-deleted-entry-id")
	streamWriteID(w, s.MaxDeletedID())
	w.BulkString("entries-added")
	w.Int(int64(s.EntriesAdded()))
	w.BulkString("recorded-first-entry-id")
	streamWriteID(w, s.FirstID())
	if !full {
		w.BulkString("groups")
		w.Int(int64(len(s.Groups())))
		var e types.StreamEntry
		w.BulkString("first-entry")
		if it := s.Iter(types.StreamID{}, types.StreamMaxID, false); it.Next(&e) {
			streamWriteEntry(w, &e)
		} else {
			w.Null()
		}
		w.BulkString("last-entry")
		if it := s.Iter(types.StreamID{}, types.StreamMaxID, true); it.Next(&e) {
			streamWriteEntry(w, &e)
		} else {
			w.Null()
		}
		return
	}
	w.BulkString("entries")
	streamWriteRange(w, s, types.StreamID{}, types.StreamMaxID, count, false)
	w.BulkString("groups")
	w.Array(len(s.Groups()))
	for _, g := range s.Groups() {
		w.Map(7)
		w.BulkString("name")
		w.BulkString(g.Name)
		w.BulkString("last-delivered-id")
		streamWriteID(w, g.LastID)
		w.BulkString("entries-read")
		streamWriteEntriesRead(w, g)
		w.BulkString("lag")
		streamWriteLag(w, s, g)
		w.BulkString("pel-count")
		w.Int(int64(g.PEL.Len()))
		w.BulkString("pending")
		mark := w.DeferLen()
		n := int64(0)
		it := g.PEL.Seek(types.StreamID{})
		for count == 0 || n < count {
			id, nack, ok := it.Next()
			if !ok {
				break
			}
			w.Array(4)
			streamWriteID(w, id)
			w.BulkString(nack.Consumer.Name)
			w.Int(nack.DeliveryTime)
			w.Int(nack.DeliveryCount)
			n++
		}
		w.SetDeferred(mark, '*', int(n))
		w.BulkString("consumers")
		w.Array(len(g.Consumers()))
		for _, cons := range g.Consumers() {
			w.Map(4)
			w.BulkString("name")
			w.BulkString(cons.Name)
			w.BulkString("seen-time")
			w.Int(cons.SeenTime)
			w.BulkString("pel-count")
			w.Int(int64(cons.PEL.Len()))
			w.BulkString("pending")
			mark := w.DeferLen()
			n := int64(0)
			it := cons.PEL.Seek(types.StreamID{})
			for count == 0 || n < count {
				id, nack, ok := it.Next()
				if !ok {
					break
				}
				w.Array(3)
				streamWriteID(w, id)
				w.Int(nack.DeliveryTime)
				w.Int(nack.DeliveryCount)
				n++
			}
			w.SetDeferred(mark, '*', int(n))
		}
	}
}

// XINFO HELP
func cmdXInfoHelp(c *engine.Ctx) {
	streamHelp(c,
		"CONSUMERS <key> <groupname>",
		"    Show consumers of <groupname>.",
		"GROUPS <key>",
		"    Show the stream consumer groups.",
		"STREAM <key> [FULL [COUNT <count>]",
		"    Show information about the stream.")
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
func cmdXSetID(c *engine.Ctx) {
	argv := c.Argv
	id, ok := streamIDArg(c, argv[2], 0)
	if !ok {
		return
	}
	entriesAdded := int64(-1)
	var maxDel types.StreamID
	for i := 3; i < len(argv); i += 2 {
		more := len(argv) - 1 - i
		switch {
		case more > 0 && eqFold(argv[i], "ENTRIESADDED"):
			n, ok := streamLongArg(c, argv[i+1], "")
			if !ok {
				return
			}
			if n < 0 {
				c.ErrString(xerrEntriesAdded)
				return
			}
			entriesAdded = n
		case more > 0 && eqFold(argv[i], "MAXDELETEDID"):
			m, ok := streamIDArg(c, argv[i+1], 0)
			if !ok {
				return
			}
			if id.Less(m) {
				c.ErrString(xerrSetIDMaxDel)
				return
			}
			maxDel = m
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	key := argv[1]
	s, ok := streamGet(c, key, false)
	if !ok {
		return
	}
	if s == nil {
		c.Err(errs.NoSuchKey)
		return
	}
	if s.Length() > 0 {
		if maxid, _ := s.LastLive(); id.Less(maxid) {
			c.ErrString(xerrSetIDTop)
			return
		}
		if entriesAdded != -1 && s.Length() > uint64(entriesAdded) {
			c.ErrString(xerrSetIDLength)
			return
		}
	}
	s.SetMeta(id, entriesAdded, maxDel)
	c.W.OK()
	c.Dirty()
	c.Notify(engine.NotifyStream, "xsetid", key)
}
