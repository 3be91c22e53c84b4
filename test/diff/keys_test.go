package diff

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

// Differential tests of the generic keyspace commands (keys.go, dbs.go).

func TestKeysDel(t *testing.T) {
	p := newPair(t)
	p.run(
		c("DEL"),
		c("UNLINK"),
		c("DEL", "nosuch"),
		c("SET", "a", "1"),
		c("SET", "b", "2"),
		c("SET", "c", "3"),
		c("DEL", "a", "a", "nosuch"),
		c("EXISTS", "a"),
		c("DEL", "b", "c", "d"),
		c("DBSIZE"),
		c("SET", "a", "1"),
		c("UNLINK", "a", "a", "zz"),
		c("UNLINK", "a"),
		c("EXISTS", "a"),
		c("del", "x"),
	)
	// Keys already expired count as absent.
	p.run(
		c("SET", "e", "v", "PXAT", "1"),
		c("DEL", "e"),
		c("SET", "e", "v", "PXAT", "1"),
		c("UNLINK", "e"),
	)
	p.resp3()
	p.run(c("SET", "a", "1"), c("DEL", "a", "b"))
}

func TestKeysExists(t *testing.T) {
	p := newPair(t)
	p.run(
		c("EXISTS"),
		c("EXISTS", "a"),
		c("SET", "a", "1"),
		c("EXISTS", "a"),
		c("EXISTS", "a", "a", "a"),
		c("EXISTS", "a", "b", "a", "b"),
		c("SET", "b", "", "PXAT", "1"),
		c("EXISTS", "b"),
		c("SET", "", "empty"),
		c("EXISTS", ""),
	)
}

func TestKeysType(t *testing.T) {
	p := newPair(t)
	p.run(
		c("TYPE"),
		c("TYPE", "a", "b"),
		c("TYPE", "nosuch"),
		c("SET", "s", "v"),
		c("TYPE", "s"),
		c("SET", "x", "v", "PXAT", "1"),
		c("TYPE", "x"),
	)
	p.resp3()
	p.run(c("TYPE", "s"), c("TYPE", "nosuch"))
}

// TestKeysTypeOthers covers the other data types; it needs their families.
func TestKeysTypeOthers(t *testing.T) {
	p := newPair(t)
	p.run(
		c("LPUSH", "l", "a"),
		c("HSET", "h", "f", "v"),
		c("SADD", "st", "m"),
		c("ZADD", "z", "1", "m"),
		c("TYPE", "l"),
		c("TYPE", "h"),
		c("TYPE", "st"),
		c("TYPE", "z"),
		// Lists and sets: Redis 7.0 has no listpack encoding for them.
		c("OBJECT", "ENCODING", "h"),
		c("OBJECT", "ENCODING", "z"),
		c("OBJECT", "REFCOUNT", "h"),
		c("COPY", "l", "l2"),
		c("LRANGE", "l2", "0", "-1"),
		c("COPY", "h", "h2"),
		c("HGETALL", "h2"),
		c("HSET", "h2", "g", "w"),
		c("HLEN", "h"),
		c("COPY", "st", "st2"),
		c("SMEMBERS", "st2"),
		c("COPY", "z", "z2"),
		c("ZRANGE", "z2", "0", "-1", "WITHSCORES"),
		c("RENAME", "l", "l3"),
		c("LRANGE", "l3", "0", "-1"),
	)
	p.doSorted("SCAN", "0", "TYPE", "list")
	p.doSorted("KEYS", "*")
}

func TestKeysTouch(t *testing.T) {
	p := newPair(t)
	p.run(
		c("TOUCH"),
		c("TOUCH", "a"),
		c("SET", "a", "1"),
		c("SET", "b", "1"),
		c("TOUCH", "a", "b", "c", "a"),
		c("SET", "x", "v", "PXAT", "1"),
		c("TOUCH", "x"),
	)
}

