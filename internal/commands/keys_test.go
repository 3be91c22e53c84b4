package commands

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Unit tests of the generic keyspace family with a fake clock: what the
// differential tests cannot see (propagated effects, keyspace events on
// every database, exact TTL arithmetic, cursors).

const kxStart = 1_700_000_000_000 // fake clock start, Unix ms

type kxSink struct {
	mu      sync.Mutex
	effects []string
}

func (s *kxSink) Write(batch []engine.Effect) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range batch {
		parts := make([]string, len(e.Argv))
		for i, a := range e.Argv {
			parts[i] = string(a)
		}
		s.effects = append(s.effects, fmt.Sprintf("%d:%s", e.DB, strings.Join(parts, " ")))
	}
}

func (s *kxSink) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.effects
	s.effects = nil
	return out
}

type kxEnv struct {
	t      *testing.T
	clk    *clock.Fake
	cfg    *config.Config
	ks     *keyspace.Keyspace
	e      *engine.Engine
	c      *engine.Client
	sink   *kxSink
	mu     sync.Mutex
	events []string
}

func newKxEnv(t *testing.T) *kxEnv {
	t.Helper()
	x := &kxEnv{t: t, clk: clock.NewFake(kxStart), cfg: config.New(), sink: &kxSink{}}
	x.ks = keyspace.New(16, x.clk)
	e, err := engine.New(x.ks, x.cfg)
	if err != nil {
		t.Fatal(err)
	}
	x.e = e
	e.Notifier = func(class int, event string, db int, key []byte) {
		x.mu.Lock()
		x.events = append(x.events, fmt.Sprintf("%d:%s:%s", db, event, key))
		x.mu.Unlock()
	}
	e.AddSink(x.sink)
	x.c = e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", -1)
	t.Cleanup(func() { e.RemoveClient(x.c) })
	return x
}

// do runs a command and returns its raw reply.
func (x *kxEnv) do(args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	x.c.W.Reset()
	x.e.Exec(x.c, argv)
	return string(x.c.W.Buf)
}

func (x *kxEnv) expect(want string, args ...string) {
	x.t.Helper()
	if got := x.do(args...); got != want {
		x.t.Errorf("%q: got %q, want %q", args, got, want)
	}
}

func (x *kxEnv) takeEvents() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := x.events
	x.events = nil
	return out
}

