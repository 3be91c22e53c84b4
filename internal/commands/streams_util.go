package commands

// Helpers of the stream family (streams.go): ID parsing as Redis's
// streamGenericParseIDOrReply, XADD/XTRIM trimming options, replies and
// propagation.

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

// Error texts of the stream commands.
const (
	xerrInvalidID      = "ERR Invalid stream ID specified as stream command argument"
	xerrIDTooSmall     = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
	xerrIDZero         = "ERR The ID specified in XADD must be greater than 0-0"
	xerrExhausted      = "ERR The stream has exhausted the last possible ID, unable to add more items"
	xerrTooLarge       = "ERR Elements are too large to be stored"
	xerrStartInterval  = "ERR invalid start ID for the interval"
	xerrEndInterval    = "ERR invalid end ID for the interval"
	xerrMaxLenMinID    = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
	xerrMaxLenNeg      = "ERR The MAXLEN argument must be >= 0."
	xerrLimitNeg       = "ERR The LIMIT argument must be >= 0."
	xerrLimitNoStrat   = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
	xerrTrimNoStrat    = "ERR syntax error, XTRIM must be called with a trimming strategy"
	xerrLimitNoApprox  = "ERR syntax error, LIMIT cannot be used without the special ~ option"
	xerrTimeoutInt     = "ERR timeout is not an integer or out of range"
	xerrKeyMissing     = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
	xerrEntriesRead    = "ERR value for ENTRIESREAD must be positive or -1"
	xerrBusyGroup      = "BUSYGROUP Consumer Group name already exists"
	xerrUnbalanced     = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
	xerrGroupOnly      = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
	xerrNoAckOnly      = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
	xerrMissingGroup   = "ERR Missing GROUP option for XREADGROUP"
	xerrDollarGroup    = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
	xerrGreaterNoGroup = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
	xerrUnblockedGone  = "UNBLOCKED the stream key no longer exists"
	xerrUnblockedGroup = "NOGROUP the consumer group this client was blocked on no longer exists"
	xerrEntriesAdded   = "ERR entries_added must be positive"
	xerrSetIDMaxDel    = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
	xerrSetIDTop       = "ERR The ID specified in XSETID is smaller than the target stream top item"
	xerrSetIDLength    = "ERR The entries_added specified in XSETID is smaller than the target stream length"
	xerrAutoclaimCount = "ERR COUNT must be > 0"
	xerrAutoclaimMem   = "ERR Insufficient memory, failed allocating transient memory, COUNT too high."
)

var (
	xbXCLAIM         = []byte("XCLAIM")
	xbXGROUP         = []byte("XGROUP")
	xbSETID          = []byte("SETID")
	xbCREATECONSUMER = []byte("CREATECONSUMER")
	xbENTRIESREAD    = []byte("ENTRIESREAD")
	xbTIME           = []byte("TIME")
	xbRETRYCOUNT     = []byte("RETRYCOUNT")
	xbFORCE          = []byte("FORCE")
	xbJUSTID         = []byte("JUSTID")
	xbLASTID         = []byte("LASTID")
	xbZero           = []byte("0")
	xbEquals         = []byte("=")
)

// streamGet looks key up as a stream: (nil, true) when missing, (nil,
// false) after replying WRONGTYPE. read selects lookupKeyRead (keyspace
// hits/misses are counted) over lookupKeyWrite.
func streamGet(c *engine.Ctx, key []byte, read bool) (*types.Stream, bool) {
	var e *keyspace.Entry
	if read {
		e = lookupRead(c, key)
	} else {
		e = c.DB.Lookup(key)
	}
	if e == nil {
		return nil, true
	}
	s, ok := e.Obj().(*types.Stream)
	if !ok {
		c.Err(errs.WrongType)
		return nil, false
	}
	return s, true
}

func streamLimits(c *engine.Ctx) types.StreamLimits {
	return types.StreamLimits{
		MaxBytes:   int64(cfgInt(c, streamMaxBytesP, 4096)),
		MaxEntries: int64(cfgInt(c, streamMaxEntriesP, 100)),
	}
}

