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
	mu sync.Mutex
	t  table   // table.go
	_  [8]byte // keep neighbouring shard locks off one cache line
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
	dbs   []atomic.Pointer[DB] // made on first use (DB)
	dbMu  sync.Mutex
	Clock clock.Clock
	Hooks Hooks
	seed  maphash.Seed

	// ExpiredKeys counts keys removed because their TTL passed.
	ExpiredKeys atomic.Int64
	lruMs       atomic.Int64 // coarse clock for access stamps (TickLRUClock)

	// LazyExpire can be turned off (DEBUG SET-ACTIVE-EXPIRE does the same for active expiry).
	ActiveExpire atomic.Bool

	arenaDead *atomic.Int64 // dead bytes in this keyspace's arenas (arena.go)

	mem memState // eviction, access tracking policy, lazyfree (evict.go, lazyfree.go)
}

// New creates a keyspace with n databases.
func New(n int, clk clock.Clock) *Keyspace {
	ks := &Keyspace{Clock: clk, Hooks: nopHooks{}, seed: maphash.MakeSeed()}
	ks.arenaDead = newDeadCounter(ks)
	ks.ActiveExpire.Store(true)
	ks.dbs = make([]atomic.Pointer[DB], n)
	ks.DB(0)
	return ks
}

func (ks *Keyspace) newDB(id int) *DB {
	db := &DB{ID: id, ks: ks}
	for i := range db.shards {
		db.shards[i].t.a.acct = ks.arenaDead
	}
	return db
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

// DB returns database i, made on first use. A database's shards take a
// quarter of a megabyte before it holds a key, and most servers use only
// database 0: sixteen made at start were four fifths of an idle server's
// heap, which counts against maxmemory.
func (ks *Keyspace) DB(i int) *DB {
	if db := ks.dbs[i].Load(); db != nil {
		return db
	}
	ks.dbMu.Lock()
	defer ks.dbMu.Unlock()
	db := ks.dbs[i].Load()
	if db == nil {
		db = ks.newDB(i)
		ks.dbs[i].Store(db)
	}
	return db
}

// DBIfUsed returns database i, or nil if nothing ever used it (then it
// holds no key): for loops over every database that need not make them.
func (ks *Keyspace) DBIfUsed(i int) *DB { return ks.dbs[i].Load() }

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

// locate returns key's shard and its index tag: one hash for both.
func (db *DB) locate(key []byte) (*shard, uint32) {
	h := maphash.Bytes(db.ks.seed, key)
	return &db.shards[h&(NumShards-1)], uint32(h >> 32)
}

func (db *DB) shardFor(key []byte) *shard {
	sh, _ := db.locate(key)
	return sh
}

// Size returns the number of keys (including not yet reclaimed expired ones).
func (db *DB) Size() int64 { return db.keys.Load() }

// Expires returns the number of keys with a TTL.
func (db *DB) Expires() int64 { return db.exps.Load() }

// Store records o as the value of key's stored entry e after a command
// changed it (in place, or o is a new object): an object that packs is
// written next to the key (over its old bytes when they have room), any
// other is boxed. e stays valid; views of the old value must not be used
// again. The key's shard must be locked.
func (db *DB) Store(key []byte, e *Entry, o Object) {
	n := packable(o)
	if n >= 0 && e.packed() && n <= int(e.vcap) {
		// Over the old bytes: no allocation, nothing to account.
		e.vlen = uint32(n)
		o.(Packer).PackTo(e.value())
		return
	}
	if n < 0 && e.klen&(flagObj|flagPack) == flagObj && (*objBox)(e.p).obj == o {
		return // changed in its box
	}
	sh, tag := db.locate(key)
	_, ei := sh.t.find(tag, key)
	was := keyCost(e) + sh.t.footprint()
	sh.t.a.addDead(recordSize(e))
	if n >= 0 {
		sh.t.store(ei, bindPacked(&sh.t.a, key, o, n, e.Access, e.Expire))
		sh.t.reclaim()
	} else {
		p, vcap := newBox(o, key)
		sh.t.store(ei, Entry{p: p, klen: uint32(len(key)) | flagObj, vcap: vcap, vlen: costUnits(objectCost(o)), Access: e.Access, Expire: e.Expire})
	}
	db.addMem(keyCost(e) + sh.t.footprint() - was)
}

// Lookup returns the live entry for key, removing it first if it expired.
// The key's shard must be locked (or the world lock held exclusively).
// The entry is valid until the shard is unlocked or the key removed.
func (db *DB) Lookup(key []byte) *Entry {
	sh, tag := db.locate(key)
	e := db.live(sh, tag, key)
	if e != nil {
		db.ks.touch(e) // LRU clock or LFU counter, per maxmemory-policy (evict.go)
	}
	return e
}

// live returns key's entry in its shard sh, or nil; an entry whose TTL
// has passed is expired on the way (lazy expiry).
func (db *DB) live(sh *shard, tag uint32, key []byte) *Entry {
	slot, ei := sh.t.find(tag, key)
	if slot < 0 {
		return nil
	}
	e := sh.t.at(ei)
	if e.Expire != 0 && e.Expire < db.ks.Clock.NowMs() {
		db.expireLocked(sh, slot, ei)
		return nil
	}
	return e
}

// LookupNoTouch is Lookup without recording an access (Redis's
// LOOKUP_NOTOUCH: TTL, TYPE, EXISTS, OBJECT).
func (db *DB) LookupNoTouch(key []byte) *Entry {
	sh, tag := db.locate(key)
	return db.live(sh, tag, key)
}

// Peek is Lookup without lazy expiry: an expired key is reported as absent
// but left in place. Used on paths that must not write (e.g. replicas later).
func (db *DB) Peek(key []byte) *Entry {
	e := db.Stored(key)
	if e == nil || e.Expire != 0 && e.Expire < db.ks.Clock.NowMs() {
		return nil
	}
	return e
}

// Stored returns key's stored entry even when its TTL has passed (the
// digest of DEBUG DIGEST-VALUE covers such keys, as Redis's dictFind
// does), or nil. The key's shard must be locked.
func (db *DB) Stored(key []byte) *Entry {
	sh, tag := db.locate(key)
	slot, ei := sh.t.find(tag, key)
	if slot < 0 {
		return nil
	}
	return sh.t.at(ei)
}

func (db *DB) expireLocked(sh *shard, slot int, ei uint32) {
	old := db.removeLocked(sh, slot, ei)
	key := old.key()
	if db.ks.mem.lazy.Load()&lazyExpire != 0 {
		db.ks.lazyFree(&old)
	}
	db.ks.ExpiredKeys.Add(1)
	db.ks.Hooks.KeyExpired(db.ID, key)
	db.ks.Hooks.KeyModified(db.ID, key)
}

// removeLocked removes the entry at slot (entry number ei) and returns
// what it held.
func (db *DB) removeLocked(sh *shard, slot int, ei uint32) Entry {
	fp := sh.t.footprint()
	old := sh.t.remove(slot, ei)
	db.keys.Add(-1)
	db.addMem(sh.t.footprint() - fp - keyCost(&old))
	if old.Expire != 0 {
		db.exps.Add(-1)
	}
	return old
}

// Set stores v under key, replacing any previous value (and its TTL: the
// caller copies Expire when it must be kept), and returns the stored entry.
// A string value is copied (v may alias a request buffer); an object is
// stored by reference.
// A zero v.Access records the write as an access; a moved value (RENAME,
// MOVE) keeps the Access it brings.
// An existing string whose room fits the new string is overwritten in
// place, so that overwriting a key does not allocate. Set does not call
// hooks; the caller reports the change with Modified once its whole write
// is done.
func (db *DB) Set(key []byte, v Entry) *Entry {
	sh, tag := db.locate(key)
	if slot, ei := sh.t.find(tag, key); slot >= 0 {
		old := sh.t.at(ei)
		was := keyCost(old) + sh.t.footprint()
		prev := old.Access
		switch {
		case old.Expire != 0 && v.Expire == 0:
			sh.t.removeVolatile(ei)
			db.exps.Add(-1)
		case old.Expire == 0 && v.Expire != 0:
			sh.t.addVolatile(ei)
			db.exps.Add(1)
		}
		if old.klen&flagObj == 0 && v.klen&flagObj == 0 && v.vlen <= old.vcap && v.p != old.p {
			val := v.Str()
			copy(unsafe.Slice((*byte)(unsafe.Add(old.p, old.klen&klenMask)), old.vcap), val)
			old.vlen = uint32(len(val))
			old.klen = old.klen&^flagRaw | v.klen&flagRaw
			old.Access, old.Expire = v.Access, v.Expire
		} else {
			if old.klen&flagObj != 0 && db.ks.mem.lazy.Load()&lazyServerDel != 0 {
				// Redis's dbSetValue frees an overwritten value with
				// freeObjAsync under lazyfree-lazy-server-del.
				db.ks.lazyFree(old)
			}
			sh.t.a.addDead(recordSize(old))
			sh.t.store(ei, bind(&sh.t.a, key, &v))
			sh.t.reclaim()
		}
		if v.Access == 0 {
			db.ks.stampNew(old, prev) // evict.go
		}
		db.addMem(keyCost(old) + sh.t.footprint() - was)
		return old
	}
	fp := sh.t.footprint()
	sh.t.reclaim() // before add: compaction moves records, not entries
	e, _ := sh.t.add(tag, bind(&sh.t.a, key, &v))
	if v.Access == 0 {
		db.ks.stampNew(e, 0) // evict.go
	}
	db.keys.Add(1)
	db.addMem(keyCost(e) + sh.t.footprint() - fp)
	if e.Expire != 0 {
		db.exps.Add(1)
	}
	return e
}

// SetStr stores b as the string value of key's stored entry e (nil as
// ""): in place when b is e's value extended or shortened within its room
// (appended to within Str's capacity), else copied next to the key into an
// allocation of its own with room for cap(b) value bytes, for the edits
// that follow (APPEND, SETRANGE, SETBIT, PFADD). The key's shard must be
// locked.
func (db *DB) SetStr(key []byte, e *Entry, b []byte) {
	if e.setInPlace(b) {
		return
	}
	sh, tag := db.locate(key)
	_, ei := sh.t.find(tag, key)
	was := keyCost(e) + sh.t.footprint()
	sh.t.a.addDead(recordSize(e))
	var v Entry
	v.setKeyValue(key, b, cap(b))
	v.klen |= e.klen & flagRaw
	v.Access, v.Expire = e.Access, e.Expire
	sh.t.store(ei, v)
	sh.t.reclaim()
	db.addMem(keyCost(e) + sh.t.footprint() - was)
}

// SetExpire sets or clears (ms == 0) the TTL of an existing entry.
func (db *DB) SetExpire(key []byte, e *Entry, ms int64) {
	sh, tag := db.locate(key)
	if e.Expire == 0 && ms != 0 || e.Expire != 0 && ms == 0 {
		slot, ei := sh.t.find(tag, key)
		if slot < 0 || sh.t.at(ei) != e {
			e.Expire = ms // not stored (a detached entry)
			return
		}
		fp := sh.t.footprint()
		if ms != 0 {
			sh.t.addVolatile(ei)
			db.exps.Add(1)
		} else {
			sh.t.removeVolatile(ei)
			db.exps.Add(-1)
		}
		db.addMem(sh.t.footprint() - fp)
	}
	e.Expire = ms
}

// Delete removes key. It reports whether a live key was removed.
func (db *DB) Delete(key []byte) bool {
	_, ok := db.remove(key)
	return ok
}

// remove deletes key and returns what its entry held, or false when there
// was no live key (an expired one is expired on the way, as any access
// does).
func (db *DB) remove(key []byte) (Entry, bool) {
	sh, tag := db.locate(key)
	if db.live(sh, tag, key) == nil {
		return Entry{}, false
	}
	slot, ei := sh.t.find(tag, key)
	return db.removeLocked(sh, slot, ei), true
}

// Modified reports a completed write of key to the hooks funnel. The
// key's shard is locked (or the world lock held).
func (db *DB) Modified(key []byte) {
	if db.ks.mem.maxmem.Load() != 0 {
		// Only a limit needs the growth now (the next collection measures
		// it anyway); the lookup costs LPUSH -P 16 about a tenth of its rate.
		db.accountInPlace(key)
	}
	// No copy: a write's hot path; hooks copy what they keep.
	db.ks.Hooks.KeyModified(db.ID, unsafe.String(unsafe.SliceData(key), len(key)))
}

// Flush empties the database. The world lock must be held exclusively.
func (db *DB) Flush() {
	db.ks.Hooks.DBFlushed(db.ID, -1)
	for i := range db.shards {
		db.shards[i].t.reset()
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
	da, dbb := ks.DB(a), ks.DB(b)
	for i := range da.shards {
		da.shards[i].t, dbb.shards[i].t = dbb.shards[i].t, da.shards[i].t
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

// ShardKeys is one locked shard's keys, for iteration (ForEachShard).
type ShardKeys struct {
	db *DB
	sh *shard
}

// Len returns the number of keys in the shard.
func (s ShardKeys) Len() int { return s.sh.t.idx.n }

// Range calls fn for every key of the shard until fn returns false. The
// key string stays valid after the shard is unlocked; fn must not add or
// remove keys.
func (s ShardKeys) Range(fn func(key string, e *Entry) bool) {
	s.sh.t.each(func(_ uint32, e *Entry) bool { return fn(e.key(), e) })
}

// Has reports whether key is stored in the shard.
func (s ShardKeys) Has(key string) bool {
	_, tag := s.db.locate([]byte(key))
	slot, _ := s.sh.t.find(tag, []byte(key))
	return slot >= 0
}

// ForEachShard calls fn for every shard of db from start with the shard
// locked, unless the caller holds the world lock exclusively (locked ==
// true). Expired keys are removed first, so iteration never shows them.
// fn returns false to stop.
func (db *DB) ForEachShard(start int, locked bool, fn func(i int, keys ShardKeys) bool) {
	for i := start; i < NumShards; i++ {
		sh := &db.shards[i]
		if !locked {
			sh.mu.Lock()
		}
		db.reapShardLocked(sh)
		cont := fn(i, ShardKeys{db, sh})
		if !locked {
			sh.mu.Unlock()
		}
		if !cont {
			return
		}
	}
}

// reapShardLocked removes every expired key of a shard.
func (db *DB) reapShardLocked(sh *shard) {
	if sh.t.vol.n == 0 {
		return
	}
	now := db.ks.Clock.NowMs()
	var stale []uint32
	for _, s := range sh.t.vol.slots {
		if s != 0 && sh.t.at(uint32(s)-1).Expire < now {
			stale = append(stale, uint32(s)-1)
		}
	}
	for _, ei := range stale {
		db.expireEntry(sh, ei)
	}
}

// expireEntry expires stored entry ei of shard sh.
func (db *DB) expireEntry(sh *shard, ei uint32) {
	_, slot := db.entrySlot(sh, ei)
	db.expireLocked(sh, slot, ei)
}

// entrySlot returns the key of stored entry ei and its slot in sh's index
// (the key is hashed again: entries do not keep their hash).
func (db *DB) entrySlot(sh *shard, ei uint32) (string, int) {
	key := sh.t.at(ei).key()
	_, tag := db.locate(unsafe.Slice(unsafe.StringData(key), len(key)))
	return key, sh.t.idx.slotOf(tag, ei+1)
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
		var one [1]uint32
		if got := sh.t.storedFrom(one[:0], rand.IntN(int(sh.t.used)+1), 1); len(got) == 1 {
			k := sh.t.at(got[0]).key()
			if !locked {
				sh.mu.Unlock()
			}
			return k, true
		}
		if !locked {
			sh.mu.Unlock()
		}
	}
	return "", false
}

// MaintainArenas visits n shards from *cursor (across databases) and
// compacts the string arenas that are at least half dead (arena.go). The
// server's cron calls it: no command is running on a shard it holds.
func (ks *Keyspace) MaintainArenas(cursor *int, n int) {
	ks.world.RLock()
	defer ks.world.RUnlock()
	total := len(ks.dbs) * NumShards
	for i := 0; i < n && i < total; i++ {
		pos := *cursor % total
		*cursor = (pos + 1) % total
		db := ks.dbs[pos/NumShards].Load()
		if db == nil || db.mem.Load() == 0 {
			continue // never written, or flushed
		}
		sh := &db.shards[pos%NumShards]
		sh.mu.Lock()
		fp := sh.t.footprint()
		if sh.t.maintain() {
			db.addMem(sh.t.footprint() - fp)
		}
		sh.mu.Unlock()
	}
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
		db := ks.dbs[pos/NumShards].Load()
		if db == nil || db.exps.Load() == 0 {
			// Skip the rest of this db.
			*cursor = ((pos/NumShards + 1) * NumShards) % total
			visited += NumShards - 1 - pos%NumShards
			continue
		}
		sh := &db.shards[pos%NumShards]
		sh.mu.Lock()
		if sh.t.vol.n > 0 {
			now := ks.Clock.NowMs()
			var buf [20]uint32
			for sh.t.vol.n > 0 {
				// Sample first: removal shifts slots.
				sample := sh.t.volatileFrom(buf[:0], rand.IntN(len(sh.t.vol.slots)), len(buf))
				expired := 0
				for _, ei := range sample {
					if sh.t.at(ei).Expire < now {
						db.expireEntry(sh, ei)
						expired++
					}
				}
				budget -= len(sample)
				removed += expired
				// As Redis: keep going while more than a quarter were stale.
				if expired*4 <= len(sample) || budget <= 0 {
					break
				}
			}
		}
		sh.mu.Unlock()
	}
	return removed
}
