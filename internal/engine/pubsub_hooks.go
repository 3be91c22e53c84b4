package engine

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/pubsub"
)

// Pub/sub, keyspace notifications and the asynchronous output queue.
//
// Most output is a reply written by the connection's own goroutine into
// Client.W and flushed once per batch. Pub/sub messages, keyspace events
// and tracking invalidations are produced by other goroutines (the
// publisher's, the writer's, active expiry), possibly while the publisher
// holds shard locks, so they must never block. A client that can receive
// them gets an asyncOut: a byte queue under a mutex, drained to the socket
// by a short-lived goroutine started when data arrives (as MONITOR does).
// From then on the connection hands its own replies to the queue too
// (FlushOwn, called by the server instead of writing), so that everything
// the client receives stays in one order.
//
// Ordering rules, matching what a single-threaded Redis produces:
//
//   - From the first command of a batch until the batch is flushed the
//     client is "busy": messages from other goroutines go to a held buffer
//     that is appended after the batch's replies. So a message published
//     after a SUBSCRIBE registered never precedes its confirmation, and an
//     invalidation for a key never precedes the reply that read the key.
//   - Messages a client causes itself (a RESP3 subscriber publishing to its
//     own channel, a tracking client writing a key it tracks, keyspace
//     events of its own writes) are written into its reply buffer inline,
//     before the command's reply, as Redis 7.0 does. The engine recognises
//     them without goroutine identity: while an async client runs a
//     command it records the shards (or the world lock) it holds, and an
//     event about a key whose shard it holds can only come from itself.
//   - Per publisher order is preserved: a publisher delivers its messages
//     one after the other, each appended under the subscriber's mutex.
//
// Memory is bounded by client-output-buffer-limit: every append checks the
// queue's size (pending bytes, held bytes and the chunks being written)
// against the pubsub class limits for subscribed clients and the normal
// class otherwise; a client over the hard limit, or over the soft limit for
// longer than its seconds, is disconnected and its queue dropped.
//
// The queue is stored as a list of chunks (see chunkList), as Redis's reply
// list: a backlog grows by adding chunks, never by reallocating and copying
// one buffer (which left every smaller copy as garbage: a 32MB backlog cost
// the heap about 3.5 times that), and the size checked against the limits
// is the memory the chunks really hold.

// OutputLimit is one client-output-buffer-limit class (0 = no limit).
type OutputLimit struct {
	Hard, Soft  uint64
	SoftSeconds int64
}

// Config bits of notify-keyspace-events (as Redis's NOTIFY_* values).
const (
	cfgNotifyKeyspace = 1 << 0
	cfgNotifyKeyevent = 1 << 1
)

// notifyCfgBits maps Notify* classes to notify-keyspace-events bits.
func notifyCfgBits(class int) int64 {
	b := int64(class&0x3ff) << 2 // g $ l s h z x e t m
	if class&NotifyModule != 0 {
		b |= 1 << 13
	}
	if class&NotifyNew != 0 {
		b |= 1 << 14
	}
	return b
}

// asyncState is the engine's pub/sub and tracking state.
type asyncState struct {
	reg    pubsub.Registry[*Client]
	notify atomic.Int64                   // notify-keyspace-events bits
	limits atomic.Pointer[[2]OutputLimit] // normal, pubsub
	logf   atomic.Pointer[func(format string, args ...any)]
	trk    trackingState
}

// initAsync wires keyspace notifications and reads the configuration.
func (e *Engine) initAsync() {
	e.Notifier = e.keyspaceEvent
	e.ReloadPubsubConfig()
}

// ReloadPubsubConfig re-reads notify-keyspace-events,
// client-output-buffer-limit and tracking-table-max-keys; the server calls
// it when CONFIG SET changes one of them.
func (e *Engine) ReloadPubsubConfig() {
	if e.Cfg == nil {
		return
	}
	e.async.notify.Store(e.Cfg.Int("notify-keyspace-events"))
	lim := parseOutputLimits(e.Cfg.String("client-output-buffer-limit"))
	e.async.limits.Store(&lim)
	e.async.trk.maxKeys.Store(e.Cfg.Int("tracking-table-max-keys"))
}

// parseOutputLimits reads CONFIG GET client-output-buffer-limit's form
// ("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60").
func parseOutputLimits(s string) [2]OutputLimit {
	lim := [2]OutputLimit{{}, {Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60}}
	f := strings.Fields(s)
	for i := 0; i+3 < len(f); i += 4 {
		var idx int
		switch strings.ToLower(f[i]) {
		case "normal":
			idx = 0
		case "pubsub":
			idx = 1
		default:
			continue
		}
		h, err1 := strconv.ParseUint(f[i+1], 10, 64)
		sf, err2 := strconv.ParseUint(f[i+2], 10, 64)
		secs, err3 := strconv.ParseInt(f[i+3], 10, 64)
		if err1 == nil && err2 == nil && err3 == nil {
			lim[idx] = OutputLimit{Hard: h, Soft: sf, SoftSeconds: secs}
		}
	}
	return lim
}

