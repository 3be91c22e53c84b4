//go:build linux

package server

import (
	"errors"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/engine"
)

// Event loops serve plain TCP and Unix connections the way Redis's ae loop
// does: each loop owns an epoll instance, reads every ready connection,
// runs its commands on the spot and writes the replies of the whole batch
// afterwards, one system call each. With a goroutine per connection every
// request also pays a read that returns EAGAIN, a park and a wake-up
// through the runtime's poller: measured against redis-server, that cost
// a loaded server about a third of its throughput.
//
// A connection leaves its loop for a goroutine of its own (serveClient)
// when it has to wait: a blocking command, a pub/sub or tracking output
// queue, MONITOR, a reply the socket cannot take at once, CLIENT PAUSE. A
// command that runs long (a script, DEBUG SLEEP, a wait for the world
// lock) is caught by the watchdog: it hands the loop to a new goroutine,
// and the stalled one carries on with that one connection alone, so the
// loop's other clients are still answered (SCRIPT KILL must get through).
//
// Only one goroutine at a time holds a loop's leader role and touches its
// state, but when a CPU is to spare a second one stands by, blocked in the
// same epoll_wait. The leader gives the role up before it blocks and takes
// it back when it wakes, unless the other goroutine has it by then. epoll
// wakes one waiter per event, the most recent first: the leader, which
// the kernel may then leave on a busy CPU's run queue for milliseconds
// (behind a collector worker, a kernel thread, a vCPU the hypervisor has
// not resumed). The next event wakes the standby, which takes the free
// role and serves every ready connection meanwhile. A goroutine that wakes
// while the role is held waits for the holder to step down and for a light
// load (awaitTurn), then waits for events again. In a paced 20k
// requests/s test on 2 vCPUs (bench/memory_latency.sh load), requests over
// 700 µs fell from 3396 to 1975 in 800k and the median latency from 136
// to 109 µs (README, tenth session).

// loopsEnabled reports whether this platform has event loops.
const loopsEnabled = true

type eventLoops struct {
	s     *Server
	loops []*eventLoop
	next  atomic.Uint32
	wg    sync.WaitGroup // the leaders, and the pressure watcher
	quit  chan struct{}

	// The watchdog sleeps while every loop is idle, so that an idle server
	// does not wake up a hundred times a second; the first serve after
	// that wakes it (otherwise a serve costs one atomic load more).
	watchIdle atomic.Bool
	watchWake chan struct{} // buffered: one wake-up

	contended atomic.Bool // threads wait for CPUs: leaders do not poll (pressure_linux.go)
}

type eventLoop struct {
	s    *Server
	all  *eventLoops
	epfd int
	wake int // eventfd: stop() wakes the leader

	mu    sync.Mutex
	conns map[int32]*loopConn

	// busy is the sequence number of the connection the leader is running
	// commands for, 0 while it does anything else, -1 once the watchdog
	// deposed it. The fields below belong to the leader; the watchdog
	// reads them only after deposing it.
	busy  atomic.Int64
	seq   int64
	cur   *loopConn
	dirty []*loopConn // ran commands since the last flush

	spinMisses int // consecutive spins that found nothing
	// Connections served since the last spin that found nothing, and in
	// the current and the last napWindow (timerNap).
	streak      connCount
	window      connCount
	windowStart int64
	activeConns int
	spinSkip    int // waits left that block at once (the load is light)
	lastYield   int64

	watchSeen int64 // the watchdog's previous look at busy

	// The leader role, when the loop has a standby goroutine.
	standby bool        // the loop has one (fixed at start)
	nap     bool        // the leader naps before it blocks (fixed at start)
	led     atomic.Bool // a goroutine holds the role
	parked  atomic.Bool // a goroutine waits in awaitTurn
	idle    atomic.Bool // the leader's polls find nothing: the load is light
	unpark  int         // eventfd (blocking): stepDown and stop wake a parked goroutine
}

