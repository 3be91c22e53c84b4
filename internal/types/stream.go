package types

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"sort"
	"strconv"
)

// Stream is a Redis stream: an append-only log of entries keyed by 128-bit
// IDs, plus consumer groups.
//
// Entries are packed in nodes, as Redis packs them in listpacks under a
// radix tree: a sorted slice of nodes, each a flat buffer holding the
// node's master fields and then its entries back to back. An entry is one
// element in the lp.go format (so a node can be walked both ways) holding
//
//	flags | uvarint(ms - master.ms) | zigzag varint(seq - master.seq) |
//	[uvarint(nfields) | fields...] values...
//
// where every field and value is uvarint(len) | bytes, and the fields are
// omitted when they equal the node's master fields (flag "same fields").
// Deleting an entry only flags it, as in Redis; a node goes away with its
// last live entry. Nodes split where Redis's do (stream-node-max-bytes,
// counted with Redis's listpack byte accounting, and
// stream-node-max-entries), so approximate trimming and XINFO's
// radix-tree-keys / radix-tree-nodes match Redis. The node index is
// searched by binary search: lookups and range reads cost O(log n + k),
// trimming whole nodes from the head is O(1) per node.
type Stream struct {
	nodes        []*streamNode
	length       uint64
	lastID       StreamID
	firstID      StreamID
	maxDeleted   StreamID
	entriesAdded uint64
	groups       []*StreamGroup // sorted by name
}

// StreamID is a stream entry ID.
type StreamID struct{ Ms, Seq uint64 }

// StreamMaxID is the largest ID (the "+" range bound).
var StreamMaxID = StreamID{^uint64(0), ^uint64(0)}

// Cmp compares two IDs: -1, 0 or 1.
func (a StreamID) Cmp(b StreamID) int {
	switch {
	case a.Ms > b.Ms:
		return 1
	case a.Ms < b.Ms:
		return -1
	case a.Seq > b.Seq:
		return 1
	case a.Seq < b.Seq:
		return -1
	}
	return 0
}

// Less reports a < b.
func (a StreamID) Less(b StreamID) bool {
	return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq)
}

// IsZero reports whether the ID is 0-0.
func (a StreamID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// Incr returns the next ID; ok is false (and the ID wraps to 0-0) after
// the largest ID.
func (a StreamID) Incr() (StreamID, bool) {
	if a.Seq == ^uint64(0) {
		if a.Ms == ^uint64(0) {
			return StreamID{}, false
		}
		return StreamID{a.Ms + 1, 0}, true
	}
	return StreamID{a.Ms, a.Seq + 1}, true
}

// Decr returns the previous ID; ok is false (and the ID wraps to the
// largest) before 0-0.
func (a StreamID) Decr() (StreamID, bool) {
	if a.Seq == 0 {
		if a.Ms == 0 {
			return StreamMaxID, false
		}
		return StreamID{a.Ms - 1, ^uint64(0)}, true
	}
	return StreamID{a.Ms, a.Seq - 1}, true
}

// Append appends the "ms-seq" form of the ID to b.
func (a StreamID) Append(b []byte) []byte {
	b = strconv.AppendUint(b, a.Ms, 10)
	b = append(b, '-')
	return strconv.AppendUint(b, a.Seq, 10)
}

// String returns "ms-seq".
func (a StreamID) String() string { return string(a.Append(nil)) }

// key returns the ID as Redis's 128-bit big-endian radix tree key.
func (a StreamID) key() (k [16]byte) {
	binary.BigEndian.PutUint64(k[:8], a.Ms)
	binary.BigEndian.PutUint64(k[8:], a.Seq)
	return k
}

// StreamLimits are the stream-node-max-bytes / -entries settings.
type StreamLimits struct {
	MaxBytes   int64
	MaxEntries int64
}

// streamListpackMaxSize caps a node as Redis's STREAM_LISTPACK_MAX_SIZE.
const streamListpackMaxSize = 1 << 30

// StreamMaxElementsSize is the largest total size of an entry's fields and
// values (Redis: "Elements are too large to be stored").
const StreamMaxElementsSize = streamListpackMaxSize

const (
	sflagDeleted = 1
	sflagSame    = 2
)

type streamNode struct {
	master  StreamID
	buf     []byte // master fields (lp elements), then the entries
	first   int    // offset of the first entry
	nfields int    // number of master fields
	live    int64  // entries not deleted
	dead    int64  // entries flagged deleted
	rbytes  int64  // Redis listpack bytes, without the count and deleted elements
	alloc   int64  // the allocation Redis's listpack would have (MEMORY USAGE)
}

// jeSize is jemalloc's usable size for a request of n bytes.
func jeSize(n int64) int64 {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return (n + 15) &^ 15
	}
	k := bits.Len64(uint64(n-1)) - 1 // n in (2^k, 2^(k+1)]
	step := int64(1) << uint(k-2)
	return (n + step - 1) &^ (step - 1)
}

