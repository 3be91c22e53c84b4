package goredis

// Application patterns with go-redis v9, the same ones test/compat runs with
// the Node clients: WATCH-guarded transfers under contention, Lua through
// redis.NewScript with the NOSCRIPT fallback, pattern subscriptions, the
// SCAN iterator, cache-aside with JSON and UNLINK.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestWatchTransfers moves money between accounts from concurrent
// goroutines: read both balances under WATCH, write the new values with
// SET in MULTI/EXEC. A WATCH that missed a concurrent write would lose an
// update and change the total.
func TestWatchTransfers(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, &redis.Options{PoolSize: 16})
	const accounts, workers, perWorker = 4, 8, 25
	key := func(i int) string { return "acct:" + strconv.Itoa(i) }
	for i := 0; i < accounts; i++ {
		cl.Set(ctx, key(i), 1000, 0)
	}
	var aborted atomic.Int64
	transfer := func(from, to string, amount int) error {
		for {
			err := cl.Watch(ctx, func(tx *redis.Tx) error {
				vals, err := tx.MGet(ctx, from, to).Result()
				if err != nil {
					return err
				}
				fb, _ := strconv.Atoi(vals[0].(string))
				tb, _ := strconv.Atoi(vals[1].(string))
				time.Sleep(time.Duration(amount%3) * 100 * time.Microsecond)
				_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, from, fb-amount, 0)
					p.Set(ctx, to, tb+amount, 0)
					return nil
				})
				return err
			}, from, to)
			if errors.Is(err, redis.TxFailedErr) {
				aborted.Add(1)
				continue
			}
			return err
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				from, to := (w+i)%accounts, (w+i+1+i%3)%accounts
				if err := transfer(key(from), key(to), 1+(w*7+i)%13); err != nil {
					errc <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	total := 0
	for i := 0; i < accounts; i++ {
		n, err := cl.Get(ctx, key(i)).Int()
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != accounts*1000 {
		t.Fatalf("total = %d, want %d", total, accounts*1000)
	}
	if aborted.Load() == 0 {
		t.Fatal("no EXEC was aborted: the workload did not contend")
	}
}

// TestScriptNoscriptFallback: redis.NewScript's Run tries EVALSHA and falls
// back to EVAL on NOSCRIPT, which SCRIPT FLUSH provokes.
func TestScriptNoscriptFallback(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	incr := redis.NewScript(`
		local n = redis.call('INCRBY', KEYS[1], ARGV[1])
		redis.call('PEXPIRE', KEYS[1], ARGV[2])
		return n`)
	if n, err := incr.Run(ctx, cl, []string{"lua:n"}, 5, 60000).Int(); err != nil || n != 5 {
		t.Fatalf("first run: %d %v", n, err)
	}
	if ok, err := incr.Exists(ctx, cl).Result(); err != nil || !ok[0] {
		t.Fatalf("SCRIPT EXISTS after run: %v %v", ok, err)
	}
	if err := cl.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := incr.EvalSha(ctx, cl, []string{"lua:n"}, 1, 1000).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT No matching script. Please use EVAL.") {
		t.Fatalf("EVALSHA after flush: %v", err)
	}
	cl.ConfigResetStat(ctx)
	if n, err := incr.Run(ctx, cl, []string{"lua:n"}, 2, 60000).Int(); err != nil || n != 7 {
		t.Fatalf("run after flush: %d %v", n, err)
	}
	info := cl.Info(ctx, "commandstats").Val()
	if !strings.Contains(info, "cmdstat_evalsha:calls=1,") || !strings.Contains(info, "failed_calls=1") || !strings.Contains(info, "cmdstat_eval:calls=1,") {
		t.Fatalf("want one failed EVALSHA then one EVAL:\n%s", info)
	}
	if pttl := cl.PTTL(ctx, "lua:n").Val(); pttl <= 0 || pttl > time.Minute {
		t.Fatalf("pttl %v", pttl)
	}
	// Inside a pipeline, a script's first use loads it and EVALSHA follows.
	flaky := redis.NewScript(`return redis.call('GET', KEYS[1])`)
	if err := flaky.Load(ctx, cl).Err(); err != nil {
		t.Fatal(err)
	}
	cmds, err := cl.Pipelined(ctx, func(p redis.Pipeliner) error {
		flaky.EvalSha(ctx, p, []string{"lua:n"})
		flaky.EvalSha(ctx, p, []string{"lua:n"})
		return nil
	})
	if err != nil || cmds[0].(*redis.Cmd).Val() != "7" || cmds[1].(*redis.Cmd).Val() != "7" {
		t.Fatalf("pipelined EVALSHA: %v %v", cmds, err)
	}
	// Script errors carry Redis's text.
	bad := redis.NewScript(`return redis.call('INCR')`)
	if err := bad.Run(ctx, cl, nil).Err(); err == nil || !strings.Contains(err.Error(), "Wrong number of args calling Redis command from script") {
		t.Fatalf("bad script: %v", err)
	}
}

