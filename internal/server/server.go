package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/persist"
	"github.com/redwingdb/redwing/internal/resp"

	_ "github.com/redwingdb/redwing/internal/commands" // register command handlers
)

// Server is a running Redwing instance.
type Server struct {
	Cfg *config.Config
	Eng *engine.Engine
	KS  *keyspace.Keyspace
	Log *log.Logger

	listenAddr string
	wg         sync.WaitGroup
	quit       chan struct{}
	closeOnce  sync.Once
	done       chan struct{}

	connsMu sync.Mutex
	conns   map[net.Conn]struct{}

	persist *persist.Manager // persistence.go

	loops *eventLoops // nil: a goroutine per connection (eventloop_linux.go)

	net netState // listeners, TLS (listen.go, tls.go)
	tls tlsState
}

// Options adjust a server beyond its configuration (tests inject a clock).
type Options struct {
	// ListenAddr, when set, replaces bind/port with one TCP address
	// (port 0 picks a free port).
	ListenAddr string
	// TLSListenAddr, when set, replaces bind/tls-port for TLS (port 0
	// picks a free port); see TLSAddr.
	TLSListenAddr string
	Clock         clock.Clock
	Logger        *log.Logger
}

// New builds a server from cfg without listening yet.
func New(cfg *config.Config, opt Options) (*Server, error) {
	clk := opt.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	lg := opt.Logger
	if lg == nil {
		var out io.Writer = os.Stderr
		if path := cfg.LogFile(); path != "" {
			out = logFile(path)
		}
		out = withSyslog(out, cfg.Bool("syslog-enabled"), cfg.String("syslog-ident"), cfg.String("syslog-facility"))
		lg = log.New(out, "", log.LstdFlags)
	}
	ks := keyspace.New(int(cfg.Int("databases")), clk)
	eng, err := engine.New(ks, cfg)
	if err != nil {
		return nil, err
	}
	var id [20]byte
	rand.Read(id[:])
	eng.RunID = hex.EncodeToString(id[:])
	s := &Server{Cfg: cfg, Eng: eng, KS: ks, Log: lg, quit: make(chan struct{}), done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.listenAddr = opt.ListenAddr
	eng.Shutdown = s.shutdownFromCommand
	// Pub/sub: log lines and the parameters the engine caches.
	eng.SetLogf(lg.Printf)
	for _, name := range []string{"notify-keyspace-events", "client-output-buffer-limit", "tracking-table-max-keys"} {
		cfg.OnChange(name, func(string) error { eng.ReloadPubsubConfig(); return nil })
	}
	// Listeners, TLS, rename-command (listen.go).
	if err := s.initNet(opt); err != nil {
		return nil, err
	}
	// Persistence: Load reads the AOF or RDB (persistence.go).
	if err := s.initPersistence(); err != nil {
		return nil, err
	}
	return s, nil
}

// Listen opens the configured listeners (listen.go).
// The event loops start with them: Serve hands them connections.
func (s *Server) Listen() error {
	if err := s.listen(); err != nil {
		return err
	}
	s.applyServerCPUList() // affinity_linux.go
	s.watchOOMScoreAdj()   // oom_linux.go
	s.startLoops()         // eventloop_linux.go
	return nil
}

func (s *Server) closeListeners() {
	s.net.mu.Lock()
	defer s.net.mu.Unlock()
	s.closeListenersLocked()
}

// Addr returns the first listener's address.
func (s *Server) Addr() string { return s.addr() }

// Serve accepts connections until Close. It returns after all connections ended.
func (s *Server) Serve() {
	s.startAccepting() // listen.go
	s.wg.Add(1)
	go s.cron()
	<-s.quit
	s.closeListeners()
	s.connsMu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.connsMu.Unlock()
	s.wg.Wait()
	if s.loops != nil {
		s.loops.stop()
	}
	s.closePersistence() // persistence.go
	close(s.done)
}

// Close stops the server and waits for it to finish.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.quit) })
	<-s.done
	return nil
}

// Done is closed when the server stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

func (s *Server) shutdownFromCommand(save bool) error {
	s.Log.Printf("User requested shutdown...")
	go s.closeOnce.Do(func() { close(s.quit) })
	return nil
}

// Run starts a server from cfg and serves until ctx is cancelled.
// daemonized: this process is the background one a daemonize yes start
// left running (it writes a pid file even with no pidfile directive).
func Run(ctx context.Context, cfg *config.Config, daemonized bool) error {
	s, err := New(cfg, Options{})
	if err != nil {
		return err
	}
	sv := s.startSupervision(daemonized) // supervise.go
	defer sv.exit()
	s.disableTHP() // thp_linux.go
	// Clients may connect while the dataset loads; they get -LOADING, from
	// the first connection on (Load clears it once the data is in).
	s.Eng.SetLoading(true)
	if err := s.Listen(); err != nil {
		return err
	}
	loadErr := make(chan error, 1)
	go func() {
		if err := s.Load(); err != nil {
			s.Log.Printf("%v", err)
			loadErr <- err
			s.Close()
			return
		}
		s.Log.Printf("Redwing ready to accept connections on %s", s.Addr())
		sv.ready()
	}()
	go func() {
		select {
		case <-ctx.Done():
			sv.stopping()
			s.signalShutdown() // persistence.go
			s.Close()
		case <-s.quit: // SHUTDOWN, or a failed load (done follows quit)
			sv.stopping()
		}
	}()
	s.Serve()
	select {
	case err := <-loadErr:
		return err
	default:
		return nil
	}
}

