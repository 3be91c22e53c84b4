package keyspace

// Eviction: Redis's approximated LRU / LFU / TTL / random eviction
// (evict.c), over lock-striped shards.
//
// PerformEvictions runs before a command takes its own locks, with the
// world lock held shared (the engine's OOM gate takes it). It takes one
// shard lock at a time, so it cannot deadlock with commands, which hold
// their shard locks only after passing the gate. One evictor runs at a time
// (mu); other callers wait and usually find memory back under the limit.
//
// Sampling: for each database, maxmemory-samples keys are taken from the
// entries (allkeys-*) or the TTL index (volatile-*) of a random shard,
// walking on to the next shards when one holds fewer; they feed a pool of
// the 16 best candidates ranked by idle time, 255 minus the LFU counter, or
// time to expire. The best candidate still present is evicted. The pool
// outlives calls, as Redis's does, so each eviction costs one small sample.

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Policy is a maxmemory-policy.
type Policy int32

// Maxmemory policies.
const (
	NoEviction Policy = iota
	AllKeysLRU
	AllKeysLFU
	AllKeysRandom
	VolatileLRU
	VolatileLFU
	VolatileRandom
	VolatileTTL
)

// ParsePolicy maps a maxmemory-policy name to its Policy.
func ParsePolicy(s string) Policy {
	switch s {
	case "allkeys-lru":
		return AllKeysLRU
	case "allkeys-lfu":
		return AllKeysLFU
	case "allkeys-random":
		return AllKeysRandom
	case "volatile-lru":
		return VolatileLRU
	case "volatile-lfu":
		return VolatileLFU
	case "volatile-random":
		return VolatileRandom
	case "volatile-ttl":
		return VolatileTTL
	}
	return NoEviction
}

func (p Policy) volatile() bool { return p >= VolatileLRU }
func (p Policy) lfu() bool      { return p == AllKeysLFU || p == VolatileLFU }
func (p Policy) random() bool   { return p == AllKeysRandom || p == VolatileRandom }

// EvictResult is the outcome of PerformEvictions.
type EvictResult int

// Results of PerformEvictions (Redis's EVICT_OK / EVICT_RUNNING / EVICT_FAIL).
const (
	EvictOK      EvictResult = iota // under the limit (or no limit)
	EvictRunning                    // still over, background eviction continues
	EvictFail                       // over the limit and nothing can be evicted
)

const evpoolSize = 16

type poolEntry struct {
	idle uint64
	key  string
	db   int
	used bool
}

// MemorySettings are the parameters eviction and access tracking use.
type MemorySettings struct {
	MaxMemory    uint64
	Policy       Policy
	Samples      int
	Tenacity     int
	LFULogFactor int64
	LFUDecayTime int64
	// Lazyfree flags (lazyfree-lazy-*).
	LazyEviction, LazyExpire, LazyServerDel, LazyUserDel, LazyUserFlush bool
}

// memState is a keyspace's eviction and lazyfree state.
type memState struct {
	maxmem   atomic.Uint64
	policy   atomic.Int32
	samples  atomic.Int32
	tenacity atomic.Int32
	lfuLog   atomic.Int64
	lfuDecay atomic.Int64
	lfu      atomic.Bool // policy is *-lfu: lookups update LFU counters
	lazy     atomic.Uint32

	evicted       atomic.Int64
	lazyfreed     atomic.Int64
	exceededStart atomic.Int64 // monotonic ns when over the limit began, 0 = not over
	exceededTotal atomic.Int64 // microseconds spent over the limit (ended periods)
	bgRunning     atomic.Bool

	mu     sync.Mutex // one evictor at a time; guards pool and nextDB
	pool   [evpoolSize]poolEntry
	nextDB int
}

// Lazyfree flag bits in memState.lazy.
const (
	lazyEviction = 1 << iota
	lazyExpire
	lazyServerDel
	lazyUserDel
	lazyUserFlush
)

// SetMemorySettings installs new eviction parameters (from the config).
func (ks *Keyspace) SetMemorySettings(s MemorySettings) {
	m := &ks.mem
	m.policy.Store(int32(s.Policy))
	m.lfu.Store(s.Policy.lfu())
	if s.Samples < 1 {
		s.Samples = 1
	}
	if s.Samples > 64 {
		s.Samples = 64 // Redis's EVPOOL and dictGetSomeKeys bound it in practice
	}
	m.samples.Store(int32(s.Samples))
	m.tenacity.Store(int32(s.Tenacity))
	m.lfuLog.Store(s.LFULogFactor)
	m.lfuDecay.Store(s.LFUDecayTime)
	var lz uint32
	for _, f := range []struct {
		on  bool
		bit uint32
	}{{s.LazyEviction, lazyEviction}, {s.LazyExpire, lazyExpire}, {s.LazyServerDel, lazyServerDel}, {s.LazyUserDel, lazyUserDel}, {s.LazyUserFlush, lazyUserFlush}} {
		if f.on {
			lz |= f.bit
		}
	}
	m.lazy.Store(lz)
	m.maxmem.Store(s.MaxMemory)
	switch {
	case s.MaxMemory == 0 || UsedMemory() <= s.MaxMemory:
		ks.noteExceeded(EvictOK)
	case s.Policy != NoEviction:
		// As Redis's updateMaxmemory: start evicting now rather than at
		// the next command.
		ks.startEvictionProc()
	}
}

