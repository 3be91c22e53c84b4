package keyspace

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
)

// evHooks records evictions; safe for concurrent use.
type evHooks struct {
	mu       sync.Mutex
	evicted  map[string]bool
	order    []string
	modified atomic.Int64
}

func (h *evHooks) KeyModified(int, string) { h.modified.Add(1) }
func (h *evHooks) KeyExpired(int, string)  {}
func (h *evHooks) DBFlushed(int, int)      {}
func (h *evHooks) KeyEvicted(db int, key string) {
	h.mu.Lock()
	if h.evicted == nil {
		h.evicted = map[string]bool{}
	}
	k := strconv.Itoa(db) + ":" + key
	if h.evicted[k] {
		panic("key evicted twice: " + k)
	}
	h.evicted[k] = true
	h.order = append(h.order, k)
	h.mu.Unlock()
}

const evNow = 1_700_000_000_000

// evKS builds a 2-db keyspace with n keys per db. Key i is "k<i>"; keys
// with even i have a TTL. Its rank i orders it from the best eviction
// candidate (0) to the worst (n-1) under every policy: oldest access (LRU),
// lowest counter (LFU), nearest expiry (TTL).
func evKS(t *testing.T, n int) (*Keyspace, *evHooks) {
	t.Helper()
	ks := New(2, clock.NewFake(evNow))
	h := &evHooks{}
	ks.Hooks = h
	for d := 0; d < 2; d++ {
		db := ks.DB(d)
		for i := 0; i < n; i++ {
			k := []byte("k" + strconv.Itoa(i))
			e := StrEntry(make([]byte, 64))
			if i%2 == 0 {
				e.Expire = evNow + 3_600_000 + int64(i)*1000
			}
			sh := db.shardFor(k)
			sh.mu.Lock()
			ent := db.Set(k, e)
			// LRU: accessed i seconds after the start; clock ends at n s.
			ent.TouchLRU(evNow - int64(n-i)*1000)
			sh.mu.Unlock()
		}
	}
	heapLive(t) // settle: the loading's garbage collected, the accounting re-based
	return ks, h
}

// setLFU rewrites every access word as an LFU counter rising with rank.
func setLFU(ks *Keyspace, n int) {
	for d := 0; d < 2; d++ {
		db := ks.DB(d)
		db.ForEachShard(0, false, func(_ int, m ShardKeys) bool {
			m.Range(func(k string, e *Entry) bool {
				i, _ := strconv.Atoi(k[1:])
				counter := uint32(1 + i*250/n)
				e.Access = accessLFU | lfuMinutes(evNow)<<lfuTimeShift | counter
				return true
			})
			return true
		})
	}
}

func evSettings(p Policy, max uint64) MemorySettings {
	return MemorySettings{MaxMemory: max, Policy: p, Samples: 5, Tenacity: 100, LFULogFactor: 10, LFUDecayTime: 1}
}

// TestEvictionPolicies evicts a third of the data under each policy and
// checks the limit is met, only volatile keys go under volatile-*, every
// eviction is reported, and the approximated policies pick good victims.
func TestEvictionPolicies(t *testing.T) {
	const n = 6000
	for _, name := range []string{"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		t.Run(name, func(t *testing.T) {
			pol := ParsePolicy(name)
			ks, h := evKS(t, n)
			if pol.lfu() {
				setLFU(ks, n)
			}
			keys0 := ks.DB(0).Size() + ks.DB(1).Size()
			// Ask for about a sixth of the keys' memory back (a third of the
			// volatile ones).
			ent := bind(nil, []byte("k1234"), new(StrEntry(make([]byte, 64))))
			perKey := keyCost(&ent)
			used := UsedMemory()
			max := used - uint64(perKey)*uint64(keys0)/6
			ks.SetMemorySettings(evSettings(pol, max))
			if r := ks.PerformEvictions(); r != EvictOK {
				t.Fatalf("PerformEvictions = %v, want EvictOK", r)
			}
			if u := UsedMemory(); u > max {
				t.Fatalf("used %d still over %d", u, max)
			}
			ev := int64(len(h.order))
			if ev == 0 || ks.EvictedKeys() != ev || h.modified.Load() != ev {
				t.Fatalf("evicted %d, EvictedKeys %d, KeyModified %d", ev, ks.EvictedKeys(), h.modified.Load())
			}
			if got := keys0 - ks.DB(0).Size() - ks.DB(1).Size(); got != ev {
				t.Fatalf("%d keys gone, %d evictions reported", got, ev)
			}
			// Victim quality: the share of victims among the best third of
			// candidates (by rank among the keys the policy may evict).
			best := 0
			for _, k := range h.order {
				i, _ := strconv.Atoi(k[3:])
				if pol.volatile() && i%2 != 0 {
					t.Fatalf("%s evicted %s, which has no TTL", name, k)
				}
				if i < n/3 {
					best++
				}
			}
			share := float64(best) / float64(ev)
			t.Logf("%s: %d evicted, %.0f%% from the best third", name, ev, share*100)
			if !pol.random() && share < 0.75 {
				t.Errorf("%s: only %.0f%% of victims among the best third", name, share*100)
			}
			if pol.random() && share > 0.6 {
				t.Errorf("%s: %.0f%% of victims among the best third: not random", name, share*100)
			}
			ks.SetMemorySettings(evSettings(NoEviction, 0))
		})
	}
}

