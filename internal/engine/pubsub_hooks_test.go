package engine

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/pubsub"
)

// psConn is a connection whose writes block until released, then land in
// a buffer.
type psConn struct {
	mu      sync.Mutex
	out     bytes.Buffer
	open    chan struct{} // closed: writes proceed
	closed  chan struct{}
	closing sync.Once
}

func newPsConn(blocked bool) *psConn {
	c := &psConn{open: make(chan struct{}), closed: make(chan struct{})}
	if !blocked {
		close(c.open)
	}
	return c
}

func (c *psConn) Write(p []byte) (int, error) {
	select {
	case <-c.open:
	case <-c.closed:
		return 0, errors.New("closed")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *psConn) Close() error { c.closing.Do(func() { close(c.closed) }); return nil }

func (c *psConn) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (c *psConn) String() string { c.mu.Lock(); defer c.mu.Unlock(); return c.out.String() }

func psSubscribe(e *Engine, cl *Client, ch string) {
	ctx := Ctx{E: e, C: cl, W: &cl.W}
	ctx.Subscribe(pubsub.Channel, [][]byte{[]byte(ch)})
	e.FlushOwn(cl)
}

func TestAsyncOutHardLimitDisconnects(t *testing.T) {
	e, _ := newTestEngine(t, settings{"client-output-buffer-limit": "normal 0 0 0 slave 0 0 0 pubsub 4096 0 0"})
	conn := newPsConn(true)
	sub := e.NewClient(conn, "127.0.0.1:1", "127.0.0.1:2", 1)
	psSubscribe(e, sub, "ch")
	pubc := e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", 2)
	msg := bytes.Repeat([]byte("x"), 100)
	q := sub.aq.Load()
	dead := func() bool { q.mu.Lock(); defer q.mu.Unlock(); return q.mu.dead }
	n := 0
	for ; n < 1000 && !dead(); n++ {
		p := pubCtx{self: pubc, shard: -1}
		e.publish(pubsub.Channel, []byte("ch"), msg, &p)
	}
	if n > 45 {
		t.Errorf("dropped only after %d messages of 100 bytes with a 4096-byte limit", n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !conn.isClosed() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !conn.isClosed() {
		t.Fatal("subscriber over the hard limit was not disconnected")
	}
	q.mu.Lock()
	backlog := q.mu.buf.size() + q.mu.held.size()
	q.mu.Unlock()
	if backlog != 0 {
		t.Errorf("queue of a disconnected client keeps %d bytes", backlog)
	}
	if e.FlushOwn(sub) {
		t.Error("FlushOwn reports a dropped client as usable")
	}
}

func TestAsyncOutSoftLimit(t *testing.T) {
	e, _ := newTestEngine(t, settings{"client-output-buffer-limit": "pubsub 0 1000 1"})
	conn := newPsConn(true)
	sub := e.NewClient(conn, "127.0.0.1:1", "127.0.0.1:2", 1)
	psSubscribe(e, sub, "ch")
	msg := bytes.Repeat([]byte("y"), 600)
	p := pubCtx{shard: -1}
	// Over the soft limit, but not for long enough yet.
	e.publish(pubsub.Channel, []byte("ch"), msg, &p)
	e.publish(pubsub.Channel, []byte("ch"), msg, &p)
	time.Sleep(20 * time.Millisecond)
	if conn.isClosed() {
		t.Fatal("disconnected as soon as the soft limit was reached")
	}
	q := sub.aq.Load()
	q.mu.Lock()
	since := q.mu.softSince
	q.mu.softSince -= 2500 // pretend it has been over the limit for 2.5 s
	q.mu.Unlock()
	if since == 0 {
		t.Fatal("soft limit start not recorded")
	}
	e.publish(pubsub.Channel, []byte("ch"), msg, &p)
	time.Sleep(20 * time.Millisecond)
	if !conn.isClosed() {
		t.Fatal("not disconnected after staying over the soft limit")
	}
}

func TestAsyncOutOrdering(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	conn := newPsConn(false)
	sub := e.NewClient(conn, "127.0.0.1:1", "127.0.0.1:2", 1)
	psSubscribe(e, sub, "ch")
	// While the subscriber runs a batch, messages from others wait behind
	// its replies.
	e.Exec(sub, [][]byte{[]byte("PING")})
	p := pubCtx{shard: -1}
	e.publish(pubsub.Channel, []byte("ch"), []byte("m1"), &p)
	time.Sleep(10 * time.Millisecond)
	if got := conn.String(); got != "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n" {
		t.Fatalf("before the batch is flushed: %q", got)
	}
	if !e.FlushOwn(sub) {
		t.Fatal("FlushOwn")
	}
	// Between batches they go out at once, in publication order.
	for i := 2; i <= 50; i++ {
		e.publish(pubsub.Channel, []byte("ch"), []byte{'m', byte('0' + i%10)}, &p)
	}
	want := "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n+PONG\r\n" // the test registry's PING
	want += string(pubsub.AppendMessage(nil, 2, "message", nil, []byte("ch"), []byte("m1")))
	for i := 2; i <= 50; i++ {
		want += string(pubsub.AppendMessage(nil, 2, "message", nil, []byte("ch"), []byte{'m', byte('0' + i%10)}))
	}
	deadline := time.Now().Add(2 * time.Second)
	for conn.String() != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := conn.String(); got != want {
		t.Fatalf("output\n got %q\nwant %q", got, want)
	}
}

// A subscriber that does not read holds no more memory than its hard
// limit (plus the unused room of the chunks being filled) before it is
// dropped: the queue grows by chunks and counts what they hold.
func TestAsyncOutMemoryHeld(t *testing.T) {
	const hard = 1 << 20
	e, _ := newTestEngine(t, settings{"client-output-buffer-limit": "pubsub 1048576 0 0"})
	conn := newPsConn(true)
	sub := e.NewClient(conn, "127.0.0.1:1", "127.0.0.1:2", 1)
	psSubscribe(e, sub, "ch")
	q := sub.aq.Load()
	held := func() (counted, real int, dead bool) {
		q.mu.Lock()
		defer q.mu.Unlock()
		for _, l := range []*chunkList{&q.mu.buf, &q.mu.held} {
			for _, c := range l.chunks {
				real += cap(c)
			}
		}
		real += q.mu.inflight
		counted = q.mu.buf.size() + q.mu.held.size() + q.mu.inflight
		return counted, real, q.mu.dead
	}
	for _, size := range []int{100, 3000, 70000} {
		msg := bytes.Repeat([]byte("z"), size)
		for i := 0; i < 2*hard/size; i++ {
			p := pubCtx{shard: -1}
			e.publish(pubsub.Channel, []byte("ch"), msg, &p)
			counted, real, dead := held()
			if dead {
				break
			}
			if counted >= hard {
				t.Fatalf("%d-byte messages: %d bytes counted and not dropped", size, counted)
			}
			if real > hard+2*chunkMax {
				t.Fatalf("%d-byte messages: %d bytes held with a limit of %d", size, real, hard)
			}
		}
		if _, _, dead := held(); !dead {
			t.Fatalf("%d-byte messages: not dropped", size)
		}
		// Next round: a fresh subscriber.
		conn = newPsConn(true)
		sub = e.NewClient(conn, "127.0.0.1:1", "127.0.0.1:2", 1)
		psSubscribe(e, sub, "ch")
		q = sub.aq.Load()
	}
}