// MaxMemory returns the maxmemory limit in bytes (0: none). The engine's
// gate reads only this when no limit is set.
func (ks *Keyspace) MaxMemory() uint64 { return ks.mem.maxmem.Load() }

// EvictedKeys counts keys removed by eviction (INFO evicted_keys).
func (ks *Keyspace) EvictedKeys() int64 { return ks.mem.evicted.Load() }

// EvictionExceededTime returns, in microseconds, the total time used memory
// spent over maxmemory and the length of the current such period (INFO
// total_eviction_exceeded_time / current_eviction_exceeded_time).
func (ks *Keyspace) EvictionExceededTime() (total, current int64) {
	total = ks.mem.exceededTotal.Load()
	if s := ks.mem.exceededStart.Load(); s != 0 {
		current = (monoNow() - s) / 1000
		total += current
	}
	return total, current
}

// ResetEvictionStats clears the eviction counters (CONFIG RESETSTAT).
func (ks *Keyspace) ResetEvictionStats() {
	ks.mem.evicted.Store(0)
	ks.mem.exceededTotal.Store(0)
	ks.mem.exceededStart.Store(0)
	ks.mem.lazyfreed.Store(0)
}

var monoBase = time.Now()

func monoNow() int64 {
	n := int64(time.Since(monoBase))
	if n == 0 {
		n = 1
	}
	return n
}

func (ks *Keyspace) noteExceeded(r EvictResult) {
	m := &ks.mem
	if r == EvictOK {
		if s := m.exceededStart.Load(); s != 0 && m.exceededStart.CompareAndSwap(s, 0) {
			m.exceededTotal.Add((monoNow() - s) / 1000)
		}
		return
	}
	if m.exceededStart.Load() == 0 {
		m.exceededStart.CompareAndSwap(0, monoNow())
	}
}

// OverMaxMemory reports whether used memory is above a set maxmemory.
func (ks *Keyspace) OverMaxMemory() bool {
	max := ks.mem.maxmem.Load()
	return max != 0 && UsedMemory() > max
}

// evictionTimeLimit is Redis's evictionTimeLimitUs: how long one call may
// evict before leaving the rest to the background.
func evictionTimeLimit(tenacity int) time.Duration {
	switch {
	case tenacity <= 10:
		return time.Duration(50*tenacity) * time.Microsecond
	case tenacity < 100:
		return time.Duration(500*math.Pow(1.15, float64(tenacity)-10)) * time.Microsecond
	}
	return time.Duration(math.MaxInt64)
}

// PerformEvictions evicts keys until used memory is under maxmemory, as
// Redis's performEvictions: bounded by maxmemory-eviction-tenacity, after
// which a background goroutine continues and the result is EvictRunning.
// When memory is over the limit it takes the world lock shared and one
// shard lock at a time: the caller must hold no keyspace lock.
func (ks *Keyspace) PerformEvictions() EvictResult {
	max := ks.mem.maxmem.Load()
	if max == 0 || UsedMemory() <= max {
		if ks.mem.exceededStart.Load() != 0 {
			ks.noteExceeded(EvictOK)
		}
		return EvictOK
	}
	ks.world.RLock()
	r := ks.evict(max, false)
	ks.world.RUnlock()
	ks.noteExceeded(r)
	return r
}

// EvictionWouldFail reports whether memory is over maxmemory with nothing
// the policy may evict (Redis's EVICT_FAIL), without evicting: for callers
// that hold the world lock (scripts check it as they start).
func (ks *Keyspace) EvictionWouldFail() bool {
	max := ks.mem.maxmem.Load()
	if max == 0 || UsedMemory() <= max {
		return false
	}
	pol := Policy(ks.mem.policy.Load())
	if pol == NoEviction {
		return true
	}
	for i := range ks.dbs {
		db := ks.dbs[i].Load()
		if db == nil {
			continue
		}
		if (pol.volatile() && db.exps.Load() > 0) || (!pol.volatile() && db.keys.Load() > 0) {
			return false
		}
	}
	return true
}

