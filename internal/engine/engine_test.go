package engine

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/keyspace"
)

type settings map[string]string

func (s settings) String(n string) string { return s[n] }
func (s settings) Int(n string) int64     { v, _ := strconv.ParseInt(s[n], 10, 64); return v }
func (s settings) Bool(n string) bool     { return s[n] == "yes" }

type memSink struct {
	mu      sync.Mutex
	batches [][]Effect
}

func (m *memSink) Write(b []Effect) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp := make([]Effect, len(b))
	for i, e := range b {
		cp[i] = Effect{DB: e.DB, Argv: copyArgv(e.Argv)}
	}
	m.batches = append(m.batches, cp)
}

// Test handlers bound to real command-table entries; the commands package
// is not linked into this test binary.
func init() {
	Register("get", func(c *Ctx) {
		e := c.DB.Lookup(c.Argv[1])
		if e == nil {
			c.W.Null()
			return
		}
		c.W.Bulk(e.Str())
	})
	Register("set", func(c *Ctx) {
		c.DB.Set(c.Argv[1], keyspace.StrEntry(append([]byte(nil), c.Argv[2]...)))
		c.Modified(c.Argv[1])
		c.W.OK()
	})
	Register("incr", func(c *Ctx) {
		var n int64
		if e := c.DB.Lookup(c.Argv[1]); e != nil {
			n, _ = strconv.ParseInt(string(e.Str()), 10, 64)
		}
		n++
		c.DB.Set(c.Argv[1], keyspace.StrEntry(strconv.AppendInt(nil, n, 10)))
		c.Modified(c.Argv[1])
		c.W.Int(n)
	})
	Register("mset", func(c *Ctx) {
		for i := 1; i+1 < len(c.Argv); i += 2 {
			c.DB.Set(c.Argv[i], keyspace.StrEntry(append([]byte(nil), c.Argv[i+1]...)))
			c.Modified(c.Argv[i])
		}
		c.W.OK()
	})
	Register("expire", func(c *Ctx) {
		e := c.DB.Lookup(c.Argv[1])
		if e == nil {
			c.W.Int(0)
			return
		}
		c.DB.SetExpire(c.Argv[1], e, c.Now()+1000)
		c.Modified(c.Argv[1])
		c.Propagate([]byte("PEXPIREAT"), c.Argv[1], Itoa(e.Expire))
		c.W.Int(1)
	})
	Register("client|setname", func(c *Ctx) { c.C.SetName(string(c.Argv[2])); c.W.OK() })
	Register("ping", func(c *Ctx) { c.W.Simple("PONG") })
}

