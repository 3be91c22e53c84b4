package keyspace

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
)

// expHooks counts hook calls; it is safe for concurrent use.
type expHooks struct {
	modified, expired, flushed atomic.Int64
	mu                         sync.Mutex
	expiredKeys                map[string]int
}

func (h *expHooks) KeyModified(int, string) { h.modified.Add(1) }
func (h *expHooks) KeyExpired(db int, key string) {
	h.expired.Add(1)
	h.mu.Lock()
	if h.expiredKeys == nil {
		h.expiredKeys = map[string]int{}
	}
	h.expiredKeys[strconv.Itoa(db)+":"+key]++
	h.mu.Unlock()
}
func (h *expHooks) DBFlushed(int, int) { h.flushed.Add(1) }

const expStart = 1_700_000_000_000

// expCount walks db and counts keys and keys with a TTL, the ground truth
// for Size and Expires. Expired keys still stored are counted too.
func expCount(db *DB) (keys, volatile int64) {
	for i := range db.shards {
		sh := &db.shards[i]
		sh.mu.Lock()
		n, vol := 0, 0
		sh.t.each(func(ei uint32, e *Entry) bool {
			n++
			_, slot := db.entrySlot(sh, ei)
			if slot < 0 {
				panic("entry missing from the key index")
			}
			if e.Expire != 0 {
				vol++
				var all []uint32
				found := false
				for _, v := range sh.t.volatileFrom(all, 0, len(sh.t.vol.slots)) {
					found = found || v == ei
				}
				if !found {
					panic("volatile index out of sync")
				}
			}
			return true
		})
		if n != sh.t.idx.n || vol != sh.t.vol.n {
			panic("indexes have extra entries")
		}
		keys += int64(n)
		volatile += int64(vol)
		sh.mu.Unlock()
	}
	return keys, volatile
}

func TestActiveExpireReclaimsWithoutAccess(t *testing.T) {
	clk := clock.NewFake(expStart)
	ks := New(4, clk)
	h := &expHooks{}
	ks.Hooks = h
	const short, long, persistent = 20000, 500, 300
	for _, id := range []int{0, 2} {
		db := ks.DB(id)
		for i := 0; i < short; i++ {
			db.Set([]byte("s"+strconv.Itoa(i)), StrEntryTTL([]byte("v"), expStart+1000+int64(i%500)))
		}
		for i := 0; i < long; i++ {
			db.Set([]byte("l"+strconv.Itoa(i)), StrEntryTTL([]byte("v"), expStart+3_600_000))
		}
		for i := 0; i < persistent; i++ {
			db.Set([]byte("p"+strconv.Itoa(i)), StrEntry([]byte("v")))
		}
	}
	cursor := 0
	// Nothing has expired yet: a cycle removes nothing.
	if n := ks.ActiveExpireCycle(&cursor, 1<<30); n != 0 {
		t.Fatalf("removed %d keys before their time", n)
	}
	// Turned off, the cycle does nothing even once keys are stale.
	clk.Advance(2 * time.Second)
	ks.ActiveExpire.Store(false)
	if n := ks.ActiveExpireCycle(&cursor, 1<<30); n != 0 {
		t.Fatalf("disabled active expiry removed %d keys", n)
	}
	ks.ActiveExpire.Store(true)
	removed, cycles := 0, 0
	for ks.DB(0).Expires() > long || ks.DB(2).Expires() > long {
		removed += ks.ActiveExpireCycle(&cursor, 2000)
		if cycles++; cycles > 10000 {
			t.Fatalf("active expiry stalled: %d removed", removed)
		}
	}
	if removed != 2*short {
		t.Errorf("removed %d keys, want %d", removed, 2*short)
	}
	if got := ks.ExpiredKeys.Load(); got != 2*short {
		t.Errorf("ExpiredKeys = %d, want %d", got, 2*short)
	}
	if got := h.expired.Load(); got != 2*short {
		t.Errorf("KeyExpired called %d times, want %d", got, 2*short)
	}
	for k, n := range h.expiredKeys {
		if n != 1 {
			t.Errorf("%s reported expired %d times", k, n)
		}
	}
	for _, id := range []int{0, 2} {
		db := ks.DB(id)
		keys, vol := expCount(db)
		if keys != long+persistent || vol != long || db.Size() != keys || db.Expires() != vol {
			t.Errorf("db %d: %d keys (%d volatile), Size %d Expires %d", id, keys, vol, db.Size(), db.Expires())
		}
		for i := 0; i < long; i++ {
			if db.Peek([]byte("l"+strconv.Itoa(i))) == nil {
				t.Fatalf("db %d: live key l%d reclaimed", id, i)
			}
		}
	}
	// Nothing left to do.
	if n := ks.ActiveExpireCycle(&cursor, 1<<30); n != 0 {
		t.Errorf("second pass removed %d", n)
	}
}

