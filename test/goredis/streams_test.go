package goredis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestStreamsAPI drives the stream commands through go-redis v9 in RESP2
// and RESP3: every reply must parse into go-redis's types (XINFO replies
// are maps under RESP3).
func TestStreamsAPI(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		cl := newClient(t, srv, &redis.Options{Protocol: proto})
		if err := cl.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 5; i++ {
			id, err := cl.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: fmt.Sprintf("%d-1", i), Values: []string{"n", fmt.Sprint(i)}}).Result()
			if err != nil || id != fmt.Sprintf("%d-1", i) {
				t.Fatalf("XADD: %q %v", id, err)
			}
		}
		id, err := cl.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: map[string]any{"auto": "1"}}).Result()
		if err != nil || !strings.HasSuffix(id, "-0") {
			t.Fatalf("XADD *: %q %v", id, err)
		}
		if _, err := cl.XAdd(ctx, &redis.XAddArgs{Stream: "none", NoMkStream: true, Values: []string{"a", "b"}}).Result(); !errors.Is(err, redis.Nil) {
			t.Fatalf("XADD NOMKSTREAM: %v", err)
		}
		if n, err := cl.XLen(ctx, "s").Result(); err != nil || n != 6 {
			t.Fatalf("XLEN: %d %v", n, err)
		}
		msgs, err := cl.XRangeN(ctx, "s", "2", "(4-1", 10).Result()
		if err != nil || len(msgs) != 2 || msgs[0].ID != "2-1" || msgs[1].Values["n"] != "3" {
			t.Fatalf("XRANGE: %v %v", msgs, err)
		}
		msgs, err = cl.XRevRange(ctx, "s", "+", "-").Result()
		if err != nil || len(msgs) != 6 || msgs[5].ID != "1-1" {
			t.Fatalf("XREVRANGE: %v %v", msgs, err)
		}
		streams, err := cl.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "3-1"}, Count: 2}).Result()
		if err != nil || len(streams) != 1 || streams[0].Stream != "s" || len(streams[0].Messages) != 2 || streams[0].Messages[0].ID != "4-1" {
			t.Fatalf("XREAD: %v %v", streams, err)
		}
		if err := cl.XGroupCreate(ctx, "s", "g", "0").Err(); err != nil {
			t.Fatal(err)
		}
		if err := cl.XGroupCreate(ctx, "s", "g", "0").Err(); err == nil || !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			t.Fatalf("BUSYGROUP: %v", err)
		}
		if err := cl.XGroupCreateMkStream(ctx, "fresh", "g", "$").Err(); err != nil {
			t.Fatal(err)
		}
		streams, err = cl.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Count: 3}).Result()
		if err != nil || len(streams[0].Messages) != 3 {
			t.Fatalf("XREADGROUP: %v %v", streams, err)
		}
		if _, err := cl.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "nope", Consumer: "alice", Streams: []string{"s", ">"}}).Result(); err == nil || !strings.HasPrefix(err.Error(), "NOGROUP") {
			t.Fatalf("NOGROUP: %v", err)
		}
		if n, err := cl.XAck(ctx, "s", "g", "1-1").Result(); err != nil || n != 1 {
			t.Fatalf("XACK: %d %v", n, err)
		}
		pend, err := cl.XPending(ctx, "s", "g").Result()
		if err != nil || pend.Count != 2 || pend.Lower != "2-1" || pend.Higher != "3-1" || pend.Consumers["alice"] != 2 {
			t.Fatalf("XPENDING: %+v %v", pend, err)
		}
		ext, err := cl.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 10}).Result()
		if err != nil || len(ext) != 2 || ext[0].Consumer != "alice" || ext[0].RetryCount != 1 {
			t.Fatalf("XPENDING ext: %+v %v", ext, err)
		}
		claimed, err := cl.XClaim(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "bob", MinIdle: 0, Messages: []string{"2-1"}}).Result()
		if err != nil || len(claimed) != 1 || claimed[0].Values["n"] != "2" {
			t.Fatalf("XCLAIM: %v %v", claimed, err)
		}
		ids, err := cl.XClaimJustID(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "bob", Messages: []string{"3-1"}}).Result()
		if err != nil || len(ids) != 1 || ids[0] != "3-1" {
			t.Fatalf("XCLAIM JUSTID: %v %v", ids, err)
		}
		auto, start, err := cl.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "s", Group: "g", Consumer: "carol", Start: "0", Count: 1}).Result()
		if err != nil || len(auto) != 1 || auto[0].ID != "2-1" || start != "3-1" {
			t.Fatalf("XAUTOCLAIM: %v %q %v", auto, start, err)
		}
		info, err := cl.XInfoStream(ctx, "s").Result()
		if err != nil || info.Length != 6 || info.Groups != 1 || info.FirstEntry.ID != "1-1" || info.LastGeneratedID != id {
			t.Fatalf("XINFO STREAM: %+v %v", info, err)
		}
		full, err := cl.XInfoStreamFull(ctx, "s", 0).Result()
		if err != nil || len(full.Entries) != 6 || len(full.Groups) != 1 || full.Groups[0].PelCount != 2 || len(full.Groups[0].Consumers) != 3 {
			t.Fatalf("XINFO STREAM FULL: %+v %v", full, err)
		}
		groups, err := cl.XInfoGroups(ctx, "s").Result()
		if err != nil || len(groups) != 1 || groups[0].Name != "g" || groups[0].Pending != 2 || groups[0].EntriesRead != 3 || groups[0].Lag != 3 {
			t.Fatalf("XINFO GROUPS: %+v %v", groups, err)
		}
		cons, err := cl.XInfoConsumers(ctx, "s", "g").Result()
		if err != nil || len(cons) != 3 || cons[0].Name != "alice" || cons[1].Pending != 1 {
			t.Fatalf("XINFO CONSUMERS: %+v %v", cons, err)
		}
		if n, err := cl.XDel(ctx, "s", "5-1", "99-1").Result(); err != nil || n != 1 {
			t.Fatalf("XDEL: %d %v", n, err)
		}
		if n, err := cl.XTrimMaxLen(ctx, "s", 2).Result(); err != nil || n != 3 {
			t.Fatalf("XTRIM: %d %v", n, err)
		}
		if n, err := cl.XGroupDelConsumer(ctx, "s", "g", "carol").Result(); err != nil || n != 1 {
			t.Fatalf("XGROUP DELCONSUMER: %d %v", n, err)
		}
		if n, err := cl.XGroupDestroy(ctx, "s", "g").Result(); err != nil || n != 1 {
			t.Fatalf("XGROUP DESTROY: %d %v", n, err)
		}
		if enc, err := cl.ObjectEncoding(ctx, "s").Result(); err != nil || enc != "stream" {
			t.Fatalf("OBJECT ENCODING: %q %v", enc, err)
		}
		// A blocked XREAD is woken by XADD on another connection.
		done := make(chan []redis.XStream, 1)
		go func() {
			r, _ := cl.XRead(ctx, &redis.XReadArgs{Streams: []string{"wake", "$"}, Block: 0}).Result()
			done <- r
		}()
		xsWaitBlocked(t, cl, 1)
		cl.XAdd(ctx, &redis.XAddArgs{Stream: "wake", ID: "7-7", Values: []string{"x", "y"}})
		select {
		case r := <-done:
			if len(r) != 1 || r[0].Messages[0].ID != "7-7" {
				t.Fatalf("blocked XREAD: %v", r)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("blocked XREAD not woken")
		}
		if _, err := cl.XRead(ctx, &redis.XReadArgs{Streams: []string{"wake", "$"}, Block: 20 * time.Millisecond}).Result(); !errors.Is(err, redis.Nil) {
			t.Fatalf("XREAD timeout: %v", err)
		}
	}
}

