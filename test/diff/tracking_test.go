package diff

import (
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

func TestTrackingRESP3Invalidation(t *testing.T) {
	p := newPair(t)
	tr := p.another()
	tr.resp3()
	psDo(tr, 1, "CLIENT", "TRACKING", "ON")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "CLIENT", "GETREDIR")
	psDo(tr, 1, "GET", "tk")
	p.do("SET", "tk", "1")
	blkRead(tr, "invalidate tk")
	p.do("SET", "tk", "2")
	blkNoReply(tr, "not read since the invalidation")
	// Several keys, several commands and types.
	psDo(tr, 1, "MGET", "tk", "tk2")
	psDo(tr, 1, "HGET", "th", "f")
	psDo(tr, 1, "LRANGE", "tl", "0", "-1")
	psDo(tr, 1, "EXISTS", "tk3")
	p.do("MSET", "tk", "1", "tk2", "2")
	blkRead(tr, "invalidate tk")
	blkRead(tr, "invalidate tk2")
	p.do("HSET", "th", "f", "v")
	blkRead(tr, "invalidate th")
	p.do("RPUSH", "tl", "a")
	blkRead(tr, "invalidate tl")
	p.do("SET", "tk3", "x")
	blkRead(tr, "invalidate tk3")
	// Other databases: the table is keyed by name only, as in Redis.
	psDo(tr, 1, "GET", "tk")
	p.do("SELECT", "1")
	p.do("SET", "tk", "db1")
	blkRead(tr, "invalidate tk from db 1")
	p.do("SELECT", "0")
	// Expiry changes and deletions invalidate too.
	psDo(tr, 1, "GET", "tk")
	p.do("EXPIRE", "tk", "100")
	blkRead(tr, "invalidate on EXPIRE")
	psDo(tr, 1, "GET", "tk")
	p.do("DEL", "tk")
	blkRead(tr, "invalidate on DEL")
	// A client's own write: the invalidation follows the reply.
	psDo(tr, 1, "GET", "tk")
	psDo(tr, 2, "SET", "tk", "self")
	psDo(tr, 1, "GET", "tk")
	psDo(tr, 1, "MULTI")
	psDo(tr, 1, "GET", "tk2")
	psDo(tr, 1, "SET", "tk2", "x")
	psDo(tr, 1, "EXEC")
	blkRead(tr, "invalidation after EXEC")
	// Writes that change nothing do not invalidate.
	psDo(tr, 1, "GET", "tk")
	p.do("SETNX", "tk", "no")
	blkNoReply(tr, "SETNX on an existing key")
	// NOLOOP: own writes are not reported, others' are.
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "NOLOOP")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "SET", "tk", "mine")
	blkNoReply(tr, "NOLOOP own write")
	psDo(tr, 1, "GET", "tk")
	p.do("SET", "tk", "theirs")
	blkRead(tr, "NOLOOP other's write")
	// FLUSHDB / FLUSHALL send a null; SWAPDB nothing.
	psDo(tr, 1, "GET", "tk")
	p.do("FLUSHDB")
	blkRead(tr, "null on FLUSHDB")
	p.do("FLUSHALL")
	blkRead(tr, "null on FLUSHALL")
	p.do("SWAPDB", "0", "1")
	p.do("SWAPDB", "0", "1")
	blkNoReply(tr, "SWAPDB")
	psDo(tr, 2, "FLUSHALL")
	// Off: nothing more.
	psDo(tr, 1, "GET", "tk")
	psDo(tr, 1, "CLIENT", "TRACKING", "OFF")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "CLIENT", "GETREDIR")
	p.do("SET", "tk", "after")
	blkNoReply(tr, "tracking off")
	if a, b := psInfoField(t, p.rw, "tracking_clients"), psInfoField(t, p.rd, "tracking_clients"); a != b {
		t.Errorf("INFO tracking_clients: redwing %s, redis %s", a, b)
	}
}

