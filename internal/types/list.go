package types

import (
	"bytes"
	"math"
)

// List is a Redis list. A small list is one listpack-like chunk (encoding
// "listpack"); a list past the list-max-listpack-size limit is a quicklist:
// a deque of such chunks, each within the limit. Chunks keep slack room at
// the front so that pushes and pops at both ends are O(1) amortised.
//
// Values returned by Pop*, Index and the iterators are read-only views of
// the list's memory, valid until the list is next modified.
type List struct {
	one [1]chunk // listpack encoding (ql == nil)
	ql  *qlist
}

type qlist struct {
	nodes []chunk // live nodes are nodes[head:]
	head  int
	count int
}

// chunk is a run of entries in buf[off:].
type chunk struct {
	buf []byte
	off int32
	n   int32
	rsz int // size of the entries in Redis's listpack encoding
}

// ListLimits are the list-max-listpack-size limits of one node.
type ListLimits struct {
	Size  int // bytes (Redis listpack accounting)
	Count int // entries; 0 = no count limit (size only)
}

// sizeSafetyLimit bounds a node's bytes when the limit is an entry count.
const sizeSafetyLimit = 8192

// sizeEstimateOverhead is Redis's per-insert estimate of entry overhead.
const sizeEstimateOverhead = 8

// ListFill returns the node limits for a list-max-listpack-size value:
// positive values count entries, -1..-5 select 4, 8, 16, 32 or 64 KB.
func ListFill(fill int64) ListLimits {
	if fill >= 0 {
		if fill == 0 {
			fill = 1
		}
		if fill > math.MaxInt32 {
			fill = math.MaxInt32
		}
		return ListLimits{Size: sizeSafetyLimit, Count: int(fill)}
	}
	i := -fill - 1
	if i > 4 {
		i = 4
	}
	return ListLimits{Size: 4096 << i}
}

func (lim ListLimits) exceeds(sz, cnt int) bool {
	if lim.Count == 0 {
		return sz > lim.Size
	}
	return sz > sizeSafetyLimit || cnt > lim.Count
}

func (lim ListLimits) fitsHalf(sz, cnt int) bool {
	if lim.Count == 0 {
		return sz <= lim.Size/2
	}
	return cnt <= lim.Count/2
}

// NewList returns an empty list.
func NewList() *List { return &List{} }

// Type returns "list".
func (l *List) Type() string { return "list" }

// Encoding returns "listpack" or "quicklist".
func (l *List) Encoding() string {
	if l.ql != nil {
		return "quicklist"
	}
	return "listpack"
}

// Len returns the number of elements.
func (l *List) Len() int {
	if l.ql != nil {
		return l.ql.count
	}
	return int(l.one[0].n)
}

// nodes returns the live chunks.
func (l *List) nodes() []chunk {
	if l.ql != nil {
		return l.ql.nodes[l.ql.head:]
	}
	return l.one[:]
}

func (l *List) addCount(d int) {
	if l.ql != nil {
		l.ql.count += d
	}
}

// --- chunk operations ---

func (c *chunk) data() []byte { return c.buf[c.off:] }

func (c *chunk) bytes() int { return c.rsz + redisLpHeader }

func (c *chunk) pushBack(v []byte) {
	c.buf = lpAppend(c.buf, v)
	c.n++
	c.rsz += redisEntrySize(v)
}

func (c *chunk) pushFront(v []byte) {
	need := lpEntrySize(len(v))
	if int(c.off) < need {
		used := len(c.buf) - int(c.off)
		slack := used/2 + need
		if slack < 16 {
			slack = 16
		}
		nb := make([]byte, slack+used)
		copy(nb[slack:], c.buf[c.off:])
		c.buf = nb
		c.off = int32(slack)
	}
	c.off -= int32(need)
	lpPut(c.buf[c.off:int(c.off)+need], v)
	c.n++
	c.rsz += redisEntrySize(v)
}

func (c *chunk) reset() {
	c.buf = c.buf[:0]
	c.off = 0
	c.n = 0
	c.rsz = 0
}