// SetLogf sets the function used for server log lines (output buffer
// limit disconnections).
func (e *Engine) SetLogf(f func(format string, args ...any)) { e.async.logf.Store(&f) }

func (e *Engine) logf(format string, args ...any) {
	if f := e.async.logf.Load(); f != nil {
		(*f)(format, args...)
	}
}

// Logf writes a server log line (through SetLogf's function, if any).
func (e *Engine) Logf(format string, args ...any) { e.logf(format, args...) }

// ---------------------------------------------------------------------------
// Per-client state.

// clientSubs are one client's subscriptions.
type clientSubs struct {
	sets [3]pubsub.Set // indexed by pubsub.Kind
}

func (s *clientSubs) total() int {
	return s.sets[0].Len() + s.sets[1].Len() + s.sets[2].Len()
}

// count is the number a (un)subscribe confirmation reports: channels plus
// patterns, or shard channels for the shard kind.
func (s *clientSubs) count(k pubsub.Kind) int64 {
	if s == nil {
		return 0
	}
	if k == pubsub.Shard {
		return int64(s.sets[2].Len())
	}
	return int64(s.sets[0].Len() + s.sets[1].Len())
}

// Subscriptions returns the client's channel, pattern and shard-channel
// subscription counts; safe from any goroutine.
func (c *Client) Subscriptions() (channels, patterns, shards int) {
	s := c.ps.Load()
	if s == nil {
		return 0, 0, 0
	}
	return s.sets[0].Len(), s.sets[1].Len(), s.sets[2].Len()
}

func (c *Client) subscribed() bool {
	s := c.ps.Load()
	return s != nil && s.total() > 0
}

// protoNow is the client's protocol as of its last completed command; safe
// from any goroutine.
func (c *Client) protoNow() int {
	if p := c.proto.Load(); p != 0 {
		return int(p)
	}
	return 2
}

// Async reports whether the client's output goes through its asynchronous
// queue; the server then calls FlushOwn instead of writing Client.W.
func (c *Client) Async() bool { return c.aq.Load() != nil }

// asyncOut is a client's asynchronous output queue (see the top of file).
type asyncOut struct {
	c *Client
	w io.Writer

	// afterReply holds tracking messages the owner caused itself; they
	// follow the command's reply (Redis 7.0's tracking_pending_keys). Only
	// the owner's goroutine touches it.
	afterReply []byte

	// The drain goroutine's (one at a time): the chunks it writes, whose
	// slice then becomes the queue's, and WriteBuffers' argument.
	out chunkList
	vec net.Buffers

	mu struct {
		sync.Mutex
		idle      *sync.Cond // signalled when the drain goroutine stops
		buf       chunkList  // ready for the drain goroutine
		held      chunkList  // arrived while the owner was busy
		spare     []byte     // a written chunk kept for reuse
		inflight  int        // bytes of the chunks being written now
		flushing  bool       // a drain goroutine runs
		kick      bool       // a publisher starts the drain at its flush
		busy      bool       // the owner runs a batch not yet flushed
		dead      bool       // closed or over its limit: drop everything
		replyOff  bool       // CLIENT REPLY OFF
		softSince int64      // unix ms the soft limit was first exceeded, 0 if not

		// The command the owner runs now (to recognise its own events).
		executing bool
		world     bool
		db        int
		shards    []int
	}
}

// Queue storage.
const (
	chunkMin   = 4 << 10  // first chunk of a queue
	chunkMax   = 64 << 10 // chunks double up to this size
	spareMax   = 1 << 20  // largest written chunk kept for reuse
	handOffMin = 16 << 10 // replies at least this long join the queue without a copy
)

// chunkPool recycles full-size chunks between queues (a busy subscriber
// goes through many); the collector empties it when they are not used.
var chunkPool sync.Pool

func getChunk() []byte {
	if p, ok := chunkPool.Get().(*[chunkMax]byte); ok {
		return p[:0]
	}
	return make([]byte, 0, chunkMax)
}

// putChunk recycles a written chunk of chunkMax bytes.
func putChunk(c []byte) {
	if cap(c) == chunkMax {
		chunkPool.Put((*[chunkMax]byte)(c[:chunkMax]))
	}
}

// chunkList is a byte queue stored as chunks. Bytes are appended to the
// last chunk and, when it is full, to a new one (a write may be split
// across chunks), so that every chunk but the last is full except where
// a whole buffer was handed over (FlushOwn). Its size is the memory it
// holds: the capacity of every chunk but the last, whose unused room is
// the next bytes' (at most chunkMax or a handed-over reply buffer).
type chunkList struct {
	chunks [][]byte
	closed int // capacity of chunks[:len-1]
}

func (l *chunkList) empty() bool { return len(l.chunks) == 0 }

// size is the memory the list holds (see chunkList).
func (l *chunkList) size() int {
	if n := len(l.chunks); n > 0 {
		return l.closed + len(l.chunks[n-1])
	}
	return 0
}

