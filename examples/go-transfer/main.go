// Command go-transfer moves money between accounts from concurrent
// goroutines, two ways: optimistic locking (WATCH, check, MULTI/EXEC, retry
// on redis.TxFailedErr) and a Lua script (redis.NewScript: EVALSHA with the
// EVAL fallback). The total never changes and no account is overdrawn.
//
//	go run ./examples/go-transfer      (REDIS_URL, default redis://127.0.0.1:6379)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

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

var errInsufficient = errors.New("insufficient funds")

// transferWatch moves amount from one account to another under WATCH,
// retrying when a concurrent client changed either balance.
func transferWatch(ctx context.Context, rdb *redis.Client, from, to string, amount int64, retries *atomic.Int64) error {
	for {
		err := rdb.Watch(ctx, func(tx *redis.Tx) error {
			bal, err := tx.Get(ctx, from).Int64()
			if err != nil {
				return err
			}
			if bal < amount {
				return errInsufficient
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.DecrBy(ctx, from, amount)
				p.IncrBy(ctx, to, amount)
				return nil
			})
			return err
		}, from, to)
		if errors.Is(err, redis.TxFailedErr) {
			retries.Add(1)
			continue
		}
		return err
	}
}

var transferLua = redis.NewScript(`
local amount = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < amount then return 0 end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1`)

func run(ctx context.Context, url string, out io.Writer) error {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	opt.PoolSize = 10
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	prefix := "example:bank:" + strconv.Itoa(os.Getpid()) + ":"
	accounts := []string{prefix + "alice", prefix + "bob", prefix + "carol"}
	for _, a := range accounts {
		if err := rdb.Set(ctx, a, 100, 0).Err(); err != nil {
			return err
		}
	}
	defer rdb.Del(ctx, accounts...)
	total := func() (int64, error) {
		var sum int64
		for _, a := range accounts {
			n, err := rdb.Get(ctx, a).Int64()
			if err != nil {
				return 0, err
			}
			if n < 0 {
				return 0, fmt.Errorf("%s overdrawn: %d", a, n)
			}
			sum += n
		}
		return sum, nil
	}

	var retries, refused atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 5)
	for w := 0; w < 5; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				err := transferWatch(ctx, rdb, accounts[(w+i)%3], accounts[(w+i+1)%3], int64(7+(w+i)%5), &retries)
				if errors.Is(err, errInsufficient) {
					refused.Add(1)
				} else if err != nil {
					errc <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	sum, err := total()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "WATCH: 100 concurrent transfers, %d retries after conflicts, %d refused, total %d\n", retries.Load(), refused.Load(), sum)

	var done atomic.Int64
	var wg2 sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg2.Add(1)
		go func(i int) {
			defer wg2.Done()
			if n, err := transferLua.Run(ctx, rdb, []string{accounts[i%3], accounts[(i+2)%3]}, 5+i%11).Int(); err == nil && n == 1 {
				done.Add(1)
			}
		}(i)
	}
	wg2.Wait()
	if sum, err = total(); err != nil {
		return err
	}
	fmt.Fprintf(out, "Lua: %d of 100 transfers done, the rest refused; total %d\n", done.Load(), sum)
	if sum != 300 {
		return fmt.Errorf("total changed: %d", sum)
	}
	return nil
}
