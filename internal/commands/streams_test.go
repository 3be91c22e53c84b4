package commands

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Unit tests of the stream family with a fake clock: the propagated
// effects (checked against what redis-server 7.0.15 writes to its AOF),
// keyspace events and generated IDs, which the differential tests cannot
// compare.

const xsStart int64 = 1_700_000_000_000

type xsEnv struct {
	t      *testing.T
	clk    *clock.Fake
	e      *engine.Engine
	c      *engine.Client
	mu     sync.Mutex
	events []string
	props  []string
}

func (x *xsEnv) Write(batch []engine.Effect) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range batch {
		parts := make([]string, len(e.Argv))
		for i, a := range e.Argv {
			parts[i] = string(a)
		}
		x.props = append(x.props, strings.Join(parts, " "))
	}
}

func newXsEnv(t *testing.T) *xsEnv {
	t.Helper()
	x := &xsEnv{t: t, clk: clock.NewFake(xsStart)}
	ks := keyspace.New(16, x.clk)
	e, err := engine.New(ks, config.New())
	if err != nil {
		t.Fatal(err)
	}
	x.e = e
	e.Notifier = func(class int, event string, db int, key []byte) {
		x.mu.Lock()
		x.events = append(x.events, event+":"+string(key))
		x.mu.Unlock()
	}
	e.AddSink(x)
	x.c = e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", -1)
	t.Cleanup(func() { e.RemoveClient(x.c) })
	return x
}

func (x *xsEnv) do(args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	x.c.W.Reset()
	x.e.Exec(x.c, argv)
	return string(x.c.W.Buf)
}

func (x *xsEnv) take() (events, props []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	events, props = x.events, x.props
	x.events, x.props = nil, nil
	return
}

// check runs a command and compares its reply (when want is not empty),
// events and effects.
func (x *xsEnv) check(args []string, want string, wantEvents, wantProps []string) {
	x.t.Helper()
	x.take()
	got := x.do(args...)
	if want != "" && got != want {
		x.t.Errorf("%q: reply %q, want %q", args, got, want)
	}
	ev, pr := x.take()
	if fmt.Sprint(ev) != fmt.Sprint(wantEvents) {
		x.t.Errorf("%q events: got %q, want %q", args, ev, wantEvents)
	}
	if fmt.Sprint(pr) != fmt.Sprint(wantProps) {
		x.t.Errorf("%q propagated:\n got %q\nwant %q", args, pr, wantProps)
	}
}

func xa(args ...string) []string { return args }

