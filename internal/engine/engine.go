package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/acl"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Settings is the configuration the engine reads; *config.Config implements it.
type Settings interface {
	String(name string) string
	Int(name string) int64
	Bool(name string) bool
}

// Effect is one write, in the form it is replayed by AOF and replicas.
type Effect struct {
	DB   int
	Argv [][]byte
}

// EffectSink consumes the ordered stream of write effects. Write is called
// with the writing command's locks held, so calls for one key arrive in
// execution order; a transaction or script arrives as one call whose batch
// is wrapped in MULTI/EXEC. The sink must not retain argv slices without
// copying them and must not block for long.
type EffectSink interface {
	Write(batch []Effect)
}

// Stats are server-wide counters for INFO.
type Stats struct {
	Commands        atomic.Int64
	Connections     atomic.Int64
	RejectedConns   atomic.Int64
	KeyspaceHits    atomic.Int64
	KeyspaceMisses  atomic.Int64
	Dirty           atomic.Int64
	NetInputBytes   atomic.Int64
	NetOutputBytes  atomic.Int64
	ErrorReplies    atomic.Int64
	UnexpectedError atomic.Int64
	errMu           sync.Mutex
	errCounts       map[string]int64
}

// CountError records an error reply by its code (the first word).
func (s *Stats) CountError(msg string) {
	s.ErrorReplies.Add(1)
	code := msg
	for i := 0; i < len(msg); i++ {
		if msg[i] == ' ' {
			code = msg[:i]
			break
		}
	}
	s.errMu.Lock()
	if s.errCounts == nil {
		s.errCounts = map[string]int64{}
	}
	if len(s.errCounts) < 128 || s.errCounts[code] > 0 {
		s.errCounts[code]++
	}
	s.errMu.Unlock()
}

// ErrorCounts returns a copy of the per-code error counters.
func (s *Stats) ErrorCounts() map[string]int64 {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	out := make(map[string]int64, len(s.errCounts))
	for k, v := range s.errCounts {
		out[k] = v
	}
	return out
}

// ResetErrors clears the error counters (CONFIG RESETSTAT).
func (s *Stats) ResetErrors() {
	s.errMu.Lock()
	s.errCounts = nil
	s.errMu.Unlock()
	s.ErrorReplies.Store(0)
}

// Engine is the shared state of one server.
type Engine struct {
	KS    *keyspace.Keyspace
	Cfg   Settings
	Stats Stats
	Start time.Time

	// Shutdown is called by SHUTDOWN; save reports whether to snapshot first.
	Shutdown func(save bool) error
	// Info extra sections supplied by the server (e.g. listener details).
	RunID string
	// Supervised is INFO's process_supervised: the supervisor a server
	// run as a program told it is ready ("systemd", "upstart"), else "".
	Supervised string
	Port       int

	// Notifier delivers keyspace events (set by the pub/sub subsystem).
	Notifier func(class int, event string, db int, key []byte)

	table map[string]*Command

	adminSt  *adminState    // slowlog, latency, MONITOR (latency.go)
	blockReg *blockRegistry // clients blocked on keys (blocking.go)

	clientsMu sync.Mutex
	clients   map[int64]*Client
	nextID    atomic.Int64

	sinksMu  sync.RWMutex
	sinks    []EffectSink
	hasSinks atomic.Bool

	watch watchRegistry

	paused     atomic.Bool
	pauseMu    sync.Mutex
	pauseCond  *sync.Cond
	pauseUntil int64 // unix ms
	pauseAll   bool  // CLIENT PAUSE ALL vs WRITE

	LastSave atomic.Int64 // unix seconds

	async asyncState // pub/sub, keyspace events, tracking (pubsub_hooks.go, tracking.go)

	// ACL holds the users and the ACL log (acl_gate.go).
	ACL *acl.Registry

	loading  atomic.Bool                 // the dataset is loading at start-up (loading.go)
	scriptSt atomic.Pointer[scriptState] // the running script (script_call.go)
}

// New creates an engine over ks with the registered commands.
func New(ks *keyspace.Keyspace, cfg Settings) (*Engine, error) {
	table, err := buildTable()
	if err != nil {
		return nil, err
	}
	e := &Engine{KS: ks, Cfg: cfg, Start: time.Now(), table: table, clients: map[int64]*Client{}}
	e.pauseCond = sync.NewCond(&e.pauseMu)
	e.blockReg = newBlockRegistry()
	e.adminSt = newAdminState(e)
	e.LastSave.Store(time.Now().Unix())
	ks.Hooks = (*hooks)(e)
	e.initAsync()
	// Maxmemory, eviction and lazyfree parameters (oom.go).
	e.initMemory()
	if err := e.initACL(); err != nil { // acl_gate.go
		return nil, err
	}
	return e, nil
}

// Commands returns the registered commands by name.
func (e *Engine) Commands() map[string]*Command { return e.table }

