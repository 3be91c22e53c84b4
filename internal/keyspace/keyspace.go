package keyspace

import (
	"hash/maphash"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/redwingdb/redwing/internal/clock"
)

// ShardBits sets the number of shards per database (1<<ShardBits).
const ShardBits = 10

// NumShards is the number of shards per database.
const NumShards = 1 << ShardBits

// Object is a non-string value (hash, list, set, zset, stream, ...).
type Object interface {
	Type() string
	Encoding() string
}

// Entry is one key's value and metadata. A string value lives in Str with
// Obj nil; other types live in Obj.
type Entry struct {
	// The string value as a slice without its 24-byte header: pointer,
	// length and capacity in 16 bytes keep an Entry in the runtime's
	// 48-byte size class (Str, SetStr). Strings are at most 512 MB.
	str    unsafe.Pointer
	strLen uint32
	strCap uint32
	Obj    Object
	Expire int64  // Unix ms; 0 means no TTL
	Access uint32 // LRU clock in seconds, for OBJECT IDLETIME
	Raw    bool   // string was modified in place (APPEND/SETRANGE): encoding "raw"
}

// StrEntry returns an entry holding the string value b.
func StrEntry(b []byte) Entry {
	var e Entry
	e.SetStr(b)
	return e
}

// RawStrEntry returns an entry holding b, encoded "raw" (edited in place).
func RawStrEntry(b []byte) Entry {
	e := StrEntry(b)
	e.Raw = true
	return e
}

// StrEntryTTL returns an entry holding b that expires at expire (Unix ms).
func StrEntryTTL(b []byte, expire int64) Entry {
	e := StrEntry(b)
	e.Expire = expire
	return e
}

// Str returns the string value (nil for other types). Its capacity is
// the one SetStr was given: in-place edits may append within it.
func (e *Entry) Str() []byte {
	if e.str == nil {
		return nil
	}
	return unsafe.Slice((*byte)(e.str), e.strCap)[:e.strLen]
}

// SetStr stores b as the string value; nil clears it.
func (e *Entry) SetStr(b []byte) {
	if b == nil {
		e.str, e.strLen, e.strCap = nil, 0, 0
		return
	}
	if cap(b) == 0 {
		e.str, e.strLen, e.strCap = unsafe.Pointer(&emptyStr[0]), 0, 0
		return
	}
	e.str = unsafe.Pointer(unsafe.SliceData(b))
	e.strLen = uint32(len(b))
	e.strCap = uint32(min(cap(b), 1<<32-1))
}

// emptyStr backs empty non-nil values ("" differs from no value).
var emptyStr = make([]byte, 1)

// Type returns the Redis type name of the entry.
func (e *Entry) Type() string {
	if e.Obj == nil {
		return "string"
	}
	return e.Obj.Type()
}

// Hooks receives every change to the keyspace. Calls happen with the key's
// shard lock (or the world lock) held, in execution order.
type Hooks interface {
	// KeyModified is called after key in db was written, deleted or expired.
	// key may alias a request buffer: it is valid during the call only.
	KeyModified(db int, key string)
	// KeyExpired is called when a key was removed because its TTL passed,
	// before KeyModified. It should propagate a DEL and notify.
	KeyExpired(db int, key string)
	// DBFlushed is called just before database db is emptied (other == -1)
	// or swapped with database other, while its contents are still in place.
	DBFlushed(db, other int)
}

type nopHooks struct{}

func (nopHooks) KeyModified(int, string) {}
func (nopHooks) KeyExpired(int, string)  {}
func (nopHooks) DBFlushed(int, int)      {}

type shard struct {
	mu       sync.Mutex
	m        map[string]*Entry
	volatile map[string]*Entry // keys with a TTL, for active expiry
	dels     int               // removals since the maps were rebuilt (memory.go)
	_        [8]byte           // keep neighbouring shard locks off one cache line
}

// DB is one numbered database.
type DB struct {
	ID     int
	ks     *Keyspace
	shards [NumShards]shard
	keys   atomic.Int64
	exps   atomic.Int64
	mem    atomic.Int64 // estimated heap bytes of the keys (memory.go)
}

// Keyspace is the set of databases plus the world lock.
type Keyspace struct {
	world sync.RWMutex
	dbs   []*DB
	Clock clock.Clock
	Hooks Hooks
	seed  maphash.Seed

	// ExpiredKeys counts keys removed because their TTL passed.
	ExpiredKeys atomic.Int64
	lruMs       atomic.Int64 // coarse clock for access stamps (TickLRUClock)

	// LazyExpire can be turned off (DEBUG SET-ACTIVE-EXPIRE does the same for active expiry).
	ActiveExpire atomic.Bool

	mem memState // eviction, access tracking policy, lazyfree (evict.go, lazyfree.go)
}

