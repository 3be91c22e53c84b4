package server

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
)

// Listeners, as Redis's listenToPort/changeListenPort: plain TCP on port,
// TLS on tls-port (both on every bind address), and the Unix socket. CONFIG
// SET port, tls-port and bind rebind at runtime: the new sockets are opened
// first, so a failure leaves the old ones serving and CONFIG SET fails with
// Redis's text.
//
// bind addresses: "*" is every IPv4 address, "::*" every IPv6 address
// (IPV6_V6ONLY), a "-" prefix marks an optional address. As in Redis, an
// optional address that does not exist on this host (EADDRNOTAVAIL) and
// any address of a protocol the host lacks (EAFNOSUPPORT, ...) are skipped
// with a warning; any other failure (EADDRINUSE, EACCES, a missing
// non-optional address) is fatal.

// netState is the set of open listeners.
type netState struct {
	mu      sync.Mutex
	tcp     []net.Listener
	tls     []net.Listener
	unix    net.Listener
	started bool // Serve runs: new listeners get an accept loop at once
	closed  bool

	tlsAddr string // Options.TLSListenAddr
}

// initNet registers the apply hooks of the network parameters and applies
// rename-command directives. Called from New.
func (s *Server) initNet(opt Options) error {
	s.net.tlsAddr = opt.TLSListenAddr
	cfg := s.Cfg
	cfg.OnChange("port", func(string) error {
		if err := s.rebind(true, false); err != nil {
			return errors.New(config.MsgUnableToListen)
		}
		return nil
	})
	cfg.OnChange("tls-port", func(string) error {
		if cfg.Int("tls-port") != 0 && s.tls.cur.Load() == nil {
			if err := s.configureTLS(); err != nil {
				return errors.New(config.MsgTLSConfigure)
			}
		}
		if err := s.rebind(false, true); err != nil {
			return errors.New(config.MsgUnableToListen)
		}
		return nil
	})
	cfg.OnChange("bind", func(string) error {
		// Options.ListenAddr / TLSListenAddr replace bind.
		if err := s.rebind(s.listenAddr == "", s.listenAddr == "" && s.net.tlsAddr == ""); err != nil {
			return errors.New(config.MsgBindFailed)
		}
		return nil
	})
	for _, name := range append(tlsParams, "tls-replication", "tls-cluster") {
		cfg.OnChange(name, func(string) error {
			if !s.tlsActive() {
				return nil
			}
			if err := s.configureTLS(); err != nil {
				return errors.New(config.MsgTLSConfigure)
			}
			return nil
		})
	}
	return s.applyRenames()
}

// tlsActive reports whether TLS must be (re)configured when a TLS
// parameter changes: Redis's condition, or a TLS listener is open.
func (s *Server) tlsActive() bool {
	if tlsWanted(s.Cfg) || s.net.tlsAddr != "" {
		return true
	}
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	return len(s.net.tls) > 0
}

// listen opens every configured listener (Listen).
func (s *Server) listen() error {
	if tlsWanted(s.Cfg) || s.net.tlsAddr != "" {
		if err := s.configureTLS(); err != nil {
			return errors.New("Failed to configure TLS. Check logs for more info.")
		}
	}
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	var err error
	if s.net.tcp, err = s.openGroup(false, s.Cfg.Int("port"), true); err != nil {
		s.Log.Printf("Failed listening on port %d (TCP), aborting.", s.Cfg.Int("port"))
		return err
	}
	if s.net.tls, err = s.openGroup(true, s.Cfg.Int("tls-port"), true); err != nil {
		s.Log.Printf("Failed listening on port %d (TLS), aborting.", s.Cfg.Int("tls-port"))
		closeAll(s.net.tcp)
		s.net.tcp = nil
		return err
	}
	if us := s.Cfg.String("unixsocket"); us != "" {
		os.Remove(us)
		ln, err := net.Listen("unix", us)
		if err != nil {
			s.Log.Printf("Failed opening Unix socket: %v", err)
			s.closeListenersLocked()
			return err
		}
		if perm := s.Cfg.Int("unixsocketperm"); perm != 0 {
			os.Chmod(us, os.FileMode(perm))
		}
		s.net.unix = ln
	}
	if len(s.net.tcp) == 0 && len(s.net.tls) == 0 && s.net.unix == nil {
		return errors.New("Configured to not listen anywhere, exiting.")
	}
	s.updatePortLocked()
	return nil
}