func TestStreamPropagation(t *testing.T) {
	x := newXsEnv(t)
	now := fmt.Sprint(xsStart)
	x.check(xa("XADD", "s", "1-1", "a", "1"), "$3\r\n1-1\r\n", xa("new:s", "xadd:s"), xa("XADD s 1-1 a 1"))
	x.check(xa("XADD", "s", "2-1", "a", "1"), "", xa("xadd:s"), xa("XADD s 2-1 a 1"))
	x.check(xa("XADD", "s", "3-1", "a", "1"), "", xa("xadd:s"), xa("XADD s 3-1 a 1"))
	x.check(xa("XADD", "s", "4-*", "a", "1"), "$3\r\n4-0\r\n", xa("xadd:s"), xa("XADD s 4-0 a 1"))
	x.check(xa("XADD", "s", "MAXLEN", "~", "1", "5-1", "a", "1"), "", xa("xadd:s"), xa("XADD s MAXLEN = 5 5-1 a 1"))
	x.check(xa("XADD", "s", "MINID", "~", "0", "LIMIT", "5", "6-1", "a", "1"), "", xa("xadd:s"), xa("XADD s MINID = 1-1 LIMIT 5 6-1 a 1"))
	x.check(xa("XGROUP", "CREATE", "s", "g", "0"), "+OK\r\n", xa("xgroup-create:s"), xa("XGROUP CREATE s g 0"))
	x.check(xa("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">"), "",
		xa("xgroup-createconsumer:s"), xa(
			"XCLAIM s g c 0 1-1 TIME "+now+" RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
			"XCLAIM s g c 0 2-1 TIME "+now+" RETRYCOUNT 1 FORCE JUSTID LASTID 2-1"))
	x.check(xa("XREADGROUP", "GROUP", "g", "c2", "NOACK", "COUNT", "1", "STREAMS", "s", ">"), "",
		xa("xgroup-createconsumer:s"), xa("XGROUP CREATECONSUMER s g c2", "XGROUP SETID s g 3-1 ENTRIESREAD 3"))
	x.clk.Advance(10 * time.Millisecond)
	later := fmt.Sprint(xsStart + 10)
	x.check(xa("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"), "", nil, nil)
	x.check(xa("XREADGROUP", "GROUP", "g", "c3", "STREAMS", "s", ">"), "", xa("xgroup-createconsumer:s"), xa(
		"XCLAIM s g c3 0 4-0 TIME "+later+" RETRYCOUNT 1 FORCE JUSTID LASTID 4-0",
		"XCLAIM s g c3 0 5-1 TIME "+later+" RETRYCOUNT 1 FORCE JUSTID LASTID 5-1",
		"XCLAIM s g c3 0 6-1 TIME "+later+" RETRYCOUNT 1 FORCE JUSTID LASTID 6-1"))
	x.check(xa("XREADGROUP", "GROUP", "g", "c3", "STREAMS", "s", ">"), "*-1\r\n", nil, nil)
	x.check(xa("XDEL", "s", "2-1"), ":1\r\n", xa("xdel:s"), xa("XDEL s 2-1"))
	x.clk.Advance(5 * time.Millisecond)
	t2 := fmt.Sprint(xsStart + 15)
	// The deleted entry's NACK is dropped (propagated with its old state);
	// "3" is 3-0, not pending.
	x.check(xa("XCLAIM", "s", "g", "c4", "0", "2-1", "1-1", "3"), "", xa("xgroup-createconsumer:s"), xa(
		"XCLAIM s g c 0 2-1 TIME "+later+" RETRYCOUNT 2 FORCE JUSTID LASTID 6-1",
		"XCLAIM s g c4 0 1-1 TIME "+t2+" RETRYCOUNT 3 FORCE JUSTID LASTID 6-1"))
	x.check(xa("XAUTOCLAIM", "s", "g", "c5", "0", "0", "JUSTID"), "", xa("xgroup-createconsumer:s"), xa(
		"XCLAIM s g c5 0 1-1 TIME "+t2+" RETRYCOUNT 3 FORCE JUSTID LASTID 6-1",
		"XCLAIM s g c5 0 4-0 TIME "+t2+" RETRYCOUNT 1 FORCE JUSTID LASTID 6-1",
		"XCLAIM s g c5 0 5-1 TIME "+t2+" RETRYCOUNT 1 FORCE JUSTID LASTID 6-1",
		"XCLAIM s g c5 0 6-1 TIME "+t2+" RETRYCOUNT 1 FORCE JUSTID LASTID 6-1"))
	x.check(xa("XCLAIM", "s", "g", "c5", "0", "1-1", "LASTID", "9-9", "JUSTID"), "*1\r\n$3\r\n1-1\r\n", nil, xa(
		"XCLAIM s g c5 0 1-1 TIME "+t2+" RETRYCOUNT 3 FORCE JUSTID LASTID 9-9"))
	x.check(xa("XCLAIM", "s", "g", "c5", "0", "8-8", "LASTID", "10-10"), "*0\r\n", nil, xa("XGROUP SETID s g 10-10 ENTRIESREAD 6"))
	x.check(xa("XACK", "s", "g", "1-1"), ":1\r\n", nil, xa("XACK s g 1-1"))
	x.check(xa("XACK", "s", "g", "1-1"), ":0\r\n", nil, nil)
	x.check(xa("XTRIM", "s", "MAXLEN", "~", "0"), ":5\r\n", xa("xtrim:s"), xa("XTRIM s MAXLEN = 0"))
	x.check(xa("XTRIM", "s", "MAXLEN", "1"), ":0\r\n", nil, nil)
	x.check(xa("XSETID", "s", "99-0"), "+OK\r\n", xa("xsetid:s"), xa("XSETID s 99-0"))
	x.check(xa("XGROUP", "SETID", "s", "g", "$"), "+OK\r\n", xa("xgroup-setid:s"), xa("XGROUP SETID s g $"))
	x.check(xa("XGROUP", "CREATECONSUMER", "s", "g", "zz"), ":1\r\n", xa("xgroup-createconsumer:s"), xa("XGROUP CREATECONSUMER s g zz"))
	x.check(xa("XGROUP", "CREATECONSUMER", "s", "g", "zz"), ":0\r\n", nil, nil)
	x.check(xa("XGROUP", "DELCONSUMER", "s", "g", "zz"), ":0\r\n", xa("xgroup-delconsumer:s"), xa("XGROUP DELCONSUMER s g zz"))
	x.check(xa("XGROUP", "DESTROY", "s", "g"), ":1\r\n", xa("xgroup-destroy:s"), xa("XGROUP DESTROY s g"))
	x.check(xa("XGROUP", "DESTROY", "s", "g"), ":0\r\n", nil, nil)
	x.check(xa("XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"), "+OK\r\n", xa("new:m", "xgroup-create:m"), xa("XGROUP CREATE m g $ MKSTREAM"))
	// Generated IDs follow the clock and are propagated.
	now = fmt.Sprint(xsStart + 15)
	x.check(xa("XADD", "a", "*", "f", "v"), "$15\r\n"+now+"-0\r\n", xa("new:a", "xadd:a"), xa("XADD a "+now+"-0 f v"))
	x.clk.Advance(-100 * time.Millisecond)
	x.check(xa("XADD", "a", "*", "f", "v"), "$15\r\n"+now+"-1\r\n", xa("xadd:a"), xa("XADD a "+now+"-1 f v"))
	x.check(xa("XADD", "a", "NOMKSTREAM", "MAXLEN", "1", "*", "f", "v"), "$15\r\n"+now+"-2\r\n", xa("xadd:a", "xtrim:a"),
		xa("XADD a NOMKSTREAM MAXLEN 1 "+now+"-2 f v"))
	x.check(xa("XADD", "none", "NOMKSTREAM", "*", "f", "v"), "$-1\r\n", nil, nil)
	x.check(xa("XREAD", "STREAMS", "a", "0"), "", nil, nil)
}

func TestStreamBlockedReadGroupPropagation(t *testing.T) {
	x := newXsEnv(t)
	x.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	other := x.e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:4", -1)
	defer x.e.RemoveClient(other)
	other.W.Reset()
	x.e.Exec(other, [][]byte{[]byte("XREADGROUP"), []byte("GROUP"), []byte("g"), []byte("c"), []byte("BLOCK"), []byte("0"),
		[]byte("STREAMS"), []byte("s"), []byte(">")})
	if !other.Blocked() {
		t.Fatalf("not blocked: %q", other.W.Buf)
	}
	x.take()
	x.do("XADD", "s", "1-1", "f", "v")
	ev, pr := x.take()
	now := fmt.Sprint(xsStart)
	if fmt.Sprint(ev) != fmt.Sprint(xa("xadd:s", "xgroup-createconsumer:s")) {
		t.Errorf("events %q", ev)
	}
	want := xa("XADD s 1-1 f v", "XCLAIM s g c 0 1-1 TIME "+now+" RETRYCOUNT 1 FORCE JUSTID LASTID 1-1")
	if fmt.Sprint(pr) != fmt.Sprint(want) {
		t.Errorf("propagated %q, want %q", pr, want)
	}
	closed := make(chan struct{})
	if !x.e.WaitBlocked(other, closed) {
		t.Fatal("wait")
	}
	if got := string(other.W.Buf); got != "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n" {
		t.Errorf("reply %q", got)
	}
}