// resized accounts a listpack change from old bytes to the current size
// as Redis's lpInsert reallocates: up when the allocation is too small,
// down to the exact size whenever it shrinks.
func (n *streamNode) resized(old int64) {
	b := n.lpBytes()
	if b < old || b > n.alloc {
		n.alloc = jeSize(b)
	}
}

// setCounts replaces the count and deleted elements, in Redis's order.
func (n *streamNode) setCounts(live, dead int64) {
	old := n.lpBytes()
	n.live = live
	n.resized(old)
	old = n.lpBytes()
	n.dead = dead
	n.resized(old)
}

// lpBytes returns the node's size as Redis's lpBytes would report it.
func (n *streamNode) lpBytes() int64 {
	return n.rbytes + int64(redisIntSize(n.live)+redisIntSize(n.dead))
}

// redisIntSize is the listpack size of an integer element.
func redisIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 2
	case v >= -4096 && v <= 4095:
		return 3
	case v >= -32768 && v <= 32767:
		return 4
	case v >= -8388608 && v <= 8388607:
		return 5
	case v >= -2147483648 && v <= 2147483647:
		return 6
	}
	return 10
}

// NewStream returns an empty stream.
func NewStream() *Stream { return &Stream{} }

// Type implements keyspace.Object.
func (s *Stream) Type() string { return "stream" }

// Encoding implements keyspace.Object.
func (s *Stream) Encoding() string { return "stream" }

// Len returns the number of entries.
func (s *Stream) Len() int { return int(s.length) }

// Length returns the number of entries.
func (s *Stream) Length() uint64 { return s.length }

// LastID returns the last generated ID.
func (s *Stream) LastID() StreamID { return s.lastID }

// FirstID returns the recorded first entry ID (0-0 when empty).
func (s *Stream) FirstID() StreamID { return s.firstID }

// MaxDeletedID returns the largest ID deleted by XDEL.
func (s *Stream) MaxDeletedID() StreamID { return s.maxDeleted }

// EntriesAdded returns the number of entries ever added.
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// SetMeta implements XSETID: the last ID, and the entries-added counter and
// max deleted ID when given (entriesAdded < 0 and a zero maxDeleted mean
// "unchanged").
func (s *Stream) SetMeta(last StreamID, entriesAdded int64, maxDeleted StreamID) {
	s.lastID = last
	if entriesAdded >= 0 {
		s.entriesAdded = uint64(entriesAdded)
	}
	if !maxDeleted.IsZero() {
		s.maxDeleted = maxDeleted
	}
}

// RadixKeys returns the number of nodes (XINFO radix-tree-keys).
func (s *Stream) RadixKeys() int { return len(s.nodes) }

// RadixNodes returns the number of nodes the Redis radix tree holding this
// stream's node keys would have (XINFO radix-tree-nodes): Redis's rax is a
// compressed trie, one node per branching point, per child of a branching
// point, per end of a compressed run and per key.
func (s *Stream) RadixNodes() int64 {
	if len(s.nodes) == 0 {
		return 1
	}
	keys := make([][16]byte, len(s.nodes))
	for i, n := range s.nodes {
		keys[i] = n.master.key()
	}
	return raxCount(keys, 0)
}

func raxCount(keys [][16]byte, d int) int64 {
	if d == 16 {
		return 1
	}
	a, b := &keys[0], &keys[len(keys)-1]
	l := d
	for l < 16 && a[l] == b[l] {
		l++
	}
	if l > d {
		return 1 + raxCount(keys, l)
	}
	n := int64(1)
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][d] == keys[i][d] {
			j++
		}
		n += raxCount(keys[i:j], d+1)
		i = j
	}
	return n
}