func TestKeysRename(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RENAME", "a"),
		c("RENAME", "a", "b", "c"),
		c("RENAMENX", "a"),
		c("RENAME", "nosuch", "b"),
		c("RENAMENX", "nosuch", "b"),
		c("RENAME", "nosuch", "nosuch"),
		c("RENAMENX", "nosuch", "nosuch"),
		c("SET", "a", "1"),
		c("RENAME", "a", "a"),
		c("RENAMENX", "a", "a"),
		c("GET", "a"),
		c("RENAME", "a", "b"),
		c("EXISTS", "a"),
		c("GET", "b"),
		c("SET", "c", "3"),
		c("RENAMENX", "b", "c"),
		c("GET", "b"),
		c("GET", "c"),
		c("RENAMENX", "b", "d"),
		c("GET", "d"),
		c("EXISTS", "b"),
		// Overwrite: the destination's value and TTL are replaced.
		c("SET", "src", "s"),
		c("SET", "dst", "d", "EX", "1000"),
		c("RENAME", "src", "dst"),
		c("GET", "dst"),
		c("TTL", "dst"),
		// The TTL travels with the value.
		c("SET", "t", "v", "EXAT", "4000000000"),
		c("RENAME", "t", "t2"),
		c("EXPIRETIME", "t2"),
		c("RENAMENX", "t2", "t3"),
		c("EXPIRETIME", "t3"),
		// An expired source is missing; an expired destination is free.
		c("SET", "gone", "v", "PXAT", "1"),
		c("RENAME", "gone", "x"),
		c("SET", "live", "v"),
		c("SET", "dead", "v", "PXAT", "1"),
		c("RENAMENX", "live", "dead"),
		c("GET", "dead"),
		// Encodings survive a rename.
		c("SET", "n", "12345"),
		c("RENAME", "n", "n2"),
		c("OBJECT", "ENCODING", "n2"),
		c("SET", "r", "ab"),
		c("APPEND", "r", "c"),
		c("RENAME", "r", "r2"),
		c("OBJECT", "ENCODING", "r2"),
	)
	p.doSorted("KEYS", "*")
}

func TestKeysCopy(t *testing.T) {
	p := newPair(t)
	p.run(
		c("COPY"),
		c("COPY", "a"),
		c("COPY", "a", "b", "c"),
		c("COPY", "a", "b", "DB"),
		c("COPY", "a", "b", "DB", "x"),
		c("COPY", "a", "b", "DB", "-1"),
		c("COPY", "a", "b", "DB", "16"),
		c("COPY", "a", "b", "DB", "4294967296"),
		c("COPY", "a", "b", "DB", "1", "XX"),
		c("COPY", "a", "b", "REPLACE", "REPLACE"),
		c("COPY", "a", "a"),
		c("COPY", "a", "a", "DB", "0"),
		c("COPY", "a", "a", "DB", "1"),
		c("COPY", "nosuch", "b"),
		c("SET", "a", "hello"),
		c("COPY", "a", "a"),
		c("COPY", "a", "b"),
		c("GET", "b"),
		c("APPEND", "b", "!"),
		c("GET", "a"),
		c("GET", "b"),
		c("COPY", "a", "b"),
		c("GET", "b"),
		c("COPY", "a", "b", "REPLACE"),
		c("GET", "b"),
		c("copy", "a", "b", "replace", "db", "0"),
		// TTL is copied.
		c("SET", "t", "v", "PXAT", "4000000000123"),
		c("COPY", "t", "t2"),
		c("PEXPIRETIME", "t2"),
		c("SET", "p", "v"),
		c("COPY", "p", "t2", "REPLACE"),
		c("TTL", "t2"),
		// Encodings are kept.
		c("SET", "i", "42"),
		c("COPY", "i", "i2"),
		c("OBJECT", "ENCODING", "i2"),
		c("SET", "r", "x"),
		c("APPEND", "r", "y"),
		c("COPY", "r", "r2"),
		c("OBJECT", "ENCODING", "r2"),
		c("SET", "long", strings.Repeat("x", 100)),
		c("COPY", "long", "long2"),
		c("OBJECT", "ENCODING", "long2"),
		// An expired source is missing; an expired destination is free.
		c("SET", "gone", "v", "PXAT", "1"),
		c("COPY", "gone", "x"),
		c("SET", "dead", "v", "PXAT", "1"),
		c("COPY", "a", "dead"),
		c("GET", "dead"),
	)
	p.doSorted("KEYS", "*")
}