// streamParseID is Redis's streamGenericParseIDOrReply without the reply:
// "ms-seq", "ms" (seq = missingSeq), "-" and "+" (unless strict), and with
// seqStar the "ms-*" form (seqGiven false).
func streamParseID(arg []byte, missingSeq uint64, strict, seqStar bool) (id types.StreamID, seqGiven, ok bool) {
	if len(arg) > 127 {
		return id, false, false
	}
	if i := bytes.IndexByte(arg, 0); i >= 0 {
		arg = arg[:i] // parsed as a C string
	}
	if strict && len(arg) == 1 && (arg[0] == '-' || arg[0] == '+') {
		return id, false, false
	}
	seqGiven = true
	if len(arg) == 1 && arg[0] == '-' {
		return types.StreamID{}, true, true
	}
	if len(arg) == 1 && arg[0] == '+' {
		return types.StreamMaxID, true, true
	}
	msPart := arg
	dot := bytes.IndexByte(arg, '-')
	if dot >= 0 {
		msPart = arg[:dot]
	}
	ms, ok := streamString2ull(msPart)
	if !ok {
		return id, false, false
	}
	seq := missingSeq
	if dot >= 0 {
		rest := arg[dot+1:]
		if seqStar && len(rest) == 1 && rest[0] == '*' {
			seq, seqGiven = 0, false
		} else if seq, ok = streamString2ull(rest); !ok {
			return id, false, false
		}
	}
	return types.StreamID{Ms: ms, Seq: seq}, seqGiven, true
}