func (s *Server) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			select {
			case <-s.quit:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		// maxclients, protected mode; socket options are set by the
		// listener (listen.go).
		var ok bool
		if nc, ok = s.admit(nc); !ok {
			continue
		}
		if tc, ok := nc.(*trackedConn); ok && s.loops != nil && s.loops.adopt(tc) {
			continue
		}
		s.wg.Add(1)
		s.track(nc)
		go s.serveConn(nc)
	}
}

// track adds an accepted connection to the set Serve closes at shutdown.
// One accepted as the server stops, after Serve went through the set, is
// closed here: it would otherwise keep Serve waiting until its client
// leaves.
func (s *Server) track(nc net.Conn) {
	s.connsMu.Lock()
	s.conns[nc] = struct{}{}
	s.connsMu.Unlock()
	select {
	case <-s.quit: // Serve closes quit before it goes through the set
		nc.Close()
	default:
	}
}

const (
	readChunk    = 16 * 1024
	flushAtBytes = 256 * 1024
)

func (s *Server) serveConn(nc net.Conn) {
	laddr := ""
	if nc.LocalAddr() != nil {
		laddr = nc.LocalAddr().String()
	}
	raddr := ""
	if nc.RemoteAddr() != nil {
		raddr = nc.RemoteAddr().String()
	}
	c := s.Eng.NewClient(nc, raddr, laddr, 0)
	if tc, ok := nc.(*trackedConn); ok {
		tc.client.Store(c) // output limit watchdog (listen.go)
	}
	s.serveClient(nc, c, make([]byte, 0, readChunk))
}

// serveClient runs a connection on its own goroutine until it ends: from
// accept, or when it leaves an event loop (eventloop_linux.go) with buf
// holding the requests it has not run yet, a blocked last command or
// replies not yet written.
func (s *Server) serveClient(nc net.Conn, c *engine.Client, buf []byte) {
	defer s.wg.Done()
	defer func() {
		s.Eng.RemoveClient(c)
		nc.Close()
		s.connsMu.Lock()
		delete(s.conns, nc)
		s.connsMu.Unlock()
	}()
	if c.Blocked() {
		var ok bool
		if buf, ok = s.waitBlocked(nc, c, buf); !ok {
			return
		}
	}
	need := 0 // the pending request needs at least this much buffer (resp.Parse)
	args := make([][]byte, 0, 16)
	var err error
	for {
		if len(buf) >= need || err != nil {
			var ok bool
			if buf, ok = s.runBuffered(nc, c, buf, &need, &args); !ok {
				return
			}
		}
		if err != nil {
			return
		}
		var ok bool
		if buf, ok = s.readRoom(buf); !ok {
			return
		}
		var n int
		n, err = nc.Read(buf[len(buf):cap(buf)])
		if n == 0 && err == nil {
			continue
		}
		s.Eng.Stats.NetInputBytes.Add(int64(n))
		buf = buf[:len(buf)+n]
		c.QueryBufLen.Store(int64(len(buf)))
	}
}

// readRoom makes room in a query buffer for the next read, doubling it
// when little is left; false means client-query-buffer-limit was reached.
func (s *Server) readRoom(buf []byte) ([]byte, bool) {
	if cap(buf)-len(buf) >= readChunk/4 {
		return buf, true
	}
	if limit := s.Cfg.Int("client-query-buffer-limit"); int64(len(buf)) >= limit {
		s.Log.Printf("Closing client that reached max query buffer length (qbuf=%d)", len(buf))
		return buf, false
	}
	nb := make([]byte, len(buf), 2*cap(buf)+readChunk)
	copy(nb, buf)
	return nb, true
}

// runBuffered runs the complete requests in buf on a connection's own
// goroutine, waiting out blocked commands, and writes the replies. It
// returns the unparsed rest and false when the connection must close.
func (s *Server) runBuffered(nc net.Conn, c *engine.Client, buf []byte, need *int, args *[][]byte) ([]byte, bool) {
	pos := 0
	for {
		used, stop := s.runRequests(nc, c, buf[pos:], need, args)
		pos += used
		switch stop {
		case stopClose:
			s.flush(nc, c)
			return buf, false
		case stopBlocked: // BLPOP & co: wait without locks (blocking.go)
			var ok bool
			rest := append([]byte(nil), buf[pos:]...)
			if rest, ok = s.waitBlocked(nc, c, rest); !ok {
				return buf, false
			}
			buf = append(buf[:0], rest...)
			pos = 0
			continue
		case stopFlush:
			if !s.flush(nc, c) {
				return buf, false
			}
			continue
		}
		break
	}
	buf = compactQuery(buf, pos)
	c.QueryBufLen.Store(int64(len(buf)))
	if !s.flush(nc, c) || c.Closing || c.Killed() {
		return buf, false
	}
	return buf, true
}

