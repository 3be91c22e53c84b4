package commands

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// In-process tests of hash field expiration (Redis 7.4), which the oracle
// (Redis 7.0) lacks: expectations come from the Redis 7.4 documentation.
// The command table is harvested from Redis 7.0, so the HFE handlers are
// called directly when the table has no spec for them; other commands go
// through the engine.

const hxStart = 1_700_000_000_000

type hxEnv struct {
	t      *testing.T
	clk    *clock.Fake
	ks     *keyspace.Keyspace
	e      *engine.Engine
	c      *engine.Client
	mu     sync.Mutex
	events []string
	fx     []string
}

func (x *hxEnv) Write(batch []engine.Effect) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, ef := range batch {
		parts := make([]string, len(ef.Argv))
		for i, a := range ef.Argv {
			parts[i] = string(a)
		}
		x.fx = append(x.fx, strings.Join(parts, " "))
	}
}

func newHxEnv(t *testing.T) *hxEnv {
	t.Helper()
	x := &hxEnv{t: t, clk: clock.NewFake(hxStart)}
	x.ks = keyspace.New(16, x.clk)
	e, err := engine.New(x.ks, config.New())
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

var hxHandlers = map[string]engine.Handler{
	"hexpire": cmdHExpire, "hpexpire": cmdHPExpire, "hexpireat": cmdHExpireAt, "hpexpireat": cmdHPExpireAt,
	"httl": cmdHTTL, "hpttl": cmdHPTTL, "hexpiretime": cmdHExpireTime, "hpexpiretime": cmdHPExpireTime,
	"hpersist": cmdHPersist,
}

func (x *hxEnv) do(args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	x.c.W.Reset()
	name := strings.ToLower(args[0])
	if h, ok := hxHandlers[name]; ok && command.Lookup(name) == nil {
		// Not in the command table: run the handler as the engine would
		// (single goroutine here, so no locks are needed).
		ctx := engine.Ctx{E: x.e, C: x.c, Cmd: &engine.Command{Spec: &command.Spec{Name: name}}, Argv: argv, W: &x.c.W, DB: x.ks.DB(0)}
		h(&ctx)
	} else {
		x.e.Exec(x.c, argv)
	}
	return string(x.c.W.Buf)
}

func (x *hxEnv) expect(want string, args ...string) {
	x.t.Helper()
	if got := x.do(args...); got != want {
		x.t.Errorf("%q: got %q, want %q", args, got, want)
	}
}

func (x *hxEnv) take() (events, effects []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	events, effects = x.events, x.fx
	x.events, x.fx = nil, nil
	return
}

func ints(ns ...int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(ns))
	for _, n := range ns {
		fmt.Fprintf(&b, ":%d\r\n", n)
	}
	return b.String()
}