// Lookup returns the registered command named name.
func (e *Engine) Lookup(name []byte) *Command { return lookup(e.table, name) }

// AddSink subscribes a consumer to the write-effects stream.
func (e *Engine) AddSink(s EffectSink) {
	e.KS.LockWorld()
	e.sinksMu.Lock()
	e.sinks = append(e.sinks, s)
	e.hasSinks.Store(true)
	e.sinksMu.Unlock()
	e.KS.UnlockWorld()
}

// RemoveSink unsubscribes a consumer.
func (e *Engine) RemoveSink(s EffectSink) {
	e.KS.LockWorld()
	e.sinksMu.Lock()
	for i, x := range e.sinks {
		if x == s {
			e.sinks = append(e.sinks[:i], e.sinks[i+1:]...)
			break
		}
	}
	e.hasSinks.Store(len(e.sinks) > 0)
	e.sinksMu.Unlock()
	e.KS.UnlockWorld()
}

func (e *Engine) emit(batch []Effect) {
	e.sinksMu.RLock()
	for _, s := range e.sinks {
		s.Write(batch)
	}
	e.sinksMu.RUnlock()
}

// NewClient registers a new connection.
func (e *Engine) NewClient(conn Conn, addr, laddr string, fd int) *Client {
	c := &Client{ID: e.nextID.Add(1), Proto: 2, conn: conn, Addr: addr, LAddr: laddr, FD: fd, Created: time.Now()}
	c.W.Proto = 2
	c.User, c.Authed = e.ACL.Default, e.DefaultAuthed() // acl_gate.go
	c.LastActive.Store(time.Now().UnixMilli())
	c.unblock = make(chan unblockReq, 1)
	e.clientsMu.Lock()
	e.clients[c.ID] = c
	e.clientsMu.Unlock()
	e.Stats.Connections.Add(1)
	return c
}

// RemoveClient unregisters a closed connection and drops its session state.
func (e *Engine) RemoveClient(c *Client) {
	e.unwatchAll(c)
	e.dropAsync(c) // subscriptions, tracking, output queue (pubsub_hooks.go)
	e.clientsMu.Lock()
	delete(e.clients, c.ID)
	e.clientsMu.Unlock()
}

// Clients returns a snapshot of connected clients ordered by ID.
func (e *Engine) Clients() []*Client {
	e.clientsMu.Lock()
	out := make([]*Client, 0, len(e.clients))
	for _, c := range e.clients {
		out = append(out, c)
	}
	e.clientsMu.Unlock()
	sortClients(out)
	return out
}

// Client returns the client with the given ID, or nil.
func (e *Engine) Client(id int64) *Client {
	e.clientsMu.Lock()
	defer e.clientsMu.Unlock()
	return e.clients[id]
}

// NumClients returns the number of connected clients.
func (e *Engine) NumClients() int {
	e.clientsMu.Lock()
	defer e.clientsMu.Unlock()
	return len(e.clients)
}

func sortClients(cs []*Client) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].ID < cs[j-1].ID; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// hooks adapts the engine to keyspace.Hooks.
type hooks Engine

func (h *hooks) KeyModified(db int, key string) {
	e := (*Engine)(h)
	e.Stats.Dirty.Add(1)
	e.touchWatched(db, key)
	e.signalGone(db, key) // XREADGROUP waiters learn about deleted streams (blocking.go)
	if e.async.trk.clients.Load() > 0 {
		e.trackingKeyModified(db, key) // client-side caching (tracking.go)
	}
}

func (h *hooks) KeyExpired(db int, key string) {
	e := (*Engine)(h)
	if e.hasSinks.Load() {
		verb := "DEL"
		if e.KS.LazyExpire() { // Redis propagates UNLINK under lazyfree-lazy-expire
			verb = "UNLINK"
		}
		e.emit([]Effect{{DB: db, Argv: [][]byte{[]byte(verb), []byte(key)}}})
	}
	e.notify(NotifyExpired, "expired", db, []byte(key))
}

func (h *hooks) DBFlushed(db, other int) {
	e := (*Engine)(h)
	// As Redis's touchAllWatchedKeysInDb: only keys that exist now (or, for
	// SWAPDB, exist in the database swapped in) invalidate transactions.
	e.touchWatchedDB(db, func(key string) bool {
		if e.KS.DB(db).Peek([]byte(key)) != nil {
			return true
		}
		return other >= 0 && e.KS.DB(other).Peek([]byte(key)) != nil
	})
	e.SignalReadyDB(db) // blocked clients re-check their keys (blocking.go)
	if other < 0 {
		e.trackingFlushed() // null invalidation to tracking clients (tracking.go)
	}
}

// RedisVersion is the Redis version Redwing reports (INFO, HELLO,
// redis.REDIS_VERSION); clients such as BullMQ gate features on it.
const RedisVersion = "7.2.5"