// openGroup opens the plain or TLS listeners on port (none for port 0).
// With Options.ListenAddr (TLSListenAddr) the first open uses that
// address as is and later ones its host with the new port.
func (s *Server) openGroup(isTLS bool, port int64, initial bool) ([]net.Listener, error) {
	fixed := s.listenAddr
	if isTLS {
		fixed = s.net.tlsAddr
		if fixed == "" && s.listenAddr != "" {
			host, _, _ := net.SplitHostPort(s.listenAddr)
			fixed = net.JoinHostPort(host, "0")
			initial = false
		}
	}
	if fixed != "" {
		addr := fixed
		if !initial {
			if port == 0 {
				return nil, nil
			}
			host, _, _ := net.SplitHostPort(fixed)
			addr = net.JoinHostPort(host, strconv.FormatInt(port, 10))
		}
		ln, err := s.listenOne("tcp", addr, isTLS)
		if err != nil {
			return nil, err
		}
		return []net.Listener{ln}, nil
	}
	if port == 0 {
		return nil, nil
	}
	binds := s.Cfg.BindAddrs()
	var out []net.Listener
	for _, b := range binds {
		optional := strings.HasPrefix(b, "-")
		b = strings.TrimPrefix(b, "-")
		network := "tcp"
		switch b {
		case "*":
			network, b = "tcp4", "0.0.0.0"
		case "::*":
			network, b = "tcp6", "::"
		}
		ln, err := s.listenOne(network, net.JoinHostPort(b, strconv.FormatInt(port, 10)), isTLS)
		if err != nil {
			s.Log.Printf("Warning: Could not create server TCP listening socket %s:%d: %v", b, port, err)
			if skippableBindError(err) || optional && errors.Is(err, syscall.EADDRNOTAVAIL) {
				continue
			}
			closeAll(out)
			return nil, err
		}
		out = append(out, ln)
	}
	return out, nil
}

// skippableBindError is the set of errno values listenToPort skips.
func skippableBindError(err error) bool {
	for _, e := range []syscall.Errno{syscall.ENOPROTOOPT, syscall.EPROTONOSUPPORT, syscall.ESOCKTNOSUPPORT,
		syscall.EPFNOSUPPORT, syscall.EAFNOSUPPORT} {
		if errors.Is(err, e) {
			return true
		}
	}
	// Go reports an IPv6 address on a host without IPv6 this way.
	return strings.Contains(err.Error(), "address family not supported")
}

// listenOne opens one TCP listener; connections get tcp-keepalive, no
// Nagle, and the TLS layer for TLS listeners.
func (s *Server) listenOne(network, addr string, isTLS bool) (net.Listener, error) {
	lc := net.ListenConfig{KeepAlive: -1} // tcp-keepalive decides
	ln, err := lc.Listen(context.Background(), network, addr)
	if err != nil {
		return nil, err
	}
	ln = &tcpListener{Listener: ln, s: s}
	if isTLS {
		ln = tls.NewListener(ln, s.tlsServerConfig())
	}
	return ln, nil
}

// tcpListener applies socket options to accepted TCP connections.
type tcpListener struct {
	net.Listener
	s *Server
}

func (l *tcpListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		if ka := l.s.Cfg.Int("tcp-keepalive"); ka > 0 {
			tc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: time.Duration(ka) * time.Second,
				Interval: time.Duration(max(ka/3, 1)) * time.Second, Count: 3})
		} else {
			tc.SetKeepAlive(false)
		}
	}
	return nc, nil
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		ln.Close()
	}
}