// TestLookupNeverReturnsExpired drives a random model with a fake clock:
// no read path (Lookup, Peek, ForEachShard, RandomKey) shows an expired
// key, and the counters match the stored maps.
func TestLookupNeverReturnsExpired(t *testing.T) {
	clk := clock.NewFake(expStart)
	ks := New(2, clk)
	h := &expHooks{}
	ks.Hooks = h
	r := rand.New(rand.NewPCG(3, 4))
	db := ks.DB(1)
	live := func(e *Entry) bool { return e.Expire == 0 || e.Expire >= clk.NowMs() }
	for step := 0; step < 20000; step++ {
		key := []byte("k" + strconv.Itoa(r.IntN(200)))
		switch op := r.IntN(10); op {
		case 0, 1:
			var exp int64
			if r.IntN(2) == 0 {
				exp = clk.NowMs() + int64(r.IntN(50)) - 5 // sometimes already past
			}
			db.Set(key, StrEntryTTL(key, exp))
		case 2:
			if e := db.Lookup(key); e != nil {
				db.SetExpire(key, e, []int64{0, clk.NowMs() + int64(r.IntN(40))}[r.IntN(2)])
			}
		case 3:
			db.Delete(key)
		case 4:
			clk.Advance(time.Duration(r.IntN(20)) * time.Millisecond)
		case 5:
			if e := db.Peek(key); e != nil && !live(e) {
				t.Fatalf("step %d: Peek returned an expired key", step)
			}
		case 6:
			if k, ok := db.RandomKey(false); ok {
				if e := db.Peek([]byte(k)); e == nil {
					t.Fatalf("step %d: RandomKey returned expired or missing %q", step, k)
				}
			}
		case 7:
			db.ForEachShard(r.IntN(NumShards), false, func(_ int, m ShardKeys) bool {
				m.Range(func(k string, e *Entry) bool {
					if !live(e) {
						t.Fatalf("step %d: ForEachShard showed expired %q", step, k)
					}
					return true
				})
				return true
			})
		case 8:
			cursor := r.IntN(2 * NumShards)
			ks.ActiveExpireCycle(&cursor, 50)
		default:
			if e := db.Lookup(key); e != nil && !live(e) {
				t.Fatalf("step %d: Lookup returned an expired key", step)
			}
		}
		if step%1000 == 0 {
			keys, vol := expCount(db)
			if keys != db.Size() || vol != db.Expires() {
				t.Fatalf("step %d: counters %d/%d, stored %d/%d", step, db.Size(), db.Expires(), keys, vol)
			}
		}
	}
	keys, vol := expCount(db)
	if keys != db.Size() || vol != db.Expires() {
		t.Fatalf("counters %d/%d, stored %d/%d", db.Size(), db.Expires(), keys, vol)
	}
}

// TestConcurrentLockedAccess hammers shared keys from many goroutines
// through the locking API (world lock shared + shard lock), alongside
// active expiry, iteration, random keys and exclusive flushes. Run it
// with -race.
func TestConcurrentLockedAccess(t *testing.T) {
	clk := clock.NewFake(expStart)
	ks := New(2, clk)
	h := &expHooks{}
	ks.Hooks = h
	const workers, ops, nkeys = 16, 3000, 48
	keys := make([][]byte, nkeys)
	for i := range keys {
		keys[i] = []byte("shared:" + strconv.Itoa(i))
	}
	locked := func(db *DB, key []byte, fn func()) {
		ks.RLockWorld()
		i := ks.ShardOf(key)
		db.LockShard(i)
		fn()
		db.UnlockShard(i)
		ks.RUnlockWorld()
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for i := 0; i < ops; i++ {
				db := ks.DB(r.IntN(2))
				key := keys[r.IntN(nkeys)]
				switch r.IntN(6) {
				case 0, 1:
					var exp int64
					if r.IntN(3) == 0 {
						exp = clk.NowMs() + int64(r.IntN(30))
					}
					locked(db, key, func() { db.Set(key, StrEntryTTL([]byte("v"), exp)) })
				case 2:
					locked(db, key, func() {
						// The clock advances concurrently: compare with a time
						// read before the lookup, which Lookup's own is not older than.
						before := clk.NowMs()
						if e := db.Lookup(key); e != nil {
							if e.Expire != 0 && e.Expire < before {
								t.Errorf("Lookup returned an expired key")
							}
							e.Access++ // writers of the entry hold the shard lock
							db.SetExpire(key, e, 0)
						}
					})
				case 3:
					locked(db, key, func() { db.Delete(key) })
				case 4:
					// Two keys of one db locked in shard order, as the engine does.
					k2 := keys[r.IntN(nkeys)]
					idx := SortShards([]int{ks.ShardOf(key), ks.ShardOf(k2)})
					ks.RLockWorld()
					db.LockShards(idx)
					if e := db.Lookup(key); e != nil {
						v := *e
						db.Delete(key)
						db.Set(k2, v)
					}
					db.UnlockShards(idx)
					ks.RUnlockWorld()
				case 5:
					locked(db, key, func() { db.Peek(key) })
				}
			}
		}(w)
	}
	var bg sync.WaitGroup
	background := func(fn func()) {
		bg.Add(1)
		go func() {
			defer bg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					fn()
				}
			}
		}()
	}
	cursor := 0
	background(func() { clk.Advance(time.Millisecond); time.Sleep(50 * time.Microsecond) })
	background(func() { ks.ActiveExpireCycle(&cursor, 100) })
	background(func() {
		ks.RLockWorld()
		ks.DB(0).ForEachShard(0, false, func(int, ShardKeys) bool { return true })
		ks.DB(1).RandomKey(false)
		ks.RUnlockWorld()
	})
	background(func() {
		time.Sleep(2 * time.Millisecond)
		ks.LockWorld()
		if rand.IntN(4) == 0 {
			ks.DB(1).Flush()
		} else {
			ks.Swap(0, 1)
		}
		ks.UnlockWorld()
	})
	wg.Wait()
	close(stop)
	bg.Wait()
	for _, id := range []int{0, 1} {
		db := ks.DB(id)
		n, vol := expCount(db)
		if n != db.Size() || vol != db.Expires() {
			t.Errorf("db %d: counters %d/%d, stored %d/%d", id, db.Size(), db.Expires(), n, vol)
		}
	}
}
