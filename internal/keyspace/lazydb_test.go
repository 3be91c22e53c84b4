package keyspace

import (
	"runtime"
	"sync"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
)

func usedDBs(ks *Keyspace) int {
	n := 0
	for i := 0; i < ks.NumDBs(); i++ {
		if ks.DBIfUsed(i) != nil {
			n++
		}
	}
	return n
}

// TestDatabasesMadeOnFirstUse checks that a keyspace starts with database
// 0 only, that the background loops over every database (active expiry,
// arena upkeep, eviction) do not make the others, and that the first use
// of one makes it once, whichever goroutine gets there first.
func TestDatabasesMadeOnFirstUse(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ks := New(16, clock.NewFake(evNow))
	runtime.ReadMemStats(&after)
	if n := usedDBs(ks); n != 1 {
		t.Fatalf("a new keyspace has %d databases made, want 1", n)
	}
	// Sixteen databases made at start allocated 4 MB.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("New(16) allocated %d bytes", grew)
	}
	cursor := 0
	ks.ActiveExpireCycle(&cursor, 1<<20)
	ks.MaintainArenas(&cursor, 16*NumShards)
	for _, p := range []Policy{AllKeysLRU, AllKeysRandom, VolatileTTL} {
		ks.SetMemorySettings(evSettings(p, 1))
		ks.PerformEvictions()
	}
	ks.SetMemorySettings(evSettings(NoEviction, 0))
	if n := usedDBs(ks); n != 1 {
		t.Fatalf("background loops made databases: %d made, want 1", n)
	}
	var wg sync.WaitGroup
	got := make([]*DB, 8)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[g] = ks.DB(7)
		}()
	}
	wg.Wait()
	for _, db := range got {
		if db != got[0] || db.ID != 7 {
			t.Fatalf("DB(7) gave different databases: %p %p (id %d)", db, got[0], db.ID)
		}
	}
	if n := usedDBs(ks); n != 2 {
		t.Fatalf("%d databases made after DB(7), want 2", n)
	}
}
