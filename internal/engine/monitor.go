package engine

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// MONITOR clients receive one status line per command executed by any
// client:
//
//	+<unix>.<usec> [<db> <ip:port>] "arg" "arg" ...
//
// Lines are produced on the executing client's goroutine and queued on the
// monitor; a short-lived goroutine per monitor drains the queue to its
// connection, so a slow monitor never blocks other clients. Once a client
// is monitoring, its own replies go through the same queue (moved there at
// the end of each Exec) so that its output stays in execution order.

// monitorQueueLimit closes a monitor whose backlog exceeds it (Redis applies
// the normal clients' output buffer limit, unlimited by default).
const monitorQueueLimit = 64 << 20

type monitorSet struct {
	n       atomic.Int32 // active monitors
	pending atomic.Int32 // monitors activated at the end of their MONITOR's Exec
	mu      sync.RWMutex
	m       map[*Client]*monitor
}

type monitor struct {
	c      *Client
	w      io.Writer
	active bool // guarded by monitorSet.mu

	// self holds lines for commands the monitoring client runs itself:
	// they follow the command's reply, so they are queued by afterExec.
	// Only the client's own goroutine touches it.
	self []byte

	mu       sync.Mutex
	idle     *sync.Cond // signalled when flushing ends; created on demand
	buf      []byte
	spare    []byte
	flushing bool
	dead     bool
}

// cond returns the condition variable on m.mu; m.mu must be held.
func (m *monitor) cond() *sync.Cond {
	if m.idle == nil {
		m.idle = sync.NewCond(&m.mu)
	}
	return m.idle
}

// StartMonitor implements MONITOR for the client running ctx: it replies
// +OK and turns the connection into a monitor once the reply is queued.
// As Redis, a client that is already monitoring gets no reply, and MONITOR
// fails for clients that cannot block (inside MULTI/EXEC).
func (e *Engine) StartMonitor(ctx *Ctx) {
	if !ctx.CanBlock() {
		ctx.ErrString("ERR MONITOR isn't allowed for DENY BLOCKING client")
		return
	}
	c := ctx.C
	w, ok := c.conn.(io.Writer)
	if !ok || c.conn == nil {
		ctx.ErrString("ERR MONITOR is not supported on this connection")
		return
	}
	s := &e.admin().mon
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[c] != nil {
		return
	}
	if s.m == nil {
		s.m = map[*Client]*monitor{}
	}
	s.m[c] = &monitor{c: c, w: w}
	s.pending.Add(1)
	ctx.W.OK()
}

// StopMonitor ends monitor mode for c (RESET); it is a no-op otherwise. It
// must run on c's own goroutine: what is still queued for c is moved back
// in front of c's reply buffer, so that c's output stays in order.
func (e *Engine) StopMonitor(c *Client) {
	s := &e.admin().mon
	s.mu.Lock()
	m := s.m[c]
	if m != nil {
		s.removeLocked(m)
	}
	s.mu.Unlock()
	if m == nil {
		return
	}
	m.mu.Lock()
	for m.flushing {
		m.cond().Wait()
	}
	left := m.buf
	m.buf = nil
	m.dead = true
	m.mu.Unlock()
	left = append(left, m.self...)
	m.self = nil
	if len(left) > 0 {
		c.W.Buf = append(left, c.W.Buf...)
	}
}

