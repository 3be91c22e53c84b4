package redwing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redwingdb/redwing"
)

// A Go application's tests can run against a real in-process server: no
// external redis-server, a fresh dataset per test, a free port each time.
func ExampleStart() {
	srv, err := redwing.Start(redwing.Config{Directives: map[string]string{"save": ""}})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()

	rdb.Set(ctx, "session:42", "alice", time.Minute)
	name, _ := rdb.Get(ctx, "session:42").Result()
	ttl, _ := rdb.TTL(ctx, "session:42").Result()
	n, _ := rdb.Incr(ctx, "visits").Result()
	fmt.Println(name, ttl > 50*time.Second, n)
	// Output: alice true 1
}