func TestKeysCopyMultiDB(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "a", "v0", "EX", "1000"),
		c("COPY", "a", "a", "DB", "1"),
		c("COPY", "a", "a", "DB", "1"),
		c("COPY", "a", "b", "DB", "1"),
		c("SELECT", "1"),
		c("GET", "a"),
		c("TTL", "a"),
		c("GET", "b"),
		c("SET", "a", "v1"),
		c("COPY", "a", "a", "DB", "0"),
		c("COPY", "a", "a", "DB", "0", "REPLACE"),
		c("SELECT", "0"),
		c("GET", "a"),
		c("TTL", "a"),
		c("DBSIZE"),
		c("SELECT", "1"),
		c("DBSIZE"),
	)
}

func TestKeysMove(t *testing.T) {
	p := newPair(t)
	p.run(
		c("MOVE"),
		c("MOVE", "a"),
		c("MOVE", "a", "1", "2"),
		c("MOVE", "a", "x"),
		c("MOVE", "a", "-1"),
		c("MOVE", "a", "16"),
		c("MOVE", "a", "99999999999"),
		c("MOVE", "a", "0"),
		c("MOVE", "a", "1"),
		c("SET", "a", "v", "EX", "1000"),
		c("MOVE", "a", "0"),
		c("MOVE", "a", "1"),
		c("EXISTS", "a"),
		c("MOVE", "a", "1"),
		c("SELECT", "1"),
		c("GET", "a"),
		c("TTL", "a"),
		c("SET", "b", "1"),
		c("SELECT", "0"),
		c("SET", "b", "0"),
		c("MOVE", "b", "1"),
		c("GET", "b"),
		c("SET", "dead", "v", "PXAT", "1"),
		c("MOVE", "dead", "1"),
		c("SELECT", "1"),
		c("GET", "b"),
		c("MOVE", "b", "0"),
	)
}

func TestKeysKeys(t *testing.T) {
	p := newPair(t)
	p.do("KEYS")
	p.do("KEYS", "a", "b")
	p.do("KEYS", "*")
	for _, k := range []string{"foo", "foobar", "bar", "hello", "hallo", "hxllo", "hllo", "heeello", "", "a*b", "a?b", "a[b", "x\\y", "user:1", "user:2", "user:10", "USER:3"} {
		p.do("SET", k, "v")
	}
	p.do("SET", "expired1", "v", "PXAT", "1")
	p.do("SET", "expired2", "v", "PXAT", "1")
	for _, pat := range []string{"*", "**", "", "?", "foo*", "*bar", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "user:?", "user:*", "USER:*", "a\\*b", "a\\?b", "a[[]b", "x\\\\y", "exp*", "[", "[^", "*[", "\\"} {
		p.doSorted("KEYS", pat)
	}
	p.resp3()
	p.doSorted("KEYS", "user:*")
	p.do("FLUSHALL")
	p.do("KEYS", "*")
}

// TestKeysGlob runs KEYS with random patterns over random keys against
// redis-server: stringmatchlen semantics, quirks included.
func TestKeysGlob(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewPCG(1, 2))
	alpha := "ab*?[]^-\\"
	keys := map[string]bool{}
	for len(keys) < 60 {
		n := 1 + r.IntN(6)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte("ab-]^[\\*?x"[r.IntN(10)])
		}
		keys[b.String()] = true
	}
	for _, k := range []string{"x\x80y", "\xff", "a\x00b", "AB", "aB"} {
		keys[k] = true
	}
	for k := range keys {
		p.do("SET", k, "1")
	}
	for i := 0; i < 250; i++ {
		n := r.IntN(8)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteByte(alpha[r.IntN(len(alpha))])
		}
		p.doSorted("KEYS", b.String())
	}
	for _, pat := range []string{"[\x80-\xff]*", "x[^a-z]y", "[a-\xff]*", "a[\x00]b", "[A-Z]*", "?[A-Z]", "[a-Z]*"} {
		p.doSorted("KEYS", pat)
	}
	// Pathological patterns finish and agree.
	long := strings.Repeat("a", 300)
	p.do("SET", long, "1")
	p.doSorted("KEYS", strings.Repeat("*a", 40)+"b")
	p.doSorted("KEYS", strings.Repeat("a*", 1100))
	p.doSorted("KEYS", strings.Repeat("a*", 150))
}

