package keyspace

import (
	"math/bits"
	"unsafe"
)

// A shard's table: entries in chunks (so an *Entry stays put while the
// shard grows) and two open-addressing indexes of 8-byte slots,
// one from key to entry, one of the entries that have a TTL (active expiry
// and volatile-* eviction sample it). A slot is tag<<32 | entry+1, 0 when
// empty; the tag is 32 bits of the key's hash (for the TTL index, of the
// entry number), and its low bits are the slot's home, so the indexes are
// rebuilt without rehashing keys. Linear probing with backward-shift
// deletion leaves no tombstones: a table under the churn of a cache stays
// as compact as a fresh one, which a Go map does not.
//
// Chunks are memory the garbage collector does not scan: at 10M keys
// scanning them was nearly all of a full collection's work (half a second
// of CPU, stolen from the server while it ran), and it learnt nothing,
// since a small string's pointer leads into an arena page the arena
// already keeps alive. The pointers that do matter, to a box or to a
// record with an allocation of its own, are pinned: copied to the entry's
// place in pins, which the collector scans. Only chunks holding such
// entries have pins, so a cache of small strings has none.
//
// Chunks grow from 32 entries to 1024 (32, 32, 64, ... 512, then 1024
// each): a shard of a few keys costs 1 KiB, and a large one has few chunks
// for the collector to mark. A full collection marks every heap object,
// a cache miss apiece: at 10M keys, chunks of 256 and arena pages of 8 KiB
// were 94k objects and 10 ms of mark time, during which the collector's
// workers take the cores from the server and its clients (a tail latency
// of 1.4-2x Redis's); chunks of 1024 and pages of up to 32 KiB
// (arena.go) are 43k objects and 2-4 ms, for about a byte per key of
// unfilled last chunk and page; 30k objects, and a third less of the
// collector's CPU, once large arenas drop the small pages they grew
// through (arena.go, ramped).

const (
	firstChunkLen = 32   // entries of the first chunk: 1 KiB
	chunkLen      = 1024 // entries of the chunks from the seventh on: 32 KiB
	smallChunks   = 6    // chunks shorter than chunkLen
)

// chunkOf returns the chunk holding entry i and i's place in it.
func chunkOf(i uint32) (c, off uint32) {
	if i < chunkLen {
		c = uint32(bits.Len32(i / firstChunkLen))
		return c, i - chunkStart(c)
	}
	return i/chunkLen + smallChunks - 1, i % chunkLen
}

// chunkStart returns the number of the first entry of small chunk c.
func chunkStart(c uint32) uint32 {
	if c == 0 {
		return 0
	}
	return firstChunkLen << (c - 1)
}

// chunkSize returns the number of entries of chunk c.
func chunkSize(c int) int {
	if c >= smallChunks {
		return chunkLen
	}
	return max(firstChunkLen, int(chunkStart(uint32(c))))
}

type table struct {
	a      arena // string records (arena.go)
	idx    oaIndex
	vol    oaIndex
	chunks [][]Entry          // not scanned (newChunk)
	pins   [][]unsafe.Pointer // per chunk, nil until one of its entries needs a pin
	bytes  int64              // heap bytes of the chunks and pins
	used   uint32             // entries handed out so far (free ones included)
	free   uint32             // 1 + the first free entry (a list linked through Expire); 0: none
	fp     fpMemo
}

// fpMemo is the last computed size of a table's chunks and indexes, with
// the lengths it was computed for: every write asks for the footprint
// twice, and the structures change size rarely.
type fpMemo struct {
	chunksCap, pinsCap, idx, vol uint32
	bytes                        int64
}