func (c *chunk) popFront() []byte {
	v, next := lpNext(c.buf, int(c.off))
	c.off = int32(next)
	c.n--
	c.rsz -= redisEntrySize(v)
	if c.n == 0 {
		c.reset()
	}
	return v
}

func (c *chunk) popBack() []byte {
	v, start := lpPrev(c.buf, len(c.buf))
	c.buf = c.buf[:start]
	c.n--
	c.rsz -= redisEntrySize(v)
	if c.n == 0 {
		c.reset()
	}
	return v
}

// locate returns the buf offsets of entry i.
func (c *chunk) locate(i int) (start, end int) {
	if i < int(c.n)/2 {
		off := int(c.off)
		for ; i > 0; i-- {
			off = lpSkip(c.buf, off)
		}
		return off, lpSkip(c.buf, off)
	}
	end = len(c.buf)
	for j := int(c.n) - 1; j > i; j-- {
		_, end = lpPrev(c.buf, end)
	}
	_, start = lpPrev(c.buf, end)
	return start, end
}

func (c *chunk) insertAt(off int, v []byte) {
	c.buf = lpInsert(c.buf, off, v)
	c.n++
	c.rsz += redisEntrySize(v)
}

func (c *chunk) replaceAt(start, end int, v []byte) {
	old, _ := lpNext(c.buf, start)
	c.rsz += redisEntrySize(v) - redisEntrySize(old)
	c.buf = lpReplace(c.buf, start, end, v)
}

func (c *chunk) deleteAt(start, end int) {
	old, _ := lpNext(c.buf, start)
	c.rsz -= redisEntrySize(old)
	c.buf = lpDelete(c.buf, start, end)
	c.n--
	if c.n == 0 {
		c.reset()
	}
}

// --- quicklist structure ---

// toQuick converts a listpack list to a quicklist of one node.
func (l *List) toQuick() {
	if l.ql != nil {
		return
	}
	n := int(l.one[0].n)
	l.ql = &qlist{nodes: []chunk{l.one[0]}, count: n}
	if n == 0 {
		l.ql.nodes = l.ql.nodes[:0]
	}
	l.one[0] = chunk{}
}

// maybeShrink converts a quicklist of one small node back to a listpack.
func (l *List) maybeShrink(lim ListLimits) {
	q := l.ql
	if q == nil {
		return
	}
	ns := q.nodes[q.head:]
	switch len(ns) {
	case 0:
		l.ql = nil
		l.one[0] = chunk{}
	case 1:
		if lim.fitsHalf(ns[0].bytes(), int(ns[0].n)) {
			l.one[0] = ns[0]
			l.ql = nil
		}
	}
}

// insertNode inserts c before live node index i.
func (q *qlist) insertNode(i int, c chunk) {
	if i == 0 && q.head > 0 {
		q.head--
		q.nodes[q.head] = c
		return
	}
	if i == 0 && len(q.nodes) > 0 {
		// Re-centre with room at the front for further head inserts.
		live := q.nodes[q.head:]
		slack := len(live)/2 + 1
		nn := make([]chunk, slack+len(live), slack+len(live)+len(live)/2+1)
		copy(nn[slack:], live)
		q.nodes = nn
		q.head = slack - 1
		q.nodes[q.head] = c
		return
	}
	at := q.head + i
	q.nodes = append(q.nodes, chunk{})
	copy(q.nodes[at+1:], q.nodes[at:])
	q.nodes[at] = c
}

// removeNode removes live node index i.
func (q *qlist) removeNode(i int) {
	at := q.head + i
	switch {
	case at == q.head:
		q.nodes[at] = chunk{}
		q.head++
	case at == len(q.nodes)-1:
		q.nodes[at] = chunk{}
		q.nodes = q.nodes[:at]
	default:
		copy(q.nodes[at:], q.nodes[at+1:])
		q.nodes[len(q.nodes)-1] = chunk{}
		q.nodes = q.nodes[:len(q.nodes)-1]
	}
	if q.head == len(q.nodes) {
		q.nodes = q.nodes[:0]
		q.head = 0
	} else if q.head > 64 && q.head > len(q.nodes)/2 {
		n := copy(q.nodes, q.nodes[q.head:])
		for j := n; j < len(q.nodes); j++ {
			q.nodes[j] = chunk{}
		}
		q.nodes = q.nodes[:n]
		q.head = 0
	}
}

