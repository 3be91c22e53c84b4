package diff

import (
	"bytes"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

// Helpers shared by the pub/sub, keyspace notification and tracking tests.

// psReadAny reads n values from both connections of q and compares them
// as sets: Redis delivers the messages of several matching patterns in its
// hash table's order.
func psReadAny(q *pair, n int, what string) {
	q.t.Helper()
	var a, b []string
	for i := 0; i < n; i++ {
		va, errA := q.rw.ReadTimeout(3 * time.Second)
		vb, errB := q.rd.ReadTimeout(3 * time.Second)
		if errA != nil || errB != nil {
			q.t.Fatalf("%s: read errors: redwing %v, redis %v", what, errA, errB)
		}
		a, b = append(a, string(va.Raw)), append(b, string(vb.Raw))
	}
	sort.Strings(a)
	sort.Strings(b)
	if strings.Join(a, "") != strings.Join(b, "") {
		q.t.Errorf("%s (unordered)\n redwing: %q\n   redis: %q", what, a, b)
	}
}

// psDo sends a command and compares the n values each server sends back
// (replies and push messages, in order).
func psDo(q *pair, n int, args ...string) {
	q.t.Helper()
	blkSend(q, args...)
	for i := 0; i < n; i++ {
		blkRead(q, fmt.Sprintf("%s [%d/%d]", show(args), i+1, n))
	}
}

// psEach sends server-specific arguments (client IDs differ) and compares
// the replies.
func psEach(q *pair, rwArgs, rdArgs []string) {
	q.t.Helper()
	a, err := q.rw.Do(rwArgs...)
	if err != nil {
		q.t.Fatal(err)
	}
	b, err := q.rd.Do(rdArgs...)
	if err != nil {
		q.t.Fatal(err)
	}
	if string(a.Raw) != string(b.Raw) {
		q.t.Errorf("%s / %s\n redwing: %s\n   redis: %s", show(rwArgs), show(rdArgs), a, b)
	}
}

// psIDs returns the client IDs of q's two connections (redwing, redis).
func psIDs(q *pair) (string, string) {
	q.t.Helper()
	a, err := q.rw.Do("CLIENT", "ID")
	if err != nil {
		q.t.Fatal(err)
	}
	b, err := q.rd.Do("CLIENT", "ID")
	if err != nil {
		q.t.Fatal(err)
	}
	return strconv.FormatInt(a.Int, 10), strconv.FormatInt(b.Int, 10)
}

// psUntil reads from c until a message on channel sentinel and returns the
// raw bytes of everything before it.
func psUntil(t *testing.T, c *testkit.Client, sentinel string) ([]byte, error) {
	t.Helper()
	var out []byte
	for {
		v, err := c.ReadTimeout(3 * time.Second)
		if err != nil {
			return out, err
		}
		if (v.Type == '*' || v.Type == '>') && len(v.Elems) >= 3 && v.Elems[1].Str == sentinel {
			return out, nil
		}
		out = append(out, v.Raw...)
	}
}

// psDrain has w publish on sentinel, then compares everything subscriber s
// received before that message on each server.
func psDrain(s, w *pair, sentinel, what string) {
	s.t.Helper()
	w.do("PUBLISH", sentinel, "end")
	a, errA := psUntil(s.t, s.rw, sentinel)
	b, errB := psUntil(s.t, s.rd, sentinel)
	if errA != nil || errB != nil {
		s.t.Fatalf("%s: redwing %v (%q), redis %v (%q)", what, errA, a, errB, b)
	}
	if !bytes.Equal(a, b) {
		s.t.Errorf("%s: received\n redwing: %q\n   redis: %q", what, a, b)
	}
}

// psQuiet waits until no subscription of earlier tests is left on either
// server (connections closed by cleanups are released asynchronously).
func psQuiet(p *pair) {
	p.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for _, c := range []*testkit.Client{p.rw, p.rd} {
		for {
			np, _ := c.Do("PUBSUB", "NUMPAT")
			ch, _ := c.Do("PUBSUB", "CHANNELS")
			sh, _ := c.Do("PUBSUB", "SHARDCHANNELS")
			if np.Int == 0 && len(ch.Elems) == 0 && len(sh.Elems) == 0 {
				break
			}
			if time.Now().After(deadline) {
				p.t.Fatalf("subscriptions left over: numpat %s channels %s shard %s", np, ch, sh)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func TestPubsubSubscribeReplies(t *testing.T) {
	p := newPair(t)
	s := p.another()
	psDo(s, 3, "SUBSCRIBE", "ps:a", "ps:b", "ps:a")
	p.do("PUBLISH", "ps:a", "hello")
	blkRead(s, "message on ps:a")
	p.do("PUBLISH", "ps:b", "")
	blkRead(s, "empty message on ps:b")
	p.do("PUBLISH", "ps:none", "x")
	p.do("PUBLISH", "ps:a", strings.Repeat("\x00\r\nbinary", 100))
	blkRead(s, "binary message")
	blkNoReply(s, "after the messages")
	// Unsubscribe some, including one not subscribed.
	psDo(s, 2, "UNSUBSCRIBE", "ps:b", "ps:zz")
	p.do("PUBLISH", "ps:b", "gone")
	blkNoReply(s, "unsubscribed channel")
	// Without arguments: from all (one left, so the order is fixed).
	psDo(s, 1, "UNSUBSCRIBE")
	psDo(s, 1, "UNSUBSCRIBE")
	psDo(s, 1, "PUNSUBSCRIBE")
	psDo(s, 1, "SUNSUBSCRIBE")
	// No longer subscribed: everything is allowed again.
	psDo(s, 1, "SET", "ps:k", "v")
	psDo(s, 1, "PING")
	// Arity.
	p.do("SUBSCRIBE")
	p.do("PSUBSCRIBE")
	p.do("SSUBSCRIBE")
	p.do("PUBLISH", "ch")
	p.do("PUBLISH", "ch", "a", "b")
	p.do("SPUBLISH", "ch")
}

func TestPubsubSubscribedModeRESP2(t *testing.T) {
	p := newPair(t)
	s := p.another()
	psDo(s, 1, "SUBSCRIBE", "ps:mode")
	for _, cmd := range [][]string{
		{"GET", "k"}, {"SET", "k", "v"}, {"CLIENT", "ID"}, {"CONFIG", "GET", "maxmemory"},
		{"PUBLISH", "ps:mode", "x"}, {"MULTI"}, {"EXEC"}, {"DISCARD"}, {"WATCH", "k"},
		{"PUBSUB", "NUMSUB", "ps:mode"}, {"HELLO", "3"}, {"CLIENT", "TRACKING", "ON"},
		{"ECHO", "x"}, {"SELECT", "1"},
	} {
		psDo(s, 1, cmd...)
	}
	// Unknown commands and arity errors come first, as in Redis.
	psDo(s, 1, "NOSUCHCOMMAND", "a")
	psDo(s, 1, "GET")
	psDo(s, 1, "SUBSCRIBE")
	// PING replies with a pong array.
	psDo(s, 1, "PING")
	psDo(s, 1, "PING", "hi")
	psDo(s, 1, "PING", "a", "b")
	// Patterns and shard channels keep the mode.
	psDo(s, 1, "PSUBSCRIBE", "ps:p*")
	psDo(s, 1, "UNSUBSCRIBE", "ps:mode")
	psDo(s, 1, "GET", "k")
	psDo(s, 1, "PUNSUBSCRIBE", "ps:p*")
	psDo(s, 1, "SSUBSCRIBE", "ps:shard")
	psDo(s, 1, "SUBSCRIBE", "ps:x")
	psDo(s, 1, "UNSUBSCRIBE")
	psDo(s, 1, "GET", "k")
	psDo(s, 1, "PING")
	psDo(s, 1, "SUNSUBSCRIBE")
	psDo(s, 1, "GET", "k")
	// RESET leaves subscribed mode without confirmations.
	psDo(s, 2, "SUBSCRIBE", "ps:r1", "ps:r2")
	psDo(s, 1, "RESET")
	psDo(s, 1, "GET", "k")
	p.do("PUBLISH", "ps:r1", "x")
	blkNoReply(s, "after RESET")
	// QUIT works in subscribed mode.
	psDo(s, 1, "SUBSCRIBE", "ps:q")
	psDo(s, 1, "QUIT")
}

func TestPubsubPatterns(t *testing.T) {
	p := newPair(t)
	psQuiet(p)
	s := p.another()
	s2 := p.another()
	psDo(s, 4, "PSUBSCRIBE", "pp:*", "pp:h?llo", "pp:[ab]x", "pp:\\*lit")
	psDo(s2, 2, "PSUBSCRIBE", "pp:*", "other*")
	p.do("PUBSUB", "NUMPAT")
	p.do("PUBLISH", "pp:hello", "1") // matches pp:* (both) and pp:h?llo
	psReadAny(s, 2, "pmessages of pp:hello")
	blkRead(s2, "pmessage s2")
	p.do("PUBLISH", "pp:bx", "2")
	psReadAny(s, 2, "pmessages of pp:bx")
	blkRead(s2, "s2 pp:bx")
	p.do("PUBLISH", "pp:*lit", "3")
	psReadAny(s, 2, "pmessages of pp:*lit (escaped star)")
	blkRead(s2, "s2 pp:*lit")
	p.do("PUBLISH", "pp:xlit", "3")
	blkRead(s, "pp:* only")
	blkRead(s2, "s2 pp:xlit")
	p.do("PUBLISH", "nomatch", "4")
	blkNoReply(s, "no match")
	// A channel subscription and a pattern both deliver: message first.
	psDo(s2, 1, "SUBSCRIBE", "other1")
	p.do("PUBLISH", "other1", "5")
	blkRead(s2, "message")
	blkRead(s2, "pmessage")
	p.do("PUBSUB", "NUMSUB", "other1", "pp:*")
	// PUNSUBSCRIBE without arguments: in subscription order.
	psDo(s, 1, "PUNSUBSCRIBE", "pp:h?llo")
	psDo(s, 3, "PUNSUBSCRIBE")
	psDo(s, 1, "PUNSUBSCRIBE")
	p.do("PUBSUB", "NUMPAT")
	psDo(s2, 2, "PUNSUBSCRIBE", "pp:*", "nosuch")
	p.do("PUBSUB", "NUMPAT")
	psDo(s2, 1, "PUNSUBSCRIBE")
	p.do("PUBSUB", "NUMPAT")
	psDo(s2, 1, "UNSUBSCRIBE")
}

func TestPubsubIntrospection(t *testing.T) {
	p := newPair(t)
	psQuiet(p)
	s1 := p.another()
	s2 := p.another()
	psDo(s1, 3, "SUBSCRIBE", "in:a", "in:b", "in:c1")
	psDo(s2, 2, "SUBSCRIBE", "in:a", "other")
	psDo(s2, 1, "PSUBSCRIBE", "in:*")
	p.doSorted("PUBSUB", "CHANNELS")
	p.doSorted("PUBSUB", "CHANNELS", "in:*")
	p.doSorted("PUBSUB", "CHANNELS", "in:?")
	p.do("PUBSUB", "CHANNELS", "nomatch*")
	p.do("PUBSUB", "NUMSUB", "in:a", "in:b", "in:zz", "in:*")
	p.do("PUBSUB", "NUMSUB")
	p.do("PUBSUB", "NUMPAT")
	p.do("PUBSUB", "HELP")
	p.do("PUBSUB", "help")
	p.do("PUBSUB", "SHARDCHANNELS")
	p.do("PUBSUB", "SHARDNUMSUB", "in:a")
	// Errors.
	p.do("PUBSUB")
	p.do("PUBSUB", "NOSUCH")
	p.do("PUBSUB", "CHANNELS", "a", "b")
	p.do("PUBSUB", "channels", "a", "b")
	p.do("PUBSUB", "SHARDCHANNELS", "a", "b")
	p.do("PUBSUB", "NUMPAT", "x")
	p.do("PUBSUB", "HELP", "x")
	// RESP3 shapes.
	p.resp3()
	p.doSorted("PUBSUB", "CHANNELS", "in:*")
	p.do("PUBSUB", "NUMSUB", "in:a", "in:b")
	p.do("PUBSUB", "NUMPAT")
	p.do("PUBSUB", "HELP")
	// INFO stats agree.
	for _, field := range []string{"pubsub_channels", "pubsub_patterns", "pubsubshard_channels"} {
		a, b := psInfoField(t, p.rw, field), psInfoField(t, p.rd, field)
		if a != b {
			t.Errorf("INFO %s: redwing %s, redis %s", field, a, b)
		}
	}
	psDo(s1, 3, "UNSUBSCRIBE", "in:a", "in:b", "in:c1")
	p.doSorted("PUBSUB", "CHANNELS")
	psDo(s2, 1, "PUNSUBSCRIBE")
	psDo(s2, 2, "UNSUBSCRIBE", "in:a", "other")
	p.do("PUBSUB", "CHANNELS")
	p.do("PUBSUB", "NUMPAT")
}

// psInfoField returns one field of INFO from c.
func psInfoField(t *testing.T, c *testkit.Client, field string) string {
	t.Helper()
	v, err := c.Do("INFO", "everything")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(v.Str, "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok && k == field {
			return val
		}
	}
	return "<missing>"
}

func TestPubsubShardChannels(t *testing.T) {
	p := newPair(t)
	psQuiet(p)
	s := p.another()
	psDo(s, 2, "SSUBSCRIBE", "sh:1", "sh:2")
	psDo(s, 1, "SUBSCRIBE", "sh:1") // counted apart from shard channels
	p.do("SPUBLISH", "sh:1", "a")
	blkRead(s, "smessage")
	p.do("PUBLISH", "sh:2", "b") // a plain publish does not reach shard subscribers
	blkNoReply(s, "publish to a shard channel")
	p.do("PUBLISH", "sh:1", "c")
	blkRead(s, "message on the plain subscription")
	p.do("SPUBLISH", "sh:none", "x")
	p.doSorted("PUBSUB", "SHARDCHANNELS")
	p.do("PUBSUB", "SHARDCHANNELS", "sh:2")
	p.do("PUBSUB", "SHARDNUMSUB", "sh:1", "sh:2", "sh:3")
	p.do("PUBSUB", "NUMSUB", "sh:1", "sh:2")
	psDo(s, 1, "SUNSUBSCRIBE", "sh:2")
	psDo(s, 1, "UNSUBSCRIBE")
	psDo(s, 1, "PING") // still subscribed through sh:1
	psDo(s, 1, "SUNSUBSCRIBE")
	psDo(s, 1, "SUNSUBSCRIBE")
	psDo(s, 1, "PING")
	// SSUBSCRIBE is refused inside MULTI; SUBSCRIBE is not.
	q := p.another()
	psDo(q, 1, "MULTI")
	psDo(q, 1, "SSUBSCRIBE", "sh:m")
	psDo(q, 1, "PSUBSCRIBE", "sh:m*")
	psDo(q, 1, "SUBSCRIBE", "sh:m")
	psDo(q, 1, "PING")
	psDo(q, 1, "EXEC")
	psDo(q, 1, "PING")
	p.do("PUBLISH", "sh:m", "z")
	blkRead(q, "message after EXEC")
	blkRead(q, "pmessage after EXEC")
	psDo(q, 1, "RESET")
}

func TestPubsubRESP3(t *testing.T) {
	p := newPair(t)
	s := p.another()
	s.resp3()
	psDo(s, 2, "SUBSCRIBE", "r3:a", "r3:b")
	p.do("PUBLISH", "r3:a", "m1")
	blkRead(s, "push message")
	// Normal commands work and their replies interleave with pushes.
	psDo(s, 1, "SET", "r3:k", "v")
	psDo(s, 1, "GET", "r3:k")
	psDo(s, 1, "PING")
	psDo(s, 1, "PING", "x")
	psDo(s, 1, "PSUBSCRIBE", "r3:*")
	p.do("PUBLISH", "r3:b", "m2")
	blkRead(s, "message")
	blkRead(s, "pmessage")
	// Publishing to itself: the message precedes the reply, as in Redis 7.0.
	psDo(s, 3, "PUBLISH", "r3:a", "self")
	psDo(s, 1, "SSUBSCRIBE", "r3:s")
	psDo(s, 2, "SPUBLISH", "r3:s", "self")
	// Inside MULTI the pushes land inside the EXEC reply.
	psDo(s, 1, "MULTI")
	psDo(s, 1, "PUBLISH", "r3:b", "tx")
	psDo(s, 1, "GET", "r3:k")
	// *2 counts the replies only: the two pushes inside it parse as its
	// elements, and the replies as two more values.
	psDo(s, 3, "EXEC")
	psDo(s, 2, "UNSUBSCRIBE", "r3:a", "r3:b")
	psDo(s, 1, "UNSUBSCRIBE")
	psDo(s, 1, "PUNSUBSCRIBE")
	psDo(s, 1, "PUNSUBSCRIBE")
	psDo(s, 1, "SUNSUBSCRIBE")
	psDo(s, 1, "SUNSUBSCRIBE")
	p.do("PUBLISH", "r3:a", "none")
	blkNoReply(s, "after unsubscribing")
	// HELLO 2 while subscribed switches to RESP2 subscribed mode.
	psDo(s, 1, "SUBSCRIBE", "r3:h")
	p.do("PUBLISH", "r3:h", "x")
	blkRead(s, "message")
	s.doType("HELLO", "2")
	psDo(s, 1, "GET", "r3:k")
	psDo(s, 1, "PING")
	p.do("PUBLISH", "r3:h", "resp2")
	blkRead(s, "RESP2 message")
}

// A message for several subscribers is encoded once per protocol and
// copied to each (outMsg.fanout): RESP2 and RESP3 subscribers of the same
// channel and pattern each get their protocol's exact bytes.
func TestPubsubFanoutMixedProtocols(t *testing.T) {
	p := newPair(t)
	subs := []*pair{p.another(), p.another(), p.another(), p.another()}
	for i, s := range subs {
		if i%2 == 1 {
			s.resp3()
		}
		psDo(s, 1, "SUBSCRIBE", "fan:c")
		psDo(s, 1, "PSUBSCRIBE", "fan:*")
	}
	for _, msg := range []string{"m", "", strings.Repeat("x", 5000)} {
		p.do("PUBLISH", "fan:c", msg)
		for _, s := range subs {
			blkRead(s, "message")
			blkRead(s, "pmessage")
		}
	}
}

func TestPubsubPipelineAndOrder(t *testing.T) {
	p := newPair(t)
	s := p.another()
	// A pipelined subscribe, ping and unsubscribe.
	raw := string(testkit.Encode("SUBSCRIBE", "po:a")) + string(testkit.Encode("PING")) +
		string(testkit.Encode("UNSUBSCRIBE", "po:a")) + string(testkit.Encode("PING"))
	if err := s.rw.Send([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := s.rd.Send([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		blkRead(s, "pipelined reply")
	}
	// Many messages from one publisher arrive in order.
	psDo(s, 1, "SUBSCRIBE", "po:a")
	var pipe []byte
	const n = 500
	for i := 0; i < n; i++ {
		pipe = append(pipe, testkit.Encode("PUBLISH", "po:a", strconv.Itoa(i))...)
	}
	if err := p.rw.Send(pipe); err != nil {
		t.Fatal(err)
	}
	if err := p.rd.Send(pipe); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		blkRead(p, "publish reply")
		v := blkRead(s, "message")
		if len(v.Elems) != 3 || v.Elems[2].Str != strconv.Itoa(i) {
			t.Fatalf("message %d out of order: %s", i, v)
		}
	}
	psDo(s, 1, "UNSUBSCRIBE")
}

// TestPubsubSlowSubscriberDisconnected checks client-output-buffer-limit
// pubsub on Redwing alone: a subscriber that never reads is disconnected
// once its backlog passes the hard limit, while the publisher carries on.
func TestPubsubSlowSubscriberDisconnected(t *testing.T) {
	c, err := testkit.Dial(redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	mustDo := func(want string, args ...string) testkit.Value {
		t.Helper()
		v, err := c.Do(args...)
		if err != nil {
			t.Fatal(err)
		}
		if want != "" && string(v.Raw) != want {
			t.Fatalf("%v: got %q, want %q", args, v.Raw, want)
		}
		return v
	}
	orig := mustDo("", "CONFIG", "GET", "client-output-buffer-limit")
	t.Cleanup(func() {
		c.Do("CONFIG", "SET", "client-output-buffer-limit", orig.Elems[1].Str)
		c.Close()
	})
	mustDo("+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb 60")

	sub, err := net.Dial("tcp", redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	sub.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := sub.Write(testkit.Encode("SUBSCRIBE", "slow:ch")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for mustDo("", "PUBSUB", "NUMSUB", "slow:ch").Elems[1].Int != 1 {
		if time.Now().After(deadline) {
			t.Fatal("subscriber never subscribed")
		}
		time.Sleep(time.Millisecond)
	}
	// The subscriber reads nothing from now on.
	payload := strings.Repeat("x", 64<<10)
	published, disconnected := 0, false
	for i := 0; i < 4000 && !disconnected; i++ {
		v := mustDo("", "PUBLISH", "slow:ch", payload)
		published++
		if v.Int == 0 {
			disconnected = true
		}
	}
	if !disconnected {
		t.Fatalf("subscriber still connected after %d MB published", published*64>>10)
	}
	// The publisher keeps working and nobody is subscribed any more.
	mustDo(":0\r\n", "PUBLISH", "slow:ch", "after")
	mustDo("+PONG\r\n", "PING")
	mustDo("*2\r\n$7\r\nslow:ch\r\n:0\r\n", "PUBSUB", "NUMSUB", "slow:ch")
	// The server dropped the connection: it is gone from CLIENT LIST, and
	// what the subscriber can still read (from the socket buffers) is far
	// less than what was published.
	if list := mustDo("", "CLIENT", "LIST").Str; strings.Contains(list, "addr="+sub.LocalAddr().String()+" ") {
		t.Errorf("subscriber still listed:\n%s", list)
	}
	sub.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	total := 0
	buf := make([]byte, 64<<10)
	for {
		n, err := sub.Read(buf)
		total += n
		if err != nil {
			break // EOF or reset; a timeout when the peer's FIN waits behind a closed window
		}
	}
	if limit := published * (64 << 10); total >= limit {
		t.Errorf("subscriber received everything (%d bytes): nothing was dropped", total)
	}
	t.Logf("published %d messages (%d MB) before the disconnection; the subscriber read %d KB",
		published, published*64>>10, total>>10)
}

// TestPubsubConcurrentPublishers checks on Redwing alone that with several
// publishers and subscribers every message arrives exactly once and each
// publisher's messages keep their order, while other clients subscribe and
// unsubscribe concurrently.
func TestPubsubConcurrentPublishers(t *testing.T) {
	const pubs, subs, per = 4, 4, 1500
	var readers []*testkit.Client
	for i := 0; i < subs; i++ {
		c, err := testkit.Dial(redwingAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if i%2 == 0 {
			c.Do("SUBSCRIBE", "cc:ch")
		} else {
			c.Do("PSUBSCRIBE", "cc:*")
		}
		readers = append(readers, c)
	}
	errc := make(chan error, pubs+subs+1)
	stop := make(chan struct{})
	go func() { // churn: subscribe and unsubscribe other channels and patterns
		c, err := testkit.Dial(redwingAddr)
		if err != nil {
			errc <- err
			return
		}
		defer c.Close()
		for i := 0; ; i++ {
			select {
			case <-stop:
				errc <- nil
				return
			default:
			}
			name := "cc:churn" + strconv.Itoa(i%7)
			for _, cmd := range [][]string{{"SUBSCRIBE", name}, {"PSUBSCRIBE", name + "*"}, {"UNSUBSCRIBE", name}, {"PUNSUBSCRIBE"}} {
				if _, err := c.Do(cmd...); err != nil {
					errc <- err
					return
				}
			}
		}
	}()
	for p := 0; p < pubs; p++ {
		go func(p int) {
			c, err := testkit.Dial(redwingAddr)
			if err != nil {
				errc <- err
				return
			}
			defer c.Close()
			var pipe []byte
			for i := 0; i < per; i++ {
				pipe = append(pipe, testkit.Encode("PUBLISH", "cc:ch", strconv.Itoa(p)+":"+strconv.Itoa(i))...)
				if len(pipe) > 4096 || i == per-1 {
					if err := c.Send(pipe); err != nil {
						errc <- err
						return
					}
					pipe = pipe[:0]
				}
			}
			for i := 0; i < per; i++ {
				if v, err := c.Read(); err != nil || v.Type != ':' {
					errc <- fmt.Errorf("publisher %d reply %d: %v %v", p, i, v, err)
					return
				}
			}
			errc <- nil
		}(p)
	}
	for s, c := range readers {
		go func(s int, c *testkit.Client) {
			next := make([]int, pubs)
			for n := 0; n < pubs*per; n++ {
				v, err := c.Read()
				if err != nil {
					errc <- fmt.Errorf("subscriber %d after %d messages: %v", s, n, err)
					return
				}
				payload := v.Elems[len(v.Elems)-1].Str
				ps, is, _ := strings.Cut(payload, ":")
				p, _ := strconv.Atoi(ps)
				i, _ := strconv.Atoi(is)
				if i != next[p] {
					errc <- fmt.Errorf("subscriber %d: publisher %d message %d, want %d", s, p, i, next[p])
					return
				}
				next[p]++
			}
			errc <- nil
		}(s, c)
	}
	for i := 0; i < pubs+subs; i++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// TestPubsubSubscriberCatchesUp checks on Redwing alone that a subscriber
// that stops reading for a while (its socket fills, so the publisher's
// inline writes fall back to the drain goroutine part-way through a
// chunk) later receives every message once, in order.
func TestPubsubSubscriberCatchesUp(t *testing.T) {
	sub, err := testkit.Dial(redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if _, err := sub.Do("SUBSCRIBE", "catchup:ch"); err != nil {
		t.Fatal(err)
	}
	pub, err := testkit.Dial(redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	// 10 MB: more than the sockets hold, less than the pubsub hard limit.
	const n = 2500
	payload := strings.Repeat("x", 4000)
	for i := 0; i < n; i += 100 {
		var pipe []byte
		for j := i; j < i+100; j++ {
			pipe = append(pipe, testkit.Encode("PUBLISH", "catchup:ch", strconv.Itoa(j)+":"+payload)...)
		}
		if err := pub.Send(pipe); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 100; j++ {
			if v, err := pub.ReadTimeout(5 * time.Second); err != nil || v.Int != 1 {
				t.Fatalf("PUBLISH %d: %v %v", i+j, v, err)
			}
		}
	}
	for i := 0; i < n; i++ {
		v, err := sub.ReadTimeout(5 * time.Second)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(v.Elems) != 3 || v.Elems[2].Str != strconv.Itoa(i)+":"+payload {
			t.Fatalf("message %d: got %.40q", i, v.Raw)
		}
	}
}