// TestPubSubPatterns: channel and pattern subscriptions on one PubSub
// connection, messages published from the main pool, in RESP2 and RESP3.
func TestPubSubPatterns(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		cl := newClient(t, srv, &redis.Options{Protocol: proto})
		ps := cl.PSubscribe(ctx, "news.*")
		if err := ps.Subscribe(ctx, "news.tech"); err != nil {
			t.Fatal(err)
		}
		// Wait for both confirmations.
		for i := 0; i < 2; i++ {
			if _, err := ps.ReceiveTimeout(ctx, 2*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		if n := cl.Publish(ctx, "news.tech", "m1").Val(); n != 2 {
			t.Fatalf("RESP%d PUBLISH news.tech reached %d", proto, n)
		}
		if n := cl.Publish(ctx, "news.sport", "m2").Val(); n != 1 {
			t.Fatalf("RESP%d PUBLISH news.sport reached %d", proto, n)
		}
		if n := cl.Publish(ctx, "weather", "m3").Val(); n != 0 {
			t.Fatalf("PUBLISH weather reached %d", n)
		}
		var got []string
		ch := ps.Channel()
		timeout := time.After(2 * time.Second)
		for len(got) < 3 {
			select {
			case m := <-ch:
				got = append(got, m.Pattern+"|"+m.Channel+"|"+m.Payload)
			case <-timeout:
				t.Fatalf("RESP%d: got only %v", proto, got)
			}
		}
		sort.Strings(got)
		want := []string{"news.*|news.sport|m2", "news.*|news.tech|m1", "|news.tech|m1"}
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("RESP%d: got %v want %v", proto, got, want)
		}
		if n := cl.PubSubNumPat(ctx).Val(); n != 1 {
			t.Fatalf("PUBSUB NUMPAT = %d", n)
		}
		if err := ps.PUnsubscribe(ctx, "news.*"); err != nil {
			t.Fatal(err)
		}
		// The punsubscribe confirmation precedes later messages: after it,
		// only the channel subscription remains.
		deadline := time.Now().Add(2 * time.Second)
		for cl.PubSubNumPat(ctx).Val() != 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if n := cl.Publish(ctx, "news.tech", "m4").Val(); n != 1 {
			t.Fatalf("after PUNSUBSCRIBE, PUBLISH reached %d", n)
		}
		ps.Close()
	}
}

// TestScanIterator: the SCAN iterator with MATCH and TYPE returns every
// matching key once, across many cursor round trips; HSCAN likewise.
func TestScanIterator(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, nil)
	_, err := cl.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := 0; i < 2000; i++ {
			p.Set(ctx, "user:"+strconv.Itoa(i), i, 0)
			p.HSet(ctx, "obj:"+strconv.Itoa(i), "f", i)
			p.HSet(ctx, "bighash", "field"+strconv.Itoa(i), i)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	it := cl.Scan(ctx, 0, "user:*", 100).Iterator()
	for it.Next(ctx) {
		seen[it.Val()]++
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2000 {
		t.Fatalf("SCAN MATCH found %d keys", len(seen))
	}
	for k, n := range seen {
		if n != 1 || !strings.HasPrefix(k, "user:") {
			t.Fatalf("%s seen %d times", k, n)
		}
	}
	hashes := 0
	it = cl.ScanType(ctx, 0, "", 500, "hash").Iterator()
	for it.Next(ctx) {
		hashes++
	}
	if hashes != 2001 {
		t.Fatalf("SCAN TYPE hash found %d", hashes)
	}
	fields := map[string]bool{}
	hit := cl.HScan(ctx, "bighash", 0, "field1*", 50).Iterator()
	for i := 0; hit.Next(ctx); i++ {
		if i%2 == 0 { // field, value, field, value, ...
			fields[hit.Val()] = true
		}
	}
	if len(fields) != 1111 { // field1, field10-19, field100-199, field1000-1999
		t.Fatalf("HSCAN MATCH found %d fields", len(fields))
	}
}

// TestCacheAsideAndUnlink: JSON values cached with a TTL, invalidated with
// UNLINK.
func TestCacheAsideAndUnlink(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cl := newClient(t, srv, &redis.Options{Protocol: 3})
	type user struct {
		ID   int      `json:"id"`
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	loads := 0
	db := map[int]user{1: {1, "Zoë", []string{"a", "b"}}}
	get := func(id int) user {
		key := "user:" + strconv.Itoa(id)
		if b, err := cl.Get(ctx, key).Bytes(); err == nil {
			var u user
			if err := json.Unmarshal(b, &u); err != nil {
				t.Fatal(err)
			}
			return u
		} else if !errors.Is(err, redis.Nil) {
			t.Fatal(err)
		}
		loads++
		u := db[id]
		b, _ := json.Marshal(u)
		cl.Set(ctx, key, b, time.Minute)
		return u
	}
	for i := 0; i < 5; i++ {
		if u := get(1); u.Name != "Zoë" || len(u.Tags) != 2 {
			t.Fatalf("%+v", u)
		}
	}
	if loads != 1 {
		t.Fatalf("loads = %d", loads)
	}
	if ttl := cl.TTL(ctx, "user:1").Val(); ttl <= 50*time.Second {
		t.Fatalf("ttl %v", ttl)
	}
	db[1] = user{1, "Zoe", nil}
	if n := cl.Unlink(ctx, "user:1", "user:none").Val(); n != 1 {
		t.Fatalf("UNLINK = %d", n)
	}
	if u := get(1); u.Name != "Zoe" || loads != 2 {
		t.Fatalf("%+v loads %d", u, loads)
	}
}