// New creates a keyspace with n databases.
func New(n int, clk clock.Clock) *Keyspace {
	ks := &Keyspace{Clock: clk, Hooks: nopHooks{}, seed: maphash.MakeSeed()}
	ks.ActiveExpire.Store(true)
	ks.dbs = make([]*DB, n)
	for i := range ks.dbs {
		ks.dbs[i] = ks.newDB(i)
	}
	return ks
}

func (ks *Keyspace) newDB(id int) *DB {
	return &DB{ID: id, ks: ks}
}

// TickLRUClock refreshes the coarse clock used for access stamps; the
// server's cron calls it, so lookups need not read the clock for LRU
// bookkeeping, which has one-second resolution anyway.
func (ks *Keyspace) TickLRUClock() { ks.lruMs.Store(ks.Clock.NowMs()) }

// CoarseNowMs is the current time with the cron's resolution (1/hz), for
// bookkeeping that does not need more (idle times, sampling).
func (ks *Keyspace) CoarseNowMs() int64 { return ks.lruNowMs() }

// lruNowMs is the time for access stamps: the coarse clock when a cron
// keeps it fresh, the injected clock otherwise (tests).
func (ks *Keyspace) lruNowMs() int64 {
	if ms := ks.lruMs.Load(); ms != 0 {
		return ms
	}
	return ks.Clock.NowMs()
}

// NumDBs returns the number of databases.
func (ks *Keyspace) NumDBs() int { return len(ks.dbs) }

// DB returns database i.
func (ks *Keyspace) DB(i int) *DB { return ks.dbs[i] }

// RLockWorld takes the world lock shared (every ordinary command).
func (ks *Keyspace) RLockWorld() { ks.world.RLock() }

// RUnlockWorld releases the shared world lock.
func (ks *Keyspace) RUnlockWorld() { ks.world.RUnlock() }

// LockWorld takes the world lock exclusively: nothing else runs.
func (ks *Keyspace) LockWorld() { ks.world.Lock() }

// UnlockWorld releases the exclusive world lock.
func (ks *Keyspace) UnlockWorld() { ks.world.Unlock() }

// ShardOf returns the shard index of key.
func (ks *Keyspace) ShardOf(key []byte) int {
	return int(maphash.Bytes(ks.seed, key) & (NumShards - 1))
}

// LockShards locks the given shard indexes of db, which must be sorted and
// unique. The caller holds the world lock shared.
func (db *DB) LockShards(idx []int) {
	for _, i := range idx {
		db.shards[i].mu.Lock()
	}
}

// UnlockShards releases shards taken by LockShards.
func (db *DB) UnlockShards(idx []int) {
	for _, i := range idx {
		db.shards[i].mu.Unlock()
	}
}

// LockShard locks one shard.
func (db *DB) LockShard(i int) { db.shards[i].mu.Lock() }

// UnlockShard unlocks one shard.
func (db *DB) UnlockShard(i int) { db.shards[i].mu.Unlock() }