// xsWaitBlocked waits until the server reports n blocked clients.
func xsWaitBlocked(t *testing.T, cl *redis.Client, n int) {
	t.Helper()
	want := fmt.Sprintf("blocked_clients:%d\r\n", n)
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := cl.Info(context.Background(), "clients").Result()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(s, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q", strings.TrimSpace(want))
		}
		time.Sleep(time.Millisecond)
	}
}

// TestStreamConsumerGroupsConcurrent runs producers adding entries to two
// streams while consumers of one group read them with XREADGROUP BLOCK
// (one or both streams, COUNT 1..5) and acknowledge them: every entry is
// delivered to exactly one consumer, none is lost, and the PEL ends empty.
// Plain XREAD readers follow the streams meanwhile. Run with -race.
func TestStreamConsumerGroupsConcurrent(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	const producers, consumers, perProducer = 8, 12, 400
	cl := newClient(t, srv, &redis.Options{PoolSize: 2*(producers+consumers) + 8, ReadTimeout: -1})
	keys := []string{"sa", "sb"}
	for _, k := range keys {
		if err := cl.XGroupCreateMkStream(ctx, k, "workers", "$").Err(); err != nil {
			t.Fatal(err)
		}
	}
	total := producers * perProducer
	var mu sync.Mutex
	seen := make(map[string]int, total)
	var delivered atomic.Int64
	stop := make(chan struct{})
	errc := make(chan error, producers+consumers+4)

	var cwg sync.WaitGroup
	for i := 0; i < consumers; i++ {
		cwg.Add(1)
		go func(i int) {
			defer cwg.Done()
			name := fmt.Sprintf("c%d", i)
			streams := []string{keys[i%2], ">"}
			if i%3 == 0 {
				streams = []string{"sa", "sb", ">", ">"}
			}
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := cl.XReadGroup(ctx, &redis.XReadGroupArgs{
					Group: "workers", Consumer: name, Streams: streams,
					Count: int64(1 + i%5), Block: 50 * time.Millisecond,
				}).Result()
				if errors.Is(err, redis.Nil) {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
				for _, st := range res {
					var ids []string
					mu.Lock()
					for _, m := range st.Messages {
						seen[st.Stream+"/"+m.Values["p"].(string)+"/"+m.Values["i"].(string)]++
						ids = append(ids, m.ID)
					}
					mu.Unlock()
					delivered.Add(int64(len(st.Messages)))
					if err := cl.XAck(ctx, st.Stream, "workers", ids...).Err(); err != nil {
						errc <- err
						return
					}
				}
			}
		}(i)
	}
	// Plain readers following both streams from the start.
	var xreadCount atomic.Int64
	var rwg sync.WaitGroup
	for r := 0; r < 2; r++ {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			last := map[string]string{"sa": "0", "sb": "0"}
			for xreadCount.Load() < int64(2*total) {
				res, err := cl.XRead(ctx, &redis.XReadArgs{Streams: []string{"sa", "sb", last["sa"], last["sb"]}, Block: 50 * time.Millisecond}).Result()
				if errors.Is(err, redis.Nil) {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
				for _, st := range res {
					last[st.Stream] = st.Messages[len(st.Messages)-1].ID
					xreadCount.Add(int64(len(st.Messages)))
				}
			}
		}()
	}
	var pwg sync.WaitGroup
	for p := 0; p < producers; p++ {
		pwg.Add(1)
		go func(p int) {
			defer pwg.Done()
			for i := 0; i < perProducer; i++ {
				if err := cl.XAdd(ctx, &redis.XAddArgs{Stream: keys[(p+i)%2], Values: []string{"p", fmt.Sprint(p), "i", fmt.Sprint(i)}}).Err(); err != nil {
					errc <- err
					return
				}
			}
		}(p)
	}
	pwg.Wait()
	deadline := time.Now().Add(20 * time.Second)
	for delivered.Load() < int64(total) && time.Now().Before(deadline) {
		select {
		case err := <-errc:
			t.Fatal(err)
		default:
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	cwg.Wait()
	rwg.Wait()
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if got := delivered.Load(); got != int64(total) {
		t.Fatalf("delivered %d of %d", got, total)
	}
	if len(seen) != total {
		t.Fatalf("%d distinct entries delivered, want %d", len(seen), total)
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s delivered %d times", k, n)
		}
	}
	if xreadCount.Load() != int64(2*total) {
		t.Fatalf("XREAD readers saw %d entries, want %d", xreadCount.Load(), 2*total)
	}
	for _, k := range keys {
		p, err := cl.XPending(ctx, k, "workers").Result()
		if err != nil || p.Count != 0 {
			t.Fatalf("%s PEL: %+v %v", k, p, err)
		}
		if n, err := cl.XLen(ctx, k).Result(); err != nil || n != int64(total/2) {
			t.Fatalf("%s XLEN %d %v", k, n, err)
		}
	}
}

// TestStreamCrashedConsumerRecovery: a worker reads entries and dies
// without acknowledging them; another worker recovers them with
// XAUTOCLAIM once they are idle long enough, and a deleted entry shows up
// in XAUTOCLAIM's deleted list.
func TestStreamCrashedConsumerRecovery(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	if err := cl.XGroupCreateMkStream(ctx, "jobs", "workers", "$").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		cl.XAdd(ctx, &redis.XAddArgs{Stream: "jobs", ID: fmt.Sprintf("%d-0", i+1), Values: []string{"job", fmt.Sprint(i)}})
	}
	crashed := newClient(t, srv, nil)
	res, err := crashed.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "w1", Streams: []string{"jobs", ">"}, Count: 6}).Result()
	if err != nil || len(res[0].Messages) != 6 {
		t.Fatalf("w1 read: %v %v", res, err)
	}
	crashed.XAck(ctx, "jobs", "workers", "1-0")
	crashed.Close()
	cl.XDel(ctx, "jobs", "4-0")
	// Not idle long enough yet: nothing is claimed, but the deleted entry
	// leaves the PEL and is reported.
	raw, err := cl.Do(ctx, "XAUTOCLAIM", "jobs", "workers", "w2", "3600000", "0").Slice()
	if err != nil || len(raw) != 3 || raw[0] != "0-0" || len(raw[1].([]any)) != 0 {
		t.Fatalf("early XAUTOCLAIM: %v %v", raw, err)
	}
	if del := raw[2].([]any); len(del) != 1 || del[0] != "4-0" {
		t.Fatalf("deleted list %v", del)
	}
	time.Sleep(30 * time.Millisecond)
	msgs, next, err := cl.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "jobs", Group: "workers", Consumer: "w2", MinIdle: 20 * time.Millisecond, Start: "0", Count: 10}).Result()
	if err != nil || len(msgs) != 4 || next != "0-0" {
		t.Fatalf("XAUTOCLAIM: %v %q %v", msgs, next, err)
	}
	p, err := cl.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "jobs", Group: "workers", Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(p) != 4 {
		t.Fatalf("pending: %v %v", p, err)
	}
	for _, e := range p {
		if e.Consumer != "w2" || e.RetryCount != 2 {
			t.Fatalf("pending entry %+v", e)
		}
	}
	// The rest goes to w2 normally.
	res, err = cl.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "w2", Streams: []string{"jobs", ">"}}).Result()
	if err != nil || len(res[0].Messages) != 4 {
		t.Fatalf("w2 read: %v %v", res, err)
	}
}
