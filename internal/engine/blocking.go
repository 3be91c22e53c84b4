package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/resp"
)

// Blocking operations (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP; later
// BZPOPMIN, XREAD BLOCK ...).
//
// A blocking handler first tries to serve itself. When it cannot, it calls
// Ctx.Block with its keys and a ServeFunc: the engine registers a Waiter
// in a FIFO queue per (db, key) while the handler still holds the keys'
// shard locks, so a write that could serve it either happened before (and
// the handler saw it) or happens after (and finds the waiter). The handler
// returns; the engine releases every lock, and the connection goroutine
// flushes its pending replies and parks in WaitBlocked on a channel, a
// timer, CLIENT UNBLOCK and the connection's close. A blocked client holds
// no lock and no engine resource but its queue entries.
//
// A write that may serve waiters calls Ctx.SignalReady(key): one atomic
// load when nobody is blocked. Otherwise the key is queued as ready, and
// when the writing unit (command, EXEC, script: everything Exec runs) has
// completed and released its locks, the writer's goroutine serves the
// ready keys in order: for each key it locks the key's shard (and the
// waiter's extra key, the BLMOVE destination), and runs the waiters'
// ServeFuncs in FIFO order in the waiter's context, writing each reply into
// the waiter's own buffer, until one cannot be served (the list is empty).
// The pop happens under the same locks as the decision to wake, so no
// element is lost or delivered twice. A served waiter's goroutine wakes,
// appends the reply and carries on with its connection.
//
// Each waiter has a state guarded by its mutex: waiting, then exactly one
// of served (by a writer), timed out, unblocked (CLIENT UNBLOCK) or
// cancelled (connection closed). Whoever moves it out of waiting closes
// done, so a waiter is served at most once and never after it timed out or
// its client went away.
//
// Serving runs effects through the normal funnel: the ServeFunc calls
// Modified/Notify and Propagate (BLPOP is propagated as LPOP, BLMOVE as
// LMOVE), emitted while the locks are held.

// ServeFunc tries to serve a blocked command from key, which became ready.
// It runs with key's shard (and the waiter's extra key's shard) locked, in
// a Ctx for the blocked client whose W is the waiter's reply buffer. It
// writes the reply and reports true, or writes nothing and reports false
// when key cannot serve it (empty, missing or of another type).
type ServeFunc func(c *Ctx, key []byte) bool

// Waiter states.
const (
	wsWaiting = iota
	wsServed
	wsTimedOut
	wsUnblockTimeout
	wsUnblockError
	wsCancelled
)

type blockKey struct {
	db  int
	key string
}

// Waiter is one blocked client.
type Waiter struct {
	c        *Client
	cmd      *Command
	argv     [][]byte
	db       int
	keys     []string
	extra    []byte // another key the ServeFunc writes (BLMOVE destination)
	serve    ServeFunc
	deadline time.Time // zero: wait forever
	reply    resp.Writer
	done     chan struct{}
	each     bool   // tried on its own: failing does not stop later waiters
	onDelete bool   // also woken when a key's value is deleted or replaced
	objs     []any  // with onDelete: each key's value (Entry.Obj) when it blocked
	timedOut []byte // the reply on timeout or CLIENT UNBLOCK; nil: a null array

	mu    sync.Mutex
	state int
}

// finishLocked moves a waiting waiter to state st; w.mu is held.
func (w *Waiter) finishLocked(st int) bool {
	if w.state != wsWaiting {
		return false
	}
	w.state = st
	close(w.done)
	return true
}

type blockRegistry struct {
	clients  atomic.Int64 // blocked clients
	timeouts atomic.Int64 // blocked clients with a timeout
	each     atomic.Int64 // waiters blocked with BlockEach
	onDelete atomic.Int64 // waiters woken by deletions (XREADGROUP)
	hasReady atomic.Bool

	mu     sync.Mutex
	queues map[blockKey][]*Waiter
	ready  []blockKey
	isRdy  map[blockKey]bool
}

// blockedAll counts clients blocked in any engine, so that the common
// paths cost one atomic load when nobody is blocked.
var blockedAll atomic.Int64

func newBlockRegistry() *blockRegistry {
	return &blockRegistry{queues: map[blockKey][]*Waiter{}, isRdy: map[blockKey]bool{}}
}

// blocking returns e's registry of blocked clients.
func (e *Engine) blocking() *blockRegistry { return e.blockReg }

// BlockedClients returns the number of clients blocked on keys (INFO
// blocked_clients).
func (e *Engine) BlockedClients() int64 {
	if blockedAll.Load() == 0 {
		return 0
	}
	return e.blocking().clients.Load()
}