// loopConn is a connection served by an event loop. It is the engine's
// connection (Close from any goroutine, Write for output queues started
// before the connection leaves the loop) and, once detached, a wrapper of
// the net.Conn that replaced the descriptor.
type loopConn struct {
	fd     int
	c      *engine.Client
	laddr  net.Addr
	raddr  net.Addr
	buf    []byte
	args   [][]byte
	need   int
	queued bool       // in the loop's dirty list
	loop   *eventLoop // the loop it was adopted by
	seq    int64      // the loop's serve number while it serves lc
	streak uint32     // the loop's streak.epoch when it last served lc
	window uint32     // the loop's window.epoch when it last served lc

	closing atomic.Bool // Close was called, or the loop is closing it
	wmu     sync.Mutex  // one writer of fd at a time; held to close or detach fd
	mu      sync.Mutex  // guards nc and gone
	nc      net.Conn    // set when detached (a *trackedConn)
	gone    bool        // fd closed or handed to nc

	// ended: the connection was closed or handed to a goroutine, which
	// releases or takes over its share of the server's WaitGroup; only the
	// first of these may happen (see claimEnd).
	ended atomic.Bool
}

// onDoubleEnd, when set (tests), is told of a second end of one connection.
var onDoubleEnd func(stack []byte)

// claimEnd reports whether the caller is the first to end lc. A second
// end would release the server's WaitGroup twice (a crash, at whichever
// Done then takes it below zero) and remove a client another goroutine
// may be serving; it is logged with its stack and skipped.
func (s *Server) claimEnd(lc *loopConn) bool {
	if lc.ended.CompareAndSwap(false, true) {
		return true
	}
	stack := debug.Stack()
	s.Log.Printf("BUG: connection fd=%d ended twice\n%s", lc.fd, stack)
	if onDoubleEnd != nil {
		onDoubleEnd(stack)
	}
	return false
}

func (s *Server) startLoops() {
	if !loopsEnabled || !s.Cfg.Bool("event-loop") {
		return
	}
	n := int(s.Cfg.Int("event-loops"))
	if n <= 0 {
		// Half the CPUs: each loop keeps a core busy, and the rest is
		// left to the runtime (GC, AOF writer, output queues), scripts
		// and long commands deposed from a loop, and clients on the host.
		n = max(1, runtime.GOMAXPROCS(0)/2)
	}
	// A standby only helps when it can run while its leader cannot, and a
	// leader naps holding its P only when another P is left to the rest.
	spare := runtime.GOMAXPROCS(0) > n
	standby := s.Cfg.Bool("event-loop-standby") && spare
	all := &eventLoops{s: s, quit: make(chan struct{}), watchWake: make(chan struct{}, 1)}
	for i := 0; i < n; i++ {
		epfd, wake, unpark, err := loopFDs()
		if err != nil {
			s.Log.Printf("Event loops unavailable (%v): serving a goroutine per connection", err)
			all.closeFDs()
			return
		}
		l := &eventLoop{s: s, all: all, epfd: epfd, wake: wake, conns: map[int32]*loopConn{},
			standby: standby, nap: spare, unpark: unpark}
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(wake)}
		syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, wake, &ev)
		all.loops = append(all.loops, l)
	}
	s.loops = all
	for _, l := range all.loops {
		l.led.Store(l.standby) // the role, held by the first run (with a standby only)
		all.wg.Add(1)
		go l.run(nil, true)
		if l.standby {
			all.wg.Add(1)
			go l.run(nil, false)
		}
	}
	go all.watchdog()
	all.wg.Add(1)
	go all.watchPressure(pressureFile) // pressure_linux.go
}

// loopFDs opens a loop's descriptors: its epoll set, the eventfd stop()
// wakes it through (non-blocking, polled in the set), and the eventfd a
// parked standby blocks reading (awaitTurn). On failure none stays open.
func loopFDs() (epfd, wake, unpark int, err error) {
	if epfd, err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC); err != nil {
		return
	}
	if wake, err = eventFD(syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		return
	}
	if unpark, err = eventFD(0); err != nil {
		syscall.Close(epfd)
		syscall.Close(wake)
	}
	return
}

