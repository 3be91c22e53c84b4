package diff

import (
	"testing"
	"time"
)

// Maxmemory: the deterministic parts of the OOM gate and of LFU tracking,
// against redis-server. (Which keys get evicted depends on each server's
// memory accounting; internal/keyspace and internal/commands test that.)

// maxmemoryPair returns a pair whose memory parameters are restored when
// the test ends.
func maxmemoryPair(t *testing.T) *pair {
	p := newPair(t)
	t.Cleanup(func() {
		q := connectPair(t)
		q.both("CONFIG", "SET", "maxmemory", "0")
		q.both("CONFIG", "SET", "maxmemory-policy", "noeviction")
		q.both("CONFIG", "SET", "lfu-log-factor", "10")
	})
	return p
}

func TestMaxmemoryOOMErrors(t *testing.T) {
	p := maxmemoryPair(t)
	p.run(
		c("SET", "a", "1"),
		c("RPUSH", "l", "x"),
		c("CONFIG", "SET", "maxmemory", "1"),
		// denyoom commands are refused; reads and deletions are not.
		c("SET", "b", "2"),
		c("INCR", "a"),
		c("RPUSH", "l", "y"),
		c("GET", "a"),
		c("LRANGE", "l", "0", "-1"),
		c("EXISTS", "a", "b"),
		c("EXPIRE", "a", "100"),
		c("LPOP", "l"),
		c("DEL", "a"),
		c("UNLINK", "l"),
		c("PING"),
		// MULTI: any command but EXEC/DISCARD is refused and dooms it.
		c("MULTI"),
		c("GET", "a"),
		c("PING"),
		c("EXEC"),
		c("MULTI"),
		c("PING"),
		c("DISCARD"),
		// Scripts: the first write fails with the script error; reads run;
		// shebang scripts that may write are refused at the gate.
		c("EVAL", "return redis.call('set','x','1')", "0"),
		c("EVAL", "return redis.call('get','a')", "0"),
		c("EVAL", "return redis.pcall('set','x','1')", "0"),
		c("EVAL", "#!lua\nreturn redis.call('set','x','1')", "0"),
		c("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','x')", "0"),
		c("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','x','1')", "0"),
		c("EVAL", "redis.call('del','nosuch'); return redis.call('set','x','2')", "0"),
		c("GET", "x"),
		c("CONFIG", "SET", "maxmemory", "0"),
		c("SET", "b", "2"),
	)
}

// TestMaxmemoryOOMQueuedExec: a transaction queued before the limit is
// refused at EXEC only if it holds a denyoom command; the refused EXEC
// leaves the client in MULTI.
func TestMaxmemoryOOMQueuedExec(t *testing.T) {
	p := maxmemoryPair(t)
	q := p.another()
	p.run(c("MULTI"), c("GET", "a"), c("PING"))
	q.do("CONFIG", "SET", "maxmemory", "1")
	p.do("EXEC")
	q.do("CONFIG", "SET", "maxmemory", "0")
	p.run(c("MULTI"), c("SET", "a", "1"))
	q.do("CONFIG", "SET", "maxmemory", "1")
	p.run(c("EXEC"), c("MULTI"), c("DISCARD"), c("GET", "a"))
	q.do("CONFIG", "SET", "maxmemory", "0")
}

// TestMaxmemoryObjectFreqLFU: with lfu-log-factor 0 every access counts,
// so OBJECT FREQ is deterministic.
func TestMaxmemoryObjectFreqLFU(t *testing.T) {
	p := maxmemoryPair(t)
	p.run(
		c("OBJECT", "FREQ", "nosuch"),
		c("SET", "foo", "bar"),
		c("OBJECT", "FREQ", "foo"),
		c("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"),
		c("CONFIG", "SET", "lfu-log-factor", "0"),
		c("SET", "k", "v"),
		c("OBJECT", "FREQ", "k"),
		c("GET", "k"), c("GET", "k"), c("GET", "k"),
		c("OBJECT", "FREQ", "k"),
		c("APPEND", "k", "w"),
		c("OBJECT", "FREQ", "k"),
		c("SET", "k", "x"),
		c("OBJECT", "FREQ", "k"),
		c("EXISTS", "k"),
		c("TYPE", "k"),
		c("OBJECT", "FREQ", "k"),
		c("TOUCH", "k"),
		c("OBJECT", "FREQ", "k"),
		c("HSET", "h", "f", "v"),
		c("HGET", "h", "f"),
		c("OBJECT", "FREQ", "h"),
		c("OBJECT", "IDLETIME", "k"),
		// Each command counts one access, however it looks the key up.
		c("EXPIRE", "k", "1000"),
		c("OBJECT", "FREQ", "k"),
		c("PEXPIRE", "k", "2000000"),
		c("TTL", "k"),
		c("OBJECT", "FREQ", "k"),
		c("PERSIST", "k"),
		c("PERSIST", "k"),
		c("OBJECT", "FREQ", "k"),
		c("RENAME", "k", "k2"),
		c("OBJECT", "FREQ", "k2"),
		c("COPY", "k2", "k3"),
		c("OBJECT", "FREQ", "k2"),
		c("OBJECT", "FREQ", "k3"),
		c("MOVE", "k3", "1"),
		c("SELECT", "1"),
		c("OBJECT", "FREQ", "k3"),
		c("SELECT", "0"),
		c("RENAME", "k2", "k"),
		c("STRLEN", "k"),
		c("GETRANGE", "k", "0", "1"),
		c("OBJECT", "FREQ", "k"),
		c("CONFIG", "SET", "maxmemory-policy", "volatile-lfu"),
		c("GET", "k"),
		c("OBJECT", "FREQ", "k"),
		c("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"),
		c("OBJECT", "FREQ", "k"),
	)
}

// TestMaxmemoryBusyScript: over maxmemory, a busy script still answers
// BUSY and SCRIPT KILL (no eviction inside a yielding long command).
func TestMaxmemoryBusyScript(t *testing.T) {
	p := maxmemoryPair(t)
	q := p.another()
	p.do("CONFIG", "SET", "busy-reply-threshold", "100")
	defer p.do("CONFIG", "SET", "busy-reply-threshold", "5000")
	p.do("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
	p.do("SET", "a", "1")
	p.do("CONFIG", "SET", "maxmemory", "1")
	script := "local i = 0 while true do i = i + 1 end"
	if err := p.rw.Send(encodeCmd("EVAL", script, "0")); err != nil {
		t.Fatal(err)
	}
	if err := p.rd.Send(encodeCmd("EVAL", script, "0")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(250 * time.Millisecond)
	q.do("SET", "b", "1")
	q.do("GET", "a")
	q.do("SCRIPT", "KILL")
	a, errA := p.rw.ReadTimeout(2 * time.Second)
	b, errB := p.rd.ReadTimeout(2 * time.Second)
	if errA != nil || errB != nil || string(a.Raw) != string(b.Raw) {
		t.Errorf("killed script reply\n redwing: %s (%v)\n   redis: %s (%v)", a, errA, b, errB)
	}
	// Afterwards the gate evicts everything and still cannot get under
	// 1 byte: writes fail, reads answer.
	q.do("SET", "b", "1")
	q.do("GET", "a")
	q.do("DBSIZE")
}
