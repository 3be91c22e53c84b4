package commands

import (
	"strconv"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// BenchmarkMaxmemoryGate measures the OOM gate: no limit (one atomic
// load), a limit not reached (the used-memory check), and a cache at its
// limit where every SET of a new key evicts one (allkeys-lru).
func BenchmarkMaxmemoryGate(b *testing.B) {
	for _, mode := range []string{"nolimit", "under", "evicting"} {
		b.Run(mode, func(b *testing.B) {
			cfg := config.New()
			e, err := engine.New(keyspace.New(16, clock.Real{}), cfg)
			if err != nil {
				b.Fatal(err)
			}
			c := e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", 0)
			run := func(args ...string) {
				argv := make([][]byte, len(args))
				for i, a := range args {
					argv[i] = []byte(a)
				}
				c.W.Reset()
				e.Exec(c, argv)
			}
			val := make([]byte, 100)
			for i := 0; i < 20000; i++ {
				run("SET", "key:"+strconv.Itoa(i), string(val))
			}
			switch mode {
			case "under":
				run("CONFIG", "SET", "maxmemory", "100gb")
			case "evicting":
				run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
				run("CONFIG", "SET", "maxmemory", strconv.FormatUint(keyspace.UsedMemory(), 10))
			}
			defer run("CONFIG", "SET", "maxmemory", "0")
			keys := make([][]byte, 1<<16)
			for i := range keys {
				keys[i] = []byte("new:" + strconv.Itoa(i))
			}
			argv := [][]byte{[]byte("SET"), nil, val}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				argv[1] = keys[i&(len(keys)-1)]
				c.W.Reset()
				e.Exec(c, argv)
			}
		})
	}
}
