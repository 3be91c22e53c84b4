//go:build linux

package server

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redwingdb/redwing/internal/clock"
)

// A connection ended twice is a bug the server survives (claimEnd); in
// tests it fails the run at the second end, with that caller's stack.
func init() {
	onDoubleEnd = func(stack []byte) { panic("connection ended twice:\n" + string(stack)) }
}

func TestClaimEndOnce(t *testing.T) {
	saved := onDoubleEnd
	defer func() { onDoubleEnd = saved }()
	reports := 0
	onDoubleEnd = func([]byte) { reports++ }
	s := &Server{Log: log.New(io.Discard, "", 0)}
	lc := &loopConn{fd: -1}
	if !s.claimEnd(lc) {
		t.Fatal("first end refused")
	}
	if s.claimEnd(lc) || s.claimEnd(lc) {
		t.Fatal("a later end was allowed")
	}
	if reports != 2 {
		t.Fatalf("%d reports of a second end, want 2", reports)
	}
}

// These tests run every connection on one event loop, so a connection
// that waits or runs long shares its loop with the others.

func startOneLoop(t *testing.T, extra ...string) (*Server, func() *redis.Client) {
	t.Helper()
	s, err := startWith(t, "127.0.0.1:0", append([]string{"--event-loops", "1", "--save", ""}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	if s.loops == nil || len(s.loops.loops) != 1 {
		t.Fatal("the server has no event loop")
	}
	return s, func() *redis.Client {
		c := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2, PoolSize: 1, MaxRetries: -1,
			ReadTimeout: 10 * time.Second, ContextTimeoutEnabled: true})
		t.Cleanup(func() { c.Close() })
		return c
	}
}