func eventFD(flags int) (int, error) {
	fd, _, errno := syscall.Syscall(syscall.SYS_EVENTFD2, 0, uintptr(syscall.O_CLOEXEC|flags), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

func (all *eventLoops) closeFDs() {
	for _, l := range all.loops {
		syscall.Close(l.epfd)
		syscall.Close(l.wake)
		syscall.Close(l.unpark)
	}
}

// stop ends the leaders (and standbys) once every connection is gone.
func (all *eventLoops) stop() {
	close(all.quit)
	for _, l := range all.loops {
		syscall.Write(l.wake, eventOne[:])
		syscall.Write(l.unpark, eventOne[:])
	}
	all.wg.Wait()
	all.closeFDs()
}

// adopt moves an accepted connection into a loop. It returns false when
// the connection is not a plain socket (TLS) or its descriptor cannot be
// taken; the caller then serves it on a goroutine.
func (all *eventLoops) adopt(tc *trackedConn) bool {
	sc, ok := tc.Conn.(syscall.Conn)
	if !ok {
		return false
	}
	switch tc.Conn.(type) {
	case *net.TCPConn, *net.UnixConn:
	default:
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	fd := -1
	raw.Control(func(orig uintptr) {
		// The duplicate shares the socket (and its O_NONBLOCK); closing the
		// net.Conn then takes the original out of the runtime's poller.
		nfd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, orig, syscall.F_DUPFD_CLOEXEC, 0)
		if errno == 0 {
			fd = int(nfd)
		}
	})
	if fd < 0 {
		return false
	}
	lc := &loopConn{fd: fd, laddr: tc.LocalAddr(), raddr: tc.RemoteAddr(), buf: make([]byte, 0, readChunk)}
	tc.Conn.Close()
	laddr, raddr := "", ""
	if lc.laddr != nil {
		laddr = lc.laddr.String()
	}
	if lc.raddr != nil {
		raddr = lc.raddr.String()
	}
	s := all.s
	lc.c = s.Eng.NewClient(lc, raddr, laddr, fd)
	s.wg.Add(1)
	s.track(lc)
	l := all.loops[int(all.next.Add(1))%len(all.loops)]
	lc.loop = l
	l.mu.Lock()
	l.conns[int32(fd)] = lc
	l.mu.Unlock()
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.unregister(lc)
		s.endLoopConn(lc)
	}
	return true
}

// run is a leader: it waits for ready connections and serves them until
// the server stops or the watchdog deposes it. pending are connections
// whose replies a deposed leader did not write. A standby starts without
// the role (leading false) and first waits for events and the role.
func (l *eventLoop) run(pending []*loopConn, leading bool) {
	defer l.all.wg.Done()
	if leading {
		l.dirty = append(l.dirty[:0], pending...)
	}
	events := make([]syscall.EpollEvent, 128)
	ready := make([]*loopConn, 0, 128)
	for {
		var n int
		var err error
		if leading {
			if len(l.dirty) > 0 {
				l.flushDirty()
			}
			l.yieldNowAndThen()
			n, err = l.wait(events)
		} else {
			n, err = l.block(events, false)
		}
		switch err {
		case errStandby:
			leading = false
			continue
		case errLoopStopped:
			return
		}
		leading = true
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			l.s.Log.Printf("epoll_wait: %v", err)
			return
		}
		ready = ready[:0]
		l.mu.Lock()
		for _, ev := range events[:n] {
			if ev.Fd == int32(l.wake) {
				select {
				case <-l.all.quit:
					l.mu.Unlock()
					return
				default:
				}
				continue
			}
			if lc := l.conns[ev.Fd]; lc != nil {
				ready = append(ready, lc)
			}
		}
		l.mu.Unlock()
		for _, lc := range ready {
			if !l.serve(lc) {
				return // deposed: this goroutine went on with lc alone
			}
		}
	}
}

// spinWait is how long a leader polls for more events before it sleeps
// in epoll_wait: under load the next request arrives within
// microseconds, and a leader asleep in the kernel costs a thread wake-up
// to get back. Under a light load the spin only burns CPU: after
// spinMissLimit spins in a row that found nothing, the next spinSkipWaits
// waits block at once. With 50 clients at one request each (redis-benchmark
// -P 1), a 50 µs spin cost 15-20% more CPU per request than none, for
// about the same rate; 15 µs cost 3-9% and gave the best rate.
const (
	spinWait      = 15 * time.Microsecond
	spinMissLimit = 4
	spinSkipWaits = 64
)

// timerNap is how long a leader that finds nothing after a busy spell
// sleeps on a timer, rather than in epoll_wait, before it polls once more.
// A leader asleep in epoll_wait is woken by the client whose request
// arrives, and in a VM that wake-up (an IPI) is paid by the client. With
// 50 clients at one request each (redis-benchmark -P 1, LRANGE_100) the
// load generator, which runs at its CPU's limit, woke a server thread for
// 5% of its requests (Redis: 3%), spent 0.1-0.4 µs more CPU per request
// than against Redis and ran at Redis's rate. Asleep on a timer, the
// leader wakes by itself on its own CPU: 0.6-1.4% of requests woke it,
// the load generator spent 0.4-0.7 µs less per request than against
// Redis, and ran 6-7% faster. Most gaps that outlast the spin end within
// 50 µs.
//
// The nap delays the requests that come meanwhile, so it is taken only
// when the clients have other replies to read: at least napActiveConns
// connections served in the last napWindow, and napStreakConns since the
// previous miss. With 12 clients a nap after every miss cost 16% of the
// rate; a paced load, whose requests come apart, rarely makes a streak.
const (
	timerNap       = 40 * time.Microsecond
	napWindow      = time.Millisecond
	napActiveConns = 32
	napStreakConns = 8
)

