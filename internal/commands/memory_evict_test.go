package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/keyspace"
)

// Maxmemory, eviction and lazyfree through the command path (engine/oom.go,
// keyspace/evict.go, keyspace/lazyfree.go).

const oomReply = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"

func memEnv(t *testing.T) *kxEnv {
	x := newKxEnv(t)
	t.Cleanup(func() {
		x.do("CONFIG", "SET", "maxmemory", "0")
		x.do("CONFIG", "SET", "maxmemory-policy", "noeviction")
	})
	return x
}

func infoField(x *kxEnv, section, field string) string {
	out := x.do("INFO", section)
	for _, line := range strings.Split(out, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	x.t.Fatalf("INFO %s has no %s", section, field)
	return ""
}

func TestMaxmemoryNoEviction(t *testing.T) {
	x := memEnv(t)
	x.expect("+OK\r\n", "SET", "a", "1")
	x.expect(":1\r\n", "SADD", "s", "m")
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", "1")
	x.expect(oomReply, "SET", "b", "2")
	x.expect(oomReply, "INCR", "a")
	x.expect(oomReply, "SADD", "s", "n")
	// Reads and deletions still work.
	x.expect("$1\r\n1\r\n", "GET", "a")
	x.expect(":1\r\n", "EXISTS", "a")
	x.expect(":1\r\n", "DEL", "a")
	x.expect(":1\r\n", "SREM", "s", "m")
	// Inside MULTI every command but EXEC/DISCARD is refused, and the
	// refusal dooms the transaction.
	x.expect("+OK\r\n", "MULTI")
	x.expect(oomReply, "GET", "a")
	x.expect("-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
	x.expect("+OK\r\n", "MULTI")
	x.expect(oomReply, "PING")
	x.expect("+OK\r\n", "DISCARD")
	// A transaction queued before the limit: EXEC is refused when it holds
	// a denyoom command, and runs when it holds none.
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", "0")
	x.expect("+OK\r\n", "MULTI")
	x.expect("+QUEUED\r\n", "SET", "b", "2")
	x.expect("+QUEUED\r\n", "CONFIG", "SET", "maxmemory", "1")
	x.expect("*2\r\n+OK\r\n+OK\r\n", "EXEC")
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", "0")
	x.expect("+OK\r\n", "MULTI")
	x.expect("+QUEUED\r\n", "SET", "c", "3")
	x.other("CONFIG", "SET", "maxmemory", "1")
	// The refused EXEC discards the transaction, as in Redis.
	x.expect("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n", "EXEC")
	x.expect("+OK\r\n", "MULTI")
	x.expect(oomReply, "GET", "b")
	x.expect("-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
	// Scripts: a write before any other write fails with the script error;
	// reads work; a shebang script that may write is refused up front.
	got := x.do("EVAL", "return redis.call('set','x','1')", "0")
	if !strings.HasPrefix(got, "-OOM command not allowed when used memory > 'maxmemory'. script: ") {
		t.Errorf("EVAL write under OOM: %q", got)
	}
	x.expect("$1\r\n2\r\n", "EVAL", "return redis.call('get','b')", "0")
	x.expect(oomReply, "EVAL", "#!lua\nreturn redis.call('set','x','1')", "0")
	x.expect(":1\r\n", "EVAL", "#!lua flags=no-writes\nreturn 1", "0")
	x.expect("+OK\r\n", "EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','x','1')", "0")
	// After a first write the script may go on (it cannot stop half-way).
	x.expect("+OK\r\n", "EVAL", "redis.call('del','x'); return redis.call('set','x','1')", "0")
	if v := infoField(x, "stats", "evicted_keys"); v != "0" {
		t.Errorf("evicted_keys %s under noeviction", v)
	}
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", "0")
	x.expect("+OK\r\n", "SET", "b", "2")
}

// other runs a command on a second client.
func (x *kxEnv) other(args ...string) string {
	c := x.e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", -1)
	defer x.e.RemoveClient(c)
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	x.e.Exec(c, argv)
	return string(c.W.Buf)
}

// waitUnder waits for eviction (background, or at the gate of the next
// commands) to bring used memory under max.
func waitUnder(t *testing.T, x *kxEnv, max uint64) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for keyspace.UsedMemory() > max && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		x.do("GET", "new")
	}
	if u := keyspace.UsedMemory(); u > max {
		t.Fatalf("used %d over maxmemory %d (estimate %d, gc cycles %d)", u, max, keyspace.EstimatedBytes(), keyspace.GCCycles())
	}
}

func memFill(x *kxEnv, prefix string, n int, ttl bool) {
	val := strings.Repeat("v", 100)
	for i := 0; i < n; i++ {
		k := prefix + strconv.Itoa(i)
		if ttl {
			x.do("SET", k, val, "EX", "3600")
		} else {
			x.do("SET", k, val)
		}
	}
}

// TestMaxmemoryEviction runs every policy through the gate: used memory
// returns under the limit, volatile-* only evicts keys with a TTL, each
// eviction is propagated and notified, INFO counts it.
func TestMaxmemoryEviction(t *testing.T) {
	for _, pol := range []string{"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		t.Run(pol, func(t *testing.T) {
			x := memEnv(t)
			x.do("FLUSHALL")
			x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", pol)
			memFill(x, "p", 1000, false)
			memFill(x, "v", 1000, true)
			x.sink.take()
			x.takeEvents()
			x.do("CONFIG", "RESETSTAT")
			keyspace.SyncGC()
			max := keyspace.UsedMemory() - 100_000
			x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", strconv.FormatUint(max, 10))
			x.expect("+OK\r\n", "SET", "new", "1")
			waitUnder(t, x, max)
			x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", "0")
			ev, _ := strconv.Atoi(infoField(x, "stats", "evicted_keys"))
			if ev == 0 {
				t.Fatal("nothing evicted")
			}
			var dels, evEvents int
			for _, e := range x.sink.take() {
				if strings.HasPrefix(e, "0:DEL ") {
					dels++
					if strings.HasPrefix(pol, "volatile") && !strings.HasPrefix(e, "0:DEL v") {
						t.Errorf("%s evicted a key without TTL: %s", pol, e)
					}
				}
			}
			for _, e := range x.takeEvents() {
				if strings.HasPrefix(e, "0:evicted:") {
					evEvents++
				}
			}
			if dels != ev || evEvents != ev {
				t.Errorf("evicted_keys %d, DEL propagated %d, evicted events %d", ev, dels, evEvents)
			}
			if n := x.do("DBSIZE"); n != kxInt(int64(2001-ev)) {
				t.Errorf("DBSIZE %q after %d evictions", n, ev)
			}
		})
	}
}

