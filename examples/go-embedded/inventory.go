// Package inventory is a tiny application package backed by Redis: stock
// levels per product and reservations that must never oversell. Its tests
// (inventory_test.go) show how a Go application tests against a real server
// embedded with redwing.Start, with no external redis-server.
package inventory

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrSoldOut is returned when a reservation asks for more than is in stock.
var ErrSoldOut = errors.New("inventory: sold out")

// Store keeps stock levels in Redis.
type Store struct {
	rdb *redis.Client
}

// New returns a Store using rdb.
func New(rdb *redis.Client) *Store { return &Store{rdb: rdb} }

func stockKey(sku string) string { return "stock:" + sku }

// Restock adds n units of sku.
func (s *Store) Restock(ctx context.Context, sku string, n int64) (int64, error) {
	return s.rdb.IncrBy(ctx, stockKey(sku), n).Result()
}

// Stock returns the units of sku in stock.
func (s *Store) Stock(ctx context.Context, sku string) (int64, error) {
	n, err := s.rdb.Get(ctx, stockKey(sku)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

// reserve checks and decrements the stock atomically and records the
// reservation with an expiry.
var reserve = redis.NewScript(`
local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if stock < n then return -1 end
redis.call('DECRBY', KEYS[1], n)
redis.call('SET', KEYS[2], n, 'PX', ARGV[2])
return stock - n`)

// Reserve takes n units of sku for order, held for ttl. It returns the
// units left, or ErrSoldOut.
func (s *Store) Reserve(ctx context.Context, sku, order string, n int64, ttl time.Duration) (int64, error) {
	left, err := reserve.Run(ctx, s.rdb, []string{stockKey(sku), "reservation:" + order}, n, ttl.Milliseconds()).Int64()
	if err != nil {
		return 0, err
	}
	if left < 0 {
		return 0, ErrSoldOut
	}
	return left, nil
}

// Reservation reports whether order still holds a reservation.
func (s *Store) Reservation(ctx context.Context, order string) (bool, error) {
	n, err := s.rdb.Exists(ctx, "reservation:"+order).Result()
	return n == 1, err
}
