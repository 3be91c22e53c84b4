package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/acl"
	"github.com/redwingdb/redwing/internal/resp"
)

// Conn is what the engine needs from a network connection.
type Conn interface {
	// Close closes the connection from any goroutine.
	Close() error
}

// loopYielder is implemented by connections served by an event loop
// shared with other connections: YieldLoop hands the loop's other clients
// to a new goroutine at once, so that a command known to take long does
// not hold them up until the loop's watchdog notices it.
type loopYielder interface {
	YieldLoop()
}

// WillTakeLong tells the connection that the running command is about to
// take long (MEMORY PURGE's collection): a connection sharing an event
// loop lets the loop go on without it first.
func (c *Ctx) WillTakeLong() {
	if y, ok := c.C.conn.(loopYielder); ok {
		y.YieldLoop()
	}
}

// Reply modes for CLIENT REPLY.
const (
	ReplyOn = iota
	ReplyOff
	ReplySkip
)

// Client is one connection's session state. Fields other than those under
// mu are owned by the connection's goroutine.
type Client struct {
	ID        int64
	Proto     int
	DB        int
	Authed    bool
	User      *acl.User // ACL user (nil: unrestricted internal client)
	Addr      string
	LAddr     string
	FD        int
	Created   time.Time
	ReplyMode int
	skipNext  bool
	NoEvict   bool
	NoTouch   bool
	Closing   bool // reply then close (QUIT, protocol errors)
	// Loader marks the client replaying the AOF at start-up: the loading
	// gate lets it through.
	Loader bool

	// Multi is non-nil between MULTI and EXEC/DISCARD.
	Multi *MultiState

	// W is the client's reply buffer.
	W resp.Writer

	ctx       Ctx       // reused by call() for every command
	oneEffect [1]Effect // finish's batch of one, so that emitting allocates nothing
	// gateCmd is the command passing the dispatch gate: a rejection there
	// counts as its rejected call (INFO commandstats).
	gateCmd  *Command
	keyBuf   keyBuf       // scratch for key and shard indexes
	lastName nameCache    // the last command name and its command (dispatch.go)
	aclBuf   *acl.Scratch // scratch for ACL checks of restricted users (acl_gate.go)

	conn Conn

	lastCmd     atomic.Pointer[string]
	LastActive  atomic.Int64 // unix ms
	killed      atomic.Bool
	QueryBufLen atomic.Int64
	unblock     chan unblockReq

	// Blocking operations (blocking.go): the wait in progress, and
	// whether blocking commands must not block (scripts set it).
	bw           atomic.Pointer[Waiter]
	DenyBlocking bool

	// Pub/sub and client-side caching (pubsub_hooks.go, tracking.go): the
	// asynchronous output queue, subscriptions, tracking state, and Proto
	// as of the last command for other goroutines.
	aq    atomic.Pointer[asyncOut]
	ps    atomic.Pointer[clientSubs]
	trk   atomic.Pointer[clientTracking]
	proto atomic.Int32
	kicks []*asyncOut // queues this client published to, started by AfterBatch

	mu struct {
		sync.Mutex
		name    string
		libName string
		libVer  string
	}
}

type unblockReq struct{ err bool }

// MultiState is a transaction being queued.
type MultiState struct {
	Queue   []QueuedCmd
	Aborted bool

	// n and mem mirror len(Queue) and the queued argv bytes for CLIENT
	// LIST, which reads them from other connections' goroutines.
	n, mem atomic.Int64
}

// noteQueued records one more queued command (argv_len_sums in Redis:
// argument bytes plus one pointer per argument).
func (m *MultiState) noteQueued(argv [][]byte) {
	sz := int64(8 * len(argv))
	for _, a := range argv {
		sz += int64(len(a))
	}
	m.mem.Add(sz)
	m.n.Add(1)
}

// Len returns the number of queued commands; safe from any goroutine.
func (m *MultiState) Len() int64 { return m.n.Load() }

// Mem returns the memory accounted to the queued commands (CLIENT LIST
// multi-mem); safe from any goroutine.
func (m *MultiState) Mem() int64 { return m.mem.Load() }

// SkipNextReply implements CLIENT REPLY SKIP: the reply of the next
// command is dropped.
func (c *Client) SkipNextReply() { c.skipNext = true }

// QueuedCmd is one command queued by MULTI.
type QueuedCmd struct {
	Cmd  *Command
	Argv [][]byte
}

// LastCmd returns the name of the last command the client ran ("NULL" before any).
func (c *Client) LastCmd() string {
	if p := c.lastCmd.Load(); p != nil {
		return *p
	}
	return "NULL"
}

// Name returns the client name (CLIENT SETNAME).
func (c *Client) Name() string { c.mu.Lock(); defer c.mu.Unlock(); return c.mu.name }

// SetName sets the client name.
func (c *Client) SetName(n string) { c.mu.Lock(); c.mu.name = n; c.mu.Unlock() }

// LibInfo returns the CLIENT SETINFO library name and version.
func (c *Client) LibInfo() (string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.libName, c.mu.libVer
}

// SetLibInfo sets library name (when which == "lib-name") or version.
func (c *Client) SetLibInfo(which, v string) {
	c.mu.Lock()
	if which == "lib-name" {
		c.mu.libName = v
	} else {
		c.mu.libVer = v
	}
	c.mu.Unlock()
}

// Kill closes the client's connection (CLIENT KILL).
func (c *Client) Kill() {
	if c.killed.CompareAndSwap(false, true) && c.conn != nil {
		c.conn.Close()
	}
}

// Killed reports whether the client was killed.
func (c *Client) Killed() bool { return c.killed.Load() }
