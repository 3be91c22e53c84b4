package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/resp"
)

// Conn is what the engine needs from a network connection.
type Conn interface {
	// Close closes the connection from any goroutine.
	Close() error
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
	User      string
	Addr      string
	LAddr     string
	FD        int
	Created   time.Time
	ReplyMode int
	skipNext  bool
	NoEvict   bool
	NoTouch   bool
	Closing   bool // reply then close (QUIT, protocol errors)

	// Multi is non-nil between MULTI and EXEC/DISCARD.
	Multi *MultiState

	// W is the client's reply buffer.
	W resp.Writer

	conn Conn

	lastCmd     atomic.Pointer[string]
	LastActive  atomic.Int64 // unix ms
	killed      atomic.Bool
	QueryBufLen atomic.Int64
	unblock     chan unblockReq

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
}

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