func (ks *Keyspace) evict(max uint64, background bool) EvictResult {
	m := &ks.mem
	pol := Policy(m.policy.Load())
	if pol == NoEviction {
		return EvictFail
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	limit := evictionTimeLimit(int(m.tenacity.Load()))
	// The clock is read from the 16th key on (Redis checks it every 16
	// keys too): most calls evict a key or two and need no clock at all.
	var start time.Time
	freed := 0
	for UsedMemory() > max {
		if !ks.evictOne(pol) {
			return EvictFail
		}
		freed++
		if freed%16 != 0 {
			continue
		}
		if start.IsZero() {
			start = time.Now()
			if limit > 0 {
				continue
			}
		}
		if time.Since(start) >= limit {
			if UsedMemory() <= max {
				break
			}
			if !background {
				ks.startEvictionProc()
			}
			return EvictRunning
		}
	}
	return EvictOK
}

// startEvictionProc continues eviction in the background (Redis's
// evictionTimeProc), one bounded pass at a time, until memory is under the
// limit or nothing can be evicted.
func (ks *Keyspace) startEvictionProc() {
	if !ks.mem.bgRunning.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer ks.mem.bgRunning.Store(false)
		for {
			max := ks.mem.maxmem.Load()
			if max == 0 || UsedMemory() <= max {
				ks.noteExceeded(EvictOK)
				return
			}
			ks.world.RLock()
			r := ks.evict(max, true)
			ks.world.RUnlock()
			if r != EvictRunning {
				if r == EvictOK {
					ks.noteExceeded(EvictOK)
				}
				return
			}
			time.Sleep(time.Millisecond) // let commands in between passes
		}
	}()
}

// evictOne removes the best candidate under pol. It reports false when no
// key can be evicted. m.mu is held.
func (ks *Keyspace) evictOne(pol Policy) bool {
	m := &ks.mem
	if pol.random() {
		for i := 0; i < len(ks.dbs); i++ {
			m.nextDB = (m.nextDB + 1) % len(ks.dbs)
			db := ks.dbs[m.nextDB].Load()
			if db == nil {
				continue
			}
			n := db.keys.Load()
			if pol.volatile() {
				n = db.exps.Load()
			}
			if n == 0 {
				continue
			}
			if db.evictRandom(pol.volatile()) {
				return true
			}
		}
		return false
	}
	for {
		total := int64(0)
		for i := range ks.dbs {
			db := ks.dbs[i].Load()
			if db == nil {
				continue
			}
			n := db.keys.Load()
			if pol.volatile() {
				n = db.exps.Load()
			}
			if n == 0 {
				continue
			}
			total += n
			ks.populatePool(db, pol)
		}
		if total == 0 {
			return false
		}
		// Best candidates sit at the end of the pool.
		for k := evpoolSize - 1; k >= 0; k-- {
			pe := &m.pool[k]
			if !pe.used {
				continue
			}
			key, dbi := pe.key, pe.db
			*pe = poolEntry{}
			if ks.DB(dbi).evictKey(key, pol.volatile()) {
				return true
			}
			// A ghost: the key went away since it was sampled.
		}
	}
}

// populatePool samples keys of db into the pool (evictionPoolPopulate).
func (ks *Keyspace) populatePool(db *DB, pol Policy) {
	m := &ks.mem
	want := int(m.samples.Load())
	now := ks.lruNowMs()
	decay := m.lfuDecay.Load()
	start := rand.IntN(NumShards)
	got := 0
	// Like dictGetSomeKeys, give up after a bounded number of steps when
	// the keys are sparse.
	maxSteps := want * 10
	if maxSteps > NumShards {
		maxSteps = NumShards
	}
	var buf [64]uint32
	for step := 0; step < maxSteps && got < want; step++ {
		sh := &db.shards[(start+step)&(NumShards-1)]
		sh.mu.Lock()
		var sample []uint32
		if pol.volatile() {
			if n := len(sh.t.vol.slots); n > 0 {
				sample = sh.t.volatileFrom(buf[:0], rand.IntN(n), min(want-got, len(buf)))
			}
		} else if sh.t.used > 0 {
			sample = sh.t.storedFrom(buf[:0], rand.IntN(int(sh.t.used)), min(want-got, len(buf)))
		}
		for _, ei := range sample {
			e := sh.t.at(ei)
			var idle uint64
			switch pol {
			case AllKeysLFU, VolatileLFU:
				idle = 255 - uint64(e.lfuDecayed(now, decay))
			case VolatileTTL:
				idle = math.MaxUint64 - uint64(e.Expire)
			default:
				idle = uint64(e.IdleMs(now))
			}
			m.poolInsert(e.key(), db.ID, idle)
			got++
		}
		sh.mu.Unlock()
	}
}