func (l *eventLoop) wait(events []syscall.EpollEvent) (int, error) {
	if l.spinSkip > 0 {
		l.spinSkip--
		return l.block(events, true)
	}
	deadline := int64(0) // threads wait for a CPU: one poll, then sleep
	if !l.all.contended.Load() {
		deadline = clock.Mono() + int64(spinWait)
	}
	for napped := false; ; {
		n, err := rawWait(l.epfd, events, 0)
		if n != 0 || err != nil && err != syscall.EINTR {
			return l.found(n, err)
		}
		now := clock.Mono()
		if now <= deadline {
			continue
		}
		// A miss: after a busy spell, one more poll past a timer nap.
		if napped || !l.endStreak(now) || deadline == 0 || !l.nap {
			break
		}
		rawNanosleep(timerNap)
		napped = true
	}
	if l.spinMisses++; l.spinMisses >= spinMissLimit {
		l.spinMisses = 0
		l.spinSkip = spinSkipWaits
		if l.standby {
			l.idle.Store(true) // the stepDown in block wakes a parked standby
		}
	}
	return l.block(events, true)
}

// endStreak starts a new streak at a spin that found nothing (at now, a
// clock.Mono time), and a new window when the last one is napWindow old.
// It reports whether the load that ended is one a timer nap pays off for.
func (l *eventLoop) endStreak(now int64) bool {
	busy := l.streak.conns >= napStreakConns && l.activeConns >= napActiveConns
	l.streak.start()
	if now-l.windowStart >= int64(napWindow) {
		l.activeConns = l.window.conns
		l.window.start()
		l.windowStart = now
	}
	return busy
}

// connCount counts the connections a loop serves from its start() on,
// each once: a connection records the epoch it was last counted in, plus
// one (0: never counted).
type connCount struct {
	epoch uint32
	conns int
}

func (c *connCount) start() { c.epoch++; c.conns = 0 }

func (c *connCount) add(seen *uint32) {
	if *seen != c.epoch+1 {
		*seen = c.epoch + 1
		c.conns++
	}
}

// found ends a wait whose poll found events: the load is not light.
func (l *eventLoop) found(n int, err error) (int, error) {
	l.spinMisses = 0
	if l.standby && l.idle.Load() {
		l.idle.Store(false)
	}
	return n, err
}

var (
	errLoopStopped = errors.New("event loop stopped")
	errStandby     = errors.New("event loop role held") // the caller waits again
)

// afterWake, when set (tests), runs as a waiter of a loop with a standby
// wakes up, before it asks for the role.
var afterWake func()

// block sleeps in epoll_wait. In a loop with a standby the caller gives up
// the role first (holding: it has it) and has it again when block returns
// anything but errStandby or errLoopStopped; the events it returns may
// have been served meanwhile by the other goroutine (a read then finds
// nothing). errStandby: the other goroutine held the role as this one
// woke; block waited until it stepped down (the holder polls again before
// it sleeps, so the events that woke this one are its) and the caller
// goes back to waiting.
func (l *eventLoop) block(events []syscall.EpollEvent, holding bool) (int, error) {
	if !l.standby {
		return l.sleep(events, holding)
	}
	if holding {
		l.stepDown()
	}
	n, err := l.sleep(events, holding)
	if afterWake != nil {
		afterWake()
	}
	if l.led.CompareAndSwap(false, true) {
		return n, err
	}
	if !l.awaitTurn() {
		return 0, errLoopStopped
	}
	return 0, errStandby
}

// napMillis bounds a leader's nap: a wait in epoll_wait that keeps the
// loop's P (rawWait). A wait through syscall.EpollWait lets the runtime's
// monitor take the P away 20 µs into it whenever no other P is idle (a
// parked standby holds one in its read). The woken thread then finds its
// P gone and hands the goroutine to another thread, which the kernel
// often starts on the CPU of the client that sent the request: a
// redis-benchmark process then woke one of the server's threads for
// 11-18% of its requests instead of 4-6%, each wake-up cost it a context
// switch or an IPI, and an unpipelined LRANGE_100 run went 10-15% slower.
// Past the nap the wait goes on through EpollWait, so that an idle server
// leaves its P to the rest of the program.
const napMillis = 2