// scanAll collects the keys of a full SCAN iteration on one server,
// failing on a duplicate-free invariant only where Redis guarantees it.
func scanAll(t *testing.T, cl *testkit.Client, args ...string) map[string]int {
	t.Helper()
	got := map[string]int{}
	cursor := "0"
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatalf("SCAN did not terminate")
		}
		v, err := cl.Do(append([]string{"SCAN", cursor}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if v.Type != '*' || len(v.Elems) != 2 {
			t.Fatalf("SCAN reply %s", v)
		}
		for _, k := range v.Elems[1].Elems {
			got[k.Str]++
		}
		cursor = v.Elems[0].Str
		if cursor == "0" {
			return got
		}
	}
}

func sameKeys(t *testing.T, what string, a, b map[string]int) {
	t.Helper()
	var only []string
	for k := range a {
		if _, ok := b[k]; !ok {
			only = append(only, "redwing:"+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			only = append(only, "redis:"+k)
		}
	}
	sort.Strings(only)
	if len(only) > 0 {
		t.Errorf("%s: key sets differ (%d keys each side: %d/%d): %.400v", what, len(only), len(a), len(b), only)
	}
}

func TestKeysScan(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SCAN"),
		c("SCAN", "x"),
		c("SCAN", " 0"),
		c("SCAN", "0 "),
		c("SCAN", "0x1"),
		c("SCAN", "+"),
		c("SCAN", "-"),
		c("SCAN", "1.5"),
		c("SCAN", "18446744073709551616"),
		c("SCAN", "-18446744073709551616"),
		c("SCAN", "0", "COUNT"),
		c("SCAN", "0", "COUNT", "x"),
		c("SCAN", "0", "COUNT", "0"),
		c("SCAN", "0", "COUNT", "-1"),
		c("SCAN", "0", "COUNT", "99999999999999999999"),
		c("SCAN", "0", "MATCH"),
		c("SCAN", "0", "TYPE"),
		c("SCAN", "0", "FOO", "bar"),
		c("SCAN", "0", "MATCH", "*", "COUNT"),
		c("SCAN", "x", "COUNT", "0"),
		c("SCAN", "0", "COUNT", "0", "FOO"),
		// An empty db is scanned in one call, whatever the cursor form.
		c("SCAN", "0"),
		c("SCAN", ""),
		c("SCAN", "+0"),
		c("SCAN", "-0"),
		c("SCAN", "0", "COUNT", "5", "MATCH", "*", "TYPE", "string"),
	)
	// A small db is returned whole in one call, as Redis does.
	p.run(c("SET", "a", "1"), c("SET", "b", "2"), c("SET", "dead", "x", "PXAT", "1"))
	p.doSortedDepth(2, "SCAN", "0")
	p.doSortedDepth(2, "SCAN", "0", "MATCH", "a")
	p.doSortedDepth(2, "SCAN", "0", "TYPE", "STRING")
	p.doSortedDepth(2, "SCAN", "0", "TYPE", "hash")
	p.doSortedDepth(2, "SCAN", "0", "TYPE", "nosuchtype")
	p.doSortedDepth(2, "SCAN", "0", "MATCH", "x", "MATCH", "a")
	p.doSortedDepth(2, "SCAN", "0", "TYPE", "hash", "TYPE", "string", "count", "100", "match", "*")
	p.resp3()
	p.doSortedDepth(2, "SCAN", "0")

	// Larger: every key exactly as Redis, over a full iteration.
	var args []string
	for i := 0; i < 2000; i++ {
		args = append(args, "key:"+strconv.Itoa(i), strconv.Itoa(i))
	}
	p.do(append([]string{"MSET"}, args...)...)
	for _, opts := range [][]string{
		nil,
		{"COUNT", "1"},
		{"COUNT", "7"},
		{"COUNT", "1000"},
		{"COUNT", "100000"},
		{"MATCH", "key:1*"},
		{"MATCH", "key:?", "COUNT", "3"},
		{"MATCH", "nomatch*"},
		{"TYPE", "string", "COUNT", "50"},
		{"TYPE", "list"},
	} {
		a := scanAll(t, p.rw, opts...)
		b := scanAll(t, p.rd, opts...)
		sameKeys(t, "SCAN "+strings.Join(opts, " "), a, b)
		for k, n := range a {
			if n != 1 {
				t.Errorf("SCAN %v returned %q %d times", opts, k, n)
			}
		}
	}
}