func TestHashFieldExpire(t *testing.T) {
	x := newHxEnv(t)
	x.expect(":3\r\n", "HSET", "h", "a", "1", "b", "2", "c", "3")
	x.expect(ints(-2, -2), "HPEXPIRE", "nokey", "100", "FIELDS", "2", "a", "b")
	x.expect(ints(1, -2), "HPEXPIRE", "h", "1500", "FIELDS", "2", "a", "zz")
	x.expect("$10\r\nlistpackex\r\n", "OBJECT", "ENCODING", "h")
	x.expect(ints(1500, -1, -2), "HPTTL", "h", "FIELDS", "3", "a", "b", "zz")
	x.expect(ints(2, -1), "HTTL", "h", "FIELDS", "2", "a", "b")
	x.expect(ints(hxStart+1500), "HPEXPIRETIME", "h", "FIELDS", "1", "a")
	x.expect(ints((hxStart+1500+999)/1000), "HEXPIRETIME", "h", "FIELDS", "1", "a")
	x.expect(ints(-2, -2), "HTTL", "nokey", "FIELDS", "2", "a", "b")

	// Conditions; a field without TTL counts as an infinite TTL.
	x.expect(ints(0, 1), "HPEXPIRE", "h", "1000", "NX", "FIELDS", "2", "a", "b")
	x.expect(ints(1, 0), "HPEXPIRE", "h", "2000", "XX", "FIELDS", "2", "a", "c")
	x.expect(ints(0, 1), "HPEXPIRE", "h", "1500", "GT", "FIELDS", "2", "a", "b")
	x.expect(ints(0), "HPEXPIRE", "h", "1500", "GT", "FIELDS", "1", "c")
	x.expect(ints(1, 1), "HPEXPIRE", "h", "900", "LT", "FIELDS", "2", "a", "c")
	x.expect(ints(900, 1500, 900), "HPTTL", "h", "FIELDS", "3", "a", "b", "c")
	x.expect(ints(1), "HEXPIREAT", "h", strconv.FormatInt(hxStart/1000+100, 10), "FIELDS", "1", "b")
	x.expect(ints(hxStart+100000), "HPEXPIRETIME", "h", "FIELDS", "1", "b")
	x.expect(ints(1), "HPEXPIREAT", "h", strconv.FormatInt(hxStart+5000, 10), "FIELDS", "1", "b")
	x.expect(ints(1), "HEXPIRE", "h", "5", "FIELDS", "1", "b")
	x.expect(ints(5), "HTTL", "h", "FIELDS", "1", "b")
	x.expect(ints(5000), "HPTTL", "h", "FIELDS", "1", "b")

	// Syntax and range errors.
	x.expect("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n", "HEXPIRE", "h", "10", "2", "a", "b")
	x.expect("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n", "HEXPIRE", "h", "10", "XX", "NX", "FIELDS", "1", "a")
	x.expect("-ERR The `numfields` parameter must match the number of arguments\r\n", "HEXPIRE", "h", "10", "FIELDS", "2", "a")
	x.expect("-ERR The `numfields` parameter must match the number of arguments\r\n", "HTTL", "h", "FIELDS", "1", "a", "b")
	x.expect("-ERR Number of fields must be a positive integer\r\n", "HEXPIRE", "h", "10", "FIELDS", "0", "a")
	x.expect("-ERR Number of fields must be a positive integer\r\n", "HPERSIST", "h", "FIELDS", "x", "a")
	x.expect("-ERR value is not an integer or out of range\r\n", "HEXPIRE", "h", "x", "FIELDS", "1", "a")
	x.expect("-ERR invalid expire time, must be >= 0\r\n", "HEXPIRE", "h", "-1", "FIELDS", "1", "a")
	x.expect("-ERR invalid expire time in 'hexpire' command\r\n", "HEXPIRE", "h", "9223372036854775", "FIELDS", "1", "a")
	x.expect("-ERR invalid expire time in 'hpexpireat' command\r\n", "HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a")
	x.do("SET", "str", "v")
	x.expect("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "HEXPIRE", "str", "10", "FIELDS", "1", "a")
	x.expect("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "HTTL", "str", "FIELDS", "1", "a")
	x.expect("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "HPERSIST", "str", "FIELDS", "1", "a")

	// HPERSIST.
	x.expect(ints(1, -2), "HPERSIST", "h", "FIELDS", "2", "a", "zz")
	x.expect(ints(-1, -2), "HPERSIST", "h", "FIELDS", "2", "a", "zz")
	x.expect(ints(-1), "HTTL", "h", "FIELDS", "1", "a")
	x.expect(ints(-2), "HPERSIST", "nokey", "FIELDS", "1", "a")

	// HSET overwriting a field drops its TTL; HINCRBY and HINCRBYFLOAT keep it.
	x.expect(ints(1), "HPEXPIRE", "h", "800", "FIELDS", "1", "a")
	x.expect(":0\r\n", "HSET", "h", "a", "10")
	x.expect(ints(-1), "HPTTL", "h", "FIELDS", "1", "a")
	x.expect(ints(1), "HPEXPIRE", "h", "800", "FIELDS", "1", "a")
	x.expect(":11\r\n", "HINCRBY", "h", "a", "1")
	x.expect("$4\r\n11.5\r\n", "HINCRBYFLOAT", "h", "a", "0.5")
	x.expect(ints(800), "HPTTL", "h", "FIELDS", "1", "a")
}

func TestHashFieldExpiryReclaim(t *testing.T) {
	x := newHxEnv(t)
	x.do("HSET", "h", "a", "1", "b", "2", "c", "3")
	x.do("HPEXPIRE", "h", "100", "FIELDS", "1", "a")
	x.do("HPEXPIRE", "h", "200", "FIELDS", "1", "b")
	x.take()
	x.clk.Advance(100 * time.Millisecond)
	// At its expiry millisecond a field is still there, as a key.
	x.expect("$1\r\n1\r\n", "HGET", "h", "a")
	x.clk.Advance(time.Millisecond)
	// The expired field is invisible and reclaimed on access.
	x.expect("$-1\r\n", "HGET", "h", "a")
	events, effects := x.take()
	kxLike(t, "events", events, []string{"hexpired:h"})
	kxLike(t, "effects", effects, []string{"HDEL h a"})
	x.expect(":2\r\n", "HLEN", "h")
	x.expect("*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", "HGETALL", "h")
	x.expect(ints(-2, 99, -1), "HPTTL", "h", "FIELDS", "3", "a", "b", "c")
	// A write command: the reclaiming HDEL is propagated before it.
	x.clk.Advance(100 * time.Millisecond)
	x.take()
	x.expect(":1\r\n", "HSET", "h", "d", "4")
	_, effects = x.take()
	kxLike(t, "effects", effects, []string{"HDEL h b", "HSET h d 4"})
	// When every field expired the key is gone.
	x.do("HPEXPIRE", "h", "10", "FIELDS", "2", "c", "d")
	x.clk.Advance(11 * time.Millisecond)
	x.take()
	// Reclaiming is lazy: the first hash command deletes the key.
	x.expect(":0\r\n", "HLEN", "h")
	events, _ = x.take()
	kxLike(t, "events", events, []string{"hexpired:h", "del:h"})
	x.expect(":0\r\n", "EXISTS", "h")

	// A time in the past deletes the fields at once (reply 2).
	x.do("HSET", "p", "a", "1", "b", "2")
	x.take()
	x.expect(ints(2, -2), "HPEXPIREAT", "p", "1", "FIELDS", "2", "a", "zz")
	x.expect(ints(2), "HEXPIRE", "p", "0", "FIELDS", "1", "b")
	events, _ = x.take()
	kxLike(t, "events", events, []string{"hdel:p", "hdel:p", "del:p"})
	x.expect(":0\r\n", "EXISTS", "p")

	// A hashtable-encoded hash with field TTLs.
	args := []string{"HSET", "big"}
	for i := 0; i < 600; i++ {
		args = append(args, "f"+strconv.Itoa(i), "v")
	}
	x.do(args...)
	x.expect("$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "big")
	for i := 0; i < 600; i += 2 {
		x.expect(ints(1), "HPEXPIRE", "big", "50", "FIELDS", "1", "f"+strconv.Itoa(i))
	}
	x.clk.Advance(51 * time.Millisecond)
	x.expect(":300\r\n", "HLEN", "big")
	x.expect("$-1\r\n", "HGET", "big", "f0")
	x.expect("$1\r\nv\r\n", "HGET", "big", "f1")
	x.expect("*2\r\n$1\r\n0\r\n*0\r\n", "HSCAN", "big", "0", "MATCH", "f0", "COUNT", "1000")
}

func kxLike(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestHashBlockingEffects(t *testing.T) {
	// Propagation of list pops served immediately by blocking commands and
	// of SPOP / HINCRBYFLOAT rewrites.
	x := newHxEnv(t)
	x.do("RPUSH", "l", "a", "b", "c")
	x.do("SADD", "s", "1")
	x.take()
	x.expect("*2\r\n$1\r\nl\r\n$1\r\na\r\n", "BLPOP", "l", "0")
	x.expect("*2\r\n$1\r\nl\r\n$1\r\nc\r\n", "BRPOP", "l", "0")
	x.expect("$1\r\nb\r\n", "BLMOVE", "l", "m", "LEFT", "RIGHT", "0")
	x.expect("$1\r\nb\r\n", "BRPOPLPUSH", "m", "n", "0")
	_, effects := x.take()
	kxLike(t, "effects", effects, []string{"LPOP l", "RPOP l", "LMOVE l m LEFT RIGHT", "RPOPLPUSH m n"})
	x.do("RPUSH", "l", "x", "y")
	x.take()
	x.expect("*2\r\n$1\r\nl\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n", "BLMPOP", "0", "1", "l", "LEFT", "COUNT", "5")
	x.expect("$1\r\n1\r\n", "SPOP", "s")
	x.expect("$3\r\n1.5\r\n", "HINCRBYFLOAT", "h", "f", "1.5")
	_, effects = x.take()
	kxLike(t, "effects", effects, []string{"LPOP l 2", "SREM s 1", "HSET h f 1.5"})
}

// TestHashMemoryPerKeyRegression loads small hashes through HSET (5 fields
// of 8 bytes, as bench/collections_memory.sh) and checks the live heap per
// key: packed next to their keys they cost about 163 bytes each here (the
// shards' tables and arena pages are far from full at 200k keys); boxed (a
// box, a Hash header and a listpack on top) about 200.
func TestHashMemoryPerKeyRegression(t *testing.T) {
	const n = 200_000
	const threshold = 180
	x := newCnEnv(t)
	x.e.RemoveSink(x.sink) // it keeps every write
	c := x.client()
	live := func() int64 {
		runtime.GC()
		runtime.GC()
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		return int64(s[0].Value.Uint64())
	}
	argv := [][]byte{[]byte("HSET"), nil, []byte("f1"), nil, []byte("f2"), nil, []byte("f3"), nil, []byte("f4"), nil, []byte("f5"), nil}
	before := live()
	for i := 0; i < n; i++ {
		argv[1] = []byte("h:" + strconv.Itoa(i))
		for j := 3; j < len(argv); j += 2 {
			argv[j] = []byte(fmt.Sprintf("%08d", i*7+j))
		}
		c.W.Reset()
		x.e.Exec(c, argv)
	}
	if got := cnRun(x.e, c, "HGET", "h:4242", "f3"); got != fmt.Sprintf("$8\r\n%08d\r\n", 4242*7+7) {
		t.Fatalf("HGET after the load: %q", got)
	}
	per := float64(live()-before) / n
	runtime.KeepAlive(x)
	t.Logf("%.1f heap bytes per small hash (threshold %d)", per, threshold)
	if per > threshold {
		t.Errorf("%.1f heap bytes per small hash exceeds %d", per, threshold)
	}
}