// BlockedWithTimeout returns the number of blocked clients that have a
// timeout (INFO clients_in_timeout_table).
func (e *Engine) BlockedWithTimeout() int64 {
	if blockedAll.Load() == 0 {
		return 0
	}
	return e.blocking().timeouts.Load()
}

// BlockingKeys returns the number of keys with blocked clients (INFO
// total_blocking_keys).
func (e *Engine) BlockingKeys() int64 {
	if blockedAll.Load() == 0 {
		return 0
	}
	r := e.blocking()
	if r.clients.Load() == 0 {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return int64(len(r.queues))
}

// CanBlock reports whether the command may block: not inside MULTI/EXEC
// and not for a client that denies blocking (scripts). A blocking command
// that cannot block behaves as if it timed out at once.
func (c *Ctx) CanBlock() bool { return !c.inMulti && !c.C.DenyBlocking }

// Block parks the client on keys (of the current db) until serve succeeds
// for one of them, timeout (0 = forever) passes, CLIENT UNBLOCK or the
// connection closes. extra names a key serve also writes (it is locked
// with the ready key). The handler must return right after Block, having
// written no reply. Block must be called with the keys' shards locked, as
// the engine does for a handler.
func (c *Ctx) Block(keys [][]byte, timeout time.Duration, extra []byte, serve ServeFunc) {
	c.block(keys, timeout, extra, serve, false, false)
}

// BlockEach is Block for waiters that are each served on their own terms
// (stream readers, each waiting for entries after its own ID): when serve
// cannot serve such a waiter, the waiters queued after it are still tried.
// With onDelete the waiter is also woken when the value one of its keys
// held when it blocked is deleted, replaced (another type, RENAME, DEL and
// re-creation in a transaction), flushed or swapped away, so that serve
// can reply an error as XREADGROUP's does.
func (c *Ctx) BlockEach(keys [][]byte, timeout time.Duration, onDelete bool, serve ServeFunc) {
	c.block(keys, timeout, nil, serve, true, onDelete)
}

// BlockFor parks the client on no key until timeout (0 = forever), CLIENT
// UNBLOCK or the connection closes; it then replies timedOut (raw RESP),
// or the UNBLOCKED error. WAIT with no replicas to wait for uses it.
func (c *Ctx) BlockFor(timeout time.Duration, timedOut []byte) {
	c.block(nil, timeout, nil, nil, false, false)
	if w := c.C.bw.Load(); w != nil {
		w.timedOut = timedOut
	}
}

func (c *Ctx) block(keys [][]byte, timeout time.Duration, extra []byte, serve ServeFunc, each, onDelete bool) {
	e := c.E
	r := e.blocking()
	w := &Waiter{
		c:     c.C,
		cmd:   c.Cmd,
		argv:  copyArgv(c.Argv),
		db:    c.DB.ID,
		serve: serve,
		done:  make(chan struct{}),
		each:  each,

		onDelete: onDelete,
	}
	if extra != nil {
		w.extra = append([]byte(nil), extra...)
	}
	w.reply.Proto = c.C.Proto
	if timeout > 0 {
		w.deadline = time.Now().Add(timeout)
		r.timeouts.Add(1)
	}
	r.mu.Lock()
	for _, k := range keys {
		dup := false
		for _, s := range w.keys {
			if s == string(k) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		s := string(k)
		w.keys = append(w.keys, s)
		if onDelete {
			var obj any
			if ent := c.DB.Peek(k); ent != nil && ent.Obj() != nil {
				obj = ent.Obj()
			}
			w.objs = append(w.objs, obj)
		}
		bk := blockKey{w.db, s}
		r.queues[bk] = append(r.queues[bk], w)
	}
	r.clients.Add(1)
	if each {
		r.each.Add(1)
	}
	if onDelete {
		r.onDelete.Add(1)
	}
	blockedAll.Add(1)
	r.mu.Unlock()
	c.C.bw.Store(w)
}

// Blocked reports whether the client's last command blocked: the caller
// (the connection loop) must flush pending replies and call WaitBlocked.
func (c *Client) Blocked() bool { return c.bw.Load() != nil }

// SignalReady reports that key (in the current db) may now serve blocked
// clients (a push to a list, ...). Waiters are served after the current
// unit of work completes.
func (c *Ctx) SignalReady(key []byte) { c.E.signalReady(c.DB.ID, key) }

// SignalReadyIn is SignalReady for a key of another database.
func (c *Ctx) SignalReadyIn(db int, key []byte) { c.E.signalReady(db, key) }

func (e *Engine) signalReady(db int, key []byte) {
	if blockedAll.Load() == 0 {
		return
	}
	r := e.blocking()
	r.mu.Lock()
	bk := blockKey{db, string(key)}
	if len(r.queues[bk]) > 0 && !r.isRdy[bk] {
		r.isRdy[bk] = true
		r.ready = append(r.ready, bk)
		r.hasReady.Store(true)
	}
	r.mu.Unlock()
}

// signalGone is called for every modified key (keyspace hooks, with the
// key's shard locked): when BlockEach waiters with onDelete (XREADGROUP)
// wait on key and its value is no longer the one they blocked on, the key
// is marked ready so that they are woken (with an error).
func (e *Engine) signalGone(db int, key string) {
	if blockedAll.Load() == 0 {
		return
	}
	r := e.blocking()
	if r.onDelete.Load() == 0 {
		return
	}
	bk := blockKey{db, key}
	r.mu.Lock()
	waiting := false
	for _, w := range r.queues[bk] {
		if w.onDelete {
			waiting = true
			break
		}
	}
	r.mu.Unlock()
	if !waiting {
		return
	}
	var cur any
	if ent := e.KS.DB(db).Peek([]byte(key)); ent != nil && ent.Obj() != nil {
		cur = ent.Obj()
	}
	gone := false
	r.mu.Lock()
	for _, w := range r.queues[bk] {
		if !w.onDelete {
			continue
		}
		for i, k := range w.keys {
			if k == key && w.objs[i] != cur {
				gone = true
			}
		}
	}
	r.mu.Unlock()
	if gone {
		e.signalReady(db, []byte(key))
	}
}

// SignalReadyDB marks every key of db with blocked clients as ready (after
// SWAPDB, FLUSHDB ...).
func (e *Engine) SignalReadyDB(db int) {
	if blockedAll.Load() == 0 {
		return
	}
	r := e.blocking()
	r.mu.Lock()
	for bk := range r.queues {
		if bk.db == db && !r.isRdy[bk] {
			r.isRdy[bk] = true
			r.ready = append(r.ready, bk)
			r.hasReady.Store(true)
		}
	}
	r.mu.Unlock()
}

// ServeReady serves blocked clients whose keys were signalled ready. The
// engine calls it after every command (EXEC and scripts included) with no
// lock held; other units of work that write outside Exec call it when
// they are done.
func (e *Engine) ServeReady() {
	if blockedAll.Load() == 0 {
		return
	}
	r := e.blocking()
	if !r.hasReady.Load() {
		return
	}
	for {
		r.mu.Lock()
		if len(r.ready) == 0 {
			r.hasReady.Store(false)
			r.mu.Unlock()
			return
		}
		bk := r.ready[0]
		r.ready[0] = blockKey{}
		r.ready = r.ready[1:]
		if len(r.ready) == 0 {
			r.ready = nil
		}
		delete(r.isRdy, bk)
		r.mu.Unlock()
		e.serveKey(r, bk)
	}
}

// serveKey serves the waiters of one ready key in FIFO order.
func (e *Engine) serveKey(r *blockRegistry, bk blockKey) {
	ks := e.KS
	key := []byte(bk.key)
	var skip map[*Waiter]bool
	// As Redis serves a ready key's clients by the type they wait for: once
	// an ordinary waiter of one command group (list, sorted-set) could not
	// be served, later waiters of that group are passed over, while waiters
	// of another group (BZPOPMIN queued behind BLPOP) are still tried.
	// BlockEach waiters (streams) each wait for different things and are
	// always tried.
	var failedGroups []string
	groupFailed := func(w *Waiter) bool {
		if w.each {
			return false
		}
		for _, g := range failedGroups {
			if g == w.cmd.Spec.Group {
				return true
			}
		}
		return false
	}
	for {
		r.mu.Lock()
		var w *Waiter
		for _, x := range r.queues[bk] {
			if !skip[x] && !groupFailed(x) {
				w = x
				break
			}
		}
		r.mu.Unlock()
		if w == nil {
			return
		}
		ks.RLockWorld()
		db := ks.DB(bk.db)
		var shardBuf [2]int
		shards := append(shardBuf[:0], ks.ShardOf(key))
		if w.extra != nil {
			shards = append(shards, ks.ShardOf(w.extra))
		}
		shards = sortShards(shards)
		db.LockShards(shards)
		w.mu.Lock()
		served := false
		if w.state == wsWaiting {
			ctx := Ctx{E: e, C: w.c, Cmd: w.cmd, Argv: w.argv, W: &w.reply, DB: db}
			if guardsActive.Load() != 0 { // snapshot copy-on-write (persist_hooks.go)
				e.guardKeys(db.ID, key, w.extra)
			}
			if w.serve(&ctx, key) {
				e.finish(&ctx)
				served = true
				w.finishLocked(wsServed)
			}
		} else {
			served = true // finished meanwhile; its owner removes it
		}
		w.mu.Unlock()
		db.UnlockShards(shards)
		ks.RUnlockWorld()
		if !served {
			if !w.each {
				failedGroups = append(failedGroups, w.cmd.Spec.Group)
			}
			if skip == nil {
				skip = map[*Waiter]bool{}
			}
			skip[w] = true
			continue
		}
		// Remove the served (or finished) waiter from this queue now so
		// the next one is found; its owner removes it from the others.
		r.mu.Lock()
		r.removeFromLocked(bk, w)
		r.mu.Unlock()
		if skip == nil {
			skip = map[*Waiter]bool{}
		}
		skip[w] = true
	}
}

func (r *blockRegistry) removeFromLocked(bk blockKey, w *Waiter) {
	q := r.queues[bk]
	for i, x := range q {
		if x == w {
			copy(q[i:], q[i+1:])
			q[len(q)-1] = nil
			q = q[:len(q)-1]
			break
		}
	}
	if len(q) == 0 {
		delete(r.queues, bk)
	} else {
		r.queues[bk] = q
	}
}

func (r *blockRegistry) unregister(w *Waiter) {
	r.mu.Lock()
	for _, k := range w.keys {
		r.removeFromLocked(blockKey{w.db, k}, w)
	}
	r.clients.Add(-1)
	if w.each {
		r.each.Add(-1)
	}
	if w.onDelete {
		r.onDelete.Add(-1)
	}
	blockedAll.Add(-1)
	if !w.deadline.IsZero() {
		r.timeouts.Add(-1)
	}
	r.mu.Unlock()
}

// WaitBlocked parks the goroutine of a client whose command blocked until
// the wait ends, then appends the command's reply to c.W. closed is
// closed by the connection when the peer went away; WaitBlocked then
// cancels the wait (a client that disconnects loses nothing) and reports
// false. Pending replies must have been flushed before.
func (e *Engine) WaitBlocked(c *Client, closed <-chan struct{}) bool {
	w := c.bw.Load()
	if w == nil {
		return true
	}
	var timer <-chan time.Time
	if !w.deadline.IsZero() {
		t := time.NewTimer(time.Until(w.deadline))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-w.done:
	case <-timer:
		w.mu.Lock()
		w.finishLocked(wsTimedOut)
		w.mu.Unlock()
	case <-closed:
		w.mu.Lock()
		w.finishLocked(wsCancelled)
		w.mu.Unlock()
	}
	<-w.done
	e.blocking().unregister(w)
	c.bw.Store(nil)
	w.mu.Lock()
	st := w.state
	w.mu.Unlock()
	drop := c.ReplyMode == ReplyOff
	switch st {
	case wsServed:
		if !drop {
			c.W.Raw(w.reply.Buf)
		}
	case wsTimedOut, wsUnblockTimeout:
		switch {
		case drop:
		case w.timedOut != nil:
			c.W.Raw(w.timedOut)
		default:
			c.W.NullArray()
		}
	case wsUnblockError:
		e.Stats.CountError("UNBLOCKED")
		if !drop {
			c.W.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
		}
	case wsCancelled:
		return false
	}
	c.LastActive.Store(time.Now().UnixMilli())
	return true
}

// UnblockClient implements CLIENT UNBLOCK: it ends the wait of the client
// with the given id, which then replies as if it timed out (or with an
// UNBLOCKED error), and reports whether the client was blocked.
func (e *Engine) UnblockClient(id int64, withError bool) bool {
	c := e.Client(id)
	if c == nil {
		return false
	}
	w := c.bw.Load()
	if w == nil {
		return false
	}
	st := wsUnblockTimeout
	if withError {
		st = wsUnblockError
	}
	w.mu.Lock()
	ok := w.finishLocked(st)
	w.mu.Unlock()
	return ok
}

// CancelBlocked ends a client's wait without a reply (its connection is
// going away before it could wait).
func (e *Engine) CancelBlocked(c *Client) {
	w := c.bw.Load()
	if w == nil {
		return
	}
	w.mu.Lock()
	w.finishLocked(wsCancelled)
	w.mu.Unlock()
	e.blocking().unregister(w)
	c.bw.Store(nil)
}