// footprint returns the heap bytes of the table's own structures (chunks,
// indexes and the arena's live part), for memory accounting.
func (t *table) footprint() int64 {
	m := &t.fp
	if m.chunksCap != uint32(cap(t.chunks)) || m.pinsCap != uint32(cap(t.pins)) ||
		m.idx != uint32(len(t.idx.slots)) || m.vol != uint32(len(t.vol.slots)) {
		*m = fpMemo{uint32(cap(t.chunks)), uint32(cap(t.pins)), uint32(len(t.idx.slots)), uint32(len(t.vol.slots)),
			int64(allocSize(cap(t.chunks)*24) + allocSize(cap(t.pins)*24) + allocSize(len(t.idx.slots)*8) + allocSize(len(t.vol.slots)*8))}
	}
	return t.a.size - t.a.dead + t.bytes + m.bytes
}

const entrySize = unsafe.Sizeof(Entry{})

// reset empties the table.
func (t *table) reset() {
	t.a.reset()
	*t = table{a: t.a}
}

// at returns entry i.
func (t *table) at(i uint32) *Entry {
	c, off := chunkOf(i)
	return &t.chunks[c][off]
}

// addChunk appends a chunk of entries the collector does not scan: its
// memory is allocated as words without pointers.
func (t *table) addChunk() {
	n := chunkSize(len(t.chunks))
	words := make([]uint64, n*int(entrySize)/8)
	t.chunks = append(t.chunks, unsafe.Slice((*Entry)(unsafe.Pointer(unsafe.SliceData(words))), n))
	t.bytes += int64(allocSize(n * int(entrySize)))
}

// heapRef returns what the collector must see of e, stored in its table:
// its box, or its record when that is an allocation of its own; nil for a
// record in the arena (whose pages the arena keeps) or a free entry.
func heapRef(e *Entry) unsafe.Pointer {
	if e.klen&flagArena != 0 {
		return nil
	}
	return e.p
}

// pin records p as what keeps entry ei's value alive (nil: nothing). Pin
// before the entry points at a new allocation, never after: between the
// two the allocation would be reachable only through unscanned memory.
func (t *table) pin(ei uint32, p unsafe.Pointer) {
	c, off := chunkOf(ei)
	if int(c) >= len(t.pins) || t.pins[c] == nil {
		if p == nil {
			return
		}
		if int(c) >= len(t.pins) {
			t.pins = append(t.pins, make([][]unsafe.Pointer, int(c)+1-len(t.pins))...)
		}
		n := len(t.chunks[c])
		t.pins[c] = make([]unsafe.Pointer, n)
		t.bytes += int64(allocSize(n * 8))
	}
	t.pins[c][off] = p
}

// store writes v, bound to its key, into entry ei, pinning it first.
func (t *table) store(ei uint32, v Entry) {
	t.pin(ei, heapRef(&v))
	*t.at(ei) = v
}

// find returns the slot and entry number of key (tag: the upper half of
// its hash), or slot -1.
func (t *table) find(tag uint32, key []byte) (int, uint32) {
	slots := t.idx.slots
	if len(slots) == 0 {
		return -1, 0
	}
	mask := len(slots) - 1
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		s := slots[i]
		if s == 0 {
			return -1, 0
		}
		if uint32(s>>32) == tag {
			ei := uint32(s) - 1
			if t.at(ei).key() == string(key) {
				return i, ei
			}
		}
	}
}

// add stores v (already bound to its key) as a new entry and indexes it.
func (t *table) add(tag uint32, v Entry) (*Entry, uint32) {
	var ei uint32
	if t.free != 0 {
		ei = t.free - 1
		t.free = uint32(t.at(ei).Expire)
	} else {
		ei = t.used
		if c, _ := chunkOf(ei); int(c) == len(t.chunks) {
			t.addChunk()
		}
		t.used++
	}
	t.store(ei, v)
	e := t.at(ei)
	t.idx.insert(uint64(tag)<<32 | uint64(ei+1))
	if v.Expire != 0 {
		t.addVolatile(ei)
	}
	return e, ei
}

