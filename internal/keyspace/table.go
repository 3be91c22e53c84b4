package keyspace

import "unsafe"

// A shard's table: entries in fixed-size chunks (so an *Entry stays put
// while the shard grows) and two open-addressing indexes of 8-byte slots,
// one from key to entry, one of the entries that have a TTL (active expiry
// and volatile-* eviction sample it). A slot is tag<<32 | entry+1, 0 when
// empty; the tag is 32 bits of the key's hash (for the TTL index, of the
// entry number), and its low bits are the slot's home, so the indexes are
// rebuilt without rehashing keys. Linear probing with backward-shift
// deletion leaves no tombstones: a table under the churn of a cache stays
// as compact as a fresh one, which a Go map does not.

const chunkLen = 32 // entries per chunk: 1 KiB

type table struct {
	a      arena // string records (arena.go)
	idx    oaIndex
	vol    oaIndex
	chunks []*[chunkLen]Entry
	used   uint32 // entries handed out so far (free ones included)
	free   uint32 // 1 + the first free entry (a list linked through Expire); 0: none
	fp     fpMemo
}

// fpMemo is the last computed size of a table's chunks and indexes, with
// the lengths it was computed for: every write asks for the footprint
// twice, and the structures change size rarely.
type fpMemo struct {
	chunks, chunksCap, idx, vol uint32
	bytes                       int64
}

// footprint returns the heap bytes of the table's own structures (chunks,
// indexes and the arena's live part), for memory accounting.
func (t *table) footprint() int64 {
	m := &t.fp
	if m.chunks != uint32(len(t.chunks)) || m.chunksCap != uint32(cap(t.chunks)) ||
		m.idx != uint32(len(t.idx.slots)) || m.vol != uint32(len(t.vol.slots)) {
		*m = fpMemo{uint32(len(t.chunks)), uint32(cap(t.chunks)), uint32(len(t.idx.slots)), uint32(len(t.vol.slots)),
			int64(len(t.chunks))*int64(allocSize(chunkLen*int(entrySize))) +
				int64(allocSize(cap(t.chunks)*8)+allocSize(len(t.idx.slots)*8)+allocSize(len(t.vol.slots)*8))}
	}
	return t.a.size - t.a.dead + m.bytes
}

const entrySize = unsafe.Sizeof(Entry{})

// reset empties the table.
func (t *table) reset() {
	t.a.reset()
	*t = table{a: t.a}
}

// at returns entry i.
func (t *table) at(i uint32) *Entry { return &t.chunks[i/chunkLen][i%chunkLen] }

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
		if int(ei/chunkLen) == len(t.chunks) {
			t.chunks = append(t.chunks, new([chunkLen]Entry))
		}
		t.used++
	}
	e := t.at(ei)
	*e = v
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
	*e = Entry{Expire: int64(t.free)}
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
	for ci, c := range t.chunks {
		base := uint32(ci * chunkLen)
		for j := range c {
			if base+uint32(j) >= t.used {
				return
			}
			if !c[j].free() && !fn(base+uint32(j), &c[j]) {
				return
			}
		}
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