// push appends a whole chunk.
func (l *chunkList) push(b []byte) {
	if n := len(l.chunks); n > 0 {
		l.closed += cap(l.chunks[n-1])
	}
	l.chunks = append(l.chunks, b)
}

// reset empties the list, keeping its chunk slice (cleared) for reuse.
func (l *chunkList) reset() {
	clear(l.chunks)
	l.chunks = l.chunks[:0]
	l.closed = 0
}

// put appends b to l; q.mu is held.
func (q *asyncOut) put(l *chunkList, b []byte) {
	for len(b) > 0 {
		n := len(l.chunks)
		if n > 0 {
			t := l.chunks[n-1]
			if room := cap(t) - len(t); room > 0 {
				k := min(room, len(b))
				l.chunks[n-1] = append(t, b[:k]...)
				b = b[k:]
				continue
			}
		}
		q.newChunk(l, len(b))
	}
}

// newChunk appends an empty chunk to l: the spare one, or twice the last
// (from chunkMin up to chunkMax), larger when want bytes need it.
func (q *asyncOut) newChunk(l *chunkList, want int) {
	c := q.mu.spare
	q.mu.spare = nil
	if c == nil {
		sz := chunkMin
		if n := len(l.chunks); n > 0 {
			sz = 2 * cap(l.chunks[n-1])
		}
		if sz = min(max(sz, want), chunkMax); sz == chunkMax {
			c = getChunk()
		} else {
			c = make([]byte, 0, sz)
		}
	}
	l.push(c[:0])
}

// putMsg appends m, encoded for proto, to l; q.mu is held. It writes the
// encoding in pieces (small headers gathered on the stack, channel and
// payload copied once), so a message needs no buffer of its own.
func (q *asyncOut) putMsg(l *chunkList, m *outMsg, proto int) {
	need := m.maxLen()
	if len(l.chunks) == 0 {
		q.newChunk(l, need)
	}
	// The common case: the message fits the last chunk.
	if n := len(l.chunks); cap(l.chunks[n-1])-len(l.chunks[n-1]) >= need {
		l.chunks[n-1] = m.appendTo(l.chunks[n-1], proto)
		return
	}
	var arr [96]byte
	h := arr[:0]
	bulk := func(b []byte) {
		h = append(h, '$')
		h = strconv.AppendInt(h, int64(len(b)), 10)
		h = append(h, '\r', '\n')
		if len(b) <= 32 && len(h)+len(b) <= 48 {
			h = append(h, b...)
		} else {
			q.put(l, h)
			q.put(l, b)
			h = h[:0]
		}
		h = append(h, '\r', '\n')
	}
	switch m.typ {
	case msgPubsub:
		n := 3
		if m.pattern != nil {
			n = 4
		}
		h = pubsub.AppendHeader(h, proto, n)
		h = pubsub.AppendBulkString(h, m.kind)
		if m.pattern != nil {
			bulk(m.pattern)
		}
		bulk(m.channel)
		bulk(m.payload)
		q.put(l, h)
	case msgInvalidate, msgInvalidateP:
		if m.typ == msgInvalidate {
			h = append(h, ">2\r\n$10\r\ninvalidate\r\n"...)
		} else {
			h = pubsub.AppendHeader(h, proto, 3)
			h = append(h, "$7\r\nmessage\r\n$20\r\n"+invalidateChannel+"\r\n"...)
		}
		q.put(l, h)
		q.put(l, m.raw)
	default:
		q.put(l, m.appendTo(h, proto))
	}
}

// dropLocked discards everything queued; q.mu is held.
func (q *asyncOut) dropLocked() {
	q.mu.dead = true
	q.mu.buf, q.mu.held, q.mu.spare = chunkList{}, chunkList{}, nil
}

// asyncFor returns c's queue, creating it (busy when the caller is c's own
// goroutine in the middle of a batch). It returns nil when c's connection
// cannot be written to from another goroutine.
func (e *Engine) asyncFor(c *Client, own bool) *asyncOut {
	if q := c.aq.Load(); q != nil {
		return q
	}
	w, ok := c.conn.(io.Writer)
	if !ok || c.conn == nil {
		return nil
	}
	q := &asyncOut{c: c, w: w}
	q.mu.busy = own
	if c.aq.CompareAndSwap(nil, q) {
		return q
	}
	return c.aq.Load()
}

func (q *asyncOut) cond() *sync.Cond {
	if q.mu.idle == nil {
		q.mu.idle = sync.NewCond(&q.mu)
	}
	return q.mu.idle
}

// enter records the command the owner starts: the shards of db it locked,
// or the whole world. It also marks the batch busy.
func (q *asyncOut) enter(db int, shards []int, world bool) {
	q.mu.Lock()
	q.mu.busy = true
	q.mu.executing = true
	q.mu.world = world
	q.mu.db = db
	q.mu.shards = append(q.mu.shards[:0], shards...)
	q.mu.Unlock()
}

