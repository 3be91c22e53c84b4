package diff

import (
	"testing"
)

// ntSetup sets notify-keyspace-events on both servers (restored to "" at
// the end of the test) and returns a subscriber to every keyspace and
// keyevent channel of every db, plus the sentinel channel.
func ntSetup(t *testing.T, p *pair, flags string) *pair {
	t.Helper()
	p.do("CONFIG", "SET", "notify-keyspace-events", flags)
	t.Cleanup(func() {
		p.rw.Do("CONFIG", "SET", "notify-keyspace-events", "")
		p.rd.Do("CONFIG", "SET", "notify-keyspace-events", "")
	})
	s := p.another()
	psDo(s, 1, "PSUBSCRIBE", "__key*__:*")
	psDo(s, 1, "SUBSCRIBE", "nt:sentinel")
	return s
}

// ntRun runs each command on w and compares the events s received for it.
func ntRun(s, w *pair, cmds ...[]string) {
	s.t.Helper()
	for _, cmd := range cmds {
		w.do(cmd...)
		psDrain(s, w, "nt:sentinel", "events of "+show(cmd))
	}
}

func TestNotifyKeyspaceEventsAll(t *testing.T) {
	p := newPair(t)
	s := ntSetup(t, p, "KEA")
	// The key set in the past below expires on the GET that follows it,
	// not whenever either server's active cycle happens to run (which made
	// this test flaky).
	p.do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	t.Cleanup(func() {
		p.rw.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
		p.rd.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	})
	ntRun(s, p,
		c("SET", "k", "v"),
		c("SET", "k", "v2", "KEEPTTL"),
		c("SETNX", "k", "x"),
		c("APPEND", "k", "more"),
		c("INCR", "n"),
		c("INCRBYFLOAT", "n", "1.5"),
		c("SETRANGE", "k", "1", "zz"),
		c("EXPIRE", "k", "100"),
		c("PERSIST", "k"),
		c("PEXPIRE", "k", "100000"),
		c("DEL", "k", "nosuch"),
		c("DEL", "nosuch"),
		c("LPUSH", "l", "a", "b", "c"),
		c("RPUSH", "l", "d"),
		c("LPOP", "l"),
		c("RPOP", "l", "2"),
		c("LSET", "l", "0", "x"),
		c("LTRIM", "l", "1", "0"),
		c("HSET", "h", "f", "v", "g", "w"),
		c("HINCRBY", "h", "n", "1"),
		c("HDEL", "h", "f", "g", "n"),
		c("SADD", "s", "a", "b"),
		c("SREM", "s", "a"),
		c("SPOP", "s"),
		c("ZADD", "z", "1", "a", "2", "b"),
		c("ZINCRBY", "z", "1", "a"),
		c("ZREM", "z", "a"),
		c("ZPOPMIN", "z"),
		c("SET", "r", "1"),
		c("RENAME", "r", "r2"),
		c("RENAMENX", "r2", "r3"),
		c("SET", "m", "1"),
		c("MOVE", "m", "1"),
		c("COPY", "r3", "r4"),
		c("SELECT", "1"),
		c("SET", "db1key", "v"),
		c("DEL", "db1key", "m"),
		c("SELECT", "0"),
		c("GETDEL", "r3"),
		c("SET", "ex", "1"),
		c("GETEX", "ex", "PX", "100000"),
		c("EXPIRE", "ex", "0"),
		c("SET", "past", "1", "EXAT", "1"),
		c("GET", "past"),
		c("MSET", "a", "1", "b", "2"),
		c("UNLINK", "a", "b"),
		c("RPUSH", "src", "x"),
		c("LMOVE", "src", "dst", "LEFT", "RIGHT"),
		c("SINTERSTORE", "dest", "nosuch1", "nosuch2"),
		c("FLUSHDB"),
	)
}

func TestNotifyKeyspaceEventsFlags(t *testing.T) {
	p := newPair(t)
	s := ntSetup(t, p, "K$")
	// Keyspace channel only, string events only.
	ntRun(s, p, c("SET", "k", "v"), c("LPUSH", "l", "a"), c("DEL", "k"), c("EXPIRE", "l", "100"))
	p.do("CONFIG", "SET", "notify-keyspace-events", "Elg")
	ntRun(s, p, c("SET", "k", "v"), c("LPUSH", "l", "a"), c("DEL", "k"), c("RENAME", "l", "l2"))
	p.do("CONFIG", "SET", "notify-keyspace-events", "Kh")
	ntRun(s, p, c("HSET", "h", "f", "v"), c("ZADD", "z", "1", "a"))
	p.do("CONFIG", "SET", "notify-keyspace-events", "Ez")
	ntRun(s, p, c("HSET", "h", "f", "v"), c("ZADD", "z", "1", "a"))
	// "n" (new keys) and "m" (key misses) are not part of "A".
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEA")
	ntRun(s, p, c("SET", "new1", "v"), c("GET", "missing"))
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEn")
	ntRun(s, p, c("SET", "new2", "v"), c("SET", "new2", "w"), c("HSET", "newh", "f", "v"))
	p.do("CONFIG", "SET", "notify-keyspace-events", "Em")
	ntRun(s, p, c("GET", "missing"), c("GET", "new2"), c("HGET", "nohash", "f"))
	// Only a class without K or E publishes nothing.
	p.do("CONFIG", "SET", "notify-keyspace-events", "A")
	ntRun(s, p, c("SET", "k", "v"))
	// Normalised reply and errors.
	p.do("CONFIG", "GET", "notify-keyspace-events")
	p.do("CONFIG", "SET", "notify-keyspace-events", "Q")
	p.do("CONFIG", "SET", "notify-keyspace-events", "")
	ntRun(s, p, c("SET", "k", "v"))
}

func TestNotifyKeyspaceEventsExpired(t *testing.T) {
	p := newPair(t)
	s := ntSetup(t, p, "KEA")
	// Lazy expiry (the read finds the key expired) ...
	p.do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	t.Cleanup(func() {
		p.rw.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
		p.rd.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	})
	ntRun(s, p, c("SET", "lazy", "v", "PX", "20"))
	sleepMs(40)
	ntRun(s, p, c("GET", "lazy"))
	// ... and active expiry (the server's cycle removes it).
	p.do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	ntRun(s, p, c("SET", "active", "v", "PX", "20"))
	sleepMs(350)
	psDrain(s, p, "nt:sentinel", "active expiry")
	p.do("EXISTS", "active")
}

func TestNotifyKeyspaceEventsRESP3(t *testing.T) {
	p := newPair(t)
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEA")
	t.Cleanup(func() {
		p.rw.Do("CONFIG", "SET", "notify-keyspace-events", "")
		p.rd.Do("CONFIG", "SET", "notify-keyspace-events", "")
	})
	s := p.another()
	s.resp3()
	psDo(s, 2, "SUBSCRIBE", "__keyspace@0__:r3k", "__keyevent@0__:del")
	p.do("SET", "r3k", "v")
	blkRead(s, "set event push")
	// The subscriber's own write: its events precede the reply.
	psDo(s, 2, "SET", "r3k", "w")
	psDo(s, 3, "DEL", "r3k")
	psDo(s, 1, "MULTI")
	psDo(s, 1, "SET", "r3k", "x")
	psDo(s, 1, "DEL", "r3k")
	psDo(s, 4, "EXEC") // *2 holds three pushes; the replies follow
	psDo(s, 2, "UNSUBSCRIBE", "__keyevent@0__:del", "__keyspace@0__:r3k")
}