// rechunk splits live node i into nodes within the limits.
func (q *qlist) rechunk(i int, lim ListLimits) {
	c := &q.nodes[q.head+i]
	if !lim.exceeds(c.bytes(), int(c.n)) || c.n <= 1 {
		return
	}
	var parts []chunk
	var cur chunk
	data := c.buf
	for off := int(c.off); off < len(data); {
		v, next := lpNext(data, off)
		sz := redisEntrySize(v)
		if cur.n > 0 && lim.exceeds(cur.bytes()+sz, int(cur.n)+1) {
			parts = append(parts, cur)
			cur = chunk{}
		}
		cur.buf = append(cur.buf, data[off:next]...)
		cur.n++
		cur.rsz += sz
		off = next
	}
	if cur.n > 0 {
		parts = append(parts, cur)
	}
	q.nodes[q.head+i] = parts[0]
	for j := 1; j < len(parts); j++ {
		q.insertNode(i+j, parts[j])
	}
}

// allowInsert reports whether v may be added to node c without exceeding
// the limits (Redis's _quicklistNodeAllowInsert).
func (lim ListLimits) allowInsert(c *chunk, v []byte) bool {
	return !lim.exceeds(c.bytes()+len(v)+sizeEstimateOverhead, int(c.n)+1)
}

// growCheck converts a listpack list to a quicklist when adding values of
// addBytes total length and addCount elements would exceed the limits.
func (l *List) growCheck(addBytes, addCount int, lim ListLimits) {
	if l.ql == nil && lim.exceeds(l.one[0].bytes()+addBytes, int(l.one[0].n)+addCount) {
		l.toQuick()
	}
}

// --- public operations ---

// PushBack appends values at the tail (RPUSH).
func (l *List) PushBack(lim ListLimits, vs ...[]byte) {
	if l.ql == nil {
		add := 0
		for _, v := range vs {
			add += len(v)
		}
		l.growCheck(add, len(vs), lim)
	}
	if l.ql == nil {
		for _, v := range vs {
			l.one[0].pushBack(v)
		}
		return
	}
	q := l.ql
	for _, v := range vs {
		ns := q.nodes[q.head:]
		if len(ns) == 0 || !lim.allowInsert(&ns[len(ns)-1], v) {
			q.insertNode(len(ns), chunk{})
			ns = q.nodes[q.head:]
		}
		ns[len(ns)-1].pushBack(v)
		q.count++
	}
}

// PushFront prepends values at the head, one by one (LPUSH a b c leaves c first).
func (l *List) PushFront(lim ListLimits, vs ...[]byte) {
	if l.ql == nil {
		add := 0
		for _, v := range vs {
			add += len(v)
		}
		l.growCheck(add, len(vs), lim)
	}
	if l.ql == nil {
		for _, v := range vs {
			l.one[0].pushFront(v)
		}
		return
	}
	q := l.ql
	for _, v := range vs {
		ns := q.nodes[q.head:]
		if len(ns) == 0 || !lim.allowInsert(&ns[0], v) {
			q.insertNode(0, chunk{})
			ns = q.nodes[q.head:]
		}
		ns[0].pushFront(v)
		q.count++
	}
}

// PopFront removes and returns the head element (nil, false when empty).
func (l *List) PopFront(lim ListLimits) ([]byte, bool) {
	ns := l.nodes()
	if len(ns) == 0 || ns[0].n == 0 {
		return nil, false
	}
	v := ns[0].popFront()
	if l.ql != nil {
		l.ql.count--
		if ns[0].n == 0 {
			l.ql.removeNode(0)
		}
		l.maybeShrink(lim)
	}
	return v, true
}

// PopBack removes and returns the tail element.
func (l *List) PopBack(lim ListLimits) ([]byte, bool) {
	ns := l.nodes()
	if len(ns) == 0 || ns[len(ns)-1].n == 0 {
		return nil, false
	}
	last := len(ns) - 1
	v := ns[last].popBack()
	if l.ql != nil {
		l.ql.count--
		if ns[last].n == 0 {
			l.ql.removeNode(last)
		}
		l.maybeShrink(lim)
	}
	return v, true
}

