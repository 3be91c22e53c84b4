package keyspace

import (
	"strconv"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
)

// BenchmarkKeyspaceHotPath measures the keyspace operations the memory
// accounting and access tracking touch: lookup, overwrite, insert+delete.
func BenchmarkKeyspaceHotPath(b *testing.B) {
	ks := New(1, clock.Real{})
	db := ks.DB(0)
	keys := make([][]byte, 1<<16)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		db.Set(keys[i], StrEntry(make([]byte, 100)))
	}
	val := make([]byte, 100)
	b.Run("Lookup", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			db.Lookup(keys[i&(len(keys)-1)])
		}
	})
	b.Run("Overwrite", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			db.Set(keys[i&(len(keys)-1)], StrEntry(val))
		}
	})
	b.Run("DeleteInsert", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			k := keys[i&(len(keys)-1)]
			db.Delete(k)
			db.Set(k, StrEntryTTL(val, 4_000_000_000_000))
		}
	})
}