// inLoop reports how many connections the loop serves now.
func inLoop(s *Server) int {
	l := s.loops.loops[0]
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

func TestLoopServesAndDetaches(t *testing.T) {
	s, client := startOneLoop(t)
	ctx := context.Background()
	a, b := client(), client()
	if err := a.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Get(ctx, "k").Result(); got != "v" {
		t.Fatalf("GET = %q", got)
	}
	if n := inLoop(s); n != 2 {
		t.Fatalf("%d connections in the loop, want 2", n)
	}
	// A blocked pop leaves the loop; the push from the loop wakes it.
	done := make(chan []string, 1)
	go func() {
		r, _ := a.BLPop(ctx, 0, "q").Result()
		done <- r
	}()
	for inLoop(s) != 1 {
		time.Sleep(time.Millisecond)
	}
	if err := b.RPush(ctx, "q", "x").Err(); err != nil {
		t.Fatal(err)
	}
	if r := <-done; strings.Join(r, ",") != "q,x" {
		t.Fatalf("BLPOP = %q", r)
	}
	// The detached connection goes on serving.
	if got, _ := a.Get(ctx, "k").Result(); got != "v" {
		t.Fatalf("GET after BLPOP = %q", got)
	}
}

// A pipeline after a blocking command waits for it, in order.
func TestLoopPipelineAfterBlockedCommand(t *testing.T) {
	s, client := startOneLoop(t)
	ctx := context.Background()
	pusher := client()
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write([]byte("BLPOP q 0\r\nPING\r\nECHO after\r\n"))
	time.Sleep(20 * time.Millisecond)
	if err := pusher.RPush(ctx, "q", "x").Err(); err != nil {
		t.Fatal(err)
	}
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(nc)
	want := "*2\r\n$1\r\nq\r\n$1\r\nx\r\n+PONG\r\n$5\r\nafter\r\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil || string(got) != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
}

// SCRIPT KILL reaches a script that holds the loop's leader.
func TestLoopScriptKillFromSameLoop(t *testing.T) {
	_, client := startOneLoop(t, "--busy-reply-threshold", "100")
	ctx := context.Background()
	runner, killer := client(), client()
	done := make(chan error, 1)
	go func() { done <- runner.Eval(ctx, "while true do end", nil).Err() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := killer.ScriptKill(ctx).Err()
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "NOTBUSY") || time.Now().After(deadline) {
			t.Fatalf("SCRIPT KILL: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "Script killed by user") {
		t.Fatalf("EVAL = %v", err)
	}
	if err := killer.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
}

// The watchdog takes a connection whose command runs long out of the
// loop (Redis's DEBUG SLEEP stops the whole server, so the others wait
// for it either way), also when it was asleep with the server idle; both
// go on working.
func TestLoopWatchdogDeposesLongCommand(t *testing.T) {
	s, client := startOneLoop(t, "--enable-debug-command", "yes")
	ctx := context.Background()
	sleeper, other := client(), client()
	if err := other.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	// Long enough for the watchdog to go to sleep (all loops idle): the
	// long command's serve must wake it.
	time.Sleep(300 * time.Millisecond)
	if err := sleeper.Do(ctx, "DEBUG", "SLEEP", "0.2").Err(); err != nil {
		t.Fatal(err)
	}
	if n := inLoop(s); n != 1 {
		t.Fatalf("%d connections in the loop after DEBUG SLEEP, want 1", n)
	}
	for _, c := range []*redis.Client{sleeper, other} {
		if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// A command that says it will take long (MEMORY PURGE, SAVE) hands the loop's
// other clients to a new leader before it starts, without waiting for the
// watchdog: its connection leaves the loop even when the command is quick.
func TestLoopYieldsBeforeLongCommand(t *testing.T) {
	for _, cmd := range [][]any{{"MEMORY", "PURGE"}, {"SAVE"}} {
		s, client := startOneLoop(t, "--dir", t.TempDir())
		ctx := context.Background()
		long, other := client(), client()
		for _, c := range []*redis.Client{long, other} {
			if err := c.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if n := inLoop(s); n != 2 {
			t.Fatalf("%d connections in the loop, want 2", n)
		}
		if err := long.Do(ctx, cmd...).Err(); err != nil {
			t.Fatal(err)
		}
		if n := inLoop(s); n != 1 {
			t.Fatalf("%d connections in the loop after %v, want 1", n, cmd)
		}
		for _, c := range []*redis.Client{long, other} {
			if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// CLIENT PAUSE from one connection and UNPAUSE from another on the same loop.
func TestLoopClientPause(t *testing.T) {
	_, client := startOneLoop(t)
	ctx := context.Background()
	admin, writer := client(), client()
	if err := writer.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Do(ctx, "CLIENT", "PAUSE", "10000", "WRITE").Err(); err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error, 1)
	go func() { wrote <- writer.Set(ctx, "k", "v", 0).Err() }()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-wrote:
		t.Fatalf("SET ran during CLIENT PAUSE WRITE (%v)", err)
	default:
	}
	if err := admin.Do(ctx, "CLIENT", "UNPAUSE").Err(); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
}

// A client that does not read its large replies leaves the loop instead
// of blocking it.
func TestLoopSlowReaderDoesNotStallOthers(t *testing.T) {
	s, client := startOneLoop(t)
	ctx := context.Background()
	other := client()
	if err := other.Set(ctx, "big", strings.Repeat("x", 1<<20), 0).Err(); err != nil {
		t.Fatal(err)
	}
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write([]byte(strings.Repeat("GET big\r\n", 64))) // 64 MB of replies, never read
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 10; i++ {
		if err := other.Ping(ctx).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// The slow reader still gets its replies once it reads.
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(nc, 1<<16)
	for i := 0; i < 64; i++ {
		line, err := r.ReadString('\n')
		if err != nil || line != "$1048576\r\n" {
			t.Fatalf("reply %d: %q, %v", i, line, err)
		}
		if _, err := r.Discard(1<<20 + 2); err != nil {
			t.Fatal(err)
		}
	}
}

// CLIENT KILL closes a connection served by the loop.
func TestLoopClientKill(t *testing.T) {
	s, client := startOneLoop(t)
	ctx := context.Background()
	killer := client()
	victim, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close()
	victim.SetReadDeadline(time.Now().Add(5 * time.Second))
	victim.Write([]byte("CLIENT ID\r\n"))
	r := bufio.NewReader(victim)
	line, err := r.ReadString('\n')
	if err != nil || len(line) < 4 {
		t.Fatalf("CLIENT ID: %q, %v", line, err)
	}
	if n, err := killer.ClientKillByFilter(ctx, "ID", strings.TrimSpace(line[1:])).Result(); err != nil || n != 1 {
		t.Fatalf("CLIENT KILL = %d, %v", n, err)
	}
	if _, err := r.ReadByte(); err == nil {
		t.Fatal("the killed connection is still open")
	}
	if err := killer.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
}

// Subscribers leave the loop for their output queue; messages arrive.
func TestLoopPubSub(t *testing.T) {
	_, client := startOneLoop(t)
	ctx := context.Background()
	sub := client().Subscribe(ctx, "ch")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	pub := client()
	if n, err := pub.Publish(ctx, "ch", "hello").Result(); err != nil || n != 1 {
		t.Fatalf("PUBLISH = %d, %v", n, err)
	}
	m, err := sub.ReceiveMessage(ctx)
	if err != nil || m.Payload != "hello" {
		t.Fatalf("message %v, %v", m, err)
	}
}

// Several loops serve clients in parallel against one keyspace.
func TestLoopsInParallel(t *testing.T) {
	s, err := startWith(t, "127.0.0.1:0", "--event-loops", "3", "--save", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.loops.loops) != 3 {
		t.Fatalf("%d loops, want 3", len(s.loops.loops))
	}
	ctx := context.Background()
	const clients, incrs = 9, 200
	errc := make(chan error, clients)
	for i := 0; i < clients; i++ {
		go func() {
			c := redis.NewClient(&redis.Options{Addr: s.Addr(), PoolSize: 1})
			defer c.Close()
			for j := 0; j < incrs; j++ {
				pipe := c.Pipeline()
				pipe.Incr(ctx, "n")
				pipe.SAdd(ctx, "members", j)
				if _, err := pipe.Exec(ctx); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	for i := 0; i < clients; i++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer c.Close()
	if n, _ := c.Get(ctx, "n").Int(); n != clients*incrs {
		t.Fatalf("n = %d, want %d", n, clients*incrs)
	}
	if n, _ := c.SCard(ctx, "members").Result(); n != incrs {
		t.Fatalf("SCARD = %d, want %d", n, incrs)
	}
}

// A leader that is slow to run after epoll wakes it (held here in
// afterWake, as the kernel may leave it on a busy CPU's run queue) does not
// hold up its loop: the next event wakes the standby, which takes the free
// role and serves every ready connection, the first one's request too.
func TestLoopStandbyServesWhileWokenLeaderWaits(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // room for a standby
	var armed atomic.Bool
	held, hold := make(chan struct{}), make(chan struct{})
	release := sync.OnceFunc(func() { close(hold) })
	defer release()
	afterWake = func() {
		if armed.CompareAndSwap(true, false) {
			close(held)
			<-hold
		}
	}
	t.Cleanup(func() { afterWake = nil }) // after the server stopped
	s, client := startOneLoop(t, "--event-loop-standby", "yes")
	if !s.loops.loops[0].standby {
		t.Fatal("the loop has no standby")
	}
	ctx := context.Background()
	a, b := client(), client()
	for _, c := range []*redis.Client{a, b} {
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// A's request usually wakes a waiter in epoll_wait, which afterWake
	// holds; a leader still polling may serve it first, then try again.
	// The standby waits for events only under a light load: spaced
	// requests first, until the leader's polls come back empty (a few
	// waits in a row) and the standby is back in epoll_wait.
	l := s.loops.loops[0]
	lightLoad := func() {
		for i := 0; !l.idle.Load() || l.parked.Load(); i++ {
			if i == 1000 {
				t.Fatal("the loop did not settle under a light load")
			}
			if err := b.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
	}
	aDone := make(chan error, 1)
	for try := 0; ; try++ {
		if try == 100 {
			t.Fatal("no request woke a waiter in 100 tries")
		}
		lightLoad()
		armed.Store(true)
		go func() { aDone <- a.Incr(ctx, "a").Err() }()
		select {
		case <-held:
		case err := <-aDone:
			if err != nil {
				t.Fatal(err)
			}
			armed.Store(false)
			time.Sleep(time.Millisecond) // let the loop go back to sleep
			continue
		}
		break
	}
	// Both replies must come while the woken goroutine is still held.
	if err := b.Incr(ctx, "b").Err(); err != nil {
		t.Fatalf("B while the woken waiter is held: %v", err)
	}
	if err := <-aDone; err != nil {
		t.Fatalf("A while the woken waiter is held: %v", err)
	}
	release()
	if n, _ := b.Get(ctx, "a").Int(); n < 1 {
		t.Fatalf("a = %d", n)
	}
}

// The timer nap is for a loop whose clients keep many requests in flight:
// napStreakConns connections served since the last miss, and
// napActiveConns in the last full window. Few connections, or a streak
// cut short, get the usual wait.
func TestTimerNapGate(t *testing.T) {
	l := &eventLoop{}
	conns := make([]loopConn, 40)
	serve := func(lcs []loopConn) {
		for i := range lcs {
			l.streak.add(&lcs[i].streak)
			l.window.add(&lcs[i].window)
		}
	}
	rollWindow := func() { l.windowStart = clock.Mono() - int64(napWindow) }

	serve(conns)
	serve(conns) // served twice, counted once
	rollWindow()
	if l.endStreak(clock.Mono()) {
		t.Fatal("nap before a full window was seen")
	}
	if l.activeConns != len(conns) {
		t.Fatalf("activeConns = %d, want %d", l.activeConns, len(conns))
	}
	serve(conns[:napStreakConns])
	if !l.endStreak(clock.Mono()) {
		t.Fatalf("no nap after a streak of %d with %d active", napStreakConns, len(conns))
	}
	serve(conns[:napStreakConns-1])
	if l.endStreak(clock.Mono()) {
		t.Fatalf("nap after a streak of %d", napStreakConns-1)
	}
	// The window rolls over with the 20 connections it saw since: too few.
	serve(conns[:20])
	rollWindow()
	if !l.endStreak(clock.Mono()) { // judged by the window before
		t.Fatal("no nap after a streak of 20 with 40 active")
	}
	if l.activeConns != 20 {
		t.Fatalf("activeConns = %d, want 20", l.activeConns)
	}
	serve(conns[:20])
	if l.endStreak(clock.Mono()) {
		t.Fatal("nap with 20 connections active")
	}
}
