package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redwingdb/redwing"
	inventory "github.com/redwingdb/redwing/examples/go-embedded"
)

// One embedded server for the whole package's tests, started in TestMain:
// in-process, on a free loopback port, no persistence.
var rdb *redis.Client

func TestMain(m *testing.M) {
	srv, err := redwing.Start(redwing.Config{Directives: map[string]string{"save": "", "appendonly": "no"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rdb = redis.NewClient(&redis.Options{Addr: srv.Addr()})
	code := m.Run()
	rdb.Close()
	srv.Close()
	os.Exit(code)
}

// fresh gives each test an empty dataset.
func fresh(t *testing.T) *inventory.Store {
	t.Helper()
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	return inventory.New(rdb)
}

func TestReserveNeverOversells(t *testing.T) {
	ctx := context.Background()
	s := fresh(t)
	if _, err := s.Restock(ctx, "sku-1", 50); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, soldOut := 0, 0
	for i := 0; i < 80; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := s.Reserve(ctx, "sku-1", fmt.Sprintf("order-%d", i), 1, time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, inventory.ErrSoldOut):
				soldOut++
			default:
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if ok != 50 || soldOut != 30 {
		t.Fatalf("reserved %d, sold out %d; want 50 and 30", ok, soldOut)
	}
	if n, _ := s.Stock(ctx, "sku-1"); n != 0 {
		t.Fatalf("stock %d", n)
	}
}

func TestReservationExpires(t *testing.T) {
	ctx := context.Background()
	s := fresh(t)
	s.Restock(ctx, "sku-2", 3)
	left, err := s.Reserve(ctx, "sku-2", "o1", 2, 50*time.Millisecond)
	if err != nil || left != 1 {
		t.Fatalf("left %d, %v", left, err)
	}
	if held, _ := s.Reservation(ctx, "o1"); !held {
		t.Fatal("reservation missing")
	}
	time.Sleep(100 * time.Millisecond)
	if held, _ := s.Reservation(ctx, "o1"); held {
		t.Fatal("reservation did not expire")
	}
	if _, err := s.Reserve(ctx, "sku-2", "o2", 2, time.Minute); !errors.Is(err, inventory.ErrSoldOut) {
		t.Fatalf("want ErrSoldOut, got %v", err)
	}
}