func TestTrackingLazyExpiry(t *testing.T) {
	p := newPair(t)
	p.do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	t.Cleanup(func() {
		p.rw.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
		p.rd.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	})
	tr := p.another()
	tr.resp3()
	psDo(tr, 1, "CLIENT", "TRACKING", "ON")
	p.do("SET", "te", "v", "PX", "30")
	p.do("SET", "tn", "v", "PX", "30")
	p.do("SET", "te2", "v", "PX", "30")
	psDo(tr, 1, "MGET", "te", "te2")
	sleepMs(50)
	// The client's own read finds the key expired: the invalidation
	// follows the reply.
	psDo(tr, 2, "GET", "te")
	// Another client's read expires it.
	p.do("GET", "te2")
	blkRead(tr, "invalidation of a key another client expired")
	// With NOLOOP, as in Redis 7.0, a key the client expires itself is
	// not reported.
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "NOLOOP")
	p.do("SET", "tn", "v", "PX", "30")
	psDo(tr, 1, "GET", "tn")
	sleepMs(50)
	psDo(tr, 1, "GET", "tn")
	blkNoReply(tr, "NOLOOP lazy expiry")
}

func TestTrackingErrors(t *testing.T) {
	p := newPair(t)
	p.run(
		c("CLIENT", "TRACKING"),
		c("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"),
		c("CLIENT", "TRACKING", "ON", "REDIRECT", "0"),
		c("CLIENT", "TRACKING", "ON", "REDIRECT", "-1"),
		c("CLIENT", "TRACKING", "ON", "REDIRECT", "abc"),
		c("CLIENT", "TRACKING", "ON", "REDIRECT"),
		c("CLIENT", "TRACKING", "ON", "PREFIX"),
		c("CLIENT", "TRACKING", "ON", "FOO"),
		c("CLIENT", "TRACKING", "MAYBE"),
		c("CLIENT", "TRACKING", "MAYBE", "FOO"),
		c("CLIENT", "TRACKING", "MAYBE", "BCAST"),
		c("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "OPTOUT", "OPTIN"),
		c("CLIENT", "TRACKING", "ON", "PREFIX", "x"),
		c("CLIENT", "TRACKING", "ON", "PREFIX", "x", "OPTIN", "OPTOUT"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "a"),
		c("CLIENT", "TRACKING", "OFF", "PREFIX", "p"),
		c("CLIENT", "TRACKING", "OFF", "NOSUCH"),
		c("CLIENT", "TRACKING", "off"),
		c("CLIENT", "CACHING"),
		c("CLIENT", "CACHING", "YES"),
		c("CLIENT", "CACHING", "maybe"),
		c("CLIENT", "CACHING", "YES", "NO"),
		c("CLIENT", "GETREDIR", "x"),
		c("CLIENT", "TRACKINGINFO", "x"),
		c("CLIENT", "GETREDIR"),
		c("CLIENT", "TRACKINGINFO"),
	)
	// Mode switches while on.
	p.run(
		c("CLIENT", "TRACKING", "on", "optin"),
		c("CLIENT", "CACHING", "no"),
		c("CLIENT", "CACHING", "maybe"),
		c("CLIENT", "CACHING", "yes"),
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "ON", "OPTOUT"),
		c("CLIENT", "TRACKING", "ON", "BCAST"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"),
		c("CLIENT", "TRACKING", "ON", "NOLOOP"),
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "ON", "OPTOUT"),
		c("CLIENT", "CACHING", "yes"),
		c("CLIENT", "CACHING", "no"),
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "OFF"),
		c("CLIENT", "TRACKING", "ON", "BCAST"),
		c("CLIENT", "TRACKING", "ON"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:"),
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a"),
		c("CLIENT", "TRACKING", "OFF"),
	)
	// Redis 7.0 replies an overlap among given prefixes found after the
	// first one with the error and then +OK, enabling tracking anyway.
	psDo(p, 2, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "PREFIX", "bc")
	p.do("CLIENT", "TRACKINGINFO")
	p.do("CLIENT", "TRACKING", "OFF")
	p.run(
		c("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:", "PREFIX", "b"),
		c("CLIENT", "TRACKING", "ON", "BCAST"), // adds the empty prefix
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "z"),
		c("CLIENT", "TRACKING", "OFF"),
		c("CLIENT", "TRACKINGINFO"),
	)
	p.resp3()
	p.run(
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "ON", "OPTIN", "NOLOOP"),
		c("CLIENT", "CACHING", "YES"),
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKINGINFO"),
		c("PING"),
		c("CLIENT", "TRACKINGINFO"),
		c("CLIENT", "TRACKING", "OFF"),
	)
}

