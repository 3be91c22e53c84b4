// Package goredis exercises an embedded Redwing server with the go-redis v9
// client: connection set-up (HELLO 3, CLIENT SETINFO), pipelines,
// transactions and optimistic locking with WATCH.
package goredis

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redwingdb/redwing"
)

func startServer(t *testing.T) *redwing.Server {
	t.Helper()
	srv, err := redwing.Start(redwing.Config{Dir: t.TempDir(), Directives: map[string]string{"save": ""}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func newClient(t *testing.T, srv *redwing.Server, opt *redis.Options) *redis.Client {
	t.Helper()
	if opt == nil {
		opt = &redis.Options{}
	}
	opt.Addr = srv.Addr()
	cl := redis.NewClient(opt)
	t.Cleanup(func() { cl.Close() })
	return cl
}

func TestPingSetGet(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		cl := newClient(t, srv, &redis.Options{Protocol: proto})
		if got, err := cl.Ping(ctx).Result(); err != nil || got != "PONG" {
			t.Fatalf("RESP%d PING: %q %v", proto, got, err)
		}
		if err := cl.Set(ctx, "k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if got, err := cl.Get(ctx, "k").Result(); err != nil || got != "v" {
			t.Fatalf("GET: %q %v", got, err)
		}
		if _, err := cl.Get(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
			t.Fatalf("GET missing: %v", err)
		}
		// TTL: set with an expiry, read it back, let it pass.
		if err := cl.Set(ctx, "ttl", "v", 10*time.Second).Err(); err != nil {
			t.Fatal(err)
		}
		if d, err := cl.TTL(ctx, "ttl").Result(); err != nil || d <= 9*time.Second || d > 10*time.Second {
			t.Fatalf("TTL: %v %v", d, err)
		}
		if err := cl.Set(ctx, "short", "v", 50*time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
		if d, err := cl.PTTL(ctx, "short").Result(); err != nil || d <= 0 || d > 50*time.Millisecond {
			t.Fatalf("PTTL: %v %v", d, err)
		}
		time.Sleep(80 * time.Millisecond)
		if n, err := cl.Exists(ctx, "short").Result(); err != nil || n != 0 {
			t.Fatalf("expired key still exists: %d %v", n, err)
		}
		if ok, err := cl.SetNX(ctx, "k", "other", 0).Result(); err != nil || ok {
			t.Fatalf("SETNX on existing key: %v %v", ok, err)
		}
	}
}

func TestHello3AndClientCommands(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, &redis.Options{Protocol: 3, ClientName: "gr-client"})
	m, err := cl.Do(ctx, "HELLO", "3").Result()
	if err != nil {
		t.Fatal(err)
	}
	hello, ok := m.(map[interface{}]interface{})
	if !ok {
		t.Fatalf("HELLO 3 reply is %T, not a map", m)
	}
	if hello["server"] != "redis" || hello["proto"] != int64(3) || hello["mode"] != "standalone" || hello["role"] != "master" {
		t.Fatalf("HELLO 3: %v", hello)
	}
	if name, err := cl.ClientGetName(ctx).Result(); err != nil || name != "gr-client" {
		t.Fatalf("CLIENT GETNAME: %q %v", name, err)
	}
	id, err := cl.ClientID(ctx).Result()
	if err != nil || id <= 0 {
		t.Fatalf("CLIENT ID: %d %v", id, err)
	}
	list, err := cl.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(strings.TrimSpace(list), "\n") {
		if strings.Contains(l, " name=gr-client ") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("CLIENT LIST lacks the named client:\n%s", list)
	}
	// go-redis identifies itself with CLIENT SETINFO on connect.
	for _, want := range []string{" resp=3 ", " lib-name=go-redis", " lib-ver="} {
		if !strings.Contains(line, want) {
			t.Errorf("CLIENT LIST line lacks %q: %s", want, line)
		}
	}
	info, err := cl.ClientInfo(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != id || info.Name != "gr-client" || info.Resp != 3 || !strings.HasPrefix(info.LibName, "go-redis") {
		t.Errorf("CLIENT INFO: %+v", info)
	}
	if err := cl.Do(ctx, "CLIENT", "SETNAME", "renamed").Err(); err != nil {
		t.Fatal(err)
	}
	if name, err := cl.ClientGetName(ctx).Result(); err != nil || name != "renamed" {
		t.Fatalf("CLIENT GETNAME after SETNAME: %q %v", name, err)
	}
	// Commands in RESP3: a map reply and a null.
	if err := cl.HSet(ctx, "h", "f1", "a", "f2", "b").Err(); err != nil {
		t.Fatal(err)
	}
	if all, err := cl.HGetAll(ctx, "h").Result(); err != nil || len(all) != 2 || all["f1"] != "a" {
		t.Fatalf("HGETALL: %v %v", all, err)
	}
	if _, err := cl.Get(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET missing in RESP3: %v", err)
	}
}

func TestPipelines(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	cmds, err := cl.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := 0; i < 100; i++ {
			p.Incr(ctx, "pipe")
		}
		p.Get(ctx, "pipe")
		p.Set(ctx, "pk", "pv", time.Minute)
		p.Get(ctx, "pk")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 103 {
		t.Fatalf("%d replies", len(cmds))
	}
	for i := 0; i < 100; i++ {
		if v := cmds[i].(*redis.IntCmd).Val(); v != int64(i+1) {
			t.Fatalf("INCR %d = %d", i, v)
		}
	}
	if v := cmds[100].(*redis.StringCmd).Val(); v != "100" {
		t.Fatalf("GET pipe = %q", v)
	}
	if v := cmds[102].(*redis.StringCmd).Val(); v != "pv" {
		t.Fatalf("GET pk = %q", v)
	}
	// A pipeline with an error in the middle still answers every command.
	cmds, err = cl.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "s", "text", 0)
		p.Incr(ctx, "s")
		p.Get(ctx, "s")
		return nil
	})
	if err == nil || len(cmds) != 3 || cmds[1].Err() == nil || cmds[2].(*redis.StringCmd).Val() != "text" {
		t.Fatalf("pipeline with an error: %v %v", cmds, err)
	}
}