// IsMonitor reports whether c is in MONITOR mode.
func (e *Engine) IsMonitor(c *Client) bool {
	s := &e.admin().mon
	if s.n.Load() == 0 && s.pending.Load() == 0 {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[c] != nil
}

func (s *monitorSet) removeLocked(m *monitor) {
	if s.m[m.c] != m {
		return
	}
	delete(s.m, m.c)
	if m.active {
		s.n.Add(-1)
	} else {
		s.pending.Add(-1)
	}
}

// afterExec runs at the end of Exec: it activates a monitor whose MONITOR
// reply was just produced and routes a monitoring client's replies, then
// the monitor lines of its own commands, through its queue. skipped tells
// that CLIENT REPLY SKIP dropped this command's reply; with it, or with
// CLIENT REPLY OFF, the client's own monitor lines are dropped too, as
// Redis drops everything sent to such a client.
func (e *Engine) afterExec(c *Client, skipped bool) {
	s := &e.admin().mon
	if s.n.Load() == 0 && s.pending.Load() == 0 {
		return
	}
	s.mu.Lock()
	m := s.m[c]
	if m == nil {
		s.mu.Unlock()
		return
	}
	if !m.active {
		m.active = true
		s.pending.Add(-1)
		s.n.Add(1)
	}
	s.mu.Unlock()
	self := m.self
	m.self = m.self[:0]
	if skipped || c.ReplyMode == ReplyOff {
		self = nil
	}
	if c.Closing || c.Killed() {
		// A closing connection flushes its last replies itself.
		c.W.Buf = append(c.W.Buf, self...)
		return
	}
	if len(c.W.Buf) > 0 || len(self) > 0 {
		c.W.Buf = append(c.W.Buf, self...)
		m.push(e, c.W.Buf)
		c.W.Reset()
	}
}

// FeedMonitors sends a command to MONITOR clients. The dispatcher feeds
// every executed command that is not admin or skip_monitor; commands
// flagged skip_monitor that must still appear (EVAL, EVALSHA, FCALL) call
// it before running their script, and script calls pass script=true.
func (e *Engine) FeedMonitors(c *Client, db int, argv [][]byte, script bool) {
	s := &e.admin().mon
	if s.n.Load() == 0 {
		return
	}
	s.feed(e, c, db, argv, script, time.Now())
}

func (s *monitorSet) feed(e *Engine, c *Client, db int, argv [][]byte, script bool, now time.Time) {
	var tmp [256]byte
	line := appendMonitorLine(tmp[:0], c, db, argv, script, now, e.Cfg)
	s.mu.RLock()
	for _, m := range s.m {
		switch {
		case m.c == c:
			m.self = append(m.self, line...)
		case m.active:
			m.push(e, line)
		}
	}
	s.mu.RUnlock()
}

func appendMonitorLine(b []byte, c *Client, db int, argv [][]byte, script bool, now time.Time, cfg Settings) []byte {
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := now.Nanosecond() / 1000
	for d := 100000; d > 1 && us < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(us), 10)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	switch {
	case script || c.conn == nil: // the script client has no connection
		b = append(b, "lua"...)
	case isUnixAddr(c.Addr):
		b = append(b, "unix:"...)
		if cfg != nil {
			b = append(b, cfg.String("unixsocket")...)
		}
	default:
		b = append(b, c.Addr...)
	}
	b = append(b, "] "...)
	for j, a := range argv {
		if j > 0 {
			b = append(b, ' ')
		}
		b = AppendRepr(b, a)
	}
	return append(b, '\r', '\n')
}

func isUnixAddr(addr string) bool {
	return addr == "" || addr == "@" || addr[0] == '/' || (len(addr) > 5 && addr[:5] == "unix:")
}

// AppendRepr appends s quoted and escaped as Redis's sdscatrepr does.
func AppendRepr(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, ch := range s {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= 0x20 && ch <= 0x7e {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(b, '"')
}

// push queues data for the monitor's connection.
func (m *monitor) push(e *Engine, data []byte) {
	m.mu.Lock()
	if m.dead {
		m.mu.Unlock()
		return
	}
	if len(m.buf)+len(data) > monitorQueueLimit {
		m.dead = true
		m.buf = nil
		m.mu.Unlock()
		// The caller may hold the monitor set's lock.
		go func() {
			e.dropMonitor(m)
			m.c.Kill()
		}()
		return
	}
	m.buf = append(m.buf, data...)
	if !m.flushing {
		m.flushing = true
		go m.drain(e)
	}
	m.mu.Unlock()
}

func (m *monitor) drain(e *Engine) {
	for {
		m.mu.Lock()
		if len(m.buf) == 0 || m.dead {
			m.flushing = false
			if m.idle != nil {
				m.idle.Broadcast()
			}
			m.mu.Unlock()
			return
		}
		out := m.buf
		m.buf = m.spare[:0]
		m.spare = nil
		m.mu.Unlock()
		n, err := m.w.Write(out)
		e.Stats.NetOutputBytes.Add(int64(n))
		if err != nil {
			m.mu.Lock()
			m.dead = true
			m.flushing = false
			m.buf = nil
			if m.idle != nil {
				m.idle.Broadcast()
			}
			m.mu.Unlock()
			e.dropMonitor(m)
			return
		}
		m.mu.Lock()
		if cap(out) <= 1<<20 {
			m.spare = out[:0]
		}
		m.mu.Unlock()
	}
}

func (e *Engine) dropMonitor(m *monitor) {
	s := &e.admin().mon
	s.mu.Lock()
	s.removeLocked(m)
	s.mu.Unlock()
}