func kxEqual(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func kxInt(n int64) string { return ":" + strconv.FormatInt(n, 10) + "\r\n" }

func TestGenericExpirePropagation(t *testing.T) {
	x := newKxEnv(t)
	x.expect("+OK\r\n", "SET", "k", "v")
	x.sink.take()
	x.takeEvents()

	x.expect(":1\r\n", "EXPIRE", "k", "10")
	x.expect(":1\r\n", "PEXPIRE", "k", "20000", "GT")
	x.expect(":1\r\n", "EXPIREAT", "k", "2000000000")
	x.expect(":1\r\n", "PEXPIREAT", "k", "2000000000001")
	x.expect(":0\r\n", "EXPIRE", "k", "10", "NX")
	x.expect(":0\r\n", "EXPIRE", "nosuch", "10")
	kxEqual(t, "effects", x.sink.take(), []string{
		"0:PEXPIREAT k " + strconv.FormatInt(kxStart+10000, 10),
		"0:PEXPIREAT k " + strconv.FormatInt(kxStart+20000, 10) + " GT",
		"0:PEXPIREAT k 2000000000000",
		"0:PEXPIREAT k 2000000000001",
	})
	kxEqual(t, "events", x.takeEvents(), []string{"0:expire:k", "0:expire:k", "0:expire:k", "0:expire:k"})

	// Into the past: deleted and propagated as DEL (UNLINK when lazy).
	x.expect(":1\r\n", "EXPIRE", "k", "-1")
	x.expect(":0\r\n", "EXISTS", "k")
	x.do("SET", "k", "v")
	x.do("SELECT", "3")
	x.do("SET", "k", "v")
	x.sink.take()
	x.takeEvents()
	if err := x.cfg.Set("lazyfree-lazy-expire", "yes"); err != nil {
		t.Fatal(err)
	}
	x.expect(":1\r\n", "PEXPIREAT", "k", "0")
	kxEqual(t, "effects", x.sink.take(), []string{"3:UNLINK k"})
	kxEqual(t, "events", x.takeEvents(), []string{"3:del:k"})

	// PERSIST is propagated as is, only when it changed something.
	x.do("SET", "p", "v", "EX", "100")
	x.sink.take()
	x.takeEvents()
	x.expect(":1\r\n", "PERSIST", "p")
	x.expect(":0\r\n", "PERSIST", "p")
	kxEqual(t, "effects", x.sink.take(), []string{"3:PERSIST p"})
	kxEqual(t, "events", x.takeEvents(), []string{"3:persist:p"})
}

func TestGenericTTLArithmetic(t *testing.T) {
	x := newKxEnv(t)
	x.do("SET", "k", "v")
	for _, tc := range []struct {
		pexpire   int64
		ttl, pttl int64
	}{
		{1499, 1, 1499},
		{1500, 2, 1500},
		{1, 0, 1},
		{499, 0, 499},
		{500, 1, 500},
		{100000, 100, 100000},
	} {
		x.expect(":1\r\n", "PEXPIRE", "k", strconv.FormatInt(tc.pexpire, 10))
		x.expect(kxInt(tc.ttl), "TTL", "k")
		x.expect(kxInt(tc.pttl), "PTTL", "k")
		x.expect(kxInt(kxStart+tc.pexpire), "PEXPIRETIME", "k")
		x.expect(kxInt((kxStart+tc.pexpire+500)/1000), "EXPIRETIME", "k")
	}
	// Time passes: the TTL shrinks, then the key is gone (lazily).
	x.expect(":1\r\n", "EXPIRE", "k", "10")
	x.clk.Advance(4 * time.Second)
	x.expect(":6\r\n", "TTL", "k")
	x.expect(":6000\r\n", "PTTL", "k")
	x.clk.Advance(5999 * time.Millisecond)
	x.expect(":1\r\n", "PTTL", "k")
	x.takeEvents()
	x.sink.take()
	// At its expiry millisecond the key is still there (Redis expires a
	// key once now > its time), one millisecond later it is gone.
	x.clk.Advance(time.Millisecond)
	x.expect(":0\r\n", "TTL", "k")
	x.expect(":0\r\n", "PTTL", "k")
	x.takeEvents()
	x.clk.Advance(time.Millisecond)
	x.expect(":-2\r\n", "TTL", "k")
	x.expect(":-2\r\n", "PTTL", "k")
	kxEqual(t, "events", x.takeEvents(), []string{"0:expired:k", "0:keymiss:k", "0:keymiss:k"})
	kxEqual(t, "effects", x.sink.take(), []string{"0:DEL k"})

	// Expiring exactly now counts as the past.
	x.do("SET", "k", "v")
	x.expect(":1\r\n", "PEXPIREAT", "k", strconv.FormatInt(kxStart+10000, 10))
	x.expect(":0\r\n", "EXISTS", "k")
}

func TestGenericEvents(t *testing.T) {
	x := newKxEnv(t)
	x.do("SET", "a", "1")
	x.takeEvents()
	x.do("RENAME", "a", "b")
	x.do("RENAMENX", "b", "c")
	x.do("RENAMENX", "c", "c")
	x.do("COPY", "c", "d")
	x.do("COPY", "c", "d", "DB", "2")
	x.do("MOVE", "c", "5")
	x.do("DEL", "d", "nosuch")
	x.do("EXISTS", "nosuch")
	x.do("TYPE", "nosuch")
	x.do("OBJECT", "ENCODING", "nosuch") // no keymiss: LOOKUP_NONOTIFY
	x.do("TOUCH", "nosuch")
	x.do("COPY", "nosuch", "x")
	x.do("FLUSHDB")
	kxEqual(t, "events", x.takeEvents(), []string{
		"0:rename_from:a", "0:rename_to:b",
		"0:rename_from:b", "0:rename_to:c",
		"0:copy_to:d",
		"2:copy_to:d",
		"0:move_from:c", "5:move_to:c",
		"0:del:d",
		"0:keymiss:nosuch", "0:keymiss:nosuch", "0:keymiss:nosuch", "0:keymiss:nosuch",
	})
}

func TestGenericWritesPropagation(t *testing.T) {
	x := newKxEnv(t)
	x.do("SET", "a", "1")
	x.sink.take()
	x.do("DEL", "nosuch")
	x.do("RENAME", "a", "b")
	x.do("RENAMENX", "b", "b")
	x.do("MOVE", "b", "1")
	x.do("MOVE", "b", "1")
	x.do("SELECT", "1")
	x.do("COPY", "b", "c", "DB", "0")
	x.do("FLUSHDB")
	x.do("FLUSHDB") // propagated even when empty, as Redis
	x.do("SWAPDB", "0", "1")
	x.do("FLUSHALL", "ASYNC")
	x.do("EXISTS", "x")
	kxEqual(t, "effects", x.sink.take(), []string{
		"0:RENAME a b",
		"0:MOVE b 1",
		"1:COPY b c DB 0",
		"1:FLUSHDB",
		"1:FLUSHDB",
		"1:SWAPDB 0 1",
		"1:FLUSHALL ASYNC",
	})
}

func TestGenericObjectAccess(t *testing.T) {
	x := newKxEnv(t)
	x.do("SET", "k", "v")
	x.clk.Advance(10 * time.Second)
	x.expect(":1\r\n", "TOUCH", "k")
	x.clk.Advance(7 * time.Second)
	x.expect(":7\r\n", "OBJECT", "IDLETIME", "k")
	// OBJECT itself does not touch; TTL neither; EXPIRE does.
	x.do("TTL", "k")
	x.expect(":7\r\n", "OBJECT", "IDLETIME", "k")
	x.do("EXPIRE", "k", "1000")
	x.expect(":0\r\n", "OBJECT", "IDLETIME", "k")
	// A rename keeps the access time.
	x.clk.Advance(3 * time.Second)
	x.do("RENAME", "k", "k2")
	x.clk.Advance(2 * time.Second)
	x.expect(":2\r\n", "OBJECT", "IDLETIME", "k2")
	// CLIENT NO-TOUCH clients do not update it, except with TOUCH.
	x.c.NoTouch = true
	x.do("PERSIST", "k2")
	x.expect(":2\r\n", "OBJECT", "IDLETIME", "k2")
	x.do("TOUCH", "k2")
	x.expect(":0\r\n", "OBJECT", "IDLETIME", "k2")
	x.c.NoTouch = false

	// LFU: a new key starts at 5, the first access always counts, and the
	// counter decays by one per lfu-decay-time minutes.
	if err := x.cfg.Set("maxmemory-policy", "allkeys-lfu"); err != nil {
		t.Fatal(err)
	}
	x.do("SET", "f", "v")
	x.expect(":5\r\n", "OBJECT", "FREQ", "f")
	x.do("TOUCH", "f")
	x.expect(":6\r\n", "OBJECT", "FREQ", "f")
	x.clk.Advance(3 * time.Minute)
	x.expect(":3\r\n", "OBJECT", "FREQ", "f")
	x.clk.Advance(10 * time.Minute)
	x.expect(":0\r\n", "OBJECT", "FREQ", "f")
	for i := 0; i < 200; i++ {
		x.do("TOUCH", "f")
	}
	if got := x.do("OBJECT", "FREQ", "f"); got == ":0\r\n" || got == ":255\r\n" {
		t.Errorf("FREQ after 200 touches: %q", got)
	}
	if !strings.HasPrefix(x.do("OBJECT", "IDLETIME", "f"), "-ERR An LFU maxmemory policy is selected") {
		t.Errorf("IDLETIME under LFU did not fail")
	}
}

func TestGenericParseCursor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"", 0, true},
		{"\x00x", 0, true},
		{"12\x00x", 12, true},
		{"+5", 5, true},
		{"-0", 0, true},
		{"-1", 1<<64 - 1, true},
		{"18446744073709551615", 1<<64 - 1, true},
		{"18446744073709551616", 0, false},
		{"-18446744073709551615", 1, true},
		{"007", 7, true},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"+-1", 0, false},
		{"x", 0, false},
		{"0x1", 0, false},
		{"1e3", 0, false},
	} {
		got, ok := genericParseCursor([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("genericParseCursor(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// kxScan parses a SCAN reply.
func kxScan(t *testing.T, raw string) (string, []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	if len(lines) < 4 || lines[0] != "*2" {
		t.Fatalf("bad SCAN reply %q", raw)
	}
	cursor := lines[2]
	n, _ := strconv.Atoi(strings.TrimPrefix(lines[3], "*"))
	var keys []string
	for i := 0; i < n; i++ {
		keys = append(keys, lines[5+2*i])
	}
	return cursor, keys
}

func TestGenericScanGuarantees(t *testing.T) {
	x := newKxEnv(t)
	const n = 3000
	for i := 0; i < n; i++ {
		x.do("SET", "k"+strconv.Itoa(i), "v")
	}
	// Keys changed during the scan: every key present for the whole scan
	// is returned exactly once; cursors only move forward.
	seen := map[string]int{}
	cursor := "0"
	prev := -1
	calls := 0
	for {
		raw := x.do("SCAN", cursor, "COUNT", "20")
		next, keys := kxScan(t, raw)
		for _, k := range keys {
			seen[k]++
		}
		calls++
		x.do("SET", "new"+strconv.Itoa(calls), "v")
		x.do("DEL", "k"+strconv.Itoa(n-calls))
		if next == "0" {
			break
		}
		c, _ := strconv.Atoi(next)
		if c <= prev || c >= keyspace.NumShards {
			t.Fatalf("cursor went from %d to %d: %q", prev, c, raw)
		}
		prev = c
		cursor = next
	}
	if calls < 50 {
		t.Errorf("COUNT 20 over %d keys took only %d calls", n, calls)
	}
	for i := 0; i < n-calls; i++ {
		if k := "k" + strconv.Itoa(i); seen[k] != 1 {
			t.Errorf("%s returned %d times", k, seen[k])
		}
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("%s returned %d times", k, c)
		}
	}
	// Out-of-range cursors end the scan; expired keys never show.
	x.expect("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", strconv.Itoa(keyspace.NumShards))
	x.expect("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "-1")
	x.do("FLUSHALL")
	x.do("SET", "live", "v")
	x.do("SET", "dead", "v", "PX", "10")
	x.clk.Advance(time.Second)
	x.expect("*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n", "SCAN", "0")
	x.expect("*1\r\n$4\r\nlive\r\n", "KEYS", "*")
	x.expect("$4\r\nlive\r\n", "RANDOMKEY")
	x.expect(":1\r\n", "DBSIZE")
}

// kxObj is a non-string value for COPY tests.
type kxObj struct{ items []string }

func (o *kxObj) Type() string     { return "list" }
func (o *kxObj) Encoding() string { return "listpack" }
func (o *kxObj) Dup() any         { return &kxObj{items: append([]string(nil), o.items...)} }

type kxNoDup struct{}

func (kxNoDup) Type() string     { return "stream" }
func (kxNoDup) Encoding() string { return "stream" }

func TestGenericCopyObjects(t *testing.T) {
	x := newKxEnv(t)
	db := x.ks.DB(0)
	orig := &kxObj{items: []string{"a"}}
	ent := keyspace.ObjEntry(orig)
	ent.Expire = kxStart + 5000
	db.Set([]byte("l"), ent)
	x.expect(":1\r\n", "COPY", "l", "l2")
	e := db.Lookup([]byte("l2"))
	cp, ok := e.Obj().(*kxObj)
	if !ok || cp == orig || len(cp.items) != 1 || e.Expire != kxStart+5000 {
		t.Fatalf("COPY made %+v", e)
	}
	cp.items[0] = "changed"
	if orig.items[0] != "a" {
		t.Errorf("COPY shares memory with the source")
	}
	x.expect("+list\r\n", "TYPE", "l2")
	x.expect("$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "l2")
	x.expect(":1\r\n", "OBJECT", "REFCOUNT", "l2")
	db.Set([]byte("s"), keyspace.ObjEntry(kxNoDup{}))
	x.expect("-ERR unknown type object\r\n", "COPY", "s", "s2")
	x.expect(":0\r\n", "EXISTS", "s2")

	// A string copy does not share bytes with its source.
	x.do("SET", "str", "abc")
	x.do("COPY", "str", "str2")
	x.do("APPEND", "str2", "d")
	x.expect("$3\r\nabc\r\n", "GET", "str")
}

func TestGenericConcurrentRename(t *testing.T) {
	// RENAME, COPY, MOVE, SCAN and EXPIRE from many clients at once; run
	// with -race. Every key ends up somewhere exactly once.
	x := newKxEnv(t)
	const keys = 64
	for i := 0; i < keys; i++ {
		x.do("SET", "a"+strconv.Itoa(i), "v")
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		c := x.e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", -1)
		wg.Add(1)
		go func(g int, c *engine.Client) {
			defer wg.Done()
			defer x.e.RemoveClient(c)
			run := func(args ...string) {
				argv := make([][]byte, len(args))
				for i, a := range args {
					argv[i] = []byte(a)
				}
				c.W.Reset()
				x.e.Exec(c, argv)
			}
			for i := 0; i < 300; i++ {
				k := strconv.Itoa((i*7 + g) % keys)
				switch i % 6 {
				case 0:
					run("RENAME", "a"+k, "b"+k)
				case 1:
					run("RENAME", "b"+k, "a"+k)
				case 2:
					run("SCAN", strconv.Itoa(i%keyspace.NumShards), "COUNT", "5")
				case 3:
					run("EXPIRE", "a"+k, "1000")
				case 4:
					run("KEYS", "a1*")
				case 5:
					run("PERSIST", "b"+k)
				}
			}
		}(g, c)
	}
	wg.Wait()
	for i := 0; i < keys; i++ {
		k := strconv.Itoa(i)
		if got := x.do("EXISTS", "a"+k, "b"+k); got != ":1\r\n" {
			t.Errorf("key %s: EXISTS a/b = %q", k, got)
		}
	}
	x.expect(kxInt(keys), "DBSIZE")
}