func TestTrackingOptInOptOut(t *testing.T) {
	p := newPair(t)
	tr := p.another()
	tr.resp3()
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "OPTIN")
	psDo(tr, 1, "GET", "o1")
	p.do("SET", "o1", "x")
	blkNoReply(tr, "OPTIN without CACHING")
	psDo(tr, 1, "CLIENT", "CACHING", "YES")
	psDo(tr, 1, "GET", "o1")
	p.do("SET", "o1", "y")
	blkRead(tr, "OPTIN with CACHING YES")
	// CACHING applies to the next command only ...
	psDo(tr, 1, "CLIENT", "CACHING", "YES")
	psDo(tr, 1, "PING")
	psDo(tr, 1, "GET", "o2")
	p.do("SET", "o2", "x")
	blkNoReply(tr, "CACHING consumed by PING")
	// ... but survives other CLIENT subcommands, and covers a transaction.
	psDo(tr, 1, "CLIENT", "CACHING", "YES")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "MULTI")
	psDo(tr, 1, "GET", "o2")
	psDo(tr, 1, "GET", "o3")
	psDo(tr, 1, "EXEC")
	p.do("MSET", "o2", "1", "o3", "1")
	blkRead(tr, "o2 in MULTI")
	blkRead(tr, "o3 in MULTI")
	psDo(tr, 1, "MULTI")
	psDo(tr, 1, "CLIENT", "CACHING", "YES")
	psDo(tr, 1, "GET", "o4")
	psDo(tr, 1, "EXEC")
	p.do("SET", "o4", "1")
	blkRead(tr, "CACHING inside MULTI")
	psDo(tr, 1, "CLIENT", "TRACKING", "OFF")
	// OPTOUT: tracked unless CACHING NO.
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "OPTOUT")
	psDo(tr, 1, "GET", "o5")
	psDo(tr, 1, "CLIENT", "CACHING", "NO")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "GET", "o6")
	p.do("MSET", "o5", "1", "o6", "1")
	blkRead(tr, "OPTOUT default")
	blkNoReply(tr, "OPTOUT with CACHING NO")
}

func TestTrackingBcast(t *testing.T) {
	p := newPair(t)
	tr := p.another()
	tr.resp3()
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b:", "PREFIX", "a:")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	// One message per prefix, keys sorted; no read needed.
	p.do("MSET", "a:1", "x", "b:2", "y", "c:3", "z", "a:0", "q")
	blkRead(tr, "prefix a:")
	blkRead(tr, "prefix b:")
	p.do("SET", "c:1", "x")
	blkNoReply(tr, "key outside the prefixes")
	p.do("DEL", "a:1", "a:0")
	blkRead(tr, "DEL under a:")
	// Own writes: the broadcast follows the reply.
	psDo(tr, 2, "SET", "a:self", "1")
	// NOLOOP hides own writes only.
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "SET", "a:mine", "1")
	blkNoReply(tr, "NOLOOP own write")
	p.do("SET", "a:theirs", "1")
	// Without PREFIX, ON BCAST added the empty prefix to a: and b:, so
	// the key is reported once for each of "" and "a:".
	blkRead(tr, "NOLOOP other's write")
	blkRead(tr, "NOLOOP other's write, second prefix")
	p.do("FLUSHALL")
	blkRead(tr, "null on FLUSHALL")
	psDo(tr, 1, "CLIENT", "TRACKING", "OFF")
	// Without PREFIX every key is broadcast.
	psDo(tr, 1, "CLIENT", "TRACKING", "ON", "BCAST")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	p.do("SET", "any", "1")
	blkRead(tr, "empty prefix")
	p.do("LPUSH", "list", "1")
	blkRead(tr, "empty prefix, list")
	psDo(tr, 1, "CLIENT", "TRACKING", "OFF")
	p.do("SET", "any", "2")
	blkNoReply(tr, "off")
	if a, b := psInfoField(t, p.rw, "tracking_total_prefixes"), psInfoField(t, p.rd, "tracking_total_prefixes"); a != b {
		t.Errorf("INFO tracking_total_prefixes: redwing %s, redis %s", a, b)
	}
}