// leave ends what enter recorded.
func (q *asyncOut) leave(c *Client) {
	q.mu.Lock()
	q.mu.executing = false
	q.mu.world = false
	q.mu.shards = q.mu.shards[:0]
	q.mu.replyOff = c.ReplyMode == ReplyOff
	q.mu.Unlock()
}

func (q *asyncOut) setWorld(on bool) {
	q.mu.Lock()
	q.mu.executing = on || q.mu.executing
	q.mu.world = on
	q.mu.Unlock()
}

// pubCtx describes where an event comes from, to recognise the client that
// causes it.
type pubCtx struct {
	self  *Client // the client whose command publishes, when known
	keyed bool    // the event is about key in db
	db    int
	key   []byte
	shard int // ShardOf(key), -1 until computed

	// beforeCmd: the event happens before the self client's command runs
	// (tracking table evictions), so even tracking messages go inline.
	beforeCmd bool
}

// isSelfLocked reports whether q's owner causes the event; q.mu is held.
func (p *pubCtx) isSelfLocked(e *Engine, q *asyncOut) bool {
	if p.self != nil && p.self == q.c {
		return true
	}
	if !q.mu.executing {
		return false
	}
	if q.mu.world {
		return true
	}
	if !p.keyed || q.mu.db != p.db || len(q.mu.shards) == 0 {
		return false
	}
	if p.shard < 0 {
		p.shard = e.KS.ShardOf(p.key)
	}
	for _, s := range q.mu.shards {
		if s == p.shard {
			return true
		}
	}
	return false
}

// isSelf is isSelfLocked for a client that may have no queue.
func (e *Engine) isSelf(c *Client, p *pubCtx) bool {
	q := c.aq.Load()
	if q == nil {
		return p.self != nil && p.self == c
	}
	q.mu.Lock()
	r := p.isSelfLocked(e, q)
	q.mu.Unlock()
	return r
}

// Message encodings.
const (
	msgPubsub      = iota // ["message"|"smessage", channel, payload] / pmessage
	msgInvalidate         // >2 invalidate <raw>
	msgInvalidateP        // *3 message __redis__:invalidate <raw> (RESP2 redirect)
	msgRedirBroken        // >2 tracking-redir-broken :<num>
)

// outMsg is one message to encode for each receiver's protocol.
type outMsg struct {
	typ     int
	kind    string
	pattern []byte
	channel []byte
	payload []byte
	raw     []byte // pre-encoded RESP value (tracking payloads)
	num     int64
	// fanout: a pub/sub message for several receivers is encoded once
	// per protocol (enc) and copied to each, instead of formatted again
	// for each (with 100 subscribers the formatting was a fifth of the
	// server's CPU).
	fanout bool
	enc    [2][]byte // RESP2, RESP3
}

// afterReply reports whether a message the receiver causes itself goes
// after the command's reply (tracking) rather than inline (pub/sub).
func (m *outMsg) afterReply() bool { return m.typ != msgPubsub }

const invalidateChannel = "__redis__:invalidate"

// maxLen bounds the length of m's encoding.
func (m *outMsg) maxLen() int {
	return 128 + len(m.kind) + len(m.pattern) + len(m.channel) + len(m.payload) + len(m.raw)
}

func (m *outMsg) appendTo(dst []byte, proto int) []byte {
	switch m.typ {
	case msgPubsub:
		if !m.fanout {
			return pubsub.AppendMessage(dst, proto, m.kind, m.pattern, m.channel, m.payload)
		}
		i := 0
		if proto >= 3 {
			i = 1
		}
		if m.enc[i] == nil {
			m.enc[i] = pubsub.AppendMessage(nil, proto, m.kind, m.pattern, m.channel, m.payload)
		}
		return append(dst, m.enc[i]...)
	case msgInvalidate:
		dst = append(dst, ">2\r\n$10\r\ninvalidate\r\n"...)
		return append(dst, m.raw...)
	case msgInvalidateP:
		dst = pubsub.AppendHeader(dst, proto, 3)
		dst = append(dst, "$7\r\nmessage\r\n$20\r\n"+invalidateChannel+"\r\n"...)
		return append(dst, m.raw...)
	case msgRedirBroken:
		dst = append(dst, ">2\r\n$21\r\ntracking-redir-broken\r\n:"...)
		dst = strconv.AppendInt(dst, m.num, 10)
		return append(dst, '\r', '\n')
	}
	return dst
}

