// Command go-streams runs a stream consumer group with crash recovery: a
// producer appends orders; consumer "alice" reads some and "crashes" before
// XACK; "bob" processes the rest and then claims alice's pending entries
// with XAUTOCLAIM. Every order is processed exactly once.
//
//	go run ./examples/go-streams       (REDIS_URL, default redis://127.0.0.1:6379)
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379"
	}
	if err := run(context.Background(), url, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, out io.Writer) error {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	stream := "example:orders:" + strconv.Itoa(os.Getpid())
	defer rdb.Del(ctx, stream)
	if err := rdb.XGroupCreateMkStream(ctx, stream, "billing", "$").Err(); err != nil {
		return err
	}
	for i := 1; i <= 8; i++ {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: map[string]any{"order": i}}).Err(); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, "produced 8 orders")

	read := func(consumer string, count int64) ([]redis.XMessage, error) {
		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "billing", Consumer: consumer, Streams: []string{stream, ">"}, Count: count, Block: -1}).Result()
		if err != nil {
			return nil, err
		}
		return res[0].Messages, nil
	}
	var processed []string
	handle := func(who string, msgs []redis.XMessage) error {
		ids := make([]string, len(msgs))
		for i, m := range msgs {
			processed = append(processed, fmt.Sprint(m.Values["order"]))
			ids[i] = m.ID
		}
		return rdb.XAck(ctx, stream, "billing", ids...).Err()
	}

	alice, err := read("alice", 3)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "alice read %d orders and crashed without XACK\n", len(alice))
	bob, err := read("bob", 100)
	if err != nil {
		return err
	}
	if err := handle("bob", bob); err != nil {
		return err
	}
	fmt.Fprintf(out, "bob processed %d orders\n", len(bob))
	p, err := rdb.XPending(ctx, stream, "billing").Result()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pending: %d (alice=%d)\n", p.Count, p.Consumers["alice"])

	time.Sleep(30 * time.Millisecond)
	claimed, _, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: stream, Group: "billing", Consumer: "bob", MinIdle: 20 * time.Millisecond, Start: "0-0", Count: 10}).Result()
	if err != nil {
		return err
	}
	if err := handle("bob", claimed); err != nil {
		return err
	}
	fmt.Fprintf(out, "bob recovered %d orders with XAUTOCLAIM\n", len(claimed))
	if p, err = rdb.XPending(ctx, stream, "billing").Result(); err != nil {
		return err
	}
	sort.Slice(processed, func(i, j int) bool { return processed[i] < processed[j] })
	fmt.Fprintf(out, "processed orders %v; pending now %d\n", processed, p.Count)
	if len(processed) != 8 || p.Count != 0 {
		return fmt.Errorf("processed %d, pending %d", len(processed), p.Count)
	}
	return nil
}