func TestKeysRandomKey(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RANDOMKEY", "x"),
		c("RANDOMKEY"),
		c("SET", "only", "v"),
		c("RANDOMKEY"),
		c("SET", "dead", "v", "PXAT", "1"),
		c("DEL", "only"),
	)
	// Only expired keys left.
	p.do("RANDOMKEY")
	p.resp3()
	p.do("RANDOMKEY")
	p.do("SET", "k", "v")
	p.do("RANDOMKEY")
}

func TestKeysObject(t *testing.T) {
	p := newPair(t)
	p.run(
		c("OBJECT"),
		c("OBJECT", "help"),
		c("OBJECT", "HELP", "x"),
		c("OBJECT", "foo"),
		c("OBJECT", "foo", "bar"),
		c("OBJECT", "ENCODING"),
		c("OBJECT", "ENCODING", "a", "b"),
		c("OBJECT", "ENCODING", "nosuch"),
		c("OBJECT", "REFCOUNT", "nosuch"),
		c("OBJECT", "IDLETIME", "nosuch"),
		c("OBJECT", "FREQ", "nosuch"),
		c("SET", "i", "123"),
		c("OBJECT", "ENCODING", "i"),
		c("SET", "i", "-9223372036854775808"),
		c("OBJECT", "ENCODING", "i"),
		c("SET", "i", "9223372036854775808"),
		c("OBJECT", "ENCODING", "i"),
		c("SET", "i", "0123"),
		c("OBJECT", "ENCODING", "i"),
		c("SET", "i", "-0"),
		c("OBJECT", "ENCODING", "i"),
		c("SET", "i", " 1"),
		c("OBJECT", "ENCODING", "i"),
		c("SET", "e", ""),
		c("OBJECT", "ENCODING", "e"),
		c("SET", "s", strings.Repeat("x", 44)),
		c("OBJECT", "ENCODING", "s"),
		c("SET", "s", strings.Repeat("x", 45)),
		c("OBJECT", "ENCODING", "s"),
		c("SET", "ap", "1"),
		c("APPEND", "ap", "2"),
		c("OBJECT", "ENCODING", "ap"),
		c("SET", "ap", "1"),
		c("OBJECT", "ENCODING", "ap"),
		c("INCR", "ap"),
		c("OBJECT", "ENCODING", "ap"),
		c("SET", "sr", "abc"),
		c("SETRANGE", "sr", "1", "x"),
		c("OBJECT", "ENCODING", "sr"),
		c("SET", "f", "1.5"),
		c("INCRBYFLOAT", "f", "1"),
		c("OBJECT", "ENCODING", "f"),
		// REFCOUNT: shared integers 0..9999.
		c("SET", "r", "0"),
		c("OBJECT", "REFCOUNT", "r"),
		c("SET", "r", "9999"),
		c("OBJECT", "REFCOUNT", "r"),
		c("SET", "r", "10000"),
		c("OBJECT", "REFCOUNT", "r"),
		c("SET", "r", "-1"),
		c("OBJECT", "REFCOUNT", "r"),
		c("SET", "r", "abc"),
		c("OBJECT", "REFCOUNT", "r"),
		// IDLETIME of a fresh key; FREQ needs an LFU policy.
		c("OBJECT", "IDLETIME", "r"),
		c("TOUCH", "r"),
		c("OBJECT", "IDLETIME", "r"),
		c("OBJECT", "FREQ", "r"),
		c("SET", "dead", "v", "PXAT", "1"),
		c("OBJECT", "ENCODING", "dead"),
		c("object", "encoding", "i"),
	)
	p.resp3()
	p.run(
		c("OBJECT", "ENCODING", "nosuch"),
		c("OBJECT", "ENCODING", "i"),
		c("OBJECT", "HELP"),
	)
}