// deliver queues m for t. It never blocks; it may be called with shard
// locks and the registry lock held.
func (e *Engine) deliver(t *Client, p *pubCtx, m *outMsg) {
	q := t.aq.Load()
	if q == nil {
		return
	}
	q.mu.Lock()
	if q.mu.dead || q.mu.replyOff {
		q.mu.Unlock()
		return
	}
	if p.isSelfLocked(e, q) {
		// The owner's own goroutine is running the command: pub/sub
		// messages go inline, tracking messages after the reply.
		if m.afterReply() && !p.beforeCmd {
			q.afterReply = m.appendTo(q.afterReply, t.Proto)
		} else {
			t.W.Buf = m.appendTo(t.W.Buf, t.Proto)
		}
		q.mu.Unlock()
		return
	}
	proto := t.protoNow()
	if q.mu.busy {
		q.putMsg(&q.mu.held, m, proto)
	} else {
		q.putMsg(&q.mu.buf, m, proto)
	}
	if e.overLimitLocked(q) {
		e.overflowLocked(q)
	} else if !q.mu.busy && !q.mu.flushing {
		if pub := p.self; pub != nil && pub.kicks != nil {
			// A client's PUBLISH: start the drain when the publisher
			// flushes its batch, so that a pipeline of messages leaves
			// in one write (Redis writes once per event loop iteration).
			// Only connections that call AfterBatch (which makes kicks
			// non-nil) defer; others start the drain at once.
			if !q.mu.kick {
				q.mu.kick = true
				pub.kicks = append(pub.kicks, q)
			}
		} else {
			q.kickLocked(e)
		}
	}
	q.mu.Unlock()
}

// AfterBatch runs when a connection flushes a batch of replies: it starts
// writing the messages the batch published and sends the BCAST tracking
// invalidations its writes collected.
func (e *Engine) AfterBatch(c *Client) {
	if len(c.kicks) > 0 {
		e.kickPublished(c)
	} else if c.kicks == nil {
		c.kicks = make([]*asyncOut, 0, 4) // from now on publishing defers the drain
	}
	e.FlushTrackingBroadcasts()
}

func (e *Engine) kickPublished(c *Client) {
	for i, q := range c.kicks {
		q.mu.Lock()
		q.mu.kick = false
		q.flushInlineLocked(e)
		q.mu.Unlock()
		c.kicks[i] = nil
	}
	c.kicks = c.kicks[:0]
}

// tryWriter is implemented by connections that can attempt a write without
// waiting (the server's): TryWrite writes what the socket takes at once
// and returns an error only for a failed connection.
type tryWriter interface {
	TryWrite(p []byte) (int, error)
}

// flushInlineLocked writes q's queue on the calling goroutine (a publisher
// after its batch) when the socket takes it at once, as Redis writes to
// subscribers from its event loop: a subscriber that keeps up then costs no
// goroutine start and no wake-up per batch. What the socket does not take,
// or a queue of several chunks, goes to a drain goroutine.
func (q *asyncOut) flushInlineLocked(e *Engine) {
	if q.mu.flushing || q.mu.dead || len(q.mu.buf.chunks) != 1 {
		q.kickLocked(e)
		return
	}
	tw, ok := q.w.(tryWriter)
	if !ok {
		q.kickLocked(e)
		return
	}
	ch := q.mu.buf.chunks[0]
	n, err := tw.TryWrite(ch)
	e.Stats.NetOutputBytes.Add(int64(n))
	if err == nil && n == len(ch) {
		q.mu.buf.reset()
		q.recycleLocked(ch)
		if q.mu.idle != nil {
			q.mu.idle.Broadcast()
		}
		return
	}
	if n > 0 {
		q.mu.buf.chunks[0] = ch[n:]
	}
	q.kickLocked(e) // the drain goroutine meets the error, if any, and kills the client
}

// overLimitLocked applies client-output-buffer-limit to q's backlog.
func (e *Engine) overLimitLocked(q *asyncOut) bool {
	lims := e.async.limits.Load()
	if lims == nil {
		return false
	}
	lim := lims[0]
	if q.c.subscribed() {
		lim = lims[1]
	}
	if lim.Hard == 0 && lim.Soft == 0 {
		return false
	}
	used := uint64(q.mu.buf.size() + q.mu.held.size() + q.mu.inflight)
	if lim.Hard > 0 && used >= lim.Hard {
		return true
	}
	if lim.Soft > 0 && used >= lim.Soft {
		now := time.Now().UnixMilli()
		if q.mu.softSince == 0 {
			q.mu.softSince = now
			return false
		}
		return (now-q.mu.softSince)/1000 > lim.SoftSeconds
	}
	q.mu.softSince = 0
	return false
}

// overflowLocked disconnects a client over its output buffer limit.
func (e *Engine) overflowLocked(q *asyncOut) {
	q.dropLocked()
	c := q.c
	// Closing may not wait on the locks the caller holds.
	go func() {
		e.logf("Client id=%d addr=%s laddr=%s name=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
			c.ID, c.Addr, c.LAddr, c.Name())
		c.Kill()
	}()
}

func (q *asyncOut) kickLocked(e *Engine) {
	if !q.mu.flushing && !q.mu.buf.empty() {
		q.mu.flushing = true
		go q.drain(e)
	}
}

// buffersWriter is implemented by connections that write several buffers
// in one system call (the server's TCP connections: writev).
type buffersWriter interface {
	WriteBuffers(b *net.Buffers) (int64, error)
}

