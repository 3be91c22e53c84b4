package diff

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing"
	"github.com/redwingdb/redwing/internal/testkit"
)

var (
	redwingAddr string
	redisAddr   string
)

func TestMain(m *testing.M) {
	if testkit.RedisServerPath() == "" {
		if os.Getenv("REDWING_REQUIRE_ORACLE") != "" {
			fmt.Fprintln(os.Stderr, "redis-server not found and REDWING_REQUIRE_ORACLE is set")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "diff: redis-server not found; skipping differential tests")
		os.Exit(0)
	}
	oracle, err := testkit.StartOracle()
	if err != nil {
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
	directives := map[string]string{"enable-debug-command": "yes", "save": ""}
	// REDWING_EVENT_LOOP=no runs the suite on goroutine-per-connection
	// serving (the TLS path, and connections that left their loop).
	if v := os.Getenv("REDWING_EVENT_LOOP"); v != "" {
		directives["event-loop"] = v
	}
	// A directory of its own: DEBUG RELOAD writes and reads dump.rdb there.
	dir, err := os.MkdirTemp("", "redwing-diff-")
	if err != nil {
		oracle.Stop()
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
	srv, err := redwing.Start(redwing.Config{Dir: dir, Directives: directives})
	if err != nil {
		oracle.Stop()
		os.RemoveAll(dir)
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
	redisAddr, redwingAddr = oracle.Addr, srv.Addr()
	code := m.Run()
	srv.Close()
	oracle.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pair is one connection to each server.
type pair struct {
	t     *testing.T
	rw    *testkit.Client
	rd    *testkit.Client
	extra []*pair
}

// newPair connects to both servers and flushes them.
func newPair(t *testing.T) *pair {
	t.Helper()
	p := connectPair(t)
	p.mustAgree("FLUSHALL")
	return p
}

func connectPair(t *testing.T) *pair {
	t.Helper()
	rw, err := testkit.Dial(redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := testkit.Dial(redisAddr)
	if err != nil {
		t.Fatal(err)
	}
	p := &pair{t: t, rw: rw, rd: rd}
	t.Cleanup(func() { rw.Close(); rd.Close() })
	return p
}

// another opens a second connection pair to the same servers.
func (p *pair) another() *pair {
	return connectPair(p.t)
}

func (p *pair) both(args ...string) (testkit.Value, testkit.Value) {
	p.t.Helper()
	a, err := p.rw.Do(args...)
	if err != nil {
		p.t.Fatalf("redwing %q: %v", args, err)
	}
	b, err := p.rd.Do(args...)
	if err != nil {
		p.t.Fatalf("redis %q: %v", args, err)
	}
	return a, b
}

func show(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if len(a) > 60 {
			a = a[:60] + "..."
		}
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}

// do sends args to both servers and requires byte-identical replies.
func (p *pair) do(args ...string) testkit.Value {
	p.t.Helper()
	a, b := p.both(args...)
	if string(a.Raw) != string(b.Raw) {
		p.t.Errorf("%s\n redwing: %s\n   redis: %s", show(args), a, b)
	}
	return a
}

// mustAgree is do, but stops the test on mismatch.
func (p *pair) mustAgree(args ...string) testkit.Value {
	p.t.Helper()
	a, b := p.both(args...)
	if string(a.Raw) != string(b.Raw) {
		p.t.Fatalf("%s\n redwing: %s\n   redis: %s", show(args), a, b)
	}
	return a
}

// doSorted compares replies ignoring the order of aggregate elements at the top level.
func (p *pair) doSorted(args ...string) testkit.Value {
	p.t.Helper()
	return p.doSortedDepth(1, args...)
}

// doSortedDepth compares ignoring order down to depth levels of nesting.
func (p *pair) doSortedDepth(depth int, args ...string) testkit.Value {
	p.t.Helper()
	a, b := p.both(args...)
	if testkit.Canonical(a, depth) != testkit.Canonical(b, depth) {
		p.t.Errorf("%s (unordered)\n redwing: %s\n   redis: %s", show(args), a, b)
	}
	return a
}

// doType compares only the reply type and, for errors, the error text prefix up to the first space.
func (p *pair) doType(args ...string) (testkit.Value, testkit.Value) {
	p.t.Helper()
	a, b := p.both(args...)
	if a.Type != b.Type || a.Null != b.Null {
		p.t.Errorf("%s (type)\n redwing: %s\n   redis: %s", show(args), a, b)
	}
	return a, b
}

// doErrPrefix requires both replies to be errors starting with the same code.
func (p *pair) doErr(args ...string) {
	p.t.Helper()
	a, b := p.both(args...)
	if a.Type != '-' || b.Type != '-' {
		p.t.Errorf("%s: expected errors\n redwing: %s\n   redis: %s", show(args), a, b)
		return
	}
	ca, _, _ := strings.Cut(a.Str, " ")
	cb, _, _ := strings.Cut(b.Str, " ")
	if ca != cb {
		p.t.Errorf("%s: error codes differ\n redwing: %s\n   redis: %s", show(args), a, b)
	}
}

// run runs a script of commands with do.
func (p *pair) run(script ...[]string) {
	p.t.Helper()
	for _, args := range script {
		p.do(args...)
	}
}

// c is shorthand for building a command.
func c(args ...string) []string { return args }

// resp3 switches both connections to RESP3.
func (p *pair) resp3() {
	p.t.Helper()
	p.doType("HELLO", "3") // server and version fields differ by design
}

// sendRaw writes raw bytes to both servers and compares the next reply.
func (p *pair) sendRaw(raw string) {
	p.t.Helper()
	if err := p.rw.Send([]byte(raw)); err != nil {
		p.t.Fatal(err)
	}
	if err := p.rd.Send([]byte(raw)); err != nil {
		p.t.Fatal(err)
	}
	a, errA := p.rw.ReadTimeout(2 * time.Second)
	b, errB := p.rd.ReadTimeout(2 * time.Second)
	if (errA == nil) != (errB == nil) || string(a.Raw) != string(b.Raw) {
		p.t.Errorf("raw %q\n redwing: %s (%v)\n   redis: %s (%v)", raw, a, errA, b, errB)
	}
}

// sleepMs waits for real time to pass on both servers (TTL tests).
func sleepMs(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) }

// Helpers for tests that hold a reply back (blocking commands, pub/sub
// pushes): send without reading, read later from both servers.

// blkSend sends a command on both connections of q without reading the reply.
func blkSend(q *pair, args ...string) {
	q.t.Helper()
	raw := testkit.Encode(args...)
	if err := q.rw.Send(raw); err != nil {
		q.t.Fatal(err)
	}
	if err := q.rd.Send(raw); err != nil {
		q.t.Fatal(err)
	}
}

// blkRead reads one pending reply from both connections of q and compares.
func blkRead(q *pair, what string) testkit.Value {
	q.t.Helper()
	a, errA := q.rw.ReadTimeout(3 * time.Second)
	b, errB := q.rd.ReadTimeout(3 * time.Second)
	if errA != nil || errB != nil {
		q.t.Fatalf("%s: read errors: redwing %v, redis %v", what, errA, errB)
	}
	if string(a.Raw) != string(b.Raw) {
		q.t.Errorf("%s\n redwing: %s\n   redis: %s", what, a, b)
	}
	return a
}

// blkNoReply checks that neither connection of q has a reply pending.
func blkNoReply(q *pair, what string) {
	q.t.Helper()
	if v, err := q.rw.ReadTimeout(50 * time.Millisecond); err == nil {
		q.t.Errorf("%s: redwing replied %s while blocked", what, v)
	}
	if v, err := q.rd.ReadTimeout(50 * time.Millisecond); err == nil {
		q.t.Errorf("%s: redis replied %s while blocked", what, v)
	}
	// A timed-out read leaves the connection usable for testkit: reset the deadline.
	q.rw.Conn.SetReadDeadline(time.Time{})
	q.rd.Conn.SetReadDeadline(time.Time{})
}

// blkWait waits until both servers report n blocked clients.
func blkWait(p *pair, n int) {
	p.t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n) + "\r\n"
	deadline := time.Now().Add(3 * time.Second)
	for _, cl := range []*testkit.Client{p.rw, p.rd} {
		for {
			v, err := cl.Do("INFO", "clients")
			if err != nil {
				p.t.Fatal(err)
			}
			if strings.Contains(v.Str, want) {
				break
			}
			if time.Now().After(deadline) {
				p.t.Fatalf("timed out waiting for %s: %q", strings.TrimSpace(want), v.Str)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