func TestEvictionFailures(t *testing.T) {
	ks, _ := evKS(t, 1000)
	used := UsedMemory()
	ks.SetMemorySettings(evSettings(NoEviction, 1))
	if r := ks.PerformEvictions(); r != EvictFail {
		t.Errorf("noeviction over the limit: %v", r)
	}
	if !ks.EvictionWouldFail() || !ks.OverMaxMemory() {
		t.Error("EvictionWouldFail/OverMaxMemory false under noeviction over the limit")
	}
	ks.SetMemorySettings(evSettings(NoEviction, used*4))
	if r := ks.PerformEvictions(); r != EvictOK {
		t.Errorf("noeviction under the limit: %v", r)
	}
	// volatile-* with no volatile key left: nothing to evict.
	for d := 0; d < 2; d++ {
		db := ks.DB(d)
		db.ForEachShard(0, false, func(_ int, m ShardKeys) bool {
			m.Range(func(k string, e *Entry) bool {
				if e.Expire != 0 {
					db.SetExpire([]byte(k), e, 0)
				}
				return true
			})
			return true
		})
	}
	ks.SetMemorySettings(evSettings(VolatileLRU, 1))
	if r := ks.PerformEvictions(); r != EvictFail {
		t.Errorf("volatile-lru without volatile keys: %v", r)
	}
	if ks.EvictedKeys() != 0 {
		t.Errorf("%d keys evicted", ks.EvictedKeys())
	}
	// allkeys-* empties the keyspace and still fails at a 1-byte limit.
	ks.SetMemorySettings(evSettings(AllKeysRandom, 1))
	if r := ks.PerformEvictions(); r != EvictFail {
		t.Errorf("allkeys-random at 1 byte: %v", r)
	}
	if n := ks.DB(0).Size() + ks.DB(1).Size(); n != 0 {
		t.Errorf("%d keys left", n)
	}
	if total, _ := ks.EvictionExceededTime(); total < 0 {
		t.Errorf("exceeded time %d", total)
	}
	ks.SetMemorySettings(evSettings(NoEviction, 0))
}

// TestEvictionTenacity: with tenacity 0 one call evicts a few keys and
// leaves the rest to the background goroutine, which gets under the limit.
func TestEvictionTenacity(t *testing.T) {
	const n = 20000
	ks, h := evKS(t, n)
	ent := bind(nil, []byte("k1234"), new(StrEntry(make([]byte, 64))))
	perKey := keyCost(&ent)
	max := UsedMemory() - uint64(perKey)*n/2
	s := evSettings(AllKeysLRU, max)
	s.Tenacity = 0
	ks.SetMemorySettings(s)
	r := ks.PerformEvictions()
	if r != EvictRunning {
		t.Fatalf("first call: %v, want EvictRunning", r)
	}
	h.mu.Lock()
	first := len(h.order)
	h.mu.Unlock()
	if first >= n/2 {
		t.Errorf("first call evicted %d keys: not bounded", first)
	}
	deadline := time.Now().Add(5 * time.Second)
	for ks.mem.bgRunning.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if u := UsedMemory(); u > max {
		t.Errorf("background eviction left used %d over %d", u, max)
	}
	if r := ks.PerformEvictions(); r != EvictOK {
		t.Errorf("after background eviction: %v", r)
	}
	if _, cur := ks.EvictionExceededTime(); cur != 0 {
		t.Errorf("current exceeded time %d after recovery", cur)
	}
	ks.SetMemorySettings(evSettings(NoEviction, 0))
}

// TestEvictionConcurrent runs eviction while other goroutines write and
// read under shard locks, as commands do (go test -race).
func TestEvictionConcurrent(t *testing.T) {
	ks, _ := evKS(t, 2000)
	ks.SetMemorySettings(evSettings(AllKeysLRU, UsedMemory()))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			db := ks.DB(g % 2)
			for i := 0; i < 3000; i++ {
				ks.PerformEvictions()
				k := []byte("w" + strconv.Itoa(g) + ":" + strconv.Itoa(i))
				ks.RLockWorld()
				idx := ks.ShardOf(k)
				db.LockShard(idx)
				db.Set(k, StrEntry(make([]byte, 64)))
				db.Lookup(k)
				db.UnlockShard(idx)
				ks.RUnlockWorld()
			}
		}(g)
	}
	wg.Wait()
	if ks.EvictedKeys() == 0 {
		t.Error("nothing evicted")
	}
	ks.SetMemorySettings(evSettings(NoEviction, 0))
}

