package commands

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestTxPropagation(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	x.sink.take()
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "SET", "a", "1")
	cnRun(x.e, c, "GET", "a")
	cnRun(x.e, c, "INCR", "n")
	x.expect(c, "*3\r\n+OK\r\n$1\r\n1\r\n:1\r\n", "EXEC")
	if got := x.sink.take(); len(got) != 1 || got[0] != "MULTI | SET a 1 | INCR n | EXEC" {
		t.Fatalf("propagated %q", got)
	}
	// Read-only and aborted transactions propagate nothing.
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "GET", "a")
	cnRun(x.e, c, "EXEC")
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "SET", "a", "2")
	cnRun(x.e, c, "NOSUCH")
	x.expect(c, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
	if got := x.sink.take(); len(got) != 0 {
		t.Fatalf("propagated %q", got)
	}
	if c.Multi != nil {
		t.Fatal("still in MULTI after EXECABORT")
	}
	// A rejected EXEC discards the transaction.
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "SET", "a", "3")
	x.expect(c, "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n", "EXEC", "x")
	if c.Multi != nil {
		t.Fatal("still in MULTI after a rejected EXEC")
	}
	x.expect(c, "$1\r\n1\r\n", "GET", "a")
}

func TestTxWatchExpiryFakeClock(t *testing.T) {
	x := newCnEnv(t)
	c, o := x.client(), x.client()
	// Live at WATCH, expired at EXEC: fails, without any access in between.
	cnRun(x.e, c, "SET", "k", "v", "PX", "1000")
	cnRun(x.e, c, "WATCH", "k")
	x.clk.Advance(2 * time.Second)
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "PING")
	x.expect(c, "*-1\r\n", "EXEC")
	// Already expired at WATCH: succeeds, even if the key is then read
	// (and removed) by another client.
	cnRun(x.e, c, "SET", "k", "v", "PX", "1000")
	x.clk.Advance(2 * time.Second)
	cnRun(x.e, c, "WATCH", "k")
	cnRun(x.e, o, "GET", "k")
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "PING")
	x.expect(c, "*1\r\n+PONG\r\n", "EXEC")
	// A TTL far enough away does not matter.
	cnRun(x.e, c, "SET", "k", "v", "EX", "100")
	cnRun(x.e, c, "WATCH", "k")
	x.clk.Advance(time.Second)
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "PING")
	x.expect(c, "*1\r\n+PONG\r\n", "EXEC")
	// Watched keys of another database are checked where they live.
	cnRun(x.e, c, "SELECT", "2")
	cnRun(x.e, c, "SET", "k2", "v", "PX", "500")
	cnRun(x.e, c, "WATCH", "k2")
	cnRun(x.e, c, "SELECT", "0")
	x.clk.Advance(time.Second)
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "PING")
	x.expect(c, "*-1\r\n", "EXEC")
	if x.e.Watching(c) {
		t.Fatal("EXEC did not unwatch")
	}
}

// Concurrent optimistic increments through the engine; run with -race.
func TestTxWatchConcurrency(t *testing.T) {
	x := newCnEnv(t)
	const workers, iters = 8, 200
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := x.e.NewClient(nil, "", "", 0)
			defer x.e.RemoveClient(c)
			for i := 0; i < iters; {
				cnRun(x.e, c, "WATCH", "ctr")
				out := cnRun(x.e, c, "GET", "ctr")
				n := 0
				if out != "$-1\r\n" {
					n, _ = strconv.Atoi(cnBulkBody(out))
				}
				cnRun(x.e, c, "MULTI")
				cnRun(x.e, c, "SET", "ctr", strconv.Itoa(n+1))
				if cnRun(x.e, c, "EXEC") != "*-1\r\n" {
					i++
				}
			}
		}()
	}
	// Meanwhile, CLIENT LIST reads every client's state.
	done := make(chan struct{})
	go func() {
		c := x.e.NewClient(nil, "", "", 0)
		defer x.e.RemoveClient(c)
		for {
			select {
			case <-done:
				return
			default:
				cnRun(x.e, c, "CLIENT", "LIST")
			}
		}
	}()
	wg.Wait()
	close(done)
	c := x.client()
	want := strconv.Itoa(workers * iters)
	x.expect(c, "$"+strconv.Itoa(len(want))+"\r\n"+want+"\r\n", "GET", "ctr")
}

// cnBulkBody returns the body of a bulk string reply.
func cnBulkBody(raw string) string {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] == '\r' && raw[i+1] == '\n' {
			body := raw[i+2:]
			if len(body) >= 2 {
				return body[:len(body)-2]
			}
		}
	}
	return ""
}

func TestTxPauseWriteHoldsExec(t *testing.T) {
	x := newCnEnv(t)
	c, p := x.client(), x.client()
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "SET", "k", "v")
	cnRun(x.e, p, "CLIENT", "PAUSE", "100000", "WRITE")
	done := make(chan string)
	go func() { done <- cnRun(x.e, c, "EXEC") }()
	select {
	case out := <-done:
		t.Fatalf("EXEC of a write ran during PAUSE WRITE: %q", out)
	case <-time.After(100 * time.Millisecond):
	}
	cnRun(x.e, p, "CLIENT", "UNPAUSE")
	if out := <-done; out != "*1\r\n+OK\r\n" {
		t.Fatalf("EXEC after UNPAUSE: %q", out)
	}
	// A read-only transaction is not held back.
	cnRun(x.e, p, "CLIENT", "PAUSE", "100000", "WRITE")
	defer cnRun(x.e, p, "CLIENT", "UNPAUSE")
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "GET", "k")
	go func() { done <- cnRun(x.e, c, "EXEC") }()
	select {
	case out := <-done:
		if out != "*1\r\n$1\r\nv\r\n" {
			t.Fatalf("read-only EXEC: %q", out)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("read-only EXEC held back by PAUSE WRITE")
	}
}
