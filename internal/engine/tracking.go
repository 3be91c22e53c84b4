package engine

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redwingdb/redwing/internal/command"
)

// Client-side caching (Redis's tracking.c).
//
// The tracking table maps key names (of any database, as in Redis) to the
// IDs of the clients that read them while tracking; it is split into
// mutex-guarded shards by key hash. A read-only command of a tracking
// client remembers its keys while it still holds their shard locks, and a
// write invalidates them from the keyspace's KeyModified hook, under the
// same locks, so an invalidation can never be lost between a read and the
// remembering. Invalidation removes the key and sends ["invalidate",
// [key]] to each client (RESP3 push, or a message on __redis__:invalidate
// to the REDIRECT client under RESP2); the entry is created again by the
// next read. IDs of clients that went away are dropped lazily.
//
// BCAST clients register prefixes instead: a write of a key under a prefix
// records the key (with the client that wrote it first, for NOLOOP) and
// the keys are broadcast, sorted, once per batch of the writing connection
// (Redis sends them before sleeping, once per event loop iteration).
//
// FLUSHDB and FLUSHALL send a null invalidation to every tracking client
// and empty the table. When no client tracks, the keyspace hooks cost one
// atomic load.

const trackShards = 256

type trackShard struct {
	mu sync.Mutex
	m  map[string][]int64
	_  [40]byte
}

// trackingState is the engine's tracking table.
type trackingState struct {
	clients atomic.Int64 // clients with tracking on (INFO tracking_clients)
	keys    atomic.Int64 // keys in the table
	items   atomic.Int64 // (key, client) pairs in the table
	maxKeys atomic.Int64 // tracking-table-max-keys

	shards [trackShards]trackShard

	prefixes atomic.Int64 // number of BCAST prefixes
	pending  atomic.Bool  // BCAST keys wait to be sent
	bcast    struct {
		sync.Mutex
		m map[string]*bcastState
	}

	limitMu sync.Mutex
	limitN  int // consecutive limit passes that could not reach the limit

	// flushDone is set by the first DBFlushed of an exclusive command so
	// that FLUSHALL sends one null invalidation; guarded by the world lock.
	flushDone bool
}

type bcastState struct {
	clients []*Client
	keys    map[string]*Client // key -> first writer this cycle (NOLOOP)
}

// clientTracking is a client's tracking state.
type clientTracking struct {
	conf    atomic.Pointer[trackConf] // nil when tracking is off
	broken  atomic.Bool               // REDIRECT client went away
	caching atomic.Bool               // CLIENT CACHING given for the next command
}

// trackConf is the immutable configuration of CLIENT TRACKING ON.
type trackConf struct {
	redirect                     int64
	bcast, optin, optout, noloop bool
	prefixes                     []string // sorted
}

// TrackingOptions are the options of CLIENT TRACKING ON.
type TrackingOptions struct {
	Redirect                     int64
	BCast, OptIn, OptOut, NoLoop bool
	Prefixes                     [][]byte
}

// TrackingInfo describes a client's tracking state (CLIENT TRACKINGINFO,
// GETREDIR, CLIENT LIST flags).
type TrackingInfo struct {
	On, BCast, OptIn, OptOut, NoLoop, Caching, BrokenRedirect bool
	Redirect                                                  int64
	Prefixes                                                  []string
}

// TrackingInfo returns the client's tracking state; safe from any goroutine.
func (c *Client) TrackingInfo() TrackingInfo {
	tr := c.trk.Load()
	if tr == nil {
		return TrackingInfo{}
	}
	conf := tr.conf.Load()
	if conf == nil {
		return TrackingInfo{}
	}
	return TrackingInfo{
		On: true, BCast: conf.bcast, OptIn: conf.optin, OptOut: conf.optout, NoLoop: conf.noloop,
		Caching: tr.caching.Load(), BrokenRedirect: tr.broken.Load(),
		Redirect: conf.redirect, Prefixes: conf.prefixes,
	}
}

func (c *Client) trackConf() *trackConf {
	if tr := c.trk.Load(); tr != nil {
		return tr.conf.Load()
	}
	return nil
}

// SetTrackingCaching implements CLIENT CACHING YES|NO once validated.
func (c *Client) SetTrackingCaching() {
	if tr := c.trk.Load(); tr != nil {
		tr.caching.Store(true)
	}
}