// find returns the live node index and the position within it of element
// i (0 <= i < Len()).
func (l *List) find(i int) (int, int) {
	ns := l.nodes()
	if i < l.Len()/2 {
		for k := range ns {
			if i < int(ns[k].n) {
				return k, i
			}
			i -= int(ns[k].n)
		}
	} else {
		j := l.Len() - 1 - i // position from the tail
		for k := len(ns) - 1; k >= 0; k-- {
			if j < int(ns[k].n) {
				return k, int(ns[k].n) - 1 - j
			}
			j -= int(ns[k].n)
		}
	}
	return -1, -1
}

// Index returns element i (0-based from the head; callers resolve negative
// indexes).
func (l *List) Index(i int) ([]byte, bool) {
	if i < 0 || i >= l.Len() {
		return nil, false
	}
	k, p := l.find(i)
	c := &l.nodes()[k]
	start, _ := c.locate(p)
	v, _ := lpNext(c.buf, start)
	return v, true
}

// Set replaces element i and reports whether i was in range.
func (l *List) Set(i int, v []byte, lim ListLimits) bool {
	if i < 0 || i >= l.Len() {
		return false
	}
	if l.ql == nil {
		l.growCheck(len(v), 0, lim)
	}
	k, p := l.find(i)
	ns := l.nodes()
	c := &ns[k]
	start, end := c.locate(p)
	c.replaceAt(start, end, v)
	if l.ql != nil {
		l.ql.rechunk(k, lim)
		l.maybeShrink(lim)
	}
	return true
}

// Insert inserts v before (or after) the first element equal to pivot and
// returns the new length, or -1 when pivot is not in the list.
func (l *List) Insert(pivot, v []byte, before bool, lim ListLimits) int {
	ns := l.nodes()
	for k := range ns {
		c := &ns[k]
		for off := int(c.off); off < len(c.buf); {
			e, next := lpNext(c.buf, off)
			if bytes.Equal(e, pivot) {
				at := next
				if before {
					at = off
				}
				if l.ql == nil && lim.exceeds(c.bytes()+len(v), int(c.n)+1) {
					l.toQuick()
					c = &l.ql.nodes[l.ql.head+k]
				}
				c.insertAt(at, v)
				if l.ql != nil {
					l.ql.count++
					l.ql.rechunk(k, lim)
				}
				return l.Len()
			}
			off = next
		}
	}
	return -1
}

// Remove deletes up to count elements equal to v (count > 0 from the
// head, < 0 from the tail, 0 all) and returns how many were removed.
func (l *List) Remove(v []byte, count int, lim ListLimits) int {
	removed := 0
	limit := count
	if limit < 0 {
		limit = -limit
	}
	ns := l.nodes()
	if count >= 0 {
		for k := 0; k < len(ns); k++ {
			c := &ns[k]
			for off := int(c.off); off < len(c.buf); {
				e, next := lpNext(c.buf, off)
				if bytes.Equal(e, v) {
					c.deleteAt(off, next)
					removed++
					if limit > 0 && removed == limit {
						break
					}
					continue
				}
				off = next
			}
			if limit > 0 && removed == limit {
				break
			}
		}
	} else {
		for k := len(ns) - 1; k >= 0; k-- {
			c := &ns[k]
			for end := len(c.buf); end > int(c.off); {
				e, start := lpPrev(c.buf, end)
				if bytes.Equal(e, v) {
					c.deleteAt(start, end)
					removed++
					if removed == limit || c.n == 0 {
						break
					}
				}
				end = start
			}
			if removed == limit {
				break
			}
		}
	}
	if removed > 0 {
		l.addCount(-removed)
		l.dropEmpty()
		l.maybeShrink(lim)
	}
	return removed
}

// dropEmpty removes empty nodes of a quicklist.
func (l *List) dropEmpty() {
	q := l.ql
	if q == nil {
		return
	}
	for k := len(q.nodes) - q.head - 1; k >= 0; k-- {
		if q.nodes[q.head+k].n == 0 {
			q.removeNode(k)
		}
	}
}