// remove unindexes the entry at slot (entry number ei) and frees it,
// returning its contents.
func (t *table) remove(slot int, ei uint32) Entry {
	e := t.at(ei)
	old := *e
	t.idx.deleteAt(slot)
	if old.Expire != 0 {
		t.removeVolatile(ei)
	}
	if t.idx.n == 0 {
		t.reset() // empty: give everything back
		return old
	}
	t.a.addDead(recordSize(&old))
	t.store(ei, Entry{Expire: int64(t.free)})
	t.free = ei + 1
	t.reclaim() // after freeing e: compaction walks the stored entries
	return old
}

func volTag(ei uint32) uint32 { return ei * 0x9E3779B1 }

func (t *table) addVolatile(ei uint32) {
	t.vol.insert(uint64(volTag(ei))<<32 | uint64(ei+1))
}

func (t *table) removeVolatile(ei uint32) {
	if i := t.vol.slotOf(volTag(ei), ei+1); i >= 0 {
		t.vol.deleteAt(i)
	}
}

// each calls fn for every stored entry in entry order until fn returns
// false. fn must not add or remove entries.
func (t *table) each(fn func(ei uint32, e *Entry) bool) {
	base := uint32(0)
	for _, c := range t.chunks {
		for j := range c {
			if base+uint32(j) >= t.used {
				return
			}
			if !c[j].free() && !fn(base+uint32(j), &c[j]) {
				return
			}
		}
		base += uint32(len(c))
	}
}

// volatileFrom appends to dst up to max entry numbers with a TTL, walking
// the TTL index from slot start (wrapping).
func (t *table) volatileFrom(dst []uint32, start, max int) []uint32 {
	slots := t.vol.slots
	if len(slots) == 0 {
		return dst
	}
	mask := len(slots) - 1
	for n := 0; n < len(slots) && max > 0; n++ {
		if s := slots[(start+n)&mask]; s != 0 {
			dst = append(dst, uint32(s)-1)
			max--
		}
	}
	return dst
}

// storedFrom appends up to max stored entry numbers, walking the entries
// from start (wrapping).
func (t *table) storedFrom(dst []uint32, start, max int) []uint32 {
	if t.used == 0 {
		return dst
	}
	for n := uint32(0); n < t.used && max > 0; n++ {
		ei := (uint32(start) + n) % t.used
		if !t.at(ei).free() {
			dst = append(dst, ei)
			max--
		}
	}
	return dst
}

// slotOf returns the slot holding value v under tag, or -1.
func (x *oaIndex) slotOf(tag, v uint32) int {
	slots := x.slots
	if len(slots) == 0 {
		return -1
	}
	mask := len(slots) - 1
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		s := slots[i]
		if s == 0 {
			return -1
		}
		if uint32(s) == v {
			return i
		}
	}
}

// oaIndex is an open-addressing set of tag<<32|value slots.
type oaIndex struct {
	slots []uint64
	n     int
}

func (x *oaIndex) insert(s uint64) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.resize(max(8, len(x.slots)*2))
	}
	mask := len(x.slots) - 1
	i := int(uint32(s>>32)) & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = s
	x.n++
}

// deleteAt empties slot i, shifting back the slots after it that probed
// past it (no tombstones).
func (x *oaIndex) deleteAt(i int) {
	slots := x.slots
	mask := len(slots) - 1
	for j := i; ; {
		j = (j + 1) & mask
		s := slots[j]
		if s == 0 {
			break
		}
		home := int(uint32(s>>32)) & mask
		// s may move to i unless its home lies cyclically in (i, j].
		if i <= j {
			if i < home && home <= j {
				continue
			}
		} else if i < home || home <= j {
			continue
		}
		slots[i] = s
		i = j
	}
	slots[i] = 0
	x.n--
	if x.n == 0 {
		x.slots = nil
	} else if len(x.slots) > 64 && x.n*8 < len(x.slots) {
		x.resize(len(x.slots) / 2)
	}
}

func (x *oaIndex) resize(size int) {
	old := x.slots
	x.slots = make([]uint64, size)
	mask := size - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := int(uint32(s>>32)) & mask
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = s
	}
}