// NextID results.
const (
	StreamIDOK           = iota
	StreamIDTooSmall     // not greater than the last ID
	StreamIDSeqExhausted // "ms-*" with ms's sequence at its maximum
)

// NextID returns the ID XADD would use: given is the ID argument when
// idGiven (with seqGiven false for the "ms-*" form), now the current time
// in ms for "*". The status is StreamIDOK or why there is no such ID.
func (s *Stream) NextID(now uint64, given StreamID, idGiven, seqGiven bool) (StreamID, int) {
	var id StreamID
	switch {
	case idGiven && seqGiven:
		id = given
	case idGiven:
		if s.lastID.Ms == given.Ms {
			if s.lastID.Seq == ^uint64(0) {
				return StreamID{}, StreamIDSeqExhausted
			}
			id = StreamID{given.Ms, s.lastID.Seq + 1}
		} else {
			id = StreamID{given.Ms, 0}
		}
	default:
		if now > s.lastID.Ms {
			id = StreamID{now, 0}
		} else {
			id, _ = s.lastID.Incr()
		}
	}
	if id.Cmp(s.lastID) <= 0 {
		return StreamID{}, StreamIDTooSmall
	}
	return id, StreamIDOK
}

// Append adds an entry with ID id (greater than LastID), fv alternating
// fields and values.
func (s *Stream) Append(id StreamID, fv [][]byte, lim StreamLimits) {
	nf := len(fv) / 2
	var totlen int64
	for _, b := range fv {
		totlen += int64(len(b))
	}
	var n *streamNode
	if len(s.nodes) > 0 {
		n = s.nodes[len(s.nodes)-1]
		maxBytes := lim.MaxBytes
		if maxBytes <= 0 || maxBytes > streamListpackMaxSize {
			maxBytes = streamListpackMaxSize
		}
		if n.lpBytes()+totlen >= maxBytes {
			n = nil
		} else if lim.MaxEntries > 0 && n.live+n.dead >= lim.MaxEntries {
			n = nil
		}
		if n == nil {
			// The full node shrinks to fit (lpShrinkToFit).
			last := s.nodes[len(s.nodes)-1]
			if cap(last.buf)-len(last.buf) > 64 {
				last.buf = bytes.Clone(last.buf)
			}
			if b := last.lpBytes(); last.alloc > b {
				last.alloc = jeSize(b)
			}
		}
	}
	flags := byte(0)
	if n == nil {
		// Redis preallocates new nodes (STREAM_LISTPACK_MAX_PRE_ALLOCATE).
		prealloc := int64(4096)
		if lim.MaxBytes > 0 && lim.MaxBytes < prealloc {
			prealloc = lim.MaxBytes
		}
		n = &streamNode{master: id, nfields: nf, alloc: jeSize(max(prealloc, 7))}
		// Redis: header+end (7), count, deleted, num-fields, the fields,
		// the master terminator.
		n.rbytes = 7 + int64(redisIntSize(int64(nf))) + 2
		for i := 0; i < nf; i++ {
			n.buf = lpAppend(n.buf, fv[2*i])
			n.rbytes += int64(redisEntrySize(fv[2*i]))
		}
		n.first = len(n.buf)
		s.nodes = append(s.nodes, n)
		flags = sflagSame
	} else if nf == n.nfields {
		same := true
		off := 0
		for i := 0; i < nf; i++ {
			var f []byte
			f, off = lpNext(n.buf, off)
			if !bytes.Equal(f, fv[2*i]) {
				same = false
				break
			}
		}
		if same {
			flags = sflagSame
		}
	}
	msd := int64(id.Ms - n.master.Ms)
	seqd := int64(id.Seq - n.master.Seq)
	// Redis's accounting of the entry: flags, ms delta, seq delta,
	// [num-fields], [fields], values, lp-count.
	lpCount := int64(nf) + 3
	rb := int64(2 + redisIntSize(msd) + redisIntSize(seqd))
	if flags&sflagSame == 0 {
		lpCount += int64(nf) + 1
		rb += int64(redisIntSize(int64(nf)))
	}
	size := 1 + binary.MaxVarintLen64*2
	if flags&sflagSame == 0 {
		size += binary.MaxVarintLen64
	}
	for i, b := range fv {
		if flags&sflagSame != 0 && i%2 == 0 {
			continue
		}
		size += uvarintLen(uint64(len(b))) + len(b)
		rb += int64(redisEntrySize(b))
	}
	rb += int64(redisIntSize(lpCount))
	// Encode the element data in a scratch area at the end of buf, then
	// move it into place behind its header.
	var small [256]byte
	var data []byte
	if size <= len(small) {
		data = small[:0]
	} else {
		data = make([]byte, 0, size)
	}
	data = append(data, flags)
	data = binary.AppendUvarint(data, uint64(msd))
	data = binary.AppendVarint(data, seqd)
	if flags&sflagSame == 0 {
		data = binary.AppendUvarint(data, uint64(nf))
	}
	for i, b := range fv {
		if flags&sflagSame != 0 && i%2 == 0 {
			continue
		}
		data = binary.AppendUvarint(data, uint64(len(b)))
		data = append(data, b...)
	}
	n.buf = lpAppend(n.buf, data)
	n.rbytes += rb
	n.live++
	if b := n.lpBytes(); b > n.alloc {
		n.alloc = jeSize(b)
	}
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// StreamEntry is a view of one entry during an iteration, valid until the
// iteration moves on.
type StreamEntry struct {
	ID     StreamID
	flags  byte
	n      int    // field-value pairs
	data   []byte // [fields and] values
	master []byte // the node's master fields when the entry shares them
}

// Len returns the number of field-value pairs.
func (e *StreamEntry) Len() int { return e.n }

// Each calls fn with every field and value in order.
func (e *StreamEntry) Each(fn func(field, value []byte)) {
	d := e.data
	moff := 0
	for i := 0; i < e.n; i++ {
		var f []byte
		if e.flags&sflagSame != 0 {
			f, moff = lpNext(e.master, moff)
		} else {
			f, d = readLenPrefixed(d)
		}
		var v []byte
		v, d = readLenPrefixed(d)
		fn(f, v)
	}
}

func readLenPrefixed(d []byte) ([]byte, []byte) {
	l, k := binary.Uvarint(d)
	end := k + int(l)
	return d[k:end:end], d[end:]
}

// decode fills e from the entry element data v of node n.
func (n *streamNode) decode(v []byte, e *StreamEntry) {
	e.flags = v[0]
	msd, k1 := binary.Uvarint(v[1:])
	seqd, k2 := binary.Varint(v[1+k1:])
	e.ID = StreamID{n.master.Ms + msd, n.master.Seq + uint64(seqd)}
	d := v[1+k1+k2:]
	if e.flags&sflagSame != 0 {
		e.n = n.nfields
		e.master = n.buf[:n.first]
	} else {
		nf, k := binary.Uvarint(d)
		e.n = int(nf)
		d = d[k:]
		e.master = nil
	}
	e.data = d
}

// entryID decodes only the ID of an entry element.
func (n *streamNode) entryID(v []byte) StreamID {
	msd, k1 := binary.Uvarint(v[1:])
	seqd, _ := binary.Varint(v[1+k1:])
	return StreamID{n.master.Ms + msd, n.master.Seq + uint64(seqd)}
}

// lastEntryID returns the ID of the node's last entry, deleted or not.
func (n *streamNode) lastEntryID() StreamID {
	v, _ := lpPrev(n.buf, len(n.buf))
	return n.entryID(v)
}

// seekLE returns the index of the last node whose master ID is <= id, or -1.
func (s *Stream) seekLE(id StreamID) int {
	i := sort.Search(len(s.nodes), func(i int) bool { return id.Less(s.nodes[i].master) })
	return i - 1
}

// StreamIter walks the live entries of a range (Stream.Iter). The stream
// must not change during the walk.
type StreamIter struct {
	s          *Stream
	start, end StreamID
	rev, done  bool
	i, off     int // node index; next (forward) or end (reverse) offset
}

// Iter returns an iterator over the live entries with start <= ID <= end,
// ascending, or descending when rev.
func (s *Stream) Iter(start, end StreamID, rev bool) StreamIter {
	it := StreamIter{s: s, start: start, end: end, rev: rev}
	if end.Less(start) {
		it.done = true
		return it
	}
	if !rev {
		it.i = s.seekLE(start)
		if it.i < 0 {
			it.i = 0
		}
		if it.i < len(s.nodes) {
			it.off = s.nodes[it.i].first
		}
	} else {
		it.i = s.seekLE(end)
		if it.i >= 0 {
			it.off = len(s.nodes[it.i].buf)
		}
	}
	return it
}

// Next moves to the next entry, filling e; it reports false at the end.
func (it *StreamIter) Next(e *StreamEntry) bool {
	if it.done {
		return false
	}
	nodes := it.s.nodes
	if !it.rev {
		for it.i < len(nodes) {
			n := nodes[it.i]
			if it.off >= len(n.buf) {
				it.i++
				if it.i < len(nodes) {
					it.off = nodes[it.i].first
				}
				continue
			}
			var v []byte
			v, it.off = lpNext(n.buf, it.off)
			if v[0]&sflagDeleted != 0 {
				continue
			}
			id := n.entryID(v)
			if id.Less(it.start) {
				continue
			}
			if it.end.Less(id) {
				break
			}
			n.decode(v, e)
			return true
		}
		it.done = true
		return false
	}
	for it.i >= 0 {
		n := nodes[it.i]
		if it.off <= n.first {
			it.i--
			if it.i >= 0 {
				it.off = len(nodes[it.i].buf)
			}
			continue
		}
		var v []byte
		v, it.off = lpPrev(n.buf, it.off)
		if v[0]&sflagDeleted != 0 {
			continue
		}
		id := n.entryID(v)
		if it.end.Less(id) {
			continue
		}
		if id.Less(it.start) {
			break
		}
		n.decode(v, e)
		return true
	}
	it.done = true
	return false
}

// Range calls fn for each live entry with start <= ID <= end, ascending
// (descending when rev), until fn returns false.
func (s *Stream) Range(start, end StreamID, rev bool, fn func(e StreamEntry) bool) {
	it := s.Iter(start, end, rev)
	var e StreamEntry
	for it.Next(&e) {
		if !fn(e) {
			return
		}
	}
}

// Get fills e with the live entry id and reports whether it exists.
func (s *Stream) Get(id StreamID, e *StreamEntry) bool {
	it := s.Iter(id, id, false)
	return it.Next(e)
}

// Exists reports whether a live entry has the given ID.
func (s *Stream) Exists(id StreamID) bool {
	var e StreamEntry
	return s.Get(id, &e)
}

// FirstLive returns the ID of the first live entry.
func (s *Stream) FirstLive() (StreamID, bool) {
	var e StreamEntry
	it := s.Iter(StreamID{}, StreamMaxID, false)
	ok := it.Next(&e)
	return e.ID, ok
}

// LastLive returns the ID of the last live entry.
func (s *Stream) LastLive() (StreamID, bool) {
	var e StreamEntry
	it := s.Iter(StreamID{}, StreamMaxID, true)
	ok := it.Next(&e)
	return e.ID, ok
}

// FirstEdge returns the ID of the first entry, tombstones included (Redis's
// streamGetEdgeID(s, 1, 0)), or the largest ID when there is none.
func (s *Stream) FirstEdge() StreamID {
	for _, n := range s.nodes {
		if n.first < len(n.buf) {
			v, _ := lpNext(n.buf, n.first)
			return n.entryID(v)
		}
	}
	return StreamMaxID
}

// deleteEntry flags the live entry id as deleted; it reports whether it
// existed.
func (s *Stream) deleteEntry(id StreamID) bool {
	i := s.seekLE(id)
	if i < 0 {
		return false
	}
	n := s.nodes[i]
	for off := n.first; off < len(n.buf); {
		start := off
		var v []byte
		v, off = lpNext(n.buf, off)
		eid := n.entryID(v)
		if eid != id {
			if id.Less(eid) {
				return false
			}
			continue
		}
		if v[0]&sflagDeleted != 0 {
			return false
		}
		_ = start
		if n.live == 1 {
			s.removeNode(i)
		} else {
			v[0] |= sflagDeleted
			n.setCounts(n.live-1, n.dead+1)
		}
		s.length--
		return true
	}
	return false
}

func (s *Stream) removeNode(i int) {
	if i == 0 {
		s.nodes[0] = nil
		s.nodes = s.nodes[1:]
		return
	}
	copy(s.nodes[i:], s.nodes[i+1:])
	s.nodes[len(s.nodes)-1] = nil
	s.nodes = s.nodes[:len(s.nodes)-1]
}

// Delete implements XDEL: it deletes the live entries with the given IDs
// and returns how many there were, maintaining the first ID and the max
// deleted ID.
func (s *Stream) Delete(ids []StreamID) int {
	deleted := 0
	firstEntry := false
	for _, id := range ids {
		if !s.deleteEntry(id) {
			continue
		}
		if id == s.firstID {
			firstEntry = true
		}
		if s.maxDeleted.Less(id) {
			s.maxDeleted = id
		}
		deleted++
	}
	if deleted > 0 {
		if s.length == 0 {
			s.firstID = StreamID{}
		} else if firstEntry {
			s.firstID, _ = s.FirstLive()
		}
	}
	return deleted
}

// Trim strategies.
const (
	TrimNone = iota
	TrimMaxLen
	TrimMinID
)

// StreamTrim describes an XADD / XTRIM trimming.
type StreamTrim struct {
	Strategy int
	Approx   bool
	Limit    int64 // max entries to delete; 0 = no limit
	MaxLen   int64
	MinID    StreamID
}

// Trim trims the stream as Redis's streamTrim and returns the number of
// entries deleted.
func (s *Stream) Trim(t StreamTrim) int64 {
	if t.Strategy == TrimNone {
		return 0
	}
	maxlen := uint64(t.MaxLen)
	var deleted int64
	for len(s.nodes) > 0 {
		if t.Strategy == TrimMaxLen && s.length <= maxlen {
			break
		}
		n := s.nodes[0]
		entries := n.live
		if t.Limit != 0 && deleted+entries > t.Limit {
			break
		}
		var remove bool
		if t.Strategy == TrimMaxLen {
			remove = s.length-uint64(entries) >= maxlen
		} else {
			remove = n.lastEntryID().Less(t.MinID)
		}
		if remove {
			s.removeNode(0)
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if t.Approx {
			break
		}
		var fromNode int64
		for off := n.first; off < len(n.buf); {
			var v []byte
			v, off = lpNext(n.buf, off)
			if t.Strategy == TrimMaxLen {
				if s.length <= maxlen {
					break
				}
			} else if !n.entryID(v).Less(t.MinID) {
				break
			}
			if v[0]&sflagDeleted == 0 {
				v[0] |= sflagDeleted
				fromNode++
				s.length--
			}
		}
		n.setCounts(n.live-fromNode, n.dead+fromNode)
		deleted += fromNode
		break
	}
	if s.length == 0 {
		s.firstID = StreamID{}
	} else if deleted > 0 {
		s.firstID, _ = s.FirstLive()
	}
	return deleted
}

// RangeHasTombstones is Redis 7.0's streamRangeHasTombstones (nil bounds
// are open).
func (s *Stream) RangeHasTombstones(start, end *StreamID) bool {
	if s.length == 0 || s.maxDeleted.IsZero() {
		return false
	}
	if s.maxDeleted.Less(s.firstID) {
		return false
	}
	st, en := StreamID{}, StreamMaxID
	if start != nil {
		st = *start
	}
	if end != nil {
		en = *end
	}
	return !s.maxDeleted.Less(st) && !en.Less(s.maxDeleted)
}

// EstimateDistance is Redis 7.0's streamEstimateDistanceFromFirstEverEntry:
// the logical read counter of id, or -1 when it cannot be known.
func (s *Stream) EstimateDistance(id StreamID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Cmp(s.lastID) < 1 {
		return int64(s.entriesAdded)
	}
	switch id.Cmp(s.lastID) {
	case 0:
		return int64(s.entriesAdded)
	case 1:
		return -1
	}
	cmpFirst := id.Cmp(s.firstID)
	if s.maxDeleted.IsZero() || s.maxDeleted.Less(s.firstID) {
		if cmpFirst < 0 {
			return int64(s.entriesAdded - s.length)
		} else if cmpFirst == 0 {
			return int64(s.entriesAdded - s.length + 1)
		}
	}
	return -1
}

// GroupLag returns a group's lag (XINFO), ok false when it is unknown.
func (s *Stream) GroupLag(g *StreamGroup) (int64, bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if g.EntriesRead != -1 && !s.RangeHasTombstones(&g.LastID, nil) {
		return int64(s.entriesAdded) - g.EntriesRead, true
	}
	if r := s.EstimateDistance(g.LastID); r != -1 {
		return int64(s.entriesAdded) - r, true
	}
	return 0, false
}

// GroupDelivered moves a group's last delivered ID forward to id (greater
// than it), maintaining its read counter as Redis's streamReplyWithRange.
func (s *Stream) GroupDelivered(g *StreamGroup, id StreamID) {
	if g.EntriesRead != -1 && !s.RangeHasTombstones(&id, nil) {
		g.EntriesRead++
	} else if s.entriesAdded != 0 {
		g.EntriesRead = s.EstimateDistance(id)
	}
	g.LastID = id
}

// MemoryUsage estimates the stream's memory as Redis 7.0's
// objectComputeSize does for a stream: the object and stream structs, the
// radix tree, the listpacks (the first samples averaged, 0: all) and the
// consumer groups' PELs and consumers.
func (s *Stream) MemoryUsage(samples int) int64 {
	if samples <= 0 {
		samples = math.MaxInt
	}
	size := int64(16 + 80) // robj, stream
	size += raxUsage(int64(len(s.nodes)), s.RadixNodes())
	var lpsize int64
	n := 0
	for n < samples && n < len(s.nodes) {
		lpsize += s.nodes[n].alloc
		n++
	}
	if len(s.nodes) <= n {
		size += lpsize
	} else {
		lpsize /= int64(n)
		size += lpsize*int64(len(s.nodes)-1) + s.nodes[len(s.nodes)-1].alloc
	}
	for _, g := range s.groups {
		size += 40 // streamCG
		size += raxUsage(int64(g.PEL.Len()), g.PEL.radixNodes())
		size += 24 * int64(g.PEL.Len()) // streamNACK
		for _, c := range g.consumers {
			size += 24 + int64(len(c.Name)) // streamConsumer, name
			size += raxUsage(int64(c.PEL.Len()), c.PEL.radixNodes())
		}
	}
	return size
}

// raxUsage is Redis's streamRadixTreeMemoryUsage.
func raxUsage(elems, nodes int64) int64 {
	return elems*16 + nodes*4 + nodes*8*30
}

// radixNodes returns the node count of a Redis radix tree holding the
// PEL's IDs.
func (p *PEL) radixNodes() int64 {
	if p.n == 0 {
		return 1
	}
	keys := make([][16]byte, 0, p.n)
	it := p.Seek(StreamID{})
	for {
		id, _, ok := it.Next()
		if !ok {
			break
		}
		keys = append(keys, id.key())
	}
	return raxCount(keys, 0)
}

// Dup returns a deep copy (COPY).
func (s *Stream) Dup() any {
	n := &Stream{
		length: s.length, lastID: s.lastID, firstID: s.firstID,
		maxDeleted: s.maxDeleted, entriesAdded: s.entriesAdded,
	}
	n.nodes = make([]*streamNode, len(s.nodes))
	for i, x := range s.nodes {
		y := *x
		y.buf = bytes.Clone(x.buf)
		y.alloc = jeSize(x.lpBytes()) // streamDup allocates exact copies
		n.nodes[i] = &y
	}
	for _, g := range s.groups {
		ng := &StreamGroup{Name: g.Name, LastID: g.LastID, EntriesRead: g.EntriesRead}
		cmap := make(map[*StreamConsumer]*StreamConsumer, len(g.consumers))
		for _, c := range g.consumers {
			nc := &StreamConsumer{Name: c.Name, SeenTime: c.SeenTime}
			cmap[c] = nc
			ng.consumers = append(ng.consumers, nc)
		}
		it := g.PEL.Seek(StreamID{})
		for {
			id, nack, ok := it.Next()
			if !ok {
				break
			}
			nn := &StreamNACK{DeliveryTime: nack.DeliveryTime, DeliveryCount: nack.DeliveryCount, Consumer: cmap[nack.Consumer]}
			ng.PEL.Insert(id, nn)
			if nn.Consumer != nil {
				nn.Consumer.PEL.Insert(id, nn)
			}
		}
		n.groups = append(n.groups, ng)
	}
	return n
}

// StreamGroup is a consumer group.
type StreamGroup struct {
	Name        string
	LastID      StreamID
	EntriesRead int64 // -1 when unknown
	PEL         PEL   // pending entries of the whole group
	consumers   []*StreamConsumer
}

// StreamConsumer is a consumer of a group.
type StreamConsumer struct {
	Name     string
	SeenTime int64
	PEL      PEL // the consumer's pending entries (NACKs shared with the group's PEL)
}

// StreamNACK is a pending (delivered, not acknowledged) entry.
type StreamNACK struct {
	DeliveryTime  int64
	DeliveryCount int64
	Consumer      *StreamConsumer
}

// Groups returns the consumer groups ordered by name (read-only).
func (s *Stream) Groups() []*StreamGroup { return s.groups }

func (s *Stream) groupIndex(name []byte) (int, bool) {
	i := sort.Search(len(s.groups), func(i int) bool { return s.groups[i].Name >= string(name) })
	return i, i < len(s.groups) && s.groups[i].Name == string(name)
}

// Group returns the group named name, or nil.
func (s *Stream) Group(name []byte) *StreamGroup {
	if i, ok := s.groupIndex(name); ok {
		return s.groups[i]
	}
	return nil
}

// CreateGroup adds a group; it returns nil when the name is taken.
func (s *Stream) CreateGroup(name []byte, last StreamID, entriesRead int64) *StreamGroup {
	i, ok := s.groupIndex(name)
	if ok {
		return nil
	}
	g := &StreamGroup{Name: string(name), LastID: last, EntriesRead: entriesRead}
	s.groups = append(s.groups, nil)
	copy(s.groups[i+1:], s.groups[i:])
	s.groups[i] = g
	return g
}

// DestroyGroup removes a group and reports whether it existed.
func (s *Stream) DestroyGroup(name []byte) bool {
	i, ok := s.groupIndex(name)
	if !ok {
		return false
	}
	copy(s.groups[i:], s.groups[i+1:])
	s.groups[len(s.groups)-1] = nil
	s.groups = s.groups[:len(s.groups)-1]
	return true
}

// Consumers returns the group's consumers ordered by name (read-only).
func (g *StreamGroup) Consumers() []*StreamConsumer { return g.consumers }

func (g *StreamGroup) consumerIndex(name []byte) (int, bool) {
	i := sort.Search(len(g.consumers), func(i int) bool { return g.consumers[i].Name >= string(name) })
	return i, i < len(g.consumers) && g.consumers[i].Name == string(name)
}

// Consumer returns the consumer named name, or nil.
func (g *StreamGroup) Consumer(name []byte) *StreamConsumer {
	if i, ok := g.consumerIndex(name); ok {
		return g.consumers[i]
	}
	return nil
}

// CreateConsumer adds a consumer seen at now; it returns nil when the name
// is taken.
func (g *StreamGroup) CreateConsumer(name []byte, now int64) *StreamConsumer {
	i, ok := g.consumerIndex(name)
	if ok {
		return nil
	}
	c := &StreamConsumer{Name: string(name), SeenTime: now}
	g.consumers = append(g.consumers, nil)
	copy(g.consumers[i+1:], g.consumers[i:])
	g.consumers[i] = c
	return c
}

// DeleteConsumer removes a consumer and its pending entries from the
// group; it returns the number of pending entries it had, or -1 when there
// is no such consumer.
func (g *StreamGroup) DeleteConsumer(name []byte) int64 {
	i, ok := g.consumerIndex(name)
	if !ok {
		return -1
	}
	c := g.consumers[i]
	pending := int64(c.PEL.Len())
	it := c.PEL.Seek(StreamID{})
	for {
		id, _, ok := it.Next()
		if !ok {
			break
		}
		g.PEL.Delete(id)
	}
	copy(g.consumers[i:], g.consumers[i+1:])
	g.consumers[len(g.consumers)-1] = nil
	g.consumers = g.consumers[:len(g.consumers)-1]
	return pending
}

// Ack removes id from the group's PEL (and its consumer's); it reports
// whether it was pending.
func (g *StreamGroup) Ack(id StreamID) bool {
	nack := g.PEL.Delete(id)
	if nack == nil {
		return false
	}
	if nack.Consumer != nil {
		nack.Consumer.PEL.Delete(id)
	}
	return true
}