// sleep waits in epoll_wait until an event comes. A leader naps first when
// the program has a P to spare for its other goroutines meanwhile.
func (l *eventLoop) sleep(events []syscall.EpollEvent, holding bool) (int, error) {
	if holding && l.nap {
		n, err := rawWait(l.epfd, events, napMillis)
		if n != 0 || err != nil {
			return n, err // EINTR included: a preemption waits for the caller's next call
		}
	}
	return syscall.EpollWait(l.epfd, events, -1)
}

// stepDown gives up the leader role and wakes a goroutine waiting in
// awaitTurn, if the load is light enough for it to go on (otherwise it
// would only park again; idle turns true only just before a stepDown).
func (l *eventLoop) stepDown() {
	l.led.Store(false)
	if l.parked.Load() && l.idle.Load() {
		rawWrite(l.unpark, eventOne[:])
	}
}

// eventOne is the 8-byte counter increment an eventfd write takes.
var eventOne = [8]byte{1}

// awaitTurn waits until no goroutine holds the leader role rather than
// poll the events the holder will serve again and again (they stay ready
// until it reads them), and while the load is heavy: then the leader's
// polls find events at once, and a standby in epoll_wait would only be
// woken for them (by each event that comes while the leader runs) and cost
// the loop and the clients on the host CPU time for nothing (10-15% of the
// -P 16 rate). It returns false when the server stops.
//
// It parks in a blocking read of an eventfd rather than on a channel: a
// channel send readies the goroutine through the scheduler, which wakes an
// idle thread to spin for it and steal it (under -P 1 load about 3000 times
// a second, mostly on the CPU the clients run on); the eventfd wakes the
// blocked thread itself, which takes the idle P back.
func (l *eventLoop) awaitTurn() bool {
	// parked before the checks: a stepDown after them sees parked and
	// leaves a wake-up in unpark.
	l.parked.Store(true)
	defer l.parked.Store(false)
	var buf [8]byte
	for l.led.Load() || !l.idle.Load() {
		select {
		case <-l.all.quit:
			return false
		default:
		}
		syscall.Read(l.unpark, buf[:])
	}
	return true
}

// yieldEvery is how long a busy leader runs before it gives up its turn.
// The runtime takes a goroutine that has not been rescheduled for 10 ms
// for one that hogs its thread: it signals the thread, takes the P away if
// the goroutine is in a system call, and its monitor thread then polls
// every 20 µs for a millisecond. On a loaded server that cost about a
// tenth of its CPU time. A yield is not free either: while the collector
// runs, the P may go to a mark worker and the leader wait for another
// one. Yielding every 2 ms cost 1.5-1.8x Redis's tail latency in a run
// with forced collections (bench/memory_latency.sh) where no yield and a
// yield every 5 ms gave 0.6-1.1x; 5 ms stays clear of the 10 ms.
const yieldEvery = 5 * time.Millisecond

func (l *eventLoop) yieldNowAndThen() {
	if now := clock.Mono(); now-l.lastYield > int64(yieldEvery) {
		runtime.Gosched()
		l.lastYield = now
	}
}

// What serve does with a connection after running its commands.
type loopNext int

const (
	stayInLoop loopNext = iota
	closeConn
	detachConn
)

// serve reads from a ready connection and runs the requests it completed.
// It returns false when the watchdog deposed the leader meanwhile: the
// caller then owns lc alone and must leave the loop.
func (l *eventLoop) serve(lc *loopConn) bool {
	l.streak.add(&lc.streak)
	l.window.add(&lc.window)
	l.seq++
	seq := l.seq
	l.cur = lc
	lc.seq = seq
	l.busy.Store(seq)
	l.all.wakeWatchdog()
	next := l.s.readAndRun(lc)
	if !l.busy.CompareAndSwap(seq, 0) {
		// The watchdog took lc out of the loop and started a new leader.
		l.s.leaveLoop(lc, next)
		return false
	}
	switch next {
	case stayInLoop:
		if !lc.queued {
			lc.queued = true
			l.dirty = append(l.dirty, lc)
		}
	default:
		l.unregister(lc)
		if lc.queued {
			l.dropDirty(lc)
		}
		l.s.leaveLoop(lc, next)
	}
	return true
}