func TestTxPipelined(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	var incr *redis.IntCmd
	cmds, err := cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "tx", "10", 0)
		incr = p.IncrBy(ctx, "tx", 5)
		p.Expire(ctx, "tx", time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 3 || incr.Val() != 15 {
		t.Fatalf("TxPipelined: %v, INCRBY = %d", cmds, incr.Val())
	}
	if d := cl.TTL(ctx, "tx").Val(); d <= 0 {
		t.Fatalf("TTL after transaction: %v", d)
	}
	// A queued command rejected by the server aborts the transaction.
	_, err = cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "tx", "20", 0)
		p.Do(ctx, "NOSUCHCOMMAND")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "EXECABORT") && !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("aborted transaction: %v", err)
	}
	if v := cl.Get(ctx, "tx").Val(); v != "15" {
		t.Fatalf("aborted transaction ran: tx = %q", v)
	}
}

// TestWatchCounter increments one counter from 20 goroutines 50 times each
// with WATCH/MULTI/EXEC and retries: no update may be lost.
func TestWatchCounter(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, &redis.Options{PoolSize: 20})
	const workers, iters = 20, 50
	incr := func() error {
		for {
			err := cl.Watch(ctx, func(tx *redis.Tx) error {
				n, err := tx.Get(ctx, "counter").Int()
				if err != nil && !errors.Is(err, redis.Nil) {
					return err
				}
				_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "counter", n+1, 0)
					return nil
				})
				return err
			}, "counter")
			if errors.Is(err, redis.TxFailedErr) {
				continue // a concurrent EXEC won: retry
			}
			return err
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				if err := incr(); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if n, err := cl.Get(ctx, "counter").Int(); err != nil || n != workers*iters {
		t.Fatalf("counter = %d (%v), want %d", n, err, workers*iters)
	}
}

func TestWatchFailsOnChange(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	other := newClient(t, srv, nil)
	cl.Set(ctx, "w", "1", 0)
	err := cl.Watch(ctx, func(tx *redis.Tx) error {
		if err := other.Set(ctx, "w", "2", 0).Err(); err != nil {
			return err
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "w", "3", 0)
			return nil
		})
		return err
	}, "w")
	if !errors.Is(err, redis.TxFailedErr) {
		t.Fatalf("EXEC after a watched key changed: %v", err)
	}
	if v := cl.Get(ctx, "w").Val(); v != "2" {
		t.Fatalf("w = %q", v)
	}
}