func TestKeysObjectLFU(t *testing.T) {
	p := newPair(t)
	defer p.do("CONFIG", "SET", "maxmemory-policy", "noeviction")
	p.run(
		c("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"),
		c("SET", "k", "v"),
		c("OBJECT", "FREQ", "k"),
		c("OBJECT", "IDLETIME", "k"),
		c("OBJECT", "FREQ", "nosuch"),
		c("OBJECT", "IDLETIME", "nosuch"),
		// The first access always increments the counter.
		c("TOUCH", "k"),
		c("OBJECT", "FREQ", "k"),
		c("CONFIG", "SET", "maxmemory-policy", "volatile-lfu"),
		c("OBJECT", "IDLETIME", "k"),
		c("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"),
		c("OBJECT", "FREQ", "k"),
		c("SET", "k", "v"),
		c("OBJECT", "IDLETIME", "k"),
		// With maxmemory and an LRU policy, integers are not shared.
		c("SET", "n", "5"),
		c("OBJECT", "REFCOUNT", "n"),
		c("CONFIG", "SET", "maxmemory", "1gb"),
		c("SET", "n", "6"),
		c("OBJECT", "REFCOUNT", "n"),
		c("CONFIG", "SET", "maxmemory", "0"),
	)
}

func TestKeysDBSize(t *testing.T) {
	p := newPair(t)
	p.run(
		c("DBSIZE", "x"),
		c("DBSIZE"),
		c("SET", "a", "1"),
		c("SET", "b", "1"),
		c("DBSIZE"),
		c("DEL", "a"),
		c("DBSIZE"),
	)
}

func TestKeysFlush(t *testing.T) {
	p := newPair(t)
	p.run(
		c("FLUSHDB", "x"),
		c("FLUSHDB", "SYNC", "ASYNC"),
		c("FLUSHDB", "sync", "sync"),
		c("FLUSHALL", "x"),
		c("FLUSHALL", "ASYNC", "x"),
		c("SET", "a", "1"),
		c("FLUSHDB"),
		c("DBSIZE"),
		c("SET", "a", "1", "EX", "100"),
		c("FLUSHDB", "sync"),
		c("DBSIZE"),
		c("SET", "a", "1"),
		c("FLUSHDB", "ASYNC"),
		c("GET", "a"),
		c("SET", "a", "1"),
		c("FLUSHALL"),
		c("SET", "a", "1"),
		c("FLUSHALL", "sync"),
		c("SET", "a", "1"),
		c("FLUSHALL", "Async"),
		c("DBSIZE"),
	)
}

func TestKeysFlushMultiDB(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "a", "0"),
		c("SELECT", "1"),
		c("SET", "a", "1"),
		c("SET", "b", "1"),
		c("FLUSHDB"),
		c("DBSIZE"),
		c("SELECT", "0"),
		c("DBSIZE"),
		c("SELECT", "2"),
		c("SET", "c", "2"),
		c("FLUSHALL"),
		c("DBSIZE"),
		c("SELECT", "0"),
		c("DBSIZE"),
	)
}