func TestTrackingRedirectRESP2(t *testing.T) {
	p := newPair(t)
	r := p.another()
	tr := p.another()
	rwID, rdID := psIDs(r)
	psDo(r, 1, "SUBSCRIBE", "__redis__:invalidate")
	psEach(tr, c("CLIENT", "TRACKING", "ON", "REDIRECT", rwID, "REDIRECT", rwID),
		c("CLIENT", "TRACKING", "ON", "REDIRECT", rdID, "REDIRECT", rdID))
	psEach(tr, c("CLIENT", "TRACKING", "ON", "REDIRECT", rwID), c("CLIENT", "TRACKING", "ON", "REDIRECT", rdID))
	a, _ := tr.rw.Do("CLIENT", "GETREDIR")
	b, _ := tr.rd.Do("CLIENT", "GETREDIR")
	if a.Str != "" || a.Int == 0 || strings.TrimPrefix(string(a.Raw), ":") != rwID+"\r\n" || strings.TrimPrefix(string(b.Raw), ":") != rdID+"\r\n" {
		t.Errorf("GETREDIR: redwing %s (id %s), redis %s (id %s)", a, rwID, b, rdID)
	}
	psDo(tr, 1, "GET", "rk")
	p.do("SET", "rk", "1")
	blkRead(r, "message on __redis__:invalidate")
	blkNoReply(tr, "nothing to the tracking client itself")
	psDo(tr, 1, "GET", "rk")
	psDo(tr, 1, "SET", "rk", "self") // RESP2: the reply only
	blkRead(r, "own write, redirected")
	p.do("FLUSHALL")
	blkRead(r, "RESP2 null on FLUSHALL")
	// The null is in the tracking client's protocol, even when the
	// redirection target speaks RESP2 (as Redis 7.0 does).
	tr.doType("HELLO", "3")
	p.do("FLUSHALL")
	blkRead(r, "RESP3 null to a RESP2 client")
	// A RESP3 redirection target needs no subscription.
	r3 := p.another()
	r3.resp3()
	rw3, rd3 := psIDs(r3)
	psEach(tr, c("CLIENT", "TRACKING", "ON", "REDIRECT", rw3), c("CLIENT", "TRACKING", "ON", "REDIRECT", rd3))
	psDo(tr, 1, "GET", "rk")
	p.do("SET", "rk", "2")
	blkRead(r3, "push to the RESP3 redirection target")
	// A RESP2 target that is not subscribed gets nothing.
	plain := p.another()
	pw, pd := psIDs(plain)
	psEach(tr, c("CLIENT", "TRACKING", "ON", "REDIRECT", pw), c("CLIENT", "TRACKING", "ON", "REDIRECT", pd))
	psDo(tr, 1, "GET", "rk")
	p.do("SET", "rk", "3")
	blkNoReply(plain, "RESP2 target without subscription")
	blkNoReply(tr, "tracking client")
	// The target goes away: the RESP3 tracking client is told, once per
	// invalidation, with the target's ID.
	psEach(tr, c("CLIENT", "TRACKING", "ON", "REDIRECT", rwID), c("CLIENT", "TRACKING", "ON", "REDIRECT", rdID))
	psDo(tr, 1, "GET", "rk")
	psDo(r, 1, "QUIT")
	psWaitGone(t, p, rwID, rdID)
	p.do("SET", "rk", "4")
	ra, errA := tr.rw.ReadTimeout(3 * time.Second)
	rb, errB := tr.rd.ReadTimeout(3 * time.Second)
	wantA := ">2\r\n$21\r\ntracking-redir-broken\r\n:" + rwID + "\r\n"
	wantB := ">2\r\n$21\r\ntracking-redir-broken\r\n:" + rdID + "\r\n"
	if errA != nil || errB != nil || string(ra.Raw) != wantA || string(rb.Raw) != wantB {
		t.Errorf("tracking-redir-broken: redwing %s %v, redis %s %v", ra, errA, rb, errB)
	}
	ia, _ := tr.rw.Do("CLIENT", "TRACKINGINFO")
	ib, _ := tr.rd.Do("CLIENT", "TRACKINGINFO")
	if len(ia.Elems) != 6 || len(ib.Elems) != 6 || string(ia.Elems[1].Raw) != string(ib.Elems[1].Raw) {
		t.Errorf("TRACKINGINFO flags: redwing %s, redis %s", ia, ib)
	}
	psDo(tr, 1, "CLIENT", "TRACKING", "OFF")
}