func newTestEngine(t *testing.T, cfg settings) (*Engine, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(1_000_000)
	e, err := New(keyspace.New(16, clk), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e, clk
}

func run(e *Engine, c *Client, args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	c.W.Reset()
	e.Exec(c, argv)
	return string(c.W.Buf)
}

func TestGateErrors(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	c := e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", 0)
	cases := [][2][]string{
		{{"nosuch", "a", "b"}, {"-ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \r\n"}},
		{{"GET"}, {"-ERR wrong number of arguments for 'get' command\r\n"}},
		{{"client"}, {"-ERR wrong number of arguments for 'client' command\r\n"}},
		{{"client", "bogus"}, {"-ERR unknown subcommand 'bogus'. Try CLIENT HELP.\r\n"}},
		{{"client", "setname"}, {"-ERR wrong number of arguments for 'client|setname' command\r\n"}},
		{{"GeT", "k"}, {"$-1\r\n"}},
	}
	for _, tc := range cases {
		if got := run(e, c, tc[0]...); got != tc[1][0] {
			t.Errorf("%q: got %q want %q", tc[0], got, tc[1][0])
		}
	}
}

func TestNoAuth(t *testing.T) {
	e, _ := newTestEngine(t, settings{"requirepass": "pw"})
	c := e.NewClient(nil, "", "", 0)
	if got := run(e, c, "get", "k"); got != "-NOAUTH Authentication required.\r\n" {
		t.Fatalf("got %q", got)
	}
}

func TestMultiQueueAndAbort(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	c := e.NewClient(nil, "", "", 0)
	c.Multi = &MultiState{}
	if got := run(e, c, "set", "k", "v"); got != "+QUEUED\r\n" {
		t.Fatalf("queue: %q", got)
	}
	run(e, c, "get") // arity error dooms the transaction
	if !c.Multi.Aborted {
		t.Fatal("arity error inside MULTI must abort the transaction")
	}
	if len(c.Multi.Queue) != 1 {
		t.Fatalf("queued %d", len(c.Multi.Queue))
	}
}

func TestEffectsStreamOrderAndRewrite(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	sink := &memSink{}
	e.AddSink(sink)
	c := e.NewClient(nil, "", "", 0)
	run(e, c, "set", "k", "v")
	run(e, c, "get", "k") // reads are not propagated
	run(e, c, "expire", "k", "1")
	run(e, c, "expire", "missing", "1") // no write, nothing propagated
	c.W.Reset()
	e.ExecMulti(c, []QueuedCmd{
		{Cmd: e.Lookup([]byte("incr")), Argv: [][]byte{[]byte("incr"), []byte("n")}},
		{Cmd: e.Lookup([]byte("get")), Argv: [][]byte{[]byte("get"), []byte("n")}},
	})
	var got []string
	for _, b := range sink.batches {
		s := ""
		for _, ef := range b {
			for _, a := range ef.Argv {
				s += string(a) + " "
			}
			s += "| "
		}
		got = append(got, s)
	}
	want := []string{"set k v | ", "PEXPIREAT k 1001000 | ", "MULTI | incr n | EXEC | "}
	if len(got) != len(want) {
		t.Fatalf("got %q want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("batch %d: got %q want %q", i, got[i], want[i])
		}
	}
}

func TestLazyExpiryPropagatesDel(t *testing.T) {
	e, clk := newTestEngine(t, settings{})
	sink := &memSink{}
	e.AddSink(sink)
	c := e.NewClient(nil, "", "", 0)
	run(e, c, "set", "k", "v")
	run(e, c, "expire", "k", "1")
	clk.Advance(2 * time.Second)
	if got := run(e, c, "get", "k"); got != "$-1\r\n" {
		t.Fatalf("expired key visible: %q", got)
	}
	last := sink.batches[len(sink.batches)-1]
	if string(last[0].Argv[0]) != "DEL" || string(last[0].Argv[1]) != "k" {
		t.Fatalf("expected DEL k, got %q", last[0].Argv)
	}
}

func TestWatchTouchedByWrite(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	a := e.NewClient(nil, "", "", 0)
	b := e.NewClient(nil, "", "", 0)
	e.Watch(a, 0, "k")
	run(e, b, "set", "other", "1")
	if e.WatchDirty(a) {
		t.Fatal("unrelated write dirtied the watch")
	}
	run(e, b, "set", "k", "1")
	if !e.WatchDirty(a) {
		t.Fatal("write to watched key not detected")
	}
	e.Unwatch(a)
	if e.Watching(a) {
		t.Fatal("still watching after Unwatch")
	}
}

// Concurrent INCRs from many clients on overlapping keys must not lose
// updates: shard locks serialise each key. Run with -race.
func TestConcurrentIncrIsAtomic(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	const workers, iters = 8, 500
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.NewClient(nil, "", "", 0)
			for i := 0; i < iters; i++ {
				run(e, c, "incr", "counter")
				run(e, c, "mset", "a", "1", "b", "2", "counter2", "x")
			}
		}()
	}
	wg.Wait()
	c := e.NewClient(nil, "", "", 0)
	if got, want := run(e, c, "get", "counter"), "$4\r\n4000\r\n"; got != want {
		t.Fatalf("counter = %q, want %q", got, want)
	}
}