func TestKeysSwapDB(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SWAPDB"),
		c("SWAPDB", "0"),
		c("SWAPDB", "0", "1", "2"),
		c("SWAPDB", "x", "1"),
		c("SWAPDB", "0", "x"),
		c("SWAPDB", "x", "y"),
		c("SWAPDB", "2147483648", "0"),
		c("SWAPDB", "0", "-2147483649"),
		c("SWAPDB", "-1", "0"),
		c("SWAPDB", "0", "-1"),
		c("SWAPDB", "16", "0"),
		c("SWAPDB", "0", "16"),
		c("SWAPDB", "0", "0"),
		c("SWAPDB", "0", "1"),
		c("SET", "a", "0", "EX", "1000"),
		c("SWAPDB", "0", "1"),
		c("GET", "a"),
		c("DBSIZE"),
		c("SELECT", "1"),
		c("GET", "a"),
		c("TTL", "a"),
		c("SET", "b", "1"),
		c("SWAPDB", "1", "0"),
		c("GET", "a"),
		c("GET", "b"),
		c("SELECT", "0"),
		c("GET", "a"),
		c("GET", "b"),
		c("SWAPDB", "0", "15"),
		c("SELECT", "15"),
		c("GET", "b"),
	)
	// Another connection sees the swap.
	q := p.another()
	q.do("SELECT", "15")
	q.do("GET", "b")
	p.do("SWAPDB", "15", "14")
	q.do("GET", "b")
}

func TestKeysMultiDB(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "k", "db0"),
		c("SELECT", "3"),
		c("EXISTS", "k"),
		c("SET", "k", "db3"),
		c("KEYS", "*"),
		c("RANDOMKEY"),
		c("RENAME", "k", "k2"),
		c("SELECT", "0"),
		c("GET", "k"),
		c("GET", "k2"),
		c("DBSIZE"),
		c("SELECT", "3"),
		c("GET", "k2"),
		c("EXPIRE", "k2", "100"),
		c("TTL", "k2"),
		c("SELECT", "0"),
		c("TTL", "k"),
	)
	p.doSortedDepth(2, "SCAN", "0")
}

// TestKeysTransaction runs the self-locking and exclusive commands inside
// MULTI, where they execute under the exclusive world lock.
func TestKeysTransaction(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "a", "1"),
		c("MULTI"),
		c("KEYS", "*"),
		c("DBSIZE"),
		c("RANDOMKEY"),
		c("SCAN", "0"),
		c("MOVE", "a", "1"),
		c("COPY", "a", "b"),
		c("SWAPDB", "0", "1"),
		c("DBSIZE"),
		c("FLUSHALL"),
		c("EXEC"),
	)
}

// TestKeysNotify checks the keyspace events of the generic commands.
func TestKeysNotify(t *testing.T) {
	p := newPair(t)
	defer p.do("CONFIG", "SET", "notify-keyspace-events", "")
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEAm")
	sub := p.another()
	sub.do("PSUBSCRIBE", "__key*__:*")
	p.run(
		c("SET", "a", "1"),
		c("DEL", "a", "nosuch"),
		c("SET", "a", "1"),
		c("UNLINK", "a"),
		c("SET", "a", "1"),
		c("RENAME", "a", "b"),
		c("RENAMENX", "b", "c"),
		c("COPY", "c", "d"),
		c("COPY", "c", "d", "DB", "1", "REPLACE"),
		c("MOVE", "c", "2"),
		c("EXPIRE", "d", "100"),
		c("PERSIST", "d"),
		c("PEXPIREAT", "d", "1"),
		c("EXISTS", "nosuch"),
		c("TYPE", "nosuch"),
		c("TTL", "nosuch"),
		c("SET", "x", "v", "PXAT", "1"),
		c("EXISTS", "x"),
		c("FLUSHALL"),
	)
	// Compare every message published so far, in order.
	for i := 0; i < 40; i++ {
		a, errA := sub.rw.ReadTimeout(200 * time.Millisecond)
		b, errB := sub.rd.ReadTimeout(200 * time.Millisecond)
		if errA != nil || errB != nil {
			if (errA == nil) != (errB == nil) {
				t.Errorf("event %d: redwing %s (%v), redis %s (%v)", i, a, errA, b, errB)
			}
			break
		}
		if string(a.Raw) != string(b.Raw) {
			t.Errorf("event %d:\n redwing: %s\n   redis: %s", i, a, b)
		}
	}
}