// psWaitGone waits until the clients with the given IDs left both servers.
func psWaitGone(t *testing.T, p *pair, rwID, rdID string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for _, x := range []struct {
		c  *testkit.Client
		id string
	}{{p.rw, rwID}, {p.rd, rdID}} {
		for {
			v, _ := x.c.Do("CLIENT", "LIST", "ID", x.id)
			if v.Str == "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("client %s still connected", x.id)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

func TestTrackingRESP2WithoutRedirect(t *testing.T) {
	p := newPair(t)
	tr := p.another()
	psDo(tr, 1, "CLIENT", "TRACKING", "ON")
	psDo(tr, 1, "GET", "k2")
	p.do("SET", "k2", "1")
	psDo(tr, 1, "SET", "k2", "2")
	blkNoReply(tr, "RESP2 without redirection receives nothing")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
	psDo(tr, 1, "RESET")
	psDo(tr, 1, "CLIENT", "TRACKINGINFO")
}

func TestTrackingTableMaxKeys(t *testing.T) {
	p := newPair(t)
	p.do("CONFIG", "SET", "tracking-table-max-keys", "1")
	t.Cleanup(func() {
		p.rw.Do("CONFIG", "SET", "tracking-table-max-keys", "1000000")
		p.rd.Do("CONFIG", "SET", "tracking-table-max-keys", "1000000")
	})
	tr := p.another()
	tr.resp3()
	psDo(tr, 1, "CLIENT", "TRACKING", "ON")
	psDo(tr, 1, "GET", "mk1")
	psDo(tr, 1, "GET", "mk2")
	blkSend(tr, "PING")
	// One of the two keys (chosen at random) is evicted from the table
	// and invalidated before the next command runs.
	for _, cl := range []*testkit.Client{tr.rw, tr.rd} {
		v, err := cl.ReadTimeout(3 * time.Second)
		if err != nil || v.Type != '>' || len(v.Elems) != 2 || v.Elems[0].Str != "invalidate" ||
			len(v.Elems[1].Elems) != 1 || !strings.HasPrefix(v.Elems[1].Elems[0].Str, "mk") {
			t.Errorf("eviction invalidation: %s %v", v, err)
		}
	}
	blkRead(tr, "PING reply")
	blkNoReply(tr, "one eviction")
	if a, b := psInfoField(t, p.rw, "tracking_total_keys"), psInfoField(t, p.rd, "tracking_total_keys"); a != b {
		t.Errorf("INFO tracking_total_keys: redwing %s, redis %s", a, b)
	}
	psDo(tr, 1, "CLIENT", "TRACKING", "OFF")
}