func TestPoolInsert(t *testing.T) {
	var m memState
	for i, idle := range []uint64{5, 1, 9, 3, 7} {
		m.poolInsert("k"+strconv.Itoa(i), 0, idle)
	}
	m.poolInsert("k5", 0, 2)
	var got []uint64
	for _, p := range m.pool {
		if p.used {
			got = append(got, p.idle)
		}
	}
	want := []uint64{1, 2, 3, 5, 7, 9}
	if len(got) != len(want) {
		t.Fatalf("pool %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pool %v, want %v", got, want)
		}
	}
	// A full pool drops its worst candidate for a better one and ignores
	// a worse one.
	for i := 0; i < 20; i++ {
		m.poolInsert("f"+strconv.Itoa(i), 0, uint64(100+i))
	}
	if m.pool[0].idle != 104 || m.pool[evpoolSize-1].idle != 119 {
		t.Fatalf("full pool spans %d..%d", m.pool[0].idle, m.pool[evpoolSize-1].idle)
	}
	m.poolInsert("low", 0, 1)
	if m.pool[0].idle != 104 {
		t.Fatal("a worse candidate entered a full pool")
	}
}

// TestLookupLFU: under an LFU policy lookups drive the counter (with
// lfu-log-factor 0 every access counts), new keys start at LFU_INIT_VAL
// and an overwrite keeps the counter, as in Redis.
func TestLookupLFU(t *testing.T) {
	ks := New(1, clock.NewFake(evNow))
	s := evSettings(AllKeysLFU, 0)
	s.LFULogFactor = 0
	ks.SetMemorySettings(s)
	db := ks.DB(0)
	k := []byte("k")
	e := db.Set(k, StrEntry([]byte("v")))
	if e.Access&accessLFU == 0 || e.LFUFreq(evNow, 1) != lfuInitVal {
		t.Fatalf("new key under LFU: access %#x", e.Access)
	}
	for i := 0; i < 10; i++ {
		db.Lookup(k)
	}
	if f := e.LFUFreq(evNow, 1); f != lfuInitVal+10 {
		t.Fatalf("freq after 10 lookups = %d", f)
	}
	db.Set(k, StrEntry([]byte("w")))
	if f := e.LFUFreq(evNow, 1); f != lfuInitVal+10 {
		t.Fatalf("freq after overwrite = %d", f)
	}
	if db.LookupNoTouch(k); e.LFUFreq(evNow, 1) != lfuInitVal+10 {
		t.Fatal("LookupNoTouch counted an access")
	}
	// Back to LRU: lookups stamp the clock again.
	ks.SetMemorySettings(evSettings(AllKeysLRU, 0))
	db.Lookup(k)
	if e.Access&accessLFU != 0 {
		t.Fatal("LRU lookup left an LFU word")
	}
}

// TestLazyfreeCounts: UNLINK of a large collection and an async flush count
// lazily freed objects; small values are freed at once.
func TestLazyfreeCounts(t *testing.T) {
	ks := New(1, clock.NewFake(evNow))
	db := ks.DB(0)
	db.Set([]byte("s"), StrEntry([]byte("v")))
	db.Set([]byte("big"), ObjEntry(bigObj(1000)))
	db.Set([]byte("small"), ObjEntry(bigObj(10)))
	if !db.Unlink([]byte("s")) || !db.Unlink([]byte("small")) || ks.LazyfreedObjects() != 0 {
		t.Fatalf("small values counted: %d", ks.LazyfreedObjects())
	}
	if !db.Unlink([]byte("big")) || ks.LazyfreedObjects() != 1 {
		t.Fatalf("big value: %d", ks.LazyfreedObjects())
	}
	if db.Unlink([]byte("big")) {
		t.Fatal("unlinked twice")
	}
	for i := 0; i < 5; i++ {
		db.Set([]byte("k"+strconv.Itoa(i)), StrEntry([]byte("v")))
	}
	ks.LockWorld()
	db.FlushAsync()
	ks.UnlockWorld()
	if ks.LazyfreedObjects() != 6 || ks.LazyfreePendingObjects() != 0 || db.Size() != 0 {
		t.Fatalf("after FlushAsync: lazyfreed %d, size %d", ks.LazyfreedObjects(), db.Size())
	}
}

type bigObj int

func (b bigObj) Type() string { return "set" }
func (b bigObj) Encoding() string {
	if b > 128 {
		return "hashtable"
	}
	return "listpack"
}
func (b bigObj) Len() int { return int(b) }

// TestIdleMsStampAhead: a stamp taken with a clock a second ahead of the
// reader's reads as fresh, not as 2^31-1 seconds idle (a TOUCH stamped with
// the precise clock, then OBJECT IDLETIME read with the coarse one).
func TestIdleMsStampAhead(t *testing.T) {
	var e Entry
	e.TouchLRU(1_700_000_001_000)
	if got := e.IdleMs(1_700_000_000_900); got != 0 {
		t.Fatalf("idle %d ms for a stamp ahead of now", got)
	}
	if got := e.IdleMs(1_700_000_004_000); got != 3000 {
		t.Fatalf("idle %d ms, want 3000", got)
	}
}