// Trim keeps elements start..stop (inclusive, already clamped to
// 0 <= start <= stop < Len()) or empties the list when start > stop.
func (l *List) Trim(start, stop int, lim ListLimits) {
	n := l.Len()
	if start > stop || start >= n {
		l.one[0] = chunk{}
		l.ql = nil
		return
	}
	if stop >= n {
		stop = n - 1
	}
	l.deleteRange(stop+1, n-1-stop)
	l.deleteRange(0, start)
	l.maybeShrink(lim)
}

// deleteRange removes cnt elements starting at index from.
func (l *List) deleteRange(from, cnt int) {
	if cnt <= 0 {
		return
	}
	k, p := l.find(from)
	ns := l.nodes()
	left := cnt
	for left > 0 && k < len(ns) {
		c := &ns[k]
		if p == 0 && int(c.n) <= left {
			left -= int(c.n)
			c.reset()
			k++
			continue
		}
		start, _ := c.locate(p)
		end := start
		rs := 0
		m := 0
		for m < left && end < len(c.buf) {
			v, next := lpNext(c.buf, end)
			rs += redisEntrySize(v)
			end = next
			m++
		}
		c.buf = lpDelete(c.buf, start, end)
		c.n -= int32(m)
		c.rsz -= rs
		if c.n == 0 {
			c.reset()
		}
		left -= m
		k++
		p = 0
	}
	l.addCount(-cnt)
	l.dropEmpty()
}

// Range calls fn for elements start..stop (inclusive, clamped by the
// caller) in order, until fn returns false.
func (l *List) Range(start, stop int, fn func(v []byte) bool) {
	if start > stop || start >= l.Len() {
		return
	}
	k, p := l.find(start)
	ns := l.nodes()
	left := stop - start + 1
	c := &ns[k]
	off, _ := c.locate(p)
	for left > 0 {
		for off < len(c.buf) && left > 0 {
			var v []byte
			v, off = lpNext(c.buf, off)
			if !fn(v) {
				return
			}
			left--
		}
		k++
		if k >= len(ns) {
			return
		}
		c = &ns[k]
		off = int(c.off)
	}
}

// RangeReverse calls fn for elements from index start down to stop
// (start >= stop) until fn returns false.
func (l *List) RangeReverse(start, stop int, fn func(v []byte) bool) {
	if start < stop || start >= l.Len() || start < 0 {
		return
	}
	k, p := l.find(start)
	ns := l.nodes()
	left := start - stop + 1
	c := &ns[k]
	_, end := c.locate(p)
	for left > 0 {
		for end > int(c.off) && left > 0 {
			var v []byte
			v, end = lpPrev(c.buf, end)
			if !fn(v) {
				return
			}
			left--
		}
		k--
		if k < 0 {
			return
		}
		c = &ns[k]
		end = len(c.buf)
	}
}

// ForEach calls fn for every element from the head until fn returns false.
func (l *List) ForEach(fn func(v []byte) bool) {
	ns := l.nodes()
	for k := range ns {
		c := &ns[k]
		for off := int(c.off); off < len(c.buf); {
			var v []byte
			v, off = lpNext(c.buf, off)
			if !fn(v) {
				return
			}
		}
	}
}

// Nodes returns the number of chunks (1 for a listpack).
func (l *List) Nodes() int { return len(l.nodes()) }

// check verifies internal invariants (tests).
func (l *List) check(lim ListLimits) string {
	total := 0
	ns := l.nodes()
	for k := range ns {
		c := &ns[k]
		n, rs := 0, 0
		for off := int(c.off); off < len(c.buf); {
			var v []byte
			v, off = lpNext(c.buf, off)
			n++
			rs += redisEntrySize(v)
		}
		if n != int(c.n) || rs != c.rsz {
			return "chunk count/size mismatch"
		}
		if l.ql != nil && n == 0 {
			return "empty node"
		}
		total += n
	}
	if total != l.Len() {
		return "length mismatch"
	}
	return ""
}