// drain writes the queue to the connection until it is empty. It takes
// the queued chunks and writes them at once where the connection can
// (writev), otherwise one by one, releasing each as soon as it is written;
// a written chunk is kept as the spare one.
func (q *asyncOut) drain(e *Engine) {
	bw, _ := q.w.(buffersWriter)
	for {
		q.mu.Lock()
		if q.mu.buf.empty() || q.mu.dead {
			q.mu.flushing = false
			if q.mu.idle != nil {
				q.mu.idle.Broadcast()
			}
			q.mu.Unlock()
			return
		}
		q.out, q.mu.buf = q.mu.buf, q.out
		out := &q.out
		q.mu.inflight = out.size()
		q.mu.Unlock()
		if bw != nil && len(out.chunks) > 1 {
			// WriteBuffers consumes its argument: a copy.
			q.vec = append(q.vec[:0], out.chunks...)
			n, err := bw.WriteBuffers(&q.vec)
			clear(q.vec[:cap(q.vec)])
			e.Stats.NetOutputBytes.Add(n)
			if !q.written(out.chunks, true, err) {
				q.c.Kill()
				return
			}
		} else {
			for i := range out.chunks {
				n, err := q.w.Write(out.chunks[i])
				e.Stats.NetOutputBytes.Add(int64(n))
				if !q.written(out.chunks[i:i+1], i == len(out.chunks)-1, err) {
					q.c.Kill()
					return
				}
			}
		}
		out.reset()
	}
}

// written releases chunks the drain goroutine wrote (last: they end the
// batch it took); on a write error it drops the queue and reports false
// (the caller then kills the client).
func (q *asyncOut) written(chunks [][]byte, last bool, err error) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if last {
		q.mu.inflight = 0
	} else {
		for _, ch := range chunks {
			q.mu.inflight -= cap(ch)
		}
	}
	if err != nil {
		q.mu.inflight = 0
		q.dropLocked()
		q.mu.flushing = false
		if q.mu.idle != nil {
			q.mu.idle.Broadcast()
		}
		return false
	}
	for i, ch := range chunks {
		if !q.mu.dead {
			q.recycleLocked(ch)
		}
		chunks[i] = nil
	}
	return true
}

// recycleLocked keeps a written chunk as the spare one or returns it to
// the pool; q.mu is held.
func (q *asyncOut) recycleLocked(ch []byte) {
	switch {
	case q.mu.spare == nil && cap(ch) <= spareMax:
		q.mu.spare = ch[:0]
	case cap(ch) == chunkMax:
		putChunk(ch)
	case cap(ch) > cap(q.mu.spare) && cap(ch) <= spareMax:
		q.mu.spare = ch[:0]
	}
}

// FlushOwn hands the client's pending replies (Client.W) to its queue at
// the end of a batch, followed by what other goroutines sent meanwhile,
// and reports whether the connection is still usable. A closing client
// (QUIT, protocol error) is written synchronously after the queue drained.
func (e *Engine) FlushOwn(c *Client) bool {
	q := c.aq.Load()
	if q == nil {
		return true
	}
	q.mu.Lock()
	if q.mu.dead {
		q.mu.Unlock()
		c.W.Reset()
		return false
	}
	if c.Closing || c.Killed() {
		for q.mu.flushing {
			q.cond().Wait()
		}
		out := q.mu.buf
		q.dropLocked()
		q.mu.Unlock()
		if c.Killed() || (out.empty() && c.W.Len() == 0) {
			c.W.Buf = nil
			return false
		}
		ok := true
		for _, ch := range out.chunks {
			n, err := q.w.Write(ch)
			e.Stats.NetOutputBytes.Add(int64(n))
			if err != nil {
				ok = false
				break
			}
		}
		if ok && c.W.Len() > 0 {
			n, err := q.w.Write(c.W.Buf)
			e.Stats.NetOutputBytes.Add(int64(n))
			ok = err == nil
		}
		c.W.Buf = nil
		return ok
	}
	if len(c.W.Buf) > 0 {
		if q.mu.buf.empty() || len(c.W.Buf) >= handOffMin {
			// Hand the reply buffer over, without a copy, and take the
			// spare chunk: two buffers rotate between the connection and
			// the drain goroutine.
			q.mu.buf.push(c.W.Buf)
			c.W.Buf = q.mu.spare[:0]
			q.mu.spare = nil
		} else {
			q.put(&q.mu.buf, c.W.Buf)
			c.W.Reset()
		}
	}
	if !q.mu.held.empty() {
		if q.mu.held.size() < chunkMax {
			// Copied, so that the queue's last chunk is filled.
			for _, ch := range q.mu.held.chunks {
				q.put(&q.mu.buf, ch)
			}
		} else {
			for _, ch := range q.mu.held.chunks {
				q.mu.buf.push(ch)
			}
		}
		q.mu.held.reset()
	}
	q.mu.busy = false
	ok := true
	if !q.mu.buf.empty() {
		if e.overLimitLocked(q) {
			e.overflowLocked(q)
			ok = false
		} else {
			q.kickLocked(e)
		}
	}
	q.mu.Unlock()
	if cap(c.W.Buf) > 1<<20 {
		c.W.Buf = make([]byte, 0, 16*1024)
	}
	return ok
}