// rebind replaces the plain and/or TLS listeners after CONFIG SET port,
// tls-port or bind. The new ones are opened before the old ones close.
func (s *Server) rebind(plain, isTLS bool) error {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	if s.net.closed {
		return nil
	}
	var newTCP, newTLS []net.Listener
	var err error
	if plain {
		// Redis closes the old sockets first, so the same port can be
		// rebound on other addresses: do the same, reopening the old set
		// on failure.
		closeAll(s.net.tcp)
		if newTCP, err = s.openGroup(false, s.Cfg.Int("port"), false); err != nil {
			s.net.tcp, _ = s.reopenOld(false)
			return err
		}
	}
	if isTLS {
		closeAll(s.net.tls)
		if newTLS, err = s.openGroup(true, s.Cfg.Int("tls-port"), false); err != nil {
			s.net.tls, _ = s.reopenOld(true)
			if plain {
				closeAll(newTCP)
				s.net.tcp, _ = s.reopenOld(false)
			}
			return err
		}
	}
	if plain {
		s.net.tcp = newTCP
		s.startLocked(newTCP)
	}
	if isTLS {
		s.net.tls = newTLS
		s.startLocked(newTLS)
	}
	s.updatePortLocked()
	return nil
}

// reopenOld reopens a group after a failed rebind. The configuration
// still holds the new value here (hooks run before the rollback), so the
// addresses of the closed listeners are reused.
func (s *Server) reopenOld(isTLS bool) ([]net.Listener, error) {
	old := s.net.tcp
	if isTLS {
		old = s.net.tls
	}
	var out []net.Listener
	for _, ln := range old {
		network := "tcp"
		addr := ln.Addr().(*net.TCPAddr)
		if addr.IP.IsUnspecified() {
			network = "tcp4"
			if addr.IP.To4() == nil {
				network = "tcp6"
			}
		}
		nl, err := s.listenOne(network, addr.String(), isTLS)
		if err != nil {
			continue
		}
		out = append(out, nl)
	}
	s.startLocked(out)
	return out, nil
}

func (s *Server) startLocked(lns []net.Listener) {
	if !s.net.started {
		return
	}
	for _, ln := range lns {
		s.wg.Add(1)
		go s.acceptLoop(ln)
	}
}

// startAccepting launches an accept loop for every listener (Serve).
func (s *Server) startAccepting() {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	s.net.started = true
	s.startLocked(s.net.tcp)
	s.startLocked(s.net.tls)
	if s.net.unix != nil {
		s.startLocked([]net.Listener{s.net.unix})
	}
	s.wg.Add(1)
	go s.clientsCron()
}

func (s *Server) closeListenersLocked() {
	s.net.closed = true
	closeAll(s.net.tcp)
	closeAll(s.net.tls)
	if s.net.unix != nil {
		s.net.unix.Close()
	}
}

func (s *Server) updatePortLocked() {
	if len(s.net.tcp) > 0 {
		if tcp, ok := s.net.tcp[0].Addr().(*net.TCPAddr); ok {
			s.Eng.Port = tcp.Port
		}
	}
}

// addr is the first listener's address: plain TCP, else TLS, else the
// Unix socket.
func (s *Server) addr() string {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	switch {
	case len(s.net.tcp) > 0:
		return s.net.tcp[0].Addr().String()
	case len(s.net.tls) > 0:
		return s.net.tls[0].Addr().String()
	case s.net.unix != nil:
		return s.net.unix.Addr().String()
	}
	return ""
}

// TLSAddr returns the first TLS listener's address, or "".
func (s *Server) TLSAddr() string {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	if len(s.net.tls) > 0 {
		return s.net.tls[0].Addr().String()
	}
	return ""
}

// ---------------------------------------------------------------------------
// Admission: maxclients and protected mode.

// deniedMsg is Redis 7.0's protected mode reply, byte for byte.
const deniedMsg = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
	"In this mode connections are only accepted from the loopback interface. " +
	"If you want to connect from external computers to Redis you may adopt one of the following solutions: " +
	"1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, " +
	"however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
	"2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
	"3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
	"4) Setup a an authentication password for the default user. " +
	"NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

