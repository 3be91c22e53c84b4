package goredis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestBlockingManyProducersConsumers runs 20 consumers blocked in BLPOP,
// BRPOP, BLMPOP and BLMOVE against 20 producers pushing 1000 elements each
// with LPUSH/RPUSH (one or several per call): every element must be
// delivered exactly once.
func TestBlockingManyProducersConsumers(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	const producers, consumers, perProducer = 20, 20, 1000
	cl := newClient(t, srv, &redis.Options{PoolSize: 2 * (producers + consumers), ReadTimeout: -1})
	keys := []string{"q1", "q2", "q3"}

	var mu sync.Mutex
	seen := make(map[string]int, producers*perProducer)
	var popped atomic.Int64
	record := func(vals ...string) bool {
		mu.Lock()
		defer mu.Unlock()
		stop := false
		for _, v := range vals {
			if v == "STOP" {
				stop = true
				continue
			}
			seen[v]++
			popped.Add(1)
		}
		return stop
	}
	var cwg sync.WaitGroup
	errc := make(chan error, producers+consumers)
	for i := 0; i < consumers; i++ {
		cwg.Add(1)
		go func(i int) {
			defer cwg.Done()
			for {
				var vals []string
				switch i % 4 {
				case 0:
					r, err := cl.BLPop(ctx, 0, keys...).Result()
					if err != nil {
						errc <- err
						return
					}
					vals = r[1:]
				case 1:
					r, err := cl.BRPop(ctx, 0, keys[2], keys[0], keys[1]).Result()
					if err != nil {
						errc <- err
						return
					}
					vals = r[1:]
				case 2:
					_, r, err := cl.BLMPop(ctx, 0, "left", 3, keys...).Result()
					if err != nil {
						errc <- err
						return
					}
					vals = r
				default:
					// A reliable-queue consumer: move to a private list, then drop it.
					own := "own" + strconv.Itoa(i)
					v, err := cl.BLMove(ctx, keys[i%3], own, "RIGHT", "LEFT", 0).Result()
					if err != nil {
						errc <- err
						return
					}
					if n, err := cl.LRem(ctx, own, 1, v).Result(); err != nil || n != 1 {
						errc <- fmt.Errorf("LREM %s %s: %d %v", own, v, n, err)
						return
					}
					vals = []string{v}
				}
				if record(vals...) {
					return
				}
			}
		}(i)
	}
	var pwg sync.WaitGroup
	for p := 0; p < producers; p++ {
		pwg.Add(1)
		go func(p int) {
			defer pwg.Done()
			r := rand.New(rand.NewPCG(uint64(p), 1))
			for n := 0; n < perProducer; {
				batch := 1 + r.IntN(4)
				if n+batch > perProducer {
					batch = perProducer - n
				}
				vals := make([]any, batch)
				for j := range vals {
					vals[j] = fmt.Sprintf("p%d-%d", p, n+j)
				}
				n += batch
				key := keys[r.IntN(len(keys))]
				var err error
				if r.IntN(2) == 0 {
					err = cl.LPush(ctx, key, vals...).Err()
				} else {
					err = cl.RPush(ctx, key, vals...).Err()
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}(p)
	}
	pwg.Wait()
	deadline := time.Now().Add(60 * time.Second)
	for popped.Load() < producers*perProducer {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d elements popped", popped.Load(), producers*perProducer)
		}
		select {
		case err := <-errc:
			t.Fatal(err)
		default:
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Stop the consumers: STOP on every key until all have left.
	done := make(chan struct{})
	go func() { cwg.Wait(); close(done) }()
	stopDeadline := time.After(30 * time.Second)
stopping:
	for {
		for _, k := range keys {
			if err := cl.RPush(ctx, k, "STOP").Err(); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-done:
			break stopping
		case <-stopDeadline:
			t.Fatal("consumers did not stop")
		case <-time.After(5 * time.Millisecond):
		}
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if len(seen) != producers*perProducer {
		t.Fatalf("%d distinct elements, want %d", len(seen), producers*perProducer)
	}
	for v, n := range seen {
		if n != 1 {
			t.Fatalf("%s delivered %d times", v, n)
		}
	}
	for _, k := range keys {
		rest, _ := cl.LRange(ctx, k, 0, -1).Result()
		for _, v := range rest {
			if v != "STOP" {
				t.Errorf("%s still holds %s", k, v)
			}
		}
	}
	if info, _ := cl.Info(ctx, "clients").Result(); !containsLine(info, "blocked_clients:0") {
		t.Errorf("INFO clients after the run: %q", info)
	}
}

func containsLine(s, line string) bool {
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		l := s[:i]
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		if l == line {
			return true
		}
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return false
}

// TestBlockingTimeoutUnblockDisconnect covers timeouts, CLIENT UNBLOCK and
// a client that goes away while blocked.
func TestBlockingTimeoutUnblockDisconnect(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	for _, proto := range []int{2, 3} {
		c := newClient(t, srv, &redis.Options{Protocol: proto})
		// go-redis sends whole seconds; sub-second timeouts are covered by
		// the differential tests.
		start := time.Now()
		if _, err := c.BLPop(ctx, time.Second, "none").Result(); !errors.Is(err, redis.Nil) {
			t.Fatalf("RESP%d BLPOP timeout: %v", proto, err)
		}
		if d := time.Since(start); d < 900*time.Millisecond || d > 3*time.Second {
			t.Fatalf("BLPOP 1s took %v", d)
		}
		if _, err := c.Do(ctx, "BLMOVE", "none", "d", "LEFT", "LEFT", "0.05").Result(); !errors.Is(err, redis.Nil) {
			t.Fatalf("RESP%d BLMOVE timeout: %v", proto, err)
		}
	}

	// CLIENT UNBLOCK: a dedicated connection so that its id is known.
	blocked := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 1, ReadTimeout: -1})
	defer blocked.Close()
	id, err := blocked.ClientID(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		_, err := blocked.BLPop(ctx, 0, "never").Result()
		res <- err
	}()
	waitBlocked(t, cl, 1)
	if n, err := cl.ClientUnblock(ctx, id).Result(); err != nil || n != 1 {
		t.Fatalf("CLIENT UNBLOCK: %d %v", n, err)
	}
	if err := <-res; !errors.Is(err, redis.Nil) {
		t.Fatalf("unblocked BLPOP: %v", err)
	}
	go func() {
		_, err := blocked.BLPop(ctx, 0, "never").Result()
		res <- err
	}()
	waitBlocked(t, cl, 1)
	if n, err := cl.ClientUnblockWithError(ctx, id).Result(); err != nil || n != 1 {
		t.Fatalf("CLIENT UNBLOCK ERROR: %d %v", n, err)
	}
	if err := <-res; err == nil || err.Error() != "UNBLOCKED client unblocked via CLIENT UNBLOCK" {
		t.Fatalf("unblocked BLPOP with error: %v", err)
	}
	if n, _ := cl.ClientUnblock(ctx, id).Result(); n != 0 {
		t.Fatalf("CLIENT UNBLOCK of a client not blocked: %d", n)
	}

	// A client that disconnects while blocked loses nothing.
	gone := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 1, ReadTimeout: -1})
	go gone.BLPop(ctx, 0, "keep")
	waitBlocked(t, cl, 1)
	gone.Close()
	waitBlocked(t, cl, 0)
	if err := cl.RPush(ctx, "keep", "v").Err(); err != nil {
		t.Fatal(err)
	}
	if got, _ := cl.LRange(ctx, "keep", 0, -1).Result(); len(got) != 1 || got[0] != "v" {
		t.Fatalf("keep = %v", got)
	}
}