func (l *eventLoop) dropDirty(lc *loopConn) {
	for i, d := range l.dirty {
		if d == lc {
			l.dirty = append(l.dirty[:i], l.dirty[i+1:]...)
			break
		}
	}
	lc.queued = false
}

// unregister takes lc out of the loop's epoll set.
func (l *eventLoop) unregister(lc *loopConn) {
	l.mu.Lock()
	delete(l.conns, int32(lc.fd))
	l.mu.Unlock()
	syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, lc.fd, nil)
}

// flushDirty writes the replies of the connections served since the last
// flush; under appendfsync always they wait for the batch's fsync first,
// which all of them share.
func (l *eventLoop) flushDirty() {
	s := l.s
	s.waitDurableBatch()
	// Pub/sub messages first: their output queues start writing while the
	// replies are written here.
	for _, lc := range l.dirty {
		s.Eng.AfterBatch(lc.c)
	}
	for _, lc := range l.dirty {
		lc.queued = false
		next := stayInLoop
		c := lc.c
		switch {
		case c.Async():
			next = detachConn // a RESP3 tracking redirect made it one meanwhile
		case c.W.Len() > 0:
			next = lc.writeReplies(s)
		}
		if next != stayInLoop {
			l.unregister(lc)
			s.leaveLoop(lc, next)
		}
	}
	clear(l.dirty)
	l.dirty = l.dirty[:0]
}

// readAndRun reads what lc's socket has and runs the complete requests.
// It touches only lc's state: the watchdog may depose the leader meanwhile.
func (s *Server) readAndRun(lc *loopConn) loopNext {
	c := lc.c
	var ok bool
	if lc.buf, ok = s.readRoom(lc.buf); !ok {
		return closeConn
	}
	n, err := rawRead(lc.fd, lc.buf[len(lc.buf):cap(lc.buf)])
	if n <= 0 {
		if err == syscall.EAGAIN || err == syscall.EINTR {
			return stayInLoop
		}
		return closeConn // EOF or a socket error
	}
	s.Eng.Stats.NetInputBytes.Add(int64(n))
	lc.buf = lc.buf[:len(lc.buf)+n]
	if len(lc.buf) < lc.need {
		c.QueryBufLen.Store(int64(len(lc.buf)))
		return stayInLoop // the pending request cannot be complete yet
	}
	if s.Eng.PauseActive() {
		return detachConn // CLIENT PAUSE waits belong on a goroutine
	}
	pos := 0
	next := stayInLoop
	for next == stayInLoop {
		used, stop := s.runRequests(lc, c, lc.buf[pos:], &lc.need, &lc.args)
		pos += used
		switch stop {
		case stopClose:
			next = closeConn
		case stopBlocked:
			next = detachConn
		case stopFlush:
			s.waitDurable() // appendfsync: these replies wait for their writes too
			next = lc.writeReplies(s)
			continue
		}
		break
	}
	lc.buf = compactQuery(lc.buf, pos)
	c.QueryBufLen.Store(int64(len(lc.buf)))
	if next == stayInLoop && (c.Async() || s.Eng.IsMonitor(c)) {
		next = detachConn // output from other goroutines: an output queue
	}
	return next
}

// writeReplies writes c.W without blocking. A reply the socket cannot take
// at once sends the connection to a goroutine, which writes the rest.
func (lc *loopConn) writeReplies(s *Server) loopNext {
	w := &lc.c.W
	lc.wmu.Lock()
	written, err := tryWriteFD(lc.fd, w.Buf)
	lc.wmu.Unlock()
	s.Eng.Stats.NetOutputBytes.Add(int64(written))
	if written == len(w.Buf) {
		resetReplies(w)
		return stayInLoop
	}
	w.Buf = w.Buf[:copy(w.Buf, w.Buf[written:])]
	if err == nil { // the socket is full
		return detachConn
	}
	return closeConn
}