// DefaultUserNoPass reports whether the default user authenticates without
// a password (Redis's USER_FLAG_NOPASS), which with protected-mode yes
// keeps non-loopback clients out. It is the seam between protected mode
// and the ACL subsystem: the default user's nopass flag (set by
// requirepass and ACL SETUSER alike), or requirepass without ACLs.
var DefaultUserNoPass = func(s *Server) bool {
	if s.Eng.ACL != nil && s.Eng.ACL.Default != nil {
		return s.Eng.ACL.Default.Rules().NoPass()
	}
	return s.Cfg.String("requirepass") == ""
}

// isLoopbackPeer is Redis 7.0's test: the peer is 127.0.0.1 or ::1, or the
// connection is a Unix socket.
func isLoopbackPeer(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.Equal(net.IPv4(127, 0, 0, 1)) || a.IP.Equal(net.IPv6loopback)
	case *net.UnixAddr:
		return true
	}
	return a == nil
}

// admit decides whether an accepted connection is served. A rejected one
// gets Redis's error (written on its own goroutine: a TLS handshake may
// block) and is closed. The accepted connection is wrapped for the output
// watchdog.
func (s *Server) admit(nc net.Conn) (net.Conn, bool) {
	msg := ""
	if max := s.Cfg.Int("maxclients"); max > 0 && int64(s.Eng.NumClients()) >= max {
		msg = "-ERR max number of clients reached\r\n"
	} else if s.Cfg.Bool("protected-mode") && DefaultUserNoPass(s) && !isLoopbackPeer(nc.RemoteAddr()) {
		msg = deniedMsg
	}
	if msg != "" {
		s.Eng.Stats.RejectedConns.Add(1)
		go func() {
			nc.SetDeadline(time.Now().Add(2 * time.Second))
			io.WriteString(nc, msg)
			nc.Close()
		}()
		return nil, false
	}
	tc := &trackedConn{Conn: nc}
	return tc, true
}

// trackedConn records the write in progress, for the output buffer limits
// of clients whose replies are written by their own goroutine.
type trackedConn struct {
	net.Conn
	client     atomic.Pointer[engine.Client]
	writing    atomic.Int64 // bytes of the Write in progress
	writeStart atomic.Int64 // unix ms the Write started
	softSince  int64        // owner goroutine: unix ms over the soft limit, 0 if not
}

func (t *trackedConn) Write(p []byte) (int, error) {
	t.writeStart.Store(time.Now().UnixMilli())
	t.writing.Store(int64(len(p)))
	n, err := t.Conn.Write(p)
	t.writing.Store(0)
	if c := t.client.Load(); c != nil && n > 0 && len(p) > staticReplyBuf {
		// As Redis's lastinteraction, written replies count as activity
		// for timeout (only long writes: short ones follow a command).
		c.LastActive.Store(time.Now().UnixMilli())
	}
	return n, err
}

// WriteBuffers writes several buffers at once (writev on a TCP
// connection); the engine's output queues use it to write their chunks.
func (t *trackedConn) WriteBuffers(b *net.Buffers) (int64, error) {
	t.writeStart.Store(time.Now().UnixMilli())
	var total int64
	for _, p := range *b {
		total += int64(len(p))
	}
	t.writing.Store(total)
	n, err := b.WriteTo(t.Conn)
	t.writing.Store(0)
	return n, err
}

// ---------------------------------------------------------------------------
// Output buffer limits of normal clients, idle timeout.

// staticReplyBuf is the part of a reply Redis keeps in the client's fixed
// buffer; only what exceeds it counts against client-output-buffer-limit.
const staticReplyBuf = 16 * 1024