// ---------------------------------------------------------------------------
// Dispatch seams (dispatch.go calls these).

// beginCall marks the start of a command for a client with a queue: the
// locks it holds (shards of db, or the world lock).
func (e *Engine) beginCall(c *Client, db int, shards []int, world bool) {
	if q := c.aq.Load(); q != nil {
		q.enter(db, shards, world)
	}
	if e.async.trk.clients.Load() > 0 {
		e.trackingLimit(c) // tracking-table-max-keys (tracking.go)
	}
}

// endCall runs after the handler, with the command's locks still held:
// tracking remembers the keys a read-only command read, and the queue
// forgets the locks.
func (e *Engine) endCall(ctx *Ctx, keys []int, world bool) {
	c := ctx.C
	if world {
		e.async.trk.flushDone = false
	}
	if tr := c.trk.Load(); tr != nil {
		e.trackingRemember(ctx, tr, keys)
	}
	if q := c.aq.Load(); q != nil {
		q.leave(c)
	}
}

// afterExecAsync runs at the end of Exec on the client's goroutine, after
// the reply was written.
func (e *Engine) afterExecAsync(c *Client, argv [][]byte) {
	if q := c.aq.Load(); q != nil && len(q.afterReply) > 0 {
		if c.ReplyMode == ReplyOn {
			c.W.Buf = append(c.W.Buf, q.afterReply...)
		}
		q.afterReply = q.afterReply[:0]
	}
	if p := int32(c.Proto); p != c.proto.Load() {
		c.proto.Store(p)
	}
	if tr := c.trk.Load(); tr != nil && tr.caching.Load() && c.Multi == nil && !isClientCmd(argv[0]) {
		// As Redis's resetClient: CLIENT CACHING applies to the next
		// command (or transaction) only.
		tr.caching.Store(false)
	}
}

func isClientCmd(name []byte) bool {
	return len(name) == 6 && strings.EqualFold(string(name), "client")
}