// PrefixCollision checks BCAST prefixes as Redis's
// checkPrefixCollisionsOrReply and returns its error text, or "". Redis
// 7.0 reports an overlap among the given prefixes found for any but the
// first as success after replying the error (it returns the index), so the
// command then goes on: proceed tells the caller to do the same.
func (c *Client) PrefixCollision(prefixes [][]byte) (msg string, proceed bool) {
	var existing []string
	if conf := c.trackConf(); conf != nil {
		existing = conf.prefixes
	}
	overlap := func(a, b string) bool {
		n := min(len(a), len(b))
		return a[:n] == b[:n]
	}
	for i, p := range prefixes {
		for _, x := range existing {
			if overlap(x, string(p)) {
				return "ERR Prefix '" + cstr(string(p)) + "' overlaps with an existing prefix '" + cstr(x) +
					"'. Prefixes for a single client must not overlap.", false
			}
		}
		for _, q := range prefixes[i+1:] {
			if overlap(string(p), string(q)) {
				return "ERR Prefix '" + cstr(string(p)) + "' overlaps with another provided prefix '" + cstr(string(q)) +
					"'. Prefixes for a single client must not overlap.", i > 0
			}
		}
	}
	return "", true
}

// cstr is s as C's %s prints it: up to the first NUL.
func cstr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// EnableTracking implements CLIENT TRACKING ON with validated options
// (Redis's enableTracking): flags are replaced, BCAST prefixes are added to
// those already registered.
func (e *Engine) EnableTracking(c *Client, o TrackingOptions) {
	t := &e.async.trk
	tr := c.trk.Load()
	if tr == nil {
		tr = &clientTracking{}
		c.trk.Store(tr)
	}
	old := tr.conf.Load()
	if old == nil {
		t.clients.Add(1)
	}
	conf := &trackConf{redirect: o.Redirect, bcast: o.BCast, optin: o.OptIn, optout: o.OptOut, noloop: o.NoLoop}
	if o.BCast {
		var add []string
		if len(o.Prefixes) == 0 {
			add = []string{""}
		}
		for _, p := range o.Prefixes {
			add = append(add, string(p))
		}
		t.bcast.Lock()
		if old != nil {
			conf.prefixes = append(conf.prefixes, old.prefixes...)
		}
		for _, p := range add {
			if containsString(conf.prefixes, p) {
				continue
			}
			conf.prefixes = append(conf.prefixes, p)
			if t.bcast.m == nil {
				t.bcast.m = map[string]*bcastState{}
			}
			bs := t.bcast.m[p]
			if bs == nil {
				bs = &bcastState{}
				t.bcast.m[p] = bs
				t.prefixes.Add(1)
			}
			bs.clients = append(bs.clients, c)
		}
		sort.Strings(conf.prefixes)
		tr.conf.Store(conf)
		t.bcast.Unlock()
	} else {
		tr.conf.Store(conf)
	}
	tr.broken.Store(false)
	e.asyncFor(c, true)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// DisableTracking implements CLIENT TRACKING OFF (Redis's disableTracking).
func (e *Engine) DisableTracking(c *Client) {
	tr := c.trk.Load()
	if tr == nil {
		return
	}
	t := &e.async.trk
	conf := tr.conf.Load()
	if conf == nil {
		return
	}
	if conf.bcast {
		t.bcast.Lock()
		for _, p := range conf.prefixes {
			bs := t.bcast.m[p]
			if bs == nil {
				continue
			}
			for i, x := range bs.clients {
				if x == c {
					bs.clients = append(bs.clients[:i], bs.clients[i+1:]...)
					break
				}
			}
			if len(bs.clients) == 0 {
				delete(t.bcast.m, p)
				t.prefixes.Add(-1)
			}
		}
		tr.conf.Store(nil)
		t.bcast.Unlock()
	} else {
		tr.conf.Store(nil)
	}
	tr.broken.Store(false)
	tr.caching.Store(false)
	t.clients.Add(-1)
}

// TrackingStats returns the tracking table figures for INFO: tracking
// clients, keys, items and BCAST prefixes.
func (e *Engine) TrackingStats() (clients, keys, items, prefixes int64) {
	t := &e.async.trk
	return t.clients.Load(), t.keys.Load(), t.items.Load(), t.prefixes.Load()
}

func (t *trackingState) shardFor(key string) *trackShard {
	// FNV-1a: cheap, and independent of the keyspace's shard seed.
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return &t.shards[h%trackShards]
}

// trackingRemember runs after a command of a tracking client, with the
// command's locks held: for a read-only command it remembers the keys
// (Redis's trackingRememberKeys).
func (e *Engine) trackingRemember(ctx *Ctx, tr *clientTracking, keys []int) {
	spec := ctx.Cmd.Spec
	if !spec.Has(command.FlagReadonly) {
		return
	}
	conf := tr.conf.Load()
	if conf == nil || conf.bcast {
		return
	}
	if caching := tr.caching.Load(); (conf.optin && !caching) || (conf.optout && caching) {
		return
	}
	if keys == nil {
		var buf [16]int
		var err error
		if keys, err = command.AppendKeys(buf[:0], spec, ctx.Argv); err != nil {
			return
		}
	}
	if len(keys) == 0 {
		return
	}
	t := &e.async.trk
	id := ctx.C.ID
	for _, i := range keys {
		key := ctx.Argv[i]
		sh := t.shardFor(string(key))
		sh.mu.Lock()
		ids, ok := sh.m[string(key)]
		if !containsID(ids, id) {
			if !ok {
				if sh.m == nil {
					sh.m = map[string][]int64{}
				}
				t.keys.Add(1)
			}
			sh.m[string(key)] = append(ids, id)
			t.items.Add(1)
		}
		sh.mu.Unlock()
	}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// trackingKeyModified is called from the keyspace's KeyModified hook with
// key's locks held (Redis's trackingInvalidateKey), for writes, deletions
// and expiries. The client whose command causes it is recognised as the
// one holding key's shard (pubCtx): as in Redis 7.0, where it is the
// current client, NOLOOP also hides a key it expired lazily by reading it.
func (e *Engine) trackingKeyModified(db int, key string) {
	key = strings.Clone(key) // KeyModified's key is only lent (BCAST keeps it)
	t := &e.async.trk
	p := pubCtx{keyed: true, db: db, key: bytesOf(key), shard: -1}
	if t.prefixes.Load() > 0 {
		e.trackingRememberBcast(&p, key)
	}
	e.trackingInvalidate(&p, key, false)
}

// trackingInvalidate removes key from the table and notifies its clients;
// anon (table evictions) ignores NOLOOP.
func (e *Engine) trackingInvalidate(p *pubCtx, key string, anon bool) {
	t := &e.async.trk
	sh := t.shardFor(key)
	sh.mu.Lock()
	ids, ok := sh.m[key]
	if ok {
		delete(sh.m, key)
		t.keys.Add(-1)
		t.items.Add(-int64(len(ids)))
	}
	sh.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	var arr [64]byte
	raw := append(arr[:0], "*1\r\n$"...)
	raw = strconv.AppendInt(raw, int64(len(key)), 10)
	raw = append(raw, '\r', '\n')
	raw = append(raw, key...)
	raw = append(raw, '\r', '\n')
	for _, id := range ids {
		target := e.Client(id)
		if target == nil {
			continue
		}
		conf := target.trackConf()
		if conf == nil || conf.bcast {
			continue
		}
		if conf.noloop && !anon && e.isSelf(target, p) {
			continue
		}
		e.sendTracking(target, conf, p, raw)
	}
}

// sendTracking delivers an invalidation payload (a RESP array of keys or a
// null) for tracking client t (Redis's sendTrackingMessage).
func (e *Engine) sendTracking(t *Client, conf *trackConf, p *pubCtx, raw []byte) {
	if conf.redirect != 0 {
		r := e.Client(conf.redirect)
		if r == nil {
			if tr := t.trk.Load(); tr != nil {
				tr.broken.Store(true)
			}
			if t.protoNow() >= 3 {
				e.deliver(t, p, &outMsg{typ: msgRedirBroken, num: conf.redirect})
			}
			return
		}
		switch {
		case r.protoNow() >= 3:
			if e.asyncFor(r, false) != nil {
				e.deliver(r, p, &outMsg{typ: msgInvalidate, raw: raw})
			}
		case r.subscribed():
			e.deliver(r, p, &outMsg{typ: msgInvalidateP, raw: raw})
		}
		return
	}
	if t.protoNow() >= 3 {
		e.deliver(t, p, &outMsg{typ: msgInvalidate, raw: raw})
	}
}

// trackingRememberBcast records a modified key under the BCAST prefixes it
// matches (Redis's trackingRememberKeyToBroadcast).
func (e *Engine) trackingRememberBcast(p *pubCtx, key string) {
	t := &e.async.trk
	t.bcast.Lock()
	for prefix, bs := range t.bcast.m {
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		if _, ok := bs.keys[key]; ok {
			continue
		}
		var writer *Client
		for _, cl := range bs.clients {
			if conf := cl.trackConf(); conf != nil && conf.noloop && e.isSelf(cl, p) {
				writer = cl
				break
			}
		}
		if bs.keys == nil {
			bs.keys = map[string]*Client{}
		}
		bs.keys[key] = writer
		t.pending.Store(true)
	}
	t.bcast.Unlock()
}

// FlushTrackingBroadcasts sends the BCAST invalidations collected since the
// last call (Redis's trackingBroadcastInvalidationMessages, run before
// sleeping). The server calls it once per batch of commands and from its
// cron; it costs one atomic load when there is nothing to send.
func (e *Engine) FlushTrackingBroadcasts() {
	t := &e.async.trk
	if !t.pending.Load() {
		return
	}
	t.bcast.Lock()
	defer t.bcast.Unlock()
	if !t.pending.Load() {
		return
	}
	t.pending.Store(false)
	prefixes := make([]string, 0, len(t.bcast.m))
	for prefix, bs := range t.bcast.m {
		if len(bs.keys) > 0 {
			prefixes = append(prefixes, prefix)
		}
	}
	sort.Strings(prefixes)
	p := pubCtx{shard: -1}
	for _, prefix := range prefixes {
		bs := t.bcast.m[prefix]
		keys := make([]string, 0, len(bs.keys))
		for k := range bs.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		all := appendKeyArray(nil, keys, bs.keys, nil)
		for _, cl := range bs.clients {
			conf := cl.trackConf()
			if conf == nil {
				continue
			}
			raw := all
			if conf.noloop {
				if raw = appendKeyArray(nil, keys, bs.keys, cl); raw == nil {
					continue
				}
			}
			e.sendTracking(cl, conf, &p, raw)
		}
		bs.keys = nil
	}
}

// appendKeyArray encodes keys as a RESP array, leaving out those first
// written by skip (NOLOOP); it returns nil when none is left.
func appendKeyArray(dst []byte, keys []string, writers map[string]*Client, skip *Client) []byte {
	n := 0
	for _, k := range keys {
		if skip == nil || writers[k] != skip {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, '\r', '\n')
	for _, k := range keys {
		if skip != nil && writers[k] == skip {
			continue
		}
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(k)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, k...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// trackingFlushed handles FLUSHDB / FLUSHALL (Redis's
// trackingInvalidateKeysOnFlush): every tracking client receives a null
// invalidation, once per command, and the table is emptied. The world lock
// is held exclusively.
func (e *Engine) trackingFlushed() {
	t := &e.async.trk
	if t.flushDone {
		return
	}
	t.flushDone = true
	if t.clients.Load() > 0 {
		p := pubCtx{shard: -1}
		for _, c := range e.Clients() {
			conf := c.trackConf()
			if conf == nil {
				continue
			}
			null := []byte("$-1\r\n")
			if c.protoNow() >= 3 {
				null = []byte("_\r\n")
			}
			e.sendTracking(c, conf, &p, null)
		}
	}
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		sh.m = nil
		sh.mu.Unlock()
	}
	t.keys.Store(0)
	t.items.Store(0)
}

// trackingLimit evicts keys while the table holds more than
// tracking-table-max-keys, invalidating them for their clients as if they
// were modified (Redis's trackingLimitUsedSlots). As Redis, it runs before
// each command while clients track; invalidations for the client about to
// run the command precede its reply.
func (e *Engine) trackingLimit(c *Client) {
	t := &e.async.trk
	if max := t.maxKeys.Load(); max <= 0 || t.keys.Load() <= max {
		return
	}
	if !t.limitMu.TryLock() {
		return
	}
	defer t.limitMu.Unlock()
	max := t.maxKeys.Load()
	if max <= 0 || t.keys.Load() <= max {
		t.limitN = 0
		return
	}
	p := pubCtx{self: c, shard: -1, beforeCmd: true}
	for effort := 100 * (t.limitN + 1); effort > 0; effort-- {
		key, ok := t.randomKey()
		if !ok {
			break
		}
		e.trackingInvalidate(&p, key, true)
		if t.keys.Load() <= max {
			t.limitN = 0
			return
		}
	}
	t.limitN++
}

func (t *trackingState) randomKey() (string, bool) {
	start := rand.IntN(trackShards)
	for i := 0; i < trackShards; i++ {
		sh := &t.shards[(start+i)%trackShards]
		sh.mu.Lock()
		for k := range sh.m {
			sh.mu.Unlock()
			return k, true
		}
		sh.mu.Unlock()
	}
	return "", false
}