// leaveLoop finishes a connection taken out of its loop: it closes it
// (after writing what can be written), or hands it to a goroutine of its
// own with its unparsed requests and unwritten replies.
func (s *Server) leaveLoop(lc *loopConn, next loopNext) {
	if next == closeConn {
		s.waitDurable()
		s.Eng.AfterBatch(lc.c)
		if lc.c.W.Len() > 0 {
			lc.writeReplies(s)
		}
		s.endLoopConn(lc)
		return
	}
	lc.wmu.Lock()
	lc.mu.Lock()
	var tc *trackedConn
	if !lc.gone && !lc.closing.Load() {
		f := os.NewFile(uintptr(lc.fd), "")
		nc, err := net.FileConn(f) // a duplicate, in the runtime's poller
		f.Close()
		lc.gone = true
		if err == nil {
			tc = &trackedConn{Conn: nc}
			tc.client.Store(lc.c)
			lc.nc = tc
		}
	}
	lc.mu.Unlock()
	lc.wmu.Unlock()
	if tc == nil {
		s.endLoopConn(lc)
		return
	}
	if !s.claimEnd(lc) {
		tc.Close()
		return
	}
	s.connsMu.Lock()
	delete(s.conns, lc)
	s.conns[tc] = struct{}{}
	s.connsMu.Unlock()
	go s.serveClient(tc, lc.c, lc.buf)
}

// endLoopConn closes a connection that never left its loop.
func (s *Server) endLoopConn(lc *loopConn) {
	if !s.claimEnd(lc) {
		return
	}
	lc.closing.Store(true)
	lc.wmu.Lock()
	lc.mu.Lock()
	if !lc.gone {
		lc.gone = true
		syscall.Close(lc.fd)
	}
	lc.mu.Unlock()
	lc.wmu.Unlock()
	s.Eng.RemoveClient(lc.c)
	s.connsMu.Lock()
	delete(s.conns, lc)
	s.connsMu.Unlock()
	s.wg.Done()
}

// watchdog deposes leaders stuck on one connection for 10-20 ms. After
// 100 ms without any loop serving it sleeps until one does.
func (all *eventLoops) watchdog() {
	const period = 10 * time.Millisecond
	t := time.NewTicker(period)
	defer t.Stop()
	idle := 0
	for {
		select {
		case <-all.quit:
			return
		case <-t.C:
		}
		if all.deposeStuckLeaders() {
			idle = 0
			continue
		}
		if idle++; idle < 10 {
			continue
		}
		all.watchIdle.Store(true)
		if all.anyBusy() { // a serve that began before the flag was up
			all.watchIdle.Store(false)
			idle = 0
			continue
		}
		select {
		case <-all.quit:
			return
		case <-all.watchWake:
		}
		idle = 0
		t.Reset(period)
	}
}

// depose takes the connection of serve number v out of loop l and starts
// a new leader for the others, unless that serve ended meanwhile. The
// goroutine serving v then carries on with that connection alone.
func (l *eventLoop) depose(v int64) {
	if !l.busy.CompareAndSwap(v, -1) {
		return
	}
	// The stalled goroutine now owns l.cur; the loop state is ours until
	// the new leader starts.
	lc := l.cur
	l.unregister(lc)
	pending := make([]*loopConn, 0, len(l.dirty))
	for _, d := range l.dirty {
		if d != lc {
			pending = append(pending, d)
		}
	}
	l.busy.Store(0)
	l.all.wg.Add(1)
	go l.run(pending, true) // the role passes to it
}

// YieldLoop deposes lc's leader at once when it is serving lc (a command
// of lc is about to take long); the watchdog would do so 10-20 ms later.
// On any other goroutine (lc left its loop) it does nothing.
func (lc *loopConn) YieldLoop() {
	if l := lc.loop; l != nil && lc.seq > 0 && l.busy.Load() == lc.seq {
		l.depose(lc.seq)
	}
}

// wakeWatchdog is called as a serve starts.
func (all *eventLoops) wakeWatchdog() {
	if all.watchIdle.Load() && all.watchIdle.CompareAndSwap(true, false) {
		select {
		case all.watchWake <- struct{}{}:
		default:
		}
	}
}

func (all *eventLoops) anyBusy() bool {
	for _, l := range all.loops {
		if l.busy.Load() > 0 {
			return true
		}
	}
	return false
}

// deposeStuckLeaders is one watchdog pass over the loops. It reports
// whether any loop was serving.
func (all *eventLoops) deposeStuckLeaders() bool {
	busy := false
	for _, l := range all.loops {
		v := l.busy.Load()
		busy = busy || v > 0
		if v <= 0 || v != l.watchSeen {
			l.watchSeen = v
			continue
		}
		l.depose(v)
	}
	return busy
}

// ---------------------------------------------------------------------------
// loopConn as the engine's and the server's connection.

func (lc *loopConn) detached() net.Conn {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.nc
}