// pubsubGate rejects, in RESP2 subscribed mode, the commands Redis does not
// allow there. It reports whether it rejected.
func (e *Engine) pubsubGate(c *Client, argv [][]byte, spec *command.Spec) bool {
	if c.Proto != 2 || !c.subscribed() {
		return false
	}
	switch spec.Name {
	case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
		"psubscribe", "punsubscribe", "quit", "reset":
		return false
	}
	e.rejectArgv(c, argv, "ERR Can't execute '"+spec.Name+
		"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
	return true
}

// dropAsync releases a closed client's subscriptions, tracking and queue.
func (e *Engine) dropAsync(c *Client) {
	if len(c.kicks) > 0 {
		e.kickPublished(c)
	}
	e.unsubscribeAllSilently(c)
	if c.trk.Load() != nil {
		e.DisableTracking(c)
	}
	if q := c.aq.Load(); q != nil {
		q.mu.Lock()
		q.dropLocked()
		q.mu.Unlock()
	}
}

// ResetPubsub is RESET's part: leave every subscription without
// confirmations and turn tracking off.
func (e *Engine) ResetPubsub(c *Client) {
	e.unsubscribeAllSilently(c)
	if c.trk.Load() != nil {
		e.DisableTracking(c)
	}
}

func (e *Engine) unsubscribeAllSilently(c *Client) {
	s := c.ps.Load()
	if s == nil || s.total() == 0 {
		return
	}
	reg := &e.async.reg
	reg.Lock()
	for k := range s.sets {
		for _, name := range s.sets[k].Names() {
			s.sets[k].Remove([]byte(name))
			reg.RemoveLocked(pubsub.Kind(k), name, c)
		}
	}
	reg.Unlock()
}

// ---------------------------------------------------------------------------
// Commands.

var (
	subscribeNames   = [3]string{"subscribe", "psubscribe", "ssubscribe"}
	unsubscribeNames = [3]string{"unsubscribe", "punsubscribe", "sunsubscribe"}
)

// Subscribe implements SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE: it subscribes
// the client to names and writes one confirmation per name.
func (c *Ctx) Subscribe(k pubsub.Kind, names [][]byte) {
	e, cl := c.E, c.C
	s := cl.ps.Load()
	if s == nil {
		s = &clientSubs{}
		cl.ps.Store(s)
	}
	e.asyncFor(cl, true)
	reg := &e.async.reg
	reg.Lock()
	for _, name := range names {
		if !s.sets[k].Has(name) {
			n := string(name)
			s.sets[k].Add(n)
			reg.AddLocked(k, n, cl)
		}
		c.W.Push(3)
		c.W.BulkString(subscribeNames[k])
		c.W.Bulk(name)
		c.W.Int(s.count(k))
	}
	reg.Unlock()
}

// Unsubscribe implements UNSUBSCRIBE, PUNSUBSCRIBE and SUNSUBSCRIBE; no
// names means all of the kind.
func (c *Ctx) Unsubscribe(k pubsub.Kind, names [][]byte) {
	e, cl := c.E, c.C
	s := cl.ps.Load()
	if len(names) == 0 {
		if s == nil || s.sets[k].Len() == 0 {
			c.W.Push(3)
			c.W.BulkString(unsubscribeNames[k])
			c.W.Null()
			c.W.Int(s.count(k))
			return
		}
		for _, n := range s.sets[k].Names() {
			names = append(names, []byte(n))
		}
	}
	reg := &e.async.reg
	reg.Lock()
	for _, name := range names {
		if s != nil && s.sets[k].Remove(name) {
			reg.RemoveLocked(k, string(name), cl)
		}
		c.W.Push(3)
		c.W.BulkString(unsubscribeNames[k])
		c.W.Bulk(name)
		c.W.Int(s.count(k))
	}
	reg.Unlock()
}

// Publish implements PUBLISH (Channel) and SPUBLISH (Shard) and returns
// the number of receivers.
func (c *Ctx) Publish(k pubsub.Kind, channel, message []byte) int64 {
	p := pubCtx{self: c.C, shard: -1}
	return int64(c.E.publish(k, channel, message, &p))
}

func (e *Engine) publish(k pubsub.Kind, channel, message []byte, p *pubCtx) int {
	reg := &e.async.reg
	if reg.Empty() {
		return 0
	}
	kind := pubsub.KindMessage
	if k == pubsub.Shard {
		kind = pubsub.KindSMessage
	}
	m := outMsg{typ: msgPubsub, kind: kind, channel: channel, payload: message}
	n := 0
	reg.RLock()
	subs := reg.SubscribersLocked(k, channel)
	m.fanout = len(subs) > 1
	for _, s := range subs {
		e.deliver(s, p, &m)
		n++
	}
	if k == pubsub.Channel {
		for _, ps := range reg.PatternsLocked() {
			if !pubsub.Match(ps.Pattern, channel) {
				continue
			}
			pm := outMsg{typ: msgPubsub, kind: pubsub.KindPMessage, pattern: ps.Pattern, channel: channel, payload: message, fanout: len(ps.Subs) > 1}
			for _, s := range ps.Subs {
				e.deliver(s, p, &pm)
				n++
			}
		}
	}
	reg.RUnlock()
	return n
}

// PubSub returns the subscription registry (PUBSUB introspection).
func (e *Engine) PubSub() *pubsub.Registry[*Client] { return &e.async.reg }

// keyspaceEvent is the Notifier: it publishes a keyspace event on
// __keyspace@<db>__:<key> and __keyevent@<db>__:<event> as
// notify-keyspace-events selects.
func (e *Engine) keyspaceEvent(class int, event string, db int, key []byte) {
	flags := e.async.notify.Load()
	if flags&(cfgNotifyKeyspace|cfgNotifyKeyevent) == 0 || flags&notifyCfgBits(class) == 0 {
		return
	}
	if e.async.reg.Empty() {
		return
	}
	p := pubCtx{keyed: true, db: db, key: key, shard: -1}
	var chArr [128]byte
	var evArr [32]byte
	ev := append(evArr[:0], event...)
	if flags&cfgNotifyKeyspace != 0 {
		ch := append(chArr[:0], "__keyspace@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(ch, "__:"...)
		ch = append(ch, key...)
		e.publish(pubsub.Channel, ch, ev, &p)
	}
	if flags&cfgNotifyKeyevent != 0 {
		ch := append(chArr[:0], "__keyevent@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(ch, "__:"...)
		ch = append(ch, event...)
		e.publish(pubsub.Channel, ch, key, &p)
	}
}

// bytesOf views s as bytes without copying; the result must not be written.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// queueWorld marks a client running a transaction under the exclusive world
// lock (execQueueLocked), so that its own events are recognised.
func (e *Engine) queueWorld(c *Client, on bool) {
	if q := c.aq.Load(); q != nil {
		q.setWorld(on)
	}
}

// endQueued is endCall for a command run by EXEC.
func (e *Engine) endQueued(ctx *Ctx) {
	e.async.trk.flushDone = false
	if tr := ctx.C.trk.Load(); tr != nil {
		e.trackingRemember(ctx, tr, nil)
	}
}

// OutputBacklog returns the bytes waiting in the client's output queue
// (CLIENT LIST omem); 0 for clients without one. Safe from any goroutine.
func (c *Client) OutputBacklog() int64 {
	q := c.aq.Load()
	if q == nil {
		return 0
	}
	q.mu.Lock()
	n := q.mu.buf.size() + q.mu.held.size() + q.mu.inflight
	q.mu.Unlock()
	return int64(n)
}