// compactQuery drops the first pos bytes of a query buffer, shrinking a
// large buffer once the big request in it is done.
func compactQuery(buf []byte, pos int) []byte {
	if pos == 0 {
		return buf
	}
	rest := copy(buf, buf[pos:])
	buf = buf[:rest]
	if cap(buf) > 1<<20 && rest < readChunk {
		nb := make([]byte, rest, readChunk)
		copy(nb, buf)
		buf = nb
	}
	return buf
}

// Why runRequests stopped.
type runStop int

const (
	stopDrained runStop = iota // no complete request left (need says how much more is needed)
	stopClose                  // protocol error, QUIT, CLIENT KILL or output limit: close after flushing
	stopBlocked                // the last request blocked the client
	stopFlush                  // the replies reached flushAtBytes
)

// runRequests parses and executes the complete requests at the start of
// buf, appending their replies to c.W. It returns the bytes consumed.
func (s *Server) runRequests(nc net.Conn, c *engine.Client, buf []byte, need *int, argsBuf *[][]byte) (int, runStop) {
	lim := resp.DefaultLimits
	lim.MaxBulk = s.Cfg.Int("proto-max-bulk-len")
	args := (*argsBuf)[:0]
	defer func() { *argsBuf = args[:0] }()
	pos := 0
	*need = 0
	for pos < len(buf) {
		if c.Closing || c.Killed() {
			return pos, stopClose
		}
		lim.Unauth = !c.Authed
		var used int
		var perr error
		args, used, perr = resp.Parse(buf[pos:], args, &lim)
		if perr == resp.ErrIncomplete {
			*need = used
			return pos, stopDrained
		}
		if perr != nil {
			c.W.Error(perr.Error())
			s.Eng.Stats.CountError(perr.Error())
			c.Closing = true
			return pos, stopClose
		}
		pos += used
		if len(args) == 0 {
			continue
		}
		s.Eng.Exec(c, args)
		if s.outputOverLimit(nc, c) { // client-output-buffer-limit (listen.go)
			c.Closing = true
			return pos, stopClose
		}
		if c.Blocked() {
			return pos, stopBlocked
		}
		if c.W.Len() >= flushAtBytes {
			return pos, stopFlush
		}
	}
	if c.Closing || c.Killed() {
		return pos, stopClose
	}
	return pos, stopDrained
}

func (s *Server) flush(nc net.Conn, c *engine.Client) bool {
	s.waitDurable()     // appendfsync: replies wait for their writes (persistence.go)
	s.Eng.AfterBatch(c) // pub/sub messages and BCAST invalidations of this batch
	if c.Async() {
		// Pub/sub or tracking client: replies join its output queue.
		return s.Eng.FlushOwn(c)
	}
	if c.W.Len() == 0 {
		return true
	}
	n, err := nc.Write(c.W.Buf)
	s.Eng.Stats.NetOutputBytes.Add(int64(n))
	resetReplies(&c.W)
	return err == nil
}

// resetReplies empties a written reply buffer, dropping one a large reply
// grew.
func resetReplies(w *resp.Writer) {
	if cap(w.Buf) > 1<<20 {
		w.Buf = make([]byte, 0, 16*1024)
	} else {
		w.Reset()
	}
}

// cron runs periodic work: active expiry at hz times per second.
func (s *Server) cron() {
	defer s.wg.Done()
	hz := s.Cfg.Int("hz")
	if hz <= 0 {
		hz = 10
	}
	cursor, arenas := 0, 0
	s.KS.TickLRUClock()
	s.every(time.Second/time.Duration(hz), func() {
		s.KS.TickLRUClock()
		// Redis's slow cycle spends up to 25% CPU; a key budget keeps
		// each pass short and repeats while many keys were stale.
		for i := 0; i < 16; i++ {
			if s.KS.ActiveExpireCycle(&cursor, 2000) == 0 {
				break
			}
		}
		s.KS.MaintainArenas(&arenas, 512)
		s.Eng.FlushTrackingBroadcasts()
	})
}

// every runs fn each period until the server stops.
func (s *Server) every(period time.Duration, fn func()) { every(s.quit, period, fn) }

// every runs fn each period until quit is closed.
func every(quit <-chan struct{}, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
			fn()
		}
	}
}

// String describes the server for logs.
func (s *Server) String() string { return fmt.Sprintf("redwing@%s", s.Addr()) }

// Version is the Redis version Redwing reports; clients such as BullMQ
// gate features on it.
const Version = engine.RedisVersion

// logFile is the logfile directive's file, opened for each line as Redis
// opens it: a file that logrotate moved away is created anew at the next
// line. A line that cannot be written is dropped, as Redis drops it.
type logFile string

func (p logFile) Write(b []byte) (int, error) {
	f, err := os.OpenFile(string(p), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return len(b), nil
	}
	defer f.Close()
	f.Write(b)
	return len(b), nil
}