// outputOverLimit applies client-output-buffer-limit to the replies a
// client's own goroutine has accumulated and not yet written (Redis's
// checkClientOutputBufferLimits after each reply). Clients with an
// asynchronous output queue are checked by the engine.
func (s *Server) outputOverLimit(nc net.Conn, c *engine.Client) bool {
	tc, _ := nc.(*trackedConn)
	if len(c.W.Buf) <= staticReplyBuf { // the common case: nothing counts
		if tc != nil {
			tc.softSince = 0
		}
		return false
	}
	if c.Async() {
		return false
	}
	lims := s.Cfg.OutputBufferLimits()
	lim := lims[0]
	if ch, pat, sh := c.Subscriptions(); ch+pat+sh > 0 {
		lim = lims[2]
	}
	if lim.Hard == 0 && lim.Soft == 0 {
		return false
	}
	used := uint64(len(c.W.Buf) - staticReplyBuf)
	over := lim.Hard > 0 && used >= lim.Hard
	if !over && lim.Soft > 0 && used >= lim.Soft && tc != nil {
		now := time.Now().UnixMilli()
		if tc.softSince == 0 {
			tc.softSince = now
		} else if (now-tc.softSince)/1000 > lim.SoftSeconds {
			over = true
		}
	} else if tc != nil && !over {
		tc.softSince = 0
	}
	if over {
		s.logOutputLimit(c)
		c.W.Reset()
	}
	return over
}

func (s *Server) logOutputLimit(c *engine.Client) {
	s.Log.Printf("Client id=%d addr=%s laddr=%s name=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
		c.ID, c.Addr, c.LAddr, c.Name())
}

// clientsCron runs once per 100ms: idle timeout (timeout), and the soft
// output limit of clients blocked writing to a peer that does not read.
func (s *Server) clientsCron() {
	defer s.wg.Done()
	s.every(100*time.Millisecond, s.clientsTick)
}

// clientsTick is one pass of clientsCron.
func (s *Server) clientsTick() {
	idle := s.Cfg.Int("timeout")
	lims := s.Cfg.OutputBufferLimits()
	nowMs := time.Now().UnixMilli()
	var stuck []*trackedConn
	writing := map[*engine.Client]int64{} // clients in a write: since when
	s.connsMu.Lock()
	for nc := range s.conns {
		if tc, ok := nc.(*trackedConn); ok && tc.writing.Load() > 0 {
			stuck = append(stuck, tc)
		}
	}
	s.connsMu.Unlock()
	for _, tc := range stuck {
		c := tc.client.Load()
		if c == nil || c.Async() || c.Killed() {
			continue
		}
		lim := lims[0]
		if ch, pat, sh := c.Subscriptions(); ch+pat+sh > 0 {
			lim = lims[2]
		}
		pending := uint64(max(tc.writing.Load()-staticReplyBuf, 0))
		since := tc.writeStart.Load()
		writing[c] = since
		if lim.Soft > 0 && pending >= lim.Soft && since > 0 && (nowMs-since)/1000 > lim.SoftSeconds {
			s.logOutputLimit(c)
			c.Kill()
		}
	}
	if idle <= 0 {
		return
	}
	for _, c := range s.Eng.Clients() {
		if c.Killed() || c.Blocked() || s.Eng.IsMonitor(c) {
			continue
		}
		if ch, pat, sh := c.Subscriptions(); ch+pat+sh > 0 {
			continue
		}
		// A write in progress is activity until it stalls as long as
		// the timeout.
		if (nowMs-max(c.LastActive.Load(), writing[c]))/1000 > idle {
			s.Log.Printf("Closing idle client")
			c.Kill()
		}
	}
}

// ---------------------------------------------------------------------------
// rename-command.

// applyRenames applies the rename-command directives of the configuration
// files: the command is then reachable only under its new name, or not at
// all when renamed to "". Errors are fatal, with Redis's texts.
func (s *Server) applyRenames() error {
	for _, d := range s.Cfg.Directives() {
		if d.Name != "rename-command" || len(d.Args) != 2 {
			continue
		}
		if err := s.Eng.RenameCommand(d.Args[0], d.Args[1]); err != nil {
			return &config.LoadError{File: d.File, Line: d.Line, Text: "rename-command " + config.Quote(d.Args[0]) + " " + config.Quote(d.Args[1]), Message: err.Error()}
		}
	}
	return nil
}