// poolInsert puts a candidate in the pool, kept in ascending idle order,
// as Redis's evictionPoolPopulate does (the best candidate is last).
func (m *memState) poolInsert(key string, db int, idle uint64) {
	pool := &m.pool
	// As in Redis, a key sampled twice may sit in the pool twice: the
	// second copy is a ghost once the first is evicted (checking would
	// cost a string comparison per entry on every sample).
	k := 0
	for k < evpoolSize && pool[k].used && pool[k].idle < idle {
		k++
	}
	if k == 0 && pool[evpoolSize-1].used {
		return // worse than everything in a full pool
	}
	switch {
	case k < evpoolSize && !pool[k].used:
		// Free slot at the insertion point.
	case !pool[evpoolSize-1].used:
		// Shift right from k to make room.
		copy(pool[k+1:], pool[k:evpoolSize-1])
	default:
		// Full: drop the worst (first) element, shift left.
		k--
		copy(pool[:k], pool[1:k+1])
	}
	pool[k] = poolEntry{idle: idle, key: key, db: db, used: true}
}

// evictKey removes key if it is (still) present, reporting the eviction.
func (db *DB) evictKey(key string, volatile bool) bool {
	kb := unsafe.Slice(unsafe.StringData(key), len(key))
	sh, tag := db.locate(kb)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	slot, ei := sh.t.find(tag, kb)
	if slot < 0 || (volatile && sh.t.at(ei).Expire == 0) {
		return false
	}
	db.evictLocked(sh, slot, ei)
	return true
}

// evictRandom removes a random key of a random non-empty shard.
func (db *DB) evictRandom(volatile bool) bool {
	start := rand.IntN(NumShards)
	var one [1]uint32
	for n := 0; n < NumShards; n++ {
		sh := &db.shards[(start+n)&(NumShards-1)]
		sh.mu.Lock()
		var got []uint32
		if volatile {
			if n := len(sh.t.vol.slots); n > 0 {
				got = sh.t.volatileFrom(one[:0], rand.IntN(n), 1)
			}
		} else if sh.t.used > 0 {
			got = sh.t.storedFrom(one[:0], rand.IntN(int(sh.t.used)), 1)
		}
		if len(got) == 1 {
			_, slot := db.entrySlot(sh, got[0])
			db.evictLocked(sh, slot, got[0])
			sh.mu.Unlock()
			return true
		}
		sh.mu.Unlock()
	}
	return false
}

// evictedHooks is implemented by Hooks that propagate evictions (the
// engine: DEL or UNLINK to AOF and replicas, the "evicted" event).
type evictedHooks interface {
	KeyEvicted(db int, key string)
}

func (db *DB) evictLocked(sh *shard, slot int, ei uint32) {
	ks := db.ks
	key := sh.t.at(ei).key()
	if h, ok := ks.Hooks.(evictedHooks); ok {
		h.KeyEvicted(db.ID, key)
	}
	old := db.removeLocked(sh, slot, ei)
	if ks.mem.lazy.Load()&lazyEviction != 0 {
		ks.lazyFree(&old)
	}
	ks.mem.evicted.Add(1)
	ks.Hooks.KeyModified(db.ID, key)
}

// LazyEviction reports whether lazyfree-lazy-eviction is on (the engine
// propagates UNLINK instead of DEL then).
func (ks *Keyspace) LazyEviction() bool { return ks.mem.lazy.Load()&lazyEviction != 0 }

// LazyExpire reports whether lazyfree-lazy-expire is on.
func (ks *Keyspace) LazyExpire() bool { return ks.mem.lazy.Load()&lazyExpire != 0 }

// touch records a lookup of e (Redis's lookupKey without LOOKUP_NOTOUCH):
// the LFU counter under an LFU policy, the LRU clock otherwise.
func (ks *Keyspace) touch(e *Entry) {
	if ks.mem.lfu.Load() {
		e.TouchLFU(ks.lruNowMs(), ks.mem.lfuLog.Load(), ks.mem.lfuDecay.Load(), rand.Float64())
		return
	}
	e.TouchLRU(ks.lruNowMs())
}

// stampNew sets the access word of a written entry whose caller brought
// none: a new key starts at LFU_INIT_VAL under an LFU policy (an
// overwritten one keeps its counter, as Redis's dbSetValue), or at the
// current LRU clock.
func (ks *Keyspace) stampNew(e *Entry, prev uint32) {
	if ks.mem.lfu.Load() {
		if prev&accessLFU != 0 {
			e.Access = prev
			return
		}
		e.Access = LFUAccess(ks.lruNowMs(), lfuInitVal)
		return
	}
	e.TouchLRU(ks.lruNowMs())
}