// SortShards sorts and de-duplicates shard indexes in place.
func SortShards(idx []int) []int {
	if len(idx) < 2 {
		return idx
	}
	if len(idx) == 2 {
		if idx[0] > idx[1] {
			idx[0], idx[1] = idx[1], idx[0]
		} else if idx[0] == idx[1] {
			return idx[:1]
		}
		return idx
	}
	sort.Ints(idx)
	out := idx[:1]
	for _, v := range idx[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

func (db *DB) shardFor(key []byte) *shard {
	return &db.shards[db.ks.ShardOf(key)]
}

// Size returns the number of keys (including not yet reclaimed expired ones).
func (db *DB) Size() int64 { return db.keys.Load() }

// Expires returns the number of keys with a TTL.
func (db *DB) Expires() int64 { return db.exps.Load() }

// Lookup returns the live entry for key, removing it first if it expired.
// The key's shard must be locked (or the world lock held exclusively).
func (db *DB) Lookup(key []byte) *Entry {
	e := db.live(db.shardFor(key), key)
	if e != nil {
		db.ks.touch(e) // LRU clock or LFU counter, per maxmemory-policy (evict.go)
	}
	return e
}

// live returns key's entry in its shard sh, or nil; an entry whose TTL
// has passed is expired on the way (lazy expiry).
func (db *DB) live(sh *shard, key []byte) *Entry {
	e := sh.m[string(key)]
	if e != nil && e.Expire != 0 && e.Expire <= db.ks.Clock.NowMs() {
		db.expireLocked(sh, string(key), e)
		return nil
	}
	return e
}

// LookupNoTouch is Lookup without recording an access (Redis's
// LOOKUP_NOTOUCH: TTL, TYPE, EXISTS, OBJECT).
func (db *DB) LookupNoTouch(key []byte) *Entry { return db.live(db.shardFor(key), key) }

// Peek is Lookup without lazy expiry: an expired key is reported as absent
// but left in place. Used on paths that must not write (e.g. replicas later).
func (db *DB) Peek(key []byte) *Entry {
	e := db.shardFor(key).m[string(key)]
	if e == nil || (e.Expire != 0 && e.Expire <= db.ks.Clock.NowMs()) {
		return nil
	}
	return e
}

func (db *DB) expireLocked(sh *shard, key string, e *Entry) {
	db.removeLocked(sh, key, e)
	if db.ks.mem.lazy.Load()&lazyExpire != 0 {
		db.ks.lazyFree(e)
	}
	db.ks.ExpiredKeys.Add(1)
	db.ks.Hooks.KeyExpired(db.ID, key)
	db.ks.Hooks.KeyModified(db.ID, key)
}

func (db *DB) removeLocked(sh *shard, key string, e *Entry) {
	delete(sh.m, key)
	sh.dels++
	db.keys.Add(-1)
	db.addMem(-keyCost(len(key), e))
	if e.Expire != 0 {
		delete(sh.volatile, key)
		db.exps.Add(-1)
	}
}

// Set stores v under key, replacing any previous value (and its TTL: the
// caller copies Expire when it must be kept), and returns the stored entry.
// A zero v.Access records the write as an access; a moved value (RENAME,
// MOVE) keeps the Access it brings.
// An existing entry is updated in place so that overwriting a key does not
// allocate. Set does not call hooks; the caller reports the change with
// Modified once its whole write is done.
func (db *DB) Set(key []byte, v Entry) *Entry {
	sh := db.shardFor(key)
	if old := sh.m[string(key)]; old != nil {
		switch {
		case old.Expire != 0 && v.Expire == 0:
			delete(sh.volatile, string(key))
			db.exps.Add(-1)
		case old.Expire == 0 && v.Expire != 0:
			db.addVolatile(sh, string(key), old)
		}
		was := keyCost(len(key), old)
		prev := old.Access
		*old = v
		if v.Access == 0 {
			db.ks.stampNew(old, prev) // evict.go
		}
		db.addMem(keyCost(len(key), old) - was)
		return old
	}
	if sh.m == nil {
		sh.m = make(map[string]*Entry)
	}
	e := new(Entry)
	*e = v
	if v.Access == 0 {
		db.ks.stampNew(e, 0) // evict.go
	}
	db.compactLocked(sh) // memory.go: rebuild maps bloated by deletions
	k := string(key)     // one copy of the key for both maps
	sh.m[k] = e
	db.keys.Add(1)
	db.addMem(keyCost(len(key), e))
	if e.Expire != 0 {
		db.addVolatile(sh, k, e)
	}
	return e
}

func (db *DB) addVolatile(sh *shard, key string, e *Entry) {
	if sh.volatile == nil {
		sh.volatile = make(map[string]*Entry)
	}
	sh.volatile[key] = e
	db.exps.Add(1)
}

// SetExpire sets or clears (ms == 0) the TTL of an existing entry.
func (db *DB) SetExpire(key []byte, e *Entry, ms int64) {
	sh := db.shardFor(key)
	switch {
	case e.Expire == 0 && ms != 0:
		db.addVolatile(sh, string(key), e)
		db.addMem(mapSlotCost)
	case e.Expire != 0 && ms == 0:
		delete(sh.volatile, string(key))
		db.exps.Add(-1)
		db.addMem(-mapSlotCost)
	}
	e.Expire = ms
}

// Delete removes key. It reports whether a live key was removed.
func (db *DB) Delete(key []byte) bool { return db.remove(key) != nil }

// remove deletes key and returns its entry, or nil when there was no live
// key (an expired one is expired on the way, as any access does).
func (db *DB) remove(key []byte) *Entry {
	sh := db.shardFor(key)
	e := db.live(sh, key)
	if e != nil {
		db.removeLocked(sh, string(key), e)
	}
	return e
}

// Modified reports a completed write of key to the hooks funnel.
func (db *DB) Modified(key []byte) {
	// No copy: a write's hot path; hooks copy what they keep.
	db.ks.Hooks.KeyModified(db.ID, unsafe.String(unsafe.SliceData(key), len(key)))
}

// Flush empties the database. The world lock must be held exclusively.
func (db *DB) Flush() {
	db.ks.Hooks.DBFlushed(db.ID, -1)
	for i := range db.shards {
		db.shards[i].m = nil
		db.shards[i].volatile = nil
	}
	db.keys.Store(0)
	db.exps.Store(0)
	db.dropMem()
}

// Swap exchanges the contents of databases a and b. World lock held exclusively.
func (ks *Keyspace) Swap(a, b int) {
	if a == b {
		return
	}
	ks.Hooks.DBFlushed(a, b)
	ks.Hooks.DBFlushed(b, a)
	da, dbb := ks.dbs[a], ks.dbs[b]
	for i := range da.shards {
		da.shards[i].m, dbb.shards[i].m = dbb.shards[i].m, da.shards[i].m
		da.shards[i].volatile, dbb.shards[i].volatile = dbb.shards[i].volatile, da.shards[i].volatile
	}
	ka, kb := da.keys.Load(), dbb.keys.Load()
	da.keys.Store(kb)
	dbb.keys.Store(ka)
	ea, eb := da.exps.Load(), dbb.exps.Load()
	da.exps.Store(eb)
	dbb.exps.Store(ea)
	ma, mb := da.mem.Load(), dbb.mem.Load()
	da.mem.Store(mb)
	dbb.mem.Store(ma)
}

// ForEachShard calls fn for every shard of db with the shard locked, unless
// the caller holds the world lock exclusively (locked == true). fn returns
// false to stop.
func (db *DB) ForEachShard(start int, locked bool, fn func(i int, keys map[string]*Entry) bool) {
	for i := start; i < NumShards; i++ {
		sh := &db.shards[i]
		if !locked {
			sh.mu.Lock()
		}
		db.reapShardLocked(sh)
		cont := fn(i, sh.m)
		if !locked {
			sh.mu.Unlock()
		}
		if !cont {
			return
		}
	}
}

// reapShardLocked removes every expired key of a shard, so iteration never
// shows them.
func (db *DB) reapShardLocked(sh *shard) {
	if len(sh.volatile) == 0 {
		return
	}
	now := db.ks.Clock.NowMs()
	for k, e := range sh.volatile {
		if e.Expire <= now {
			db.expireLocked(sh, k, e)
		}
	}
}

// RandomKey returns a random live key, or "" and false when the db is empty.
// Shards are locked one at a time unless locked is true.
func (db *DB) RandomKey(locked bool) (string, bool) {
	if db.keys.Load() == 0 {
		return "", false
	}
	start := rand.IntN(NumShards)
	for n := 0; n < NumShards; n++ {
		i := (start + n) % NumShards
		sh := &db.shards[i]
		if !locked {
			sh.mu.Lock()
		}
		db.reapShardLocked(sh)
		if len(sh.m) > 0 {
			skip := rand.IntN(len(sh.m))
			for k := range sh.m {
				if skip == 0 {
					if !locked {
						sh.mu.Unlock()
					}
					return k, true
				}
				skip--
			}
		}
		if !locked {
			sh.mu.Unlock()
		}
	}
	return "", false
}

// ActiveExpireCycle samples keys with a TTL and removes expired ones, as
// Redis's activeExpireCycle does, spending at most budget keys of work.
// It takes the world lock shared and each shard's lock in turn.
func (ks *Keyspace) ActiveExpireCycle(cursor *int, budget int) int {
	if !ks.ActiveExpire.Load() {
		return 0
	}
	ks.world.RLock()
	defer ks.world.RUnlock()
	removed := 0
	total := len(ks.dbs) * NumShards
	for visited := 0; visited < total && budget > 0; visited++ {
		pos := *cursor % total
		*cursor = (pos + 1) % total
		db := ks.dbs[pos/NumShards]
		if db.exps.Load() == 0 {
			// Skip the rest of this db.
			*cursor = ((pos/NumShards + 1) * NumShards) % total
			visited += NumShards - 1 - pos%NumShards
			continue
		}
		sh := &db.shards[pos%NumShards]
		sh.mu.Lock()
		if len(sh.volatile) > 0 {
			now := ks.Clock.NowMs()
			for {
				sampled, expired := 0, 0
				for k, e := range sh.volatile {
					if sampled >= 20 {
						break
					}
					sampled++
					if e.Expire <= now {
						db.expireLocked(sh, k, e)
						expired++
					}
				}
				budget -= sampled
				removed += expired
				// As Redis: keep going while more than a quarter were stale.
				if sampled == 0 || expired*4 <= sampled || budget <= 0 {
					break
				}
			}
		}
		sh.mu.Unlock()
	}
	return removed
}
