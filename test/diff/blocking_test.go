package diff

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

func TestBlockingBLPOPWake(t *testing.T) {
	p := newPair(t)
	q := p.another()
	blkSend(q, "BLPOP", "k", "0")
	blkWait(p, 1)
	blkNoReply(q, "BLPOP k 0")
	p.do("RPUSH", "k", "a", "b")
	blkRead(q, "BLPOP woken by RPUSH")
	blkWait(p, 0)
	p.do("LRANGE", "k", "0", "-1")
	// Several keys: the pushed one serves.
	blkSend(q, "BRPOP", "k1", "k2", "k1", "0")
	blkWait(p, 1)
	p.do("LPUSH", "k2", "x", "y")
	blkRead(q, "BRPOP k1 k2 woken by LPUSH k2")
	p.do("LRANGE", "k2", "0", "-1")
	// A pipelined command after a blocked one runs after it is served.
	raw := append(testkit.Encode("BLPOP", "k3", "0"), testkit.Encode("PING", "after")...)
	q.rw.Send(raw)
	q.rd.Send(raw)
	blkWait(p, 1)
	p.do("RPUSH", "k3", "v")
	blkRead(q, "BLPOP k3 woken")
	blkRead(q, "PING after the blocked command")
}

func TestBlockingTimeouts(t *testing.T) {
	p := newPair(t)
	q := p.another()
	start := time.Now()
	blkSend(q, "BLPOP", "k", "0.1")
	blkRead(q, "BLPOP k 0.1 times out")
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Errorf("BLPOP 0.1 returned after %v", d)
	}
	blkSend(q, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.05")
	blkRead(q, "BLMOVE timeout")
	blkSend(q, "BRPOPLPUSH", "k", "d", "0.05")
	blkRead(q, "BRPOPLPUSH timeout")
	blkSend(q, "BLMPOP", "0.05", "2", "k", "k2", "LEFT", "COUNT", "2")
	blkRead(q, "BLMPOP timeout")
	// Served before the timeout.
	blkSend(q, "BLPOP", "k", "5")
	blkWait(p, 1)
	p.do("RPUSH", "k", "v")
	blkRead(q, "BLPOP served before its timeout")
	q.resp3()
	blkSend(q, "BLPOP", "k", "0.05")
	blkRead(q, "RESP3 BLPOP timeout")
	blkSend(q, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.05")
	blkRead(q, "RESP3 BLMOVE timeout")
	p.do("INFO", "nosuchsection")
}

func TestBlockingMoveAndMPop(t *testing.T) {
	p := newPair(t)
	q := p.another()
	blkSend(q, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
	blkWait(p, 1)
	p.do("RPUSH", "src", "a", "b", "c")
	blkRead(q, "BLMOVE woken")
	p.do("LRANGE", "src", "0", "-1")
	p.do("LRANGE", "dst", "0", "-1")
	blkSend(q, "BRPOPLPUSH", "src2", "dst", "0")
	blkWait(p, 1)
	p.do("LPUSH", "src2", "x")
	blkRead(q, "BRPOPLPUSH woken")
	p.do("EXISTS", "src2")
	p.do("LRANGE", "dst", "0", "-1")
	blkSend(q, "BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2")
	blkWait(p, 1)
	p.do("RPUSH", "m2", "1", "2", "3")
	blkRead(q, "BLMPOP woken")
	p.do("LRANGE", "m2", "0", "-1")
	blkSend(q, "BLMPOP", "0", "1", "m3", "LEFT")
	blkWait(p, 1)
	p.do("RPUSH", "m3", "1", "2", "3")
	blkRead(q, "BLMPOP without COUNT woken")
	// The destination of a blocked BLMOVE holds another type when the
	// source is pushed: the client gets WRONGTYPE and nothing moves.
	p.do("SET", "strdst", "x")
	blkSend(q, "BLMOVE", "s3", "strdst", "LEFT", "LEFT", "0")
	blkWait(p, 1)
	p.do("RPUSH", "s3", "v")
	blkRead(q, "BLMOVE to a wrong-type destination")
	p.do("LRANGE", "s3", "0", "-1")
	// Chained: a BLMOVE serves a client blocked on its destination.
	r := p.another()
	blkSend(q, "BLMOVE", "c1", "c2", "LEFT", "LEFT", "0")
	blkWait(p, 1)
	blkSend(r, "BLPOP", "c2", "0")
	blkWait(p, 2)
	p.do("RPUSH", "c1", "z")
	blkRead(q, "chained BLMOVE")
	blkRead(r, "BLPOP served by the chained BLMOVE")
	p.do("EXISTS", "c1", "c2")
}

func TestBlockingFIFO(t *testing.T) {
	p := newPair(t)
	qs := []*pair{p.another(), p.another(), p.another()}
	for i, q := range qs {
		blkSend(q, "BLPOP", "k", "0")
		blkWait(p, i+1)
	}
	p.do("RPUSH", "k", "a", "b")
	blkRead(qs[0], "first waiter")
	blkRead(qs[1], "second waiter")
	blkNoReply(qs[2], "third waiter")
	p.do("RPUSH", "k", "c")
	blkRead(qs[2], "third waiter")
	// Mixed keys: FIFO per key.
	blkSend(qs[0], "BLPOP", "x", "y", "0")
	blkWait(p, 1)
	blkSend(qs[1], "BLPOP", "y", "0")
	blkWait(p, 2)
	blkSend(qs[2], "BLPOP", "y", "x", "0")
	blkWait(p, 3)
	p.do("RPUSH", "y", "1", "2")
	blkRead(qs[0], "first on y")
	blkRead(qs[1], "second on y")
	p.do("RPUSH", "x", "3")
	blkRead(qs[2], "third, on x")
}

func TestBlockingTransactions(t *testing.T) {
	p := newPair(t)
	q := p.another()
	blkSend(q, "BLPOP", "k", "0")
	blkWait(p, 1)
	// The push and the pop inside one transaction: the waiter sees nothing.
	p.run(c("MULTI"), c("RPUSH", "k", "a"), c("LPOP", "k"), c("EXEC"))
	blkNoReply(q, "BLPOP after MULTI push+pop")
	// Served only after EXEC, with the state EXEC left.
	p.run(c("MULTI"), c("RPUSH", "k", "a", "b"), c("LPUSH", "k", "c"), c("EXEC"))
	blkRead(q, "BLPOP after EXEC")
	p.do("LRANGE", "k", "0", "-1")
	// A key that becomes another type keeps the client blocked (Redis 7.0).
	p.do("DEL", "k")
	blkSend(q, "BLPOP", "k", "0")
	blkWait(p, 1)
	p.do("SET", "k", "str")
	blkNoReply(q, "BLPOP on a key set to a string")
	p.do("DEL", "k")
	p.do("RPUSH", "k", "v")
	blkRead(q, "BLPOP after the key is a list again")
	// WATCH sees the pop of a served client.
	p.do("RPUSH", "w", "1")
	p.do("WATCH", "w2")
	blkSend(q, "BLPOP", "w2", "0")
	blkWait(p, 1)
	r := p.another()
	r.do("RPUSH", "w2", "x")
	blkRead(q, "BLPOP w2")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
}

func TestBlockingClientUnblock(t *testing.T) {
	p := newPair(t)
	q := p.another()
	idRW, _ := q.rw.Do("CLIENT", "ID")
	idRD, _ := q.rd.Do("CLIENT", "ID")
	unblock := func(extra ...string) {
		t.Helper()
		a, _ := p.rw.Do(append([]string{"CLIENT", "UNBLOCK", strconv.FormatInt(idRW.Int, 10)}, extra...)...)
		b, _ := p.rd.Do(append([]string{"CLIENT", "UNBLOCK", strconv.FormatInt(idRD.Int, 10)}, extra...)...)
		if string(a.Raw) != string(b.Raw) {
			t.Errorf("CLIENT UNBLOCK %v\n redwing: %s\n   redis: %s", extra, a, b)
		}
	}
	unblock()
	blkSend(q, "BLPOP", "k", "0")
	blkWait(p, 1)
	unblock()
	blkRead(q, "BLPOP unblocked (timeout)")
	blkWait(p, 0)
	blkSend(q, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
	blkWait(p, 1)
	unblock("TIMEOUT")
	blkRead(q, "BLMOVE unblocked (TIMEOUT)")
	blkSend(q, "BLMPOP", "0", "1", "k", "LEFT")
	blkWait(p, 1)
	unblock("ERROR")
	blkRead(q, "BLMPOP unblocked (ERROR)")
	unblock("ERROR")
	p.do("CLIENT", "UNBLOCK", "x")
	p.do("CLIENT", "UNBLOCK", "999999", "FOO")
	p.do("CLIENT", "UNBLOCK", "999999")
	// After an unblock, the key serves the next client normally.
	p.do("RPUSH", "k", "v")
	p.do("LRANGE", "k", "0", "-1")
}

func TestBlockingDisconnect(t *testing.T) {
	p := newPair(t)
	q := p.another()
	blkSend(q, "BLPOP", "k", "0")
	blkWait(p, 1)
	q.rw.Close()
	q.rd.Close()
	blkWait(p, 0)
	p.do("RPUSH", "k", "a")
	p.do("LRANGE", "k", "0", "-1")
	// With two waiters, the first disconnecting: the second gets the element.
	q1, q2 := p.another(), p.another()
	blkSend(q1, "BLPOP", "j", "0")
	blkWait(p, 1)
	blkSend(q2, "BLPOP", "j", "0")
	blkWait(p, 2)
	q1.rw.Close()
	q1.rd.Close()
	blkWait(p, 1)
	p.do("RPUSH", "j", "x", "y")
	blkRead(q2, "second waiter after the first left")
	p.do("LRANGE", "j", "0", "-1")
}

func TestBlockingRESP3(t *testing.T) {
	p := newPair(t)
	q := p.another()
	q.resp3()
	blkSend(q, "BLPOP", "k", "0")
	blkWait(p, 1)
	p.do("RPUSH", "k", "a")
	blkRead(q, "RESP3 BLPOP")
	blkSend(q, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "3")
	blkWait(p, 1)
	p.do("RPUSH", "k", "a", "b")
	blkRead(q, "RESP3 BLMPOP")
	blkSend(q, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0")
	blkWait(p, 1)
	p.do("RPUSH", "k", "m")
	blkRead(q, "RESP3 BLMOVE")
	blkSend(q, "BLMPOP", "0.05", "1", "k", "LEFT")
	blkRead(q, "RESP3 BLMPOP timeout")
}

func TestBlockingInfo(t *testing.T) {
	p := newPair(t)
	q := p.another()
	blkSend(q, "BLPOP", "k", "k2", "0")
	blkWait(p, 1)
	for _, cl := range []*testkit.Client{p.rw, p.rd} {
		v, _ := cl.Do("INFO", "clients")
		if !strings.Contains(v.Str, "blocked_clients:1\r\n") {
			t.Errorf("INFO clients: %q", v.Str)
		}
	}
	p.do("RPUSH", "k2", "x")
	blkRead(q, "BLPOP k k2")
	blkWait(p, 0)
}

// collNotify runs script with keyspace events on and compares every event
// published, in order (skipped until PSUBSCRIBE exists).
func collNotify(t *testing.T, script ...[]string) {
	t.Helper()
	p := newPair(t)
	needCommand(p, "psubscribe")
	defer p.do("CONFIG", "SET", "notify-keyspace-events", "")
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEA")
	sub := p.another()
	sub.do("PSUBSCRIBE", "__key*__:*")
	p.run(script...)
	for i := 0; i < 400; i++ {
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

func TestHashNotify(t *testing.T) {
	collNotify(t,
		c("HSET", "h", "a", "1", "b", "2"),
		c("HMSET", "h", "c", "3"),
		c("HSETNX", "h", "a", "x"),
		c("HSETNX", "h", "d", "4"),
		c("HINCRBY", "h", "n", "1"),
		c("HINCRBYFLOAT", "h", "f", "1.5"),
		c("HDEL", "h", "zz"),
		c("HDEL", "h", "a", "b"),
		c("HGET", "nokey", "a"),
		c("HDEL", "h", "c", "d", "n", "f"),
		c("HSET", "h", "a", "1"),
	)
}

func TestListNotify(t *testing.T) {
	collNotify(t,
		c("RPUSH", "l", "a", "b", "c", "d"),
		c("LPUSH", "l", "z"),
		c("LPUSHX", "nokey", "z"),
		c("RPUSHX", "l", "y"),
		c("LPOP", "l"),
		c("RPOP", "l", "2"),
		c("LSET", "l", "0", "A"),
		c("LINSERT", "l", "BEFORE", "A", "B"),
		c("LINSERT", "l", "BEFORE", "nope", "B"),
		c("LREM", "l", "0", "B"),
		c("LREM", "l", "0", "nope"),
		c("LTRIM", "l", "0", "-1"),
		c("LMOVE", "l", "m", "LEFT", "RIGHT"),
		c("RPOPLPUSH", "l", "l"),
		c("LMPOP", "2", "nokey", "l", "LEFT", "COUNT", "10"),
		c("BLPOP", "m", "0"),
		c("RPUSH", "t", "1", "2"),
		c("LTRIM", "t", "5", "10"),
		c("RPUSH", "t", "1"),
		c("BLMOVE", "t", "t2", "LEFT", "LEFT", "0"),
		c("BLMPOP", "0", "1", "t2", "RIGHT"),
	)
}

func TestSetNotify(t *testing.T) {
	collNotify(t,
		c("SADD", "s", "1", "2", "3"),
		c("SADD", "s", "1"),
		c("SREM", "s", "9"),
		c("SREM", "s", "1"),
		c("SADD", "p", "x"),
		c("SPOP", "p"),
		c("SMOVE", "s", "d", "2"),
		c("SMOVE", "s", "d", "3"),
		c("SADD", "a", "1", "2"),
		c("SADD", "b", "2", "3"),
		c("SINTERSTORE", "i", "a", "b"),
		c("SINTERSTORE", "i", "a", "nokey"),
		c("SUNIONSTORE", "u", "a", "b"),
		c("SDIFFSTORE", "df", "a", "b"),
		c("SDIFFSTORE", "df", "a", "a"),
		c("SPOP", "u", "0"),
		c("SPOP", "u", "10"),
		c("SREM", "a", "1", "2"),
	)
}

// A push wakes a list waiter queued behind a sorted-set waiter on the same
// key: Redis serves a ready key's clients by the type they wait for.
func TestBlockingMixedTypesOnOneKey(t *testing.T) {
	p := newPair(t)
	zq := p.another()
	lq := p.another()
	blkSend(zq, "BZPOPMIN", "mixed", "0")
	blkWait(p, 1)
	blkSend(lq, "BLPOP", "mixed", "0")
	blkWait(p, 2)
	p.do("LPUSH", "mixed", "a")
	blkRead(lq, "BLPOP behind BZPOPMIN")
	blkNoReply(zq, "BZPOPMIN still blocked")
	p.do("DEL", "mixed")
	p.do("ZADD", "mixed", "1", "m")
	blkRead(zq, "BZPOPMIN served by ZADD")
}