// streamString2ull is Redis's string2ull: string2ll, else strtoull in base
// 10 (leading spaces, a sign, no trailing garbage, no overflow).
func streamString2ull(b []byte) (uint64, bool) {
	if v, ok := resp.ParseInt(b); ok {
		if v < 0 {
			return 0, false
		}
		return uint64(v), true
	}
	i := 0
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	var v uint64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if i == start || i != len(b) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// streamIDArg parses a strict ID argument, replying the error.
func streamIDArg(c *engine.Ctx, arg []byte, missingSeq uint64) (types.StreamID, bool) {
	id, _, ok := streamParseID(arg, missingSeq, true, false)
	if !ok {
		c.ErrString(xerrInvalidID)
	}
	return id, ok
}

// streamIntervalArg is streamParseIntervalIDOrReply: "(" makes the bound
// exclusive (and the ID strict).
func streamIntervalArg(c *engine.Ctx, arg []byte, missingSeq uint64) (types.StreamID, bool, bool) {
	var id types.StreamID
	var ok bool
	excl := len(arg) > 1 && arg[0] == '('
	if excl {
		id, _, ok = streamParseID(arg[1:], missingSeq, true, false)
	} else {
		id, _, ok = streamParseID(arg, missingSeq, false, false)
	}
	if !ok {
		c.ErrString(xerrInvalidID)
	}
	return id, excl, ok
}

// streamRangeArgs parses an inclusive/exclusive start and end (XRANGE,
// XPENDING).
func streamRangeArgs(c *engine.Ctx, startArg, endArg []byte) (types.StreamID, types.StreamID, bool) {
	start, excl, ok := streamIntervalArg(c, startArg, 0)
	if !ok {
		return start, start, false
	}
	if excl {
		if start, ok = start.Incr(); !ok {
			c.ErrString(xerrStartInterval)
			return start, start, false
		}
	}
	end, excl, ok := streamIntervalArg(c, endArg, math.MaxUint64)
	if !ok {
		return start, end, false
	}
	if excl {
		if end, ok = end.Decr(); !ok {
			c.ErrString(xerrEndInterval)
			return start, end, false
		}
	}
	return start, end, true
}

// streamLongArg is getLongLongFromObjectOrReply: msg replaces the default
// error ("ERR " is added).
func streamLongArg(c *engine.Ctx, arg []byte, msg string) (int64, bool) {
	n, ok := parseInt(arg)
	if !ok {
		if msg != "" {
			c.ErrString("ERR " + msg)
		} else {
			c.Err(errs.NotInt)
		}
	}
	return n, ok
}

// streamWriteID writes an ID as a bulk string.
func streamWriteID(w *resp.Writer, id types.StreamID) {
	var buf [48]byte
	w.Bulk(id.Append(buf[:0]))
}

// streamWriteEntry writes [id, [field, value, ...]].
func streamWriteEntry(w *resp.Writer, e *types.StreamEntry) {
	w.Array(2)
	streamWriteID(w, e.ID)
	w.Array(e.Len() * 2)
	e.Each(func(f, v []byte) {
		w.Bulk(f)
		w.Bulk(v)
	})
}

// streamWriteRange writes the entries in [start, end] (at most count; 0:
// all) as an array and returns how many.
func streamWriteRange(w *resp.Writer, s *types.Stream, start, end types.StreamID, count int64, rev bool) int64 {
	mark := w.DeferLen()
	var n int64
	var e types.StreamEntry
	it := s.Iter(start, end, rev)
	for (count == 0 || n < count) && it.Next(&e) {
		streamWriteEntry(w, &e)
		n++
	}
	w.SetDeferred(mark, '*', int(n))
	return n
}

// streamWriteOneEntry writes the entry id (which must exist) raw.
func streamWriteOneEntry(w *resp.Writer, s *types.Stream, id types.StreamID) {
	var e types.StreamEntry
	if s.Get(id, &e) {
		streamWriteEntry(w, &e)
	}
}

// streamTrimArgs are the parsed XADD/XTRIM options.
type streamTrimArgs struct {
	trim       types.StreamTrim
	argIdx     int // index of the MAXLEN/MINID value, for rewriting
	id         types.StreamID
	idGiven    bool
	seqGiven   bool
	noMkStream bool
}

// streamParseAddOrTrim is Redis's streamParseAddOrTrimArgsOrReply. It
// returns the position of XADD's ID argument, or -1 after replying an
// error.
func streamParseAddOrTrim(c *engine.Ctx, a *streamTrimArgs, xadd bool) int {
	argv := c.Argv
	limitGiven := false
	i := 2
	for ; i < len(argv); i++ {
		more := len(argv) - 1 - i
		opt := argv[i]
		switch {
		case xadd && len(opt) == 1 && opt[0] == '*':
			return streamFinishTrimArgs(c, a, limitGiven, xadd, i)
		case more > 0 && (eqFold(opt, "MAXLEN") || eqFold(opt, "MINID")):
			maxlen := eqFold(opt, "MAXLEN")
			if a.trim.Strategy != types.TrimNone {
				c.ErrString(xerrMaxLenMinID)
				return -1
			}
			a.trim.Approx = false
			next := argv[i+1]
			if more >= 2 && len(next) == 1 && next[0] == '~' {
				a.trim.Approx = true
				i++
			} else if more >= 2 && len(next) == 1 && next[0] == '=' {
				i++
			}
			if maxlen {
				n, ok := streamLongArg(c, argv[i+1], "")
				if !ok {
					return -1
				}
				if n < 0 {
					c.ErrString(xerrMaxLenNeg)
					return -1
				}
				a.trim.MaxLen = n
				a.trim.Strategy = types.TrimMaxLen
			} else {
				id, ok := streamIDArg(c, argv[i+1], 0)
				if !ok {
					return -1
				}
				a.trim.MinID = id
				a.trim.Strategy = types.TrimMinID
			}
			i++
			a.argIdx = i
		case more > 0 && eqFold(opt, "LIMIT"):
			n, ok := streamLongArg(c, argv[i+1], "")
			if !ok {
				return -1
			}
			if n < 0 {
				c.ErrString(xerrLimitNeg)
				return -1
			}
			a.trim.Limit = n
			limitGiven = true
			i++
		case xadd && eqFold(opt, "NOMKSTREAM"):
			a.noMkStream = true
		case xadd:
			id, seqGiven, ok := streamParseID(opt, 0, true, true)
			if !ok {
				c.ErrString(xerrInvalidID)
				return -1
			}
			a.id, a.seqGiven, a.idGiven = id, seqGiven, true
			return streamFinishTrimArgs(c, a, limitGiven, xadd, i)
		default:
			c.Err(errs.Syntax)
			return -1
		}
	}
	return streamFinishTrimArgs(c, a, limitGiven, xadd, i)
}

func streamFinishTrimArgs(c *engine.Ctx, a *streamTrimArgs, limitGiven, xadd bool, i int) int {
	if a.trim.Limit != 0 && a.trim.Strategy == types.TrimNone {
		c.ErrString(xerrLimitNoStrat)
		return -1
	}
	if !xadd && a.trim.Strategy == types.TrimNone {
		c.ErrString(xerrTrimNoStrat)
		return -1
	}
	if limitGiven {
		if !a.trim.Approx {
			c.ErrString(xerrLimitNoApprox)
			return -1
		}
	} else if a.trim.Approx {
		// At most 100 nodes of work by default, clamped as Redis does.
		l := 100 * int64(cfgInt(c, streamMaxEntriesP, 100))
		if l <= 0 {
			l = 10000
		}
		if l > 1000000 {
			l = 1000000
		}
		a.trim.Limit = l
	} else {
		a.trim.Limit = 0
	}
	return i
}

// streamPropagateRewritten propagates XADD / XTRIM with the arguments
// Redis rewrites: an approximate trim becomes exact ("~" -> "=" and the
// resulting length or first ID, as streamRewriteApproxSpecifier /
// streamRewriteTrimArgument), and with idpos >= 0 the ID argument becomes
// the ID actually added.
func streamPropagateRewritten(c *engine.Ctx, a *streamTrimArgs, s *types.Stream, trim bool, idpos int, id types.StreamID) {
	if !c.Propagating() {
		c.NoPropagate() // nothing to rewrite for
		return
	}
	var buf [16][]byte
	var idb, trimb [48]byte
	if len(c.Argv) > len(buf) {
		argv := append([][]byte(nil), c.Argv...)
		if trim {
			argv[a.argIdx-1] = xbEquals
			argv[a.argIdx] = streamTrimValue(nil, s, a)
		}
		if idpos >= 0 {
			argv[idpos] = id.Append(nil)
		}
		c.Propagate(argv...)
		return
	}
	// Stores go to the array itself, so that the scratch buffers stay on
	// the stack.
	n := copy(buf[:], c.Argv)
	if trim {
		buf[a.argIdx-1] = xbEquals
		buf[a.argIdx] = streamTrimValue(trimb[:0], s, a)
	}
	if idpos >= 0 {
		buf[idpos] = id.Append(idb[:0])
	}
	c.Propagate(buf[:n]...)
}

// streamTrimValue appends what an approximate trim left: the length
// (MAXLEN) or the first entry's ID, tombstones included (MINID).
func streamTrimValue(dst []byte, s *types.Stream, a *streamTrimArgs) []byte {
	if a.trim.Strategy == types.TrimMaxLen {
		return strconv.AppendUint(dst, s.Length(), 10)
	}
	return s.FirstEdge().Append(dst)
}

// streamPropagateClaim propagates a PEL change as Redis's
// streamPropagateXCLAIM: XCLAIM key group consumer 0 id TIME t RETRYCOUNT n
// FORCE JUSTID LASTID last.
func streamPropagateClaim(c *engine.Ctx, key, group []byte, g *types.StreamGroup, id []byte, nack *types.StreamNACK) {
	var consumer []byte
	if nack.Consumer != nil {
		consumer = []byte(nack.Consumer.Name)
	}
	var tb, rb, lb [48]byte
	c.Propagate(xbXCLAIM, key, group, consumer, xbZero, id,
		xbTIME, strconv.AppendInt(tb[:0], nack.DeliveryTime, 10),
		xbRETRYCOUNT, strconv.AppendInt(rb[:0], nack.DeliveryCount, 10),
		xbFORCE, xbJUSTID, xbLASTID, g.LastID.Append(lb[:0]))
}

// streamPropagateGroupID propagates XGROUP SETID key group last ENTRIESREAD n.
func streamPropagateGroupID(c *engine.Ctx, key, group []byte, g *types.StreamGroup) {
	var lb, eb [48]byte
	c.Propagate(xbXGROUP, xbSETID, key, group, g.LastID.Append(lb[:0]),
		xbENTRIESREAD, strconv.AppendInt(eb[:0], g.EntriesRead, 10))
}

// streamCreateConsumer creates a consumer, firing the event.
func streamCreateConsumer(c *engine.Ctx, g *types.StreamGroup, name, key []byte) *types.StreamConsumer {
	cons := g.CreateConsumer(name, c.Now())
	if cons != nil {
		c.Dirty()
		c.Notify(engine.NotifyStream, "xgroup-createconsumer", key)
	}
	return cons
}

// streamLookupConsumer is Redis's streamLookupConsumer with SLC_DEFAULT
// followed by streamCreateConsumer: an existing consumer's seen time is
// refreshed, a missing one is created.
func streamLookupConsumer(c *engine.Ctx, g *types.StreamGroup, name, key []byte) *types.StreamConsumer {
	if cons := g.Consumer(name); cons != nil {
		cons.SeenTime = c.Now()
		return cons
	}
	return streamCreateConsumer(c, g, name, key)
}

// streamInScript reports whether the command runs from a Lua script.
func streamInScript(c *engine.Ctx) bool {
	return c.C != nil && c.C.ID == 0 && c.C.FD == -1
}

// streamHelp writes a subcommand help reply in Redis's format.
func streamHelp(c *engine.Ctx, lines ...string) {
	c.W.Array(len(lines) + 3)
	c.W.Simple(strings.ToUpper(string(c.Argv[0])) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.W.Simple(l)
	}
	c.W.Simple("HELP")
	c.W.Simple("    Prints this help.")
}

// streamSubcommandSyntax writes Redis's addReplySubcommandSyntaxError.
func streamSubcommandSyntax(c *engine.Ctx) {
	sub := string(c.Argv[1])
	if len(sub) > 128 {
		sub = sub[:128]
	}
	c.ErrString("ERR unknown subcommand or wrong number of arguments for '" + streamCStr(sub) +
		"'. Try " + strings.ToUpper(string(c.Argv[0])) + " HELP.")
}

// streamCStr returns s as far as its first NUL and with newlines replaced
// by spaces, as a %s in Redis's addReplyErrorFormat shows it.
func streamCStr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// streamInsertAt inserts b into w's buffer at mark.
func streamInsertAt(w *resp.Writer, mark int, b []byte) {
	n := len(w.Buf)
	w.Buf = append(w.Buf, b...)
	copy(w.Buf[mark+len(b):], w.Buf[mark:n])
	copy(w.Buf[mark:], b)
}