// Close closes the connection from any goroutine: the loop sees the
// shutdown as end of file and ends it.
func (lc *loopConn) Close() error {
	lc.closing.Store(true)
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.nc != nil {
		return lc.nc.Close()
	}
	if !lc.gone {
		syscall.Shutdown(lc.fd, syscall.SHUT_RDWR)
	}
	return nil
}

// Write is for output queues and MONITOR started before the connection
// left its loop: it writes through the descriptor, waiting for room.
func (lc *loopConn) Write(p []byte) (int, error) {
	if nc := lc.detached(); nc != nil {
		return nc.Write(p)
	}
	lc.wmu.Lock()
	defer lc.wmu.Unlock()
	if nc := lc.detached(); nc != nil {
		return nc.Write(p)
	}
	total := 0
	for len(p) > 0 {
		if lc.closing.Load() {
			return total, net.ErrClosed
		}
		n, err := tryWriteFD(lc.fd, p)
		total += n
		p = p[n:]
		if err != nil {
			return total, err
		}
		if len(p) > 0 {
			waitWritable(lc.fd, 50)
		}
	}
	return total, nil
}

// TryWrite writes what the socket takes without waiting (engine output
// queues, from a publisher's goroutine); it returns 0 when another writer
// holds the connection.
func (lc *loopConn) TryWrite(p []byte) (int, error) {
	if nc := lc.detached(); nc != nil {
		return tryWriteConn(nc, p)
	}
	if !lc.wmu.TryLock() {
		return 0, nil
	}
	defer lc.wmu.Unlock()
	if nc := lc.detached(); nc != nil {
		return tryWriteConn(nc, p)
	}
	if lc.closing.Load() {
		return 0, nil
	}
	return tryWriteFD(lc.fd, p)
}

// tryWriteConn is TryWrite on a connection that left its loop: one
// attempt through its raw descriptor, under the descriptor's write lock.
func tryWriteConn(nc net.Conn, p []byte) (int, error) {
	if t, ok := nc.(*trackedConn); ok {
		nc = t.Conn
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return 0, nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, nil
	}
	var n int
	var werr error
	if err := rc.Write(func(fd uintptr) bool {
		n, werr = tryWriteFD(int(fd), p)
		return true // one attempt: never wait for room here
	}); err != nil {
		return 0, nil // closed: the drain goroutine reports it
	}
	return n, werr
}

// tryWriteFD writes to a non-blocking descriptor until it would block
// (no error) or fails.
func tryWriteFD(fd int, p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		n, err := rawWrite(fd, p)
		if n > 0 {
			total += n
			p = p[n:]
			continue
		}
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN, nil:
			return total, nil
		}
		return total, err
	}
	return total, nil
}

// waitWritable polls fd for room to write, at most ms milliseconds.
func waitWritable(fd, ms int) {
	type pollFd struct {
		fd      int32
		events  int16
		revents int16
	}
	pfd := pollFd{fd: int32(fd), events: 0x4} // POLLOUT
	// ppoll, which every architecture has (arm64 has no poll).
	ts := syscall.NsecToTimespec(int64(ms) * 1e6)
	syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
}

// WriteBuffers lets output queues write their chunks with one writev once
// the connection left its loop.
func (lc *loopConn) WriteBuffers(b *net.Buffers) (int64, error) {
	if nc := lc.detached(); nc != nil {
		return nc.(*trackedConn).WriteBuffers(b)
	}
	var total int64
	for _, p := range *b {
		n, err := lc.Write(p)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	*b = (*b)[:0]
	return total, nil
}

func (lc *loopConn) Read(p []byte) (int, error) {
	if nc := lc.detached(); nc != nil {
		return nc.Read(p)
	}
	return 0, errors.New("read from a connection served by an event loop")
}

func (lc *loopConn) LocalAddr() net.Addr  { return lc.laddr }
func (lc *loopConn) RemoteAddr() net.Addr { return lc.raddr }

func (lc *loopConn) SetDeadline(t time.Time) error {
	if nc := lc.detached(); nc != nil {
		return nc.SetDeadline(t)
	}
	return nil
}

func (lc *loopConn) SetReadDeadline(t time.Time) error {
	if nc := lc.detached(); nc != nil {
		return nc.SetReadDeadline(t)
	}
	return nil
}

func (lc *loopConn) SetWriteDeadline(t time.Time) error {
	if nc := lc.detached(); nc != nil {
		return nc.SetWriteDeadline(t)
	}
	return nil
}
