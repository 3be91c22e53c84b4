package commands

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Unit tests of the string and bitmap families with a fake clock: what the
// differential tests cannot see (propagated effects, keyspace events,
// WRONGTYPE before other types exist, long double emulation).

const sxStart = 1_700_000_000_000 // fake clock start, Unix ms

// sxFakeObj is a non-string value for WRONGTYPE paths.
type sxFakeObj struct{}

func (sxFakeObj) Type() string     { return "list" }
func (sxFakeObj) Encoding() string { return "listpack" }

type sxEnv struct {
	t      *testing.T
	clk    *clock.Fake
	cfg    *config.Config
	e      *engine.Engine
	c      *engine.Client
	mu     sync.Mutex
	events []string
	props  []string
}

func (x *sxEnv) Write(batch []engine.Effect) {
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

func newSxEnv(t *testing.T) *sxEnv {
	t.Helper()
	x := &sxEnv{t: t, clk: clock.NewFake(sxStart), cfg: config.New()}
	ks := keyspace.New(16, x.clk)
	e, err := engine.New(ks, x.cfg)
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

// do runs a command and returns its raw reply.
func (x *sxEnv) do(args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	x.c.W.Reset()
	x.e.Exec(x.c, argv)
	return string(x.c.W.Buf)
}

// expect runs a command and checks its raw reply.
func (x *sxEnv) expect(want string, args ...string) {
	x.t.Helper()
	if got := x.do(args...); got != want {
		x.t.Errorf("%q: got %q, want %q", args, got, want)
	}
}

// take returns and clears the recorded events and propagated commands.
func (x *sxEnv) take() (events, props []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	events, props = x.events, x.props
	x.events, x.props = nil, nil
	return
}

// check runs a command and compares the events and effects it produced.
func (x *sxEnv) check(args []string, wantEvents, wantProps []string) {
	x.t.Helper()
	x.take()
	x.do(args...)
	ev, pr := x.take()
	if fmt.Sprint(ev) != fmt.Sprint(wantEvents) {
		x.t.Errorf("%q events: got %q, want %q", args, ev, wantEvents)
	}
	if fmt.Sprint(pr) != fmt.Sprint(wantProps) {
		x.t.Errorf("%q propagated: got %q, want %q", args, pr, wantProps)
	}
}

func (x *sxEnv) putObj(key string) {
	db := x.e.KS.DB(0)
	db.Set([]byte(key), keyspace.ObjEntry(sxFakeObj{}))
}

func sxa(args ...string) []string { return args }

const sxWrongTypeReply = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

func TestStringCommandsWrongType(t *testing.T) {
	x := newSxEnv(t)
	x.putObj("l")
	for _, args := range [][]string{
		sxa("GET", "l"), sxa("SET", "l", "v", "GET"), sxa("SET", "l", "v", "NX", "GET"),
		sxa("GETEX", "l"), sxa("GETEX", "l", "EX", "0"), sxa("GETDEL", "l"), sxa("GETSET", "l", "v"),
		sxa("APPEND", "l", "x"), sxa("STRLEN", "l"), sxa("GETRANGE", "l", "0", "1"), sxa("SUBSTR", "l", "0", "1"),
		sxa("SETRANGE", "l", "0", "x"), sxa("SETRANGE", "l", "0", ""), sxa("INCR", "l"), sxa("DECR", "l"),
		sxa("INCRBY", "l", "1"), sxa("DECRBY", "l", "1"), sxa("INCRBYFLOAT", "l", "1"),
		sxa("SETBIT", "l", "0", "1"), sxa("GETBIT", "l", "0"), sxa("BITCOUNT", "l"), sxa("BITCOUNT", "l", "x", "y"),
		sxa("BITPOS", "l", "1"), sxa("BITOP", "AND", "d", "l"), sxa("BITOP", "OR", "d", "nokey", "l"),
		sxa("BITFIELD", "l", "GET", "u8", "0"), sxa("BITFIELD", "l", "SET", "u8", "0", "1"),
		sxa("BITFIELD", "l"), sxa("BITFIELD_RO", "l", "GET", "u8", "0"),
	} {
		x.expect(sxWrongTypeReply, args...)
	}
	// Errors that come before the type check.
	x.expect("-ERR value is not an integer or out of range\r\n", "GETRANGE", "l", "x", "1")
	x.expect("-ERR offset is out of range\r\n", "SETRANGE", "l", "-1", "x")
	x.expect("-ERR bit offset is not an integer or out of range\r\n", "SETBIT", "l", "-1", "1")
	x.expect("-ERR bit is not an integer or out of range\r\n", "SETBIT", "l", "1", "2")
	x.expect("-ERR bit offset is not an integer or out of range\r\n", "GETBIT", "l", "x")
	x.expect("-ERR The bit argument must be 1 or 0.\r\n", "BITPOS", "l", "2")
	x.expect("-ERR syntax error\r\n", "SET", "l", "v", "FOO", "GET")
	x.expect("-ERR invalid expire time in 'set' command\r\n", "SET", "l", "v", "EX", "0", "GET")
	x.expect("-ERR syntax error\r\n", "BITFIELD", "l", "FOO")
	x.expect("-ERR BITFIELD_RO only supports the GET subcommand\r\n", "BITFIELD_RO", "l", "SET", "u8", "0", "1")
	x.expect("-ERR The specified keys must contain string values\r\n", "LCS", "l", "nokey")
	x.expect("-ERR The specified keys must contain string values\r\n", "LCS", "nokey", "l", "FOO")
	// MGET reports other types as nil; overwriting commands replace them.
	x.expect("*2\r\n$-1\r\n$-1\r\n", "MGET", "l", "nokey")
	x.expect(":0\r\n", "SETNX", "l", "v")
	x.expect(":0\r\n", "MSETNX", "l", "v")
	x.expect("+OK\r\n", "SET", "l", "v", "XX")
	x.expect("$1\r\nv\r\n", "GET", "l")
	x.putObj("l")
	x.expect("+OK\r\n", "MSET", "l", "w")
	x.expect("$1\r\nw\r\n", "GET", "l")
	x.putObj("l")
	x.expect("+OK\r\n", "SETEX", "l", "10", "z")
	x.expect("$1\r\nz\r\n", "GET", "l")
	x.putObj("l")
	x.do("SET", "z", "z")
	x.expect(":1\r\n", "BITOP", "NOT", "l", "z")
	x.expect("$1\r\n\x85\r\n", "GET", "l")
	x.putObj("l")
	x.expect(":0\r\n", "BITOP", "NOT", "l", "nokey")
	x.expect(":0\r\n", "EXISTS", "l")
}

func TestStringCommandsPropagationAndEvents(t *testing.T) {
	x := newSxEnv(t)
	now := int64(sxStart)
	x.check(sxa("SET", "k", "v"), sxa("new:k", "set:k"), sxa("SET k v"))
	x.check(sxa("SET", "k", "v2"), sxa("set:k"), sxa("SET k v2"))
	x.check(sxa("SET", "k", "v", "NX"), nil, nil)
	x.check(sxa("SET", "k", "v3", "GET", "get"), sxa("set:k"), sxa("SET k v3"))
	x.check(sxa("SET", "k", "v", "EX", "10"), sxa("set:k", "expire:k"),
		sxa(fmt.Sprintf("SET k v PXAT %d", now+10000)))
	x.check(sxa("SET", "k", "v", "PX", "10", "XX", "GET"), sxa("set:k", "expire:k"),
		sxa(fmt.Sprintf("SET k v PXAT %d", now+10)))
	x.check(sxa("SET", "k", "v", "EXAT", "1"), sxa("set:k", "expire:k"), sxa("SET k v PXAT 1000"))
	// The past expire is reclaimed lazily, as in Redis 7.0; read lookups
	// that miss fire "keymiss" (checked against redis-server 7.0.15).
	x.check(sxa("GET", "k"), sxa("expired:k", "keymiss:k"), sxa("DEL k"))
	x.check(sxa("SET", "k", "v", "KEEPTTL"), sxa("new:k", "set:k"), sxa("SET k v KEEPTTL"))
	x.check(sxa("SETNX", "k", "v"), nil, nil)
	x.check(sxa("SETNX", "n", "v"), sxa("new:n", "set:n"), sxa("SETNX n v"))
	x.check(sxa("SETEX", "n", "5", "v"), sxa("set:n", "expire:n"), sxa(fmt.Sprintf("SET n v PXAT %d", now+5000)))
	x.check(sxa("PSETEX", "n", "5", "v"), sxa("set:n", "expire:n"), sxa(fmt.Sprintf("SET n v PXAT %d", now+5)))
	x.check(sxa("GETEX", "n"), nil, nil)
	x.check(sxa("GETEX", "n", "PERSIST"), sxa("persist:n"), sxa("PERSIST n"))
	x.check(sxa("GETEX", "n", "PERSIST"), nil, nil)
	x.check(sxa("GETEX", "n", "EX", "7"), sxa("expire:n"), sxa(fmt.Sprintf("PEXPIREAT n %d", now+7000)))
	x.check(sxa("GETEX", "n", "PXAT", fmt.Sprint(now)), sxa("del:n"), sxa("DEL n"))
	x.check(sxa("GETEX", "n", "PXAT", fmt.Sprint(now)), sxa("keymiss:n"), nil)
	x.check(sxa("GETDEL", "k"), sxa("del:k"), sxa("DEL k"))
	x.check(sxa("GETDEL", "k"), sxa("keymiss:k"), nil)
	x.check(sxa("GETSET", "k", "1"), sxa("keymiss:k", "new:k", "set:k"), sxa("SET k 1"))
	x.check(sxa("GETSET", "k", "2"), sxa("set:k"), sxa("SET k 2"))
	x.check(sxa("MSET", "k", "1", "m", "2"), sxa("set:k", "new:m", "set:m"), sxa("MSET k 1 m 2"))
	x.check(sxa("MSETNX", "k", "1", "z", "2"), nil, nil)
	x.check(sxa("MSETNX", "y", "1", "z", "2"), sxa("new:y", "set:y", "new:z", "set:z"), sxa("MSETNX y 1 z 2"))
	x.check(sxa("APPEND", "ap", "x"), sxa("new:ap", "append:ap"), sxa("APPEND ap x"))
	x.check(sxa("APPEND", "ap", "y"), sxa("append:ap"), sxa("APPEND ap y"))
	x.check(sxa("SETRANGE", "sr", "2", "x"), sxa("new:sr", "setrange:sr"), sxa("SETRANGE sr 2 x"))
	x.check(sxa("SETRANGE", "sr", "2", ""), nil, nil)
	x.check(sxa("INCR", "i"), sxa("new:i", "incrby:i"), sxa("INCR i"))
	x.check(sxa("DECRBY", "i", "5"), sxa("incrby:i"), sxa("DECRBY i 5"))
	x.check(sxa("INCRBYFLOAT", "i", "1.5"), sxa("incrbyfloat:i"), sxa("SET i -2.5 KEEPTTL"))
	x.check(sxa("INCRBYFLOAT", "f", "0.1"), sxa("new:f", "incrbyfloat:f"), sxa("SET f 0.1 KEEPTTL"))
	x.check(sxa("LCS", "f", "i"), nil, nil)

	// lazyfree-lazy-user-del / lazyfree-lazy-expire propagate UNLINK.
	if err := x.cfg.Set("lazyfree-lazy-user-del", "yes", "lazyfree-lazy-expire", "yes"); err != nil {
		t.Fatal(err)
	}
	x.check(sxa("GETDEL", "f"), sxa("del:f"), sxa("UNLINK f"))
	x.check(sxa("GETEX", "i", "EXAT", "1"), sxa("del:i"), sxa("UNLINK i"))
}

func TestBitmapCommandsPropagationAndEvents(t *testing.T) {
	x := newSxEnv(t)
	x.check(sxa("SETBIT", "b", "3", "1"), sxa("new:b", "setbit:b"), sxa("SETBIT b 3 1"))
	x.check(sxa("SETBIT", "b", "3", "1"), nil, nil)
	x.check(sxa("SETBIT", "b", "3", "0"), sxa("setbit:b"), sxa("SETBIT b 3 0"))
	x.check(sxa("SETBIT", "b", "3", "0"), nil, nil)
	x.check(sxa("SETBIT", "b", "100", "0"), sxa("setbit:b"), sxa("SETBIT b 100 0"))
	x.check(sxa("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"), sxa("new:bf"), nil)
	x.check(sxa("BITFIELD", "bf", "SET", "u8", "0", "0"), nil, nil)
	x.check(sxa("BITFIELD", "bf", "SET", "u8", "0", "1", "GET", "u8", "0"), sxa("setbit:bf"), sxa("BITFIELD bf SET u8 0 1 GET u8 0"))
	x.check(sxa("BITFIELD", "bf", "GET", "u8", "0"), nil, nil)
	x.check(sxa("BITOP", "NOT", "d", "bf"), sxa("new:d", "set:d"), sxa("BITOP NOT d bf"))
	x.check(sxa("BITOP", "AND", "d", "bf"), sxa("set:d"), sxa("BITOP AND d bf"))
	x.check(sxa("BITOP", "AND", "d", "nokey"), sxa("keymiss:nokey", "del:d"), sxa("BITOP AND d nokey"))
	x.check(sxa("BITOP", "AND", "d", "nokey"), sxa("keymiss:nokey"), nil)

	// BITFIELD counts each change in the dirty counter, as Redis.
	// A grown string makes every write a change.
	before := x.e.Stats.Dirty.Load()
	x.do("BITFIELD", "bf", "SET", "u8", "0", "7", "SET", "u8", "8", "9", "SET", "u8", "8", "9")
	if d := x.e.Stats.Dirty.Load() - before; d != 3 {
		t.Errorf("BITFIELD dirty: got %d, want 3", d)
	}
	before = x.e.Stats.Dirty.Load()
	x.do("BITFIELD", "bf", "SET", "u8", "0", "8", "SET", "u8", "8", "9", "SET", "u8", "8", "10")
	if d := x.e.Stats.Dirty.Load() - before; d != 2 {
		t.Errorf("BITFIELD dirty: got %d, want 2", d)
	}
}

func TestStringCommandsTTL(t *testing.T) {
	x := newSxEnv(t)
	db := x.e.KS.DB(0)
	ttl := func(key string) int64 {
		e := db.Peek([]byte(key))
		if e == nil {
			return -2
		}
		return e.Expire
	}
	x.do("SET", "k", "v", "PX", "1000")
	x.do("SET", "k", "v2", "KEEPTTL")
	if got := ttl("k"); got != sxStart+1000 {
		t.Errorf("KEEPTTL: expire %d", got)
	}
	for _, args := range [][]string{
		sxa("APPEND", "k", "x"), sxa("SETRANGE", "k", "0", "y"), sxa("SETBIT", "k", "100", "1"),
		sxa("BITFIELD", "k", "SET", "u8", "200", "1"),
	} {
		x.do(args...)
		if got := ttl("k"); got != sxStart+1000 {
			t.Errorf("%q dropped the TTL: %d", args, got)
		}
	}
	x.do("SET", "n", "1", "PX", "1000")
	x.do("INCR", "n")
	x.do("INCRBYFLOAT", "n", "1")
	if got := ttl("n"); got != sxStart+1000 {
		t.Errorf("INCR dropped the TTL: %d", got)
	}
	x.do("SET", "k", "v")
	if got := ttl("k"); got != 0 {
		t.Errorf("SET kept the TTL: %d", got)
	}
	x.do("SET", "g", "v", "PX", "1000")
	x.do("GETSET", "g", "w")
	if got := ttl("g"); got != 0 {
		t.Errorf("GETSET kept the TTL: %d", got)
	}
	x.do("SET", "k", "v", "PX", "500")
	x.clk.Advance(500e6)
	x.expect("$1\r\nv\r\n", "GET", "k") // at its expiry millisecond: still there
	x.clk.Advance(1e6)
	x.expect("$-1\r\n", "GET", "k")
	x.expect(":1\r\n", "INCR", "k")
	x.expect(":-1\r\n", "PTTL", "k")
}

func TestStringValuesAreNotShared(t *testing.T) {
	x := newSxEnv(t)
	// Values stored from argv must survive reuse of the request buffer.
	argv := [][]byte{[]byte("SET"), []byte("k"), []byte("value")}
	x.e.Exec(x.c, argv)
	copy(argv[2], "XXXXX")
	x.expect("$5\r\nvalue\r\n", "GET", "k")
	// Keys written from the same argument never share a buffer.
	x.do("MSET", "a", "same", "b", "same")
	x.do("APPEND", "a", "!")
	x.expect("$4\r\nsame\r\n", "GET", "b")
}

func TestLongDoubleFormatting(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"10.5", "0.1", "10.6"},
		{"3.0", "1.1", "4.1"},
		{"0", "0.1", "0.1"},
		{"1", "0.3333333333333333333333", "1.33333333333333333"},
		{"10", "-10", "0"},
		{"0", "-1e-30", "0"},
		{"0", "1.5e-17", "0.00000000000000002"},
		{"0", "0x1p-18", "0.00000381469726562"}, // exact ties: to even
		{"0", "0x7p-18", "0.00002670288085938"},
		{"0", "0x3p-18", "0.00001144409179688"},
		{"17179869184", "1.5", "17179869185.5"},
		{"0", "0x1p-2", "0.25"},
		{"0", "1e20", "100000000000000000000"},
		{"0", "123456789012345678901234567890", "123456789012345678901234567890"},
	}
	for _, tc := range cases {
		x, st := parseLongDouble([]byte(tc.a))
		if st != ldOK {
			t.Fatalf("parse %q: %v", tc.a, st)
		}
		y, st := parseLongDouble([]byte(tc.b))
		if st != ldOK {
			t.Fatalf("parse %q: %v", tc.b, st)
		}
		sum, ok := addLongDouble(x, y)
		if !ok {
			t.Fatalf("%s+%s overflowed", tc.a, tc.b)
		}
		got := string(formatLongDouble(sum))
		if tc.want == "123456789012345678901234567890" {
			// 64-bit mantissa: only the first ~19 digits survive.
			if !strings.HasPrefix(got, "123456789012345678") || len(got) != 30 {
				t.Errorf("%s+%s = %s", tc.a, tc.b, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s+%s = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
	for _, s := range []string{"", " 1", "1 ", "abc", "1e", "0x", "nan", "1e5000", "1e-5000", "1\x00", "--1", "0x1p", "1_0"} {
		if _, st := parseLongDouble([]byte(s)); st != ldInvalid {
			t.Errorf("parse %q: got %v, want invalid", s, st)
		}
	}
	for _, s := range []string{"inf", "-INF", "+Infinity"} {
		if _, st := parseLongDouble([]byte(s)); st != ldInf {
			t.Errorf("parse %q: got %v, want inf", s, st)
		}
	}
	for _, s := range []string{"0e99999999999", "1e-4950", "0x1p-16445", "1.18973149535723176502e+4932"} {
		if _, st := parseLongDouble([]byte(s)); st != ldOK {
			t.Errorf("parse %q: got %v, want ok", s, st)
		}
	}
	big1, _ := parseLongDouble([]byte("1.1e4932"))
	if _, ok := addLongDouble(big1, big1); ok {
		t.Error("1.1e4932*2 should overflow")
	}
}

func FuzzParseLongDouble(f *testing.F) {
	for _, s := range []string{"1.5", "0x1p3", "-inf", "1e4932", ".5", "1e-4950"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, st := parseLongDouble(b)
		if st == ldOK {
			formatLongDouble(v)
		}
	})
}

func TestLongDoubleTinyFormatting(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"5e-18", "0"}, {"5.1e-18", "0.00000000000000001"}, {"6.9e-18", "0.00000000000000001"},
		{"3.4e-18", "0"}, {"-6e-18", "-0.00000000000000001"}, {"-4e-18", "0"}, {"0x1p-57", "0.00000000000000001"},
		{"0x1p-58", "0"},
	} {
		v, st := parseLongDouble([]byte(c.in))
		if st != ldOK {
			t.Fatalf("parse %q", c.in)
		}
		if got := string(formatLongDouble(v)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}

// A client's cache of its last command name (engine.nameCache) must not
// answer for another name, whatever its length or case.
func TestCommandNameCache(t *testing.T) {
	x := newSxEnv(t)
	x.expect("+OK\r\n", "SET", "k", "v")
	x.expect("$1\r\nv\r\n", "GET", "k")
	x.expect("$1\r\nv\r\n", "GET", "k")
	x.expect("$1\r\nv\r\n", "gEt", "k")
	x.expect(":1\r\n", "DEL", "k")
	x.expect("$-1\r\n", "GET", "k")
	x.expect("-ERR unknown command 'GETX', with args beginning with: 'k' \r\n", "GETX", "k")
	x.expect("+OK\r\n", "SET", "k", "w")
	x.expect("$1\r\nw\r\n", "GET", "k")
	x.expect(":1\r\n", "STRLEN", "k")
	x.expect("$-1\r\n", "GETDEL", "nokey")
	x.expect(":1\r\n", "strlen", "k")
}
