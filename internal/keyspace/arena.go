package keyspace

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// A shard's arena holds the key and value bytes of its small string
// entries in pages of bytes, allocated by bumping an offset. To the
// collector a page is one object however many records it holds, reached
// through the arena's page list (the entries pointing into it are in
// chunks it does not scan, table.go), while millions of small objects of
// their own took over a second of CPU per collection at 10M keys (cache
// misses on scattered mark bits), stealing a core from the server.
//
// Freed records are not reused: a removal, or an overwrite that does not
// fit in place, counts the bytes as dead. Once a quarter of an arena is
// dead its live records are copied into fresh pages (three bytes copied
// per byte reclaimed, at worst); the old pages are freed by the collector
// when nothing points into them any more (a copy of an entry or a value
// slice a command still holds keeps its page alive).
//
// Memory accounting counts dead bytes as free at once, as Redis's
// used_memory counts a freed allocation (what remains is fragmentation,
// seen in RSS): the evictor sees a removal pay off immediately.

const (
	arenaMinPage    = 256
	arenaMidPage    = 8 << 10
	arenaMaxPage    = 32 << 10 // few objects to mark at 10M keys (table.go)
	arenaMaxRecord  = 512      // larger records get an allocation of their own
	arenaMinCompact = 1 << 10
)

type arena struct {
	acct  *atomic.Int64 // the keyspace's dead arena bytes (Keyspace.arenaDead)
	pages [][]byte
	size  int64 // heap bytes of the pages (and the slice of them)
	off   int   // bytes used in the last page
	used  int64 // bytes of the pages handed out (live and dead records, page tails)
	dead  int64 // bytes of records known to be dead
	visit uint8 // compaction checks since the last recount (MaintainArenas)
}

func align8(n int) int { return (n + 7) &^ 7 }

// arenaDead is the dead bytes of all arenas of live keyspaces, which the
// live heap a collection measures still holds (memory.go subtracts it). A
// keyspace counts its own too, and a cleanup takes that share back when
// the keyspace is collected (tests make many).
var arenaDead atomic.Int64

func newDeadCounter(owner *Keyspace) *atomic.Int64 {
	c := new(atomic.Int64)
	runtime.AddCleanup(owner, func(c *atomic.Int64) { arenaDead.Add(-c.Load()) }, c)
	return c
}

func (a *arena) addDead(n int64) {
	if n != 0 {
		a.dead += n
		a.acct.Add(n)
		arenaDead.Add(n)
	}
}

// reset discards the arena (its pages go when nothing points into them).
func (a *arena) reset() {
	a.addDead(-a.dead)
	*a = arena{acct: a.acct}
}

// alloc returns n fresh bytes (n a multiple of 8). A new page grows the
// arena by half of what is in use: at most a third of the arena is an
// unfilled page. Pages stay at 8 KiB until the arena holds 32 KiB, and
// reach the largest size at 128 KiB: a shard of a 1M-key cache keeps the
// unfilled page small (with 32 KiB pages from the start, 8 bytes more per
// key), one of a 10M-key cache has few pages for the collector to mark.
func (a *arena) alloc(n int) []byte {
	live := a.used - a.dead
	limit := min(max(live/4, arenaMidPage), arenaMaxPage)
	return a.allocIn(n, int(min(max(live/2, arenaMinPage), limit)))
}

// allocIn is alloc starting, when the last page is full, a page of
// pageSize bytes (at least n).
func (a *arena) allocIn(n, pageSize int) []byte {
	last := len(a.pages) - 1
	if last < 0 || a.off+n > len(a.pages[last]) {
		if last >= 0 {
			tail := int64(len(a.pages[last]) - a.off) // lost
			a.addDead(tail)
			a.used += tail
		}
		a.addPage(max(pageSize, n))
		last++
	}
	rec := a.pages[last][a.off : a.off+n : a.off+n]
	a.off += n
	a.used += int64(n)
	return rec
}

// addPage starts a page of at least n bytes (the allocator's whole size
// class).
func (a *arena) addPage(n int) {
	c := cap(a.pages)
	n = allocSize(n)
	a.pages = append(a.pages, make([]byte, n))
	a.size += int64(n)
	if cap(a.pages) != c {
		a.size += int64(allocSize(cap(a.pages)*24) - allocSize(c*24))
	}
	a.off = 0
}

// recordSize returns the arena bytes of a stored entry (0 outside it).
func recordSize(e *Entry) int64 {
	if e.klen&flagArena == 0 { // a string's or a packed object's record only
		return 0
	}
	return int64(e.klen&klenMask + e.vcap)
}

// arenaCompactions counts compactions (tests).
var arenaCompactions atomic.Int64

// liveBytes returns the bytes of t's records still in its arena.
func (t *table) liveBytes() int64 {
	live := int64(0)
	t.each(func(_ uint32, e *Entry) bool {
		live += recordSize(e)
		return true
	})
	return live
}

// compact copies the live records of table t into fresh pages, sized to
// what is left to copy.
func (t *table) compact() {
	arenaCompactions.Add(1)
	left := t.liveBytes()
	fresh := arena{acct: t.a.acct}
	t.each(func(_ uint32, e *Entry) bool {
		if n := recordSize(e); n > 0 {
			rec := fresh.allocIn(int(n), int(min(left, arenaMaxPage)))
			copy(rec, unsafe.Slice((*byte)(e.p), n))
			e.p = unsafe.Pointer(unsafe.SliceData(rec))
			left -= n
		}
		return true
	})
	t.a.reset()
	t.a = fresh
}

// reclaim compacts t's arena when a quarter of it is known dead, or when
// it has grown large through small pages (ramped).
func (t *table) reclaim() {
	if a := &t.a; a.used >= arenaMinCompact && a.dead*4 >= a.used || a.ramped() {
		t.compact()
	}
}

// ramped reports whether a large arena still holds the small pages it
// grew through (256 bytes to 32 KiB): at 10M keys they were 60% of its
// pages, and each page is an object for a collection to mark and a span to
// sweep. Compacted, it holds pages of arenaMaxPage only, and new ones are
// that size too, so it is not ramped again unless a fifth of it dies.
func (a *arena) ramped() bool {
	live := a.used - a.dead
	return live >= 4*arenaMaxPage && int64(len(a.pages))*arenaMaxPage > live*5/4+4*arenaMaxPage
}

// maintain is the cron's check (MaintainArenas): it drops the arena of an
// empty table and, since the dead count misses records that in-place
// edits moved out of the arena (an entry cannot reach its arena), every
// 8th check recounts before deciding. It reports whether it changed t.
func (t *table) maintain() bool {
	a := &t.a
	if t.idx.n == 0 {
		if len(a.pages) > 0 {
			a.reset()
			return true
		}
		return false
	}
	if a.used < arenaMinCompact {
		return false
	}
	if a.ramped() {
		t.compact()
		return true
	}
	if a.dead*4 < a.used {
		if a.visit++; a.visit < 8 {
			return false
		}
		a.visit = 0
		a.addDead(a.used - t.liveBytes() - a.dead)
		if a.dead*4 < a.used {
			return false
		}
	}
	t.compact()
	return true
}