func TestMaxmemoryLazyEvictionUnlink(t *testing.T) {
	x := memEnv(t)
	x.do("FLUSHALL")
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "allkeys-random")
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-eviction", "yes")
	t.Cleanup(func() { x.do("CONFIG", "SET", "lazyfree-lazy-eviction", "no") })
	memFill(x, "k", 500, false)
	x.sink.take()
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", strconv.FormatUint(keyspace.UsedMemory()-20_000, 10))
	x.do("SET", "new", "1")
	effects := x.sink.take()
	if len(effects) < 2 || !strings.HasPrefix(effects[0], "0:UNLINK k") {
		t.Errorf("effects %q: want UNLINK of evicted keys first", effects)
	}
}

// TestMaxmemoryVolatileNothingToEvict: volatile-* with no TTL keys acts as
// noeviction.
func TestMaxmemoryVolatileNothingToEvict(t *testing.T) {
	x := memEnv(t)
	x.do("FLUSHALL")
	x.expect("+OK\r\n", "SET", "a", "1")
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "volatile-lru")
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory", "1")
	x.expect(oomReply, "SET", "b", "1")
	x.expect(":1\r\n", "EXISTS", "a")
}

func TestObjectFreqLFU(t *testing.T) {
	x := memEnv(t)
	x.do("FLUSHALL")
	x.expect("+OK\r\n", "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
	x.expect("+OK\r\n", "CONFIG", "SET", "lfu-log-factor", "0")
	t.Cleanup(func() { x.do("CONFIG", "SET", "lfu-log-factor", "10") })
	x.expect("+OK\r\n", "SET", "foo", "bar")
	x.expect(":5\r\n", "OBJECT", "FREQ", "foo")
	for i := 0; i < 10; i++ {
		x.do("GET", "foo")
	}
	x.expect(":15\r\n", "OBJECT", "FREQ", "foo")
	// The counter survives an overwrite (SET touches it once more).
	x.expect("+OK\r\n", "SET", "foo", "baz")
	x.expect(":16\r\n", "OBJECT", "FREQ", "foo")
	x.expect("+OK\r\n", "CONFIG", "SET", "lfu-log-factor", "10")
	// With log factor 10 the counter grows logarithmically: a thousand
	// hits add a few (each with probability 1/((counter-5)*10+1)).
	for i := 0; i < 1000; i++ {
		x.do("GET", "foo")
	}
	f, _ := strconv.Atoi(strings.Trim(x.do("OBJECT", "FREQ", "foo"), ":\r\n"))
	if f <= 16 || f > 30 {
		t.Errorf("log factor 10: freq %d after 1000 hits from 16", f)
	}
}

func TestLazyfreeInfo(t *testing.T) {
	x := memEnv(t)
	x.do("FLUSHALL", "SYNC")
	x.do("CONFIG", "RESETSTAT")
	args := []string{"SADD", "big"}
	for i := 0; i < 200; i++ {
		args = append(args, "m"+strconv.Itoa(i))
	}
	x.do(args...)
	x.do("SADD", "small", "a")
	x.expect(":2\r\n", "UNLINK", "big", "small")
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "1" {
		t.Errorf("lazyfreed_objects %s after UNLINK of a 200-member set", v)
	}
	x.do(args...)
	x.expect(":1\r\n", "DEL", "big") // DEL frees synchronously
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "1" {
		t.Errorf("lazyfreed_objects %s after DEL", v)
	}
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-user-del", "yes")
	x.do(args...)
	x.expect(":1\r\n", "DEL", "big")
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-user-del", "no")
	// An overwritten value is a server-side deletion (dbSetValue).
	x.do(args...)
	x.expect("+OK\r\n", "SET", "big", "x")
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "2" {
		t.Errorf("lazyfreed_objects %s after SET over a set without lazyfree-lazy-server-del", v)
	}
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-server-del", "yes")
	x.do("DEL", "big")
	x.do(args...)
	x.expect("+OK\r\n", "SET", "big", "x")
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-server-del", "no")
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "3" {
		t.Errorf("lazyfreed_objects %s after SET over a 200-member set with lazyfree-lazy-server-del", v)
	}
	x.do("DEL", "big")
	memFill(x, "k", 10, false)
	x.expect("+OK\r\n", "FLUSHALL", "ASYNC")
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "13" {
		t.Errorf("lazyfreed_objects %s after FLUSHALL ASYNC of 10 keys", v)
	}
	if v := infoField(x, "memory", "lazyfree_pending_objects"); v != "0" {
		t.Errorf("lazyfree_pending_objects %s", v)
	}
	memFill(x, "k", 3, false)
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-user-flush", "yes")
	x.expect("+OK\r\n", "FLUSHDB")
	x.expect("+OK\r\n", "CONFIG", "SET", "lazyfree-lazy-user-flush", "no")
	memFill(x, "k", 3, false)
	x.expect("+OK\r\n", "FLUSHDB", "SYNC")
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "16" {
		t.Errorf("lazyfreed_objects %s after FLUSHDB with lazyfree-lazy-user-flush", v)
	}
	x.do("CONFIG", "RESETSTAT")
	if v := infoField(x, "memory", "lazyfreed_objects"); v != "0" {
		t.Errorf("lazyfreed_objects %s after RESETSTAT", v)
	}
}