func waitBlocked(t *testing.T, cl *redis.Client, n int) {
	t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n)
	deadline := time.Now().Add(5 * time.Second)
	for {
		info, err := cl.Info(context.Background(), "clients").Result()
		if err != nil {
			t.Fatal(err)
		}
		if containsLine(info, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %q", want, info)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestBlockedClientsHoldNoLocks blocks many clients on keys and checks that
// commands on the same keys and on every other key keep running.
func TestBlockedClientsHoldNoLocks(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, &redis.Options{PoolSize: 80, ReadTimeout: -1})
	const waiters = 50
	var wg sync.WaitGroup
	for i := 0; i < waiters; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cl.BLPop(ctx, 0, "w"+strconv.Itoa(i), "shared")
		}(i)
	}
	waitBlocked(t, cl, waiters)
	start := time.Now()
	for i := 0; i < 2000; i++ {
		k := "k" + strconv.Itoa(i)
		if err := cl.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.LLen(ctx, "w"+strconv.Itoa(i%waiters)).Result(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cl.Exists(ctx, "shared").Result(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("commands with %d blocked clients took %v", waiters, d)
	}
	// Wake them all: one push of 50 elements serves every waiter.
	vals := make([]any, waiters)
	for i := range vals {
		vals[i] = i
	}
	if err := cl.RPush(ctx, "shared", vals...).Err(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if n, _ := cl.LLen(ctx, "shared").Result(); n != 0 {
		t.Fatalf("shared still has %d elements", n)
	}
}

// TestBlockingInTransaction checks that blocking commands inside MULTI do
// not block, and that a push in a transaction serves waiters after EXEC.
func TestBlockingInTransaction(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, &redis.Options{PoolSize: 4, ReadTimeout: -1})
	cmds, err := cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.BLPop(ctx, 0, "empty")
		p.BLMove(ctx, "empty", "d", "LEFT", "LEFT", 0)
		return nil
	})
	if !errors.Is(err, redis.Nil) || len(cmds) != 2 {
		t.Fatalf("MULTI BLPOP: %v %v", cmds, err)
	}
	got := make(chan []string, 1)
	go func() {
		r, _ := cl.BLPop(ctx, 0, "tx").Result()
		got <- r
	}()
	waitBlocked(t, cl, 1)
	_, err = cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, "tx", "a", "b")
		p.LPop(ctx, "tx")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-got:
		if len(r) != 2 || r[1] != "b" {
			t.Fatalf("BLPOP after EXEC got %v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BLPOP not served after EXEC")
	}
}
