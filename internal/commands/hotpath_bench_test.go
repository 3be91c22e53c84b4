package commands

import (
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// BenchmarkExecHotPath measures the engine path of the commands the
// side-by-side benchmark uses: gate, locking, handler, accounting.
func BenchmarkExecHotPath(b *testing.B) {
	ks := keyspace.New(16, clock.Real{})
	ks.TickLRUClock() // as the server's cron does: access stamps read no clock
	e, err := engine.New(ks, config.New())
	if err != nil {
		b.Fatal(err)
	}
	c := e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", 0)
	cases := map[string][][]byte{
		"SET":  {[]byte("SET"), []byte("key:000000000001"), []byte("xxx")},
		"GET":  {[]byte("GET"), []byte("key:000000000001")},
		"INCR": {[]byte("INCR"), []byte("counter:1")},
		"MSET": {[]byte("MSET"), []byte("k1"), []byte("v"), []byte("k2"), []byte("v"), []byte("k3"), []byte("v")},
		// redis-benchmark's ZPOPMIN test pops one key dry and then keeps
		// popping the missing key.
		"ZPOPMIN": {[]byte("ZPOPMIN"), []byte("myzset")},
	}
	for _, name := range []string{"SET", "GET", "INCR", "MSET", "ZPOPMIN"} {
		argv := cases[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.W.Reset()
				e.Exec(c, argv)
			}
		})
	}
}
