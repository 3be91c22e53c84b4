package types

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"unsafe"
)

// ZSet is a Redis sorted set.
//
// A small set uses the compact encoding ("listpack"): one flat []byte of
// entries in (score, member) order, each entry being
//
//	uvarint(len(member)) | member | score (8 bytes, little endian) | backlen
//
// where backlen is the size of the entry without itself, written as 7-bit
// groups readable from the end, so the buffer can be walked both ways. As
// in Redis, a -0 score is stored as 0 in this encoding (Redis keeps
// integral scores as listpack integers).
//
// A set that grows past zset-max-listpack-entries members, or receives a
// member longer than zset-max-listpack-value bytes, becomes a skiplist with
// spans (O(log n) insert, delete, rank and rank lookup, as Redis's
// zskiplist; a node and its levels are one allocation) plus a member index. The index is a map from member to node
// and a dense slice of the nodes: the slice gives ZRANDMEMBER O(1) uniform
// picks and ZSCAN a cursor (descending slice position) that never misses a
// member present for the whole scan, since deletion only moves the last
// node into the hole and insertion appends.
type ZSet struct {
	lp  []byte
	lpn int
	sl  *zskiplist
}

// ZLimits are the zset-max-listpack-entries / -value thresholds.
type ZLimits struct {
	Entries int
	Value   int
}

// Flags for ZSet.Add, as Redis's ZADD_IN_*.
const (
	ZAddIncr = 1 << iota
	ZAddNX
	ZAddXX
	ZAddGT
	ZAddLT
)

// Result flags of ZSet.Add, as Redis's ZADD_OUT_*.
const (
	ZAddOutNaN = 1 << iota
	ZAddOutAdded
	ZAddOutUpdated
	ZAddOutNop
)

// NewZSet returns an empty listpack-encoded sorted set.
func NewZSet() *ZSet { return &ZSet{} }

// NewZSetSkiplist returns an empty skiplist-encoded sorted set.
func NewZSetSkiplist(hint int) *ZSet {
	return &ZSet{sl: newZskiplist(hint)}
}

// Type returns "zset".
func (z *ZSet) Type() string { return "zset" }

// Encoding returns "listpack" or "skiplist".
func (z *ZSet) Encoding() string {
	if z.sl != nil {
		return "skiplist"
	}
	return "listpack"
}

// IsListpack reports whether the set uses the compact encoding.
func (z *ZSet) IsListpack() bool { return z.sl == nil }

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.sl != nil {
		return z.sl.length
	}
	return z.lpn
}

// zsetLess orders (score, member) pairs as Redis does.
func zsetLess(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

// ---------------------------------------------------------------------------
// Compact encoding.

func zlHdrLen(n int) int {
	switch {
	case n < 1<<7:
		return 1
	case n < 1<<14:
		return 2
	case n < 1<<21:
		return 3
	case n < 1<<28:
		return 4
	}
	return binary.MaxVarintLen64
}

func zlEntrySize(mlen int) int {
	l := zlHdrLen(mlen) + mlen + 8
	return l + zlHdrLen(l)
}

// zlNext decodes the entry at off: member, score and the next offset.
func (z *ZSet) zlNext(off int) ([]byte, float64, int) {
	buf := z.lp
	var n uint64
	var s uint
	i := off
	for {
		b := buf[i]
		i++
		n |= uint64(b&0x7f) << s
		if b < 0x80 {
			break
		}
		s += 7
	}
	mend := i + int(n)
	m := buf[i:mend:mend]
	sc := math.Float64frombits(binary.LittleEndian.Uint64(buf[mend:]))
	l := mend + 8 - off
	return m, sc, mend + 8 + zlHdrLen(l)
}

// zlPrev decodes the entry ending at end: member, score and its start.
func (z *ZSet) zlPrev(end int) ([]byte, float64, int) {
	buf := z.lp
	var l uint64
	var s uint
	i := end - 1
	for {
		b := buf[i]
		i--
		l |= uint64(b&0x7f) << s
		if b < 0x80 {
			break
		}
		s += 7
	}
	start := i + 1 - int(l)
	m, sc, _ := z.zlNext(start)
	return m, sc, start
}

// zlPut writes an entry at dst (sized by zlEntrySize).
func zlPut(dst []byte, m []byte, score float64) {
	h := binary.PutUvarint(dst, uint64(len(m)))
	copy(dst[h:], m)
	binary.LittleEndian.PutUint64(dst[h+len(m):], math.Float64bits(score))
	l := h + len(m) + 8
	bl := zlHdrLen(l)
	p := l + bl - 1
	x := uint64(l)
	for i := 0; i < bl; i++ {
		b := byte(x & 0x7f)
		x >>= 7
		if i < bl-1 {
			b |= 0x80
		}
		dst[p] = b
		p--
	}
}

// zlFind returns the offsets and score of member, or start == -1.
func (z *ZSet) zlFind(m []byte) (start, end int, score float64) {
	off := 0
	for off < len(z.lp) {
		em, sc, next := z.zlNext(off)
		if bytes.Equal(em, m) {
			return off, next, sc
		}
		off = next
	}
	return -1, -1, 0
}

// zlInsert inserts member in order; it must not be present.
func (z *ZSet) zlInsert(m []byte, score float64) {
	if score == 0 {
		score = 0 // no -0 in the compact encoding
	}
	off := 0
	for off < len(z.lp) {
		em, sc, next := z.zlNext(off)
		if sc > score || (sc == score && bytes.Compare(em, m) > 0) {
			break
		}
		off = next
	}
	n := zlEntrySize(len(m))
	old := len(z.lp)
	if cap(z.lp)-old >= n {
		z.lp = z.lp[:old+n]
	} else {
		c := 2 * cap(z.lp)
		if c < old+n {
			c = old + n
		}
		if c < 32 {
			c = 32
		}
		nb := make([]byte, old+n, c)
		copy(nb, z.lp[:off])
		copy(nb[off+n:], z.lp[off:old])
		z.lp = nb
		zlPut(z.lp[off:], m, score)
		z.lpn++
		return
	}
	copy(z.lp[off+n:], z.lp[off:old])
	zlPut(z.lp[off:], m, score)
	z.lpn++
}

// zlDelete removes the entries in lp[start:end] (count entries).
func (z *ZSet) zlDelete(start, end, count int) {
	copy(z.lp[start:], z.lp[end:])
	z.lp = z.lp[:len(z.lp)-(end-start)]
	z.lpn -= count
	if z.lpn == 0 {
		z.lp = z.lp[:0]
	}
}

// zlSeek returns the offset of the entry with 0-based rank r.
func (z *ZSet) zlSeek(r int) int {
	if r > z.lpn/2 {
		end := len(z.lp)
		for i := z.lpn - 1; i >= r; i-- {
			_, _, end = z.zlPrev(end)
		}
		return end
	}
	off := 0
	for i := 0; i < r; i++ {
		_, _, off = z.zlNext(off)
	}
	return off
}

// ---------------------------------------------------------------------------
// Skiplist encoding.

const (
	zslMaxLevel = 32
	zslP        = 0.25
)

type zslLevel struct {
	forward *zslNode
	span    int
}

type zslNode struct {
	member   string
	score    float64
	backward *zslNode
	idx      int32 // position in zskiplist.nodes
	nlev     int32
	lv       [1]zslLevel // level 0; higher levels follow in the same allocation
}

// l returns level i of the node. Levels above 0 live right after the
// node in the same allocation (see newZslNode), as the flexible array of
// Redis's zskiplistNode: no slice header and no extra indirection.
func (n *zslNode) l(i int) *zslLevel {
	return (*zslLevel)(unsafe.Add(unsafe.Pointer(&n.lv[0]), uintptr(i)*unsafe.Sizeof(zslLevel{})))
}

// The levels of a node must be contiguous for l: check the layout once.
func init() {
	var x struct {
		zslNode
		r [1]zslLevel
	}
	if unsafe.Offsetof(x.r) != unsafe.Offsetof(x.zslNode.lv)+unsafe.Sizeof(zslLevel{}) {
		panic("zset: unexpected skiplist node layout")
	}
}

func newZslNode(level int, score float64, member string) *zslNode {
	var n *zslNode
	switch {
	case level <= 1:
		n = &zslNode{}
	case level == 2:
		n = &(&struct {
			zslNode
			r [1]zslLevel
		}{}).zslNode
	case level == 3:
		n = &(&struct {
			zslNode
			r [2]zslLevel
		}{}).zslNode
	case level == 4:
		n = &(&struct {
			zslNode
			r [3]zslLevel
		}{}).zslNode
	case level <= 8:
		n = &(&struct {
			zslNode
			r [7]zslLevel
		}{}).zslNode
	case level <= 16:
		n = &(&struct {
			zslNode
			r [15]zslLevel
		}{}).zslNode
	default:
		n = &(&struct {
			zslNode
			r [zslMaxLevel - 1]zslLevel
		}{}).zslNode
	}
	n.nlev = int32(level)
	n.score = score
	n.member = member
	return n
}

type zskiplist struct {
	header *zslNode
	tail   *zslNode
	length int
	level  int
	dict   map[string]*zslNode
	nodes  []*zslNode
}

func newZskiplist(hint int) *zskiplist {
	if hint < 0 {
		hint = 0
	}
	return &zskiplist{
		header: newZslNode(zslMaxLevel, 0, ""),
		level:  1,
		dict:   make(map[string]*zslNode, hint),
		nodes:  make([]*zslNode, 0, hint),
	}
}

func zslRandomLevel() int {
	level := 1
	for level < zslMaxLevel && rand.Uint32()&0xFFFF < uint32(zslP*0x10000) {
		level++
	}
	return level
}

// insert adds a node; the member must not be present.
func (zl *zskiplist) insert(score float64, member string) *zslNode {
	x := newZslNode(zslRandomLevel(), score, member)
	zl.link(x)
	return x
}

// link inserts node x (unlinked, with its score, member and levels set) at
// its place in the list.
func (zl *zskiplist) link(x *zslNode) {
	var update [zslMaxLevel]*zslNode
	var rank [zslMaxLevel]int
	score, member := x.score, x.member
	h := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		if i != zl.level-1 {
			rank[i] = rank[i+1]
		}
		for {
			f := h.l(i).forward
			if f == nil || !zsetLess(f.score, f.member, score, member) {
				break
			}
			rank[i] += h.l(i).span
			h = f
		}
		update[i] = h
	}
	level := int(x.nlev)
	if level > zl.level {
		for i := zl.level; i < level; i++ {
			rank[i] = 0
			update[i] = zl.header
			update[i].l(i).span = zl.length
		}
		zl.level = level
	}
	for i := 0; i < level; i++ {
		u := update[i].l(i)
		x.l(i).forward = u.forward
		u.forward = x
		x.l(i).span = u.span - (rank[0] - rank[i])
		u.span = rank[0] - rank[i] + 1
	}
	for i := level; i < zl.level; i++ {
		update[i].l(i).span++
	}
	x.backward = nil
	if update[0] != zl.header {
		x.backward = update[0]
	}
	if f := x.l(0).forward; f != nil {
		f.backward = x
	} else {
		zl.tail = x
	}
	zl.length++
}

func (zl *zskiplist) deleteNode(x *zslNode, update *[zslMaxLevel]*zslNode) {
	for i := 0; i < zl.level; i++ {
		if update[i].l(i).forward == x {
			update[i].l(i).span += x.l(i).span - 1
			update[i].l(i).forward = x.l(i).forward
		} else {
			update[i].l(i).span--
		}
	}
	if f := x.l(0).forward; f != nil {
		f.backward = x.backward
	} else {
		zl.tail = x.backward
	}
	for zl.level > 1 && zl.header.l(zl.level-1).forward == nil {
		zl.level--
	}
	zl.length--
}

// findUpdate fills update with the last node before (score, member) at
// every level and returns the node at level 0 that follows.
func (zl *zskiplist) findUpdate(score float64, member string, update *[zslMaxLevel]*zslNode) *zslNode {
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for {
			f := x.l(i).forward
			if f == nil || !zsetLess(f.score, f.member, score, member) {
				break
			}
			x = f
		}
		update[i] = x
	}
	return x.l(0).forward
}

// unlink removes the node for (score, member) from the list (not the index).
func (zl *zskiplist) unlink(score float64, member string) *zslNode {
	var update [zslMaxLevel]*zslNode
	x := zl.findUpdate(score, member, &update)
	if x != nil && x.score == score && x.member == member {
		zl.deleteNode(x, &update)
		return x
	}
	return nil
}

// indexAdd registers a new node in the member index.
func (zl *zskiplist) indexAdd(n *zslNode) {
	n.idx = int32(len(zl.nodes))
	zl.nodes = append(zl.nodes, n)
	zl.dict[n.member] = n
}

// indexDel removes a node from the member index.
func (zl *zskiplist) indexDel(n *zslNode) {
	delete(zl.dict, n.member)
	last := len(zl.nodes) - 1
	if int(n.idx) != last {
		m := zl.nodes[last]
		zl.nodes[n.idx] = m
		m.idx = n.idx
	}
	zl.nodes[last] = nil
	zl.nodes = zl.nodes[:last]
	if cap(zl.nodes) > 64 && len(zl.nodes) < cap(zl.nodes)/4 {
		zl.nodes = append([]*zslNode(nil), zl.nodes...)
	}
}

// add inserts a new member into list and index.
func (zl *zskiplist) add(score float64, member string) *zslNode {
	n := zl.insert(score, member)
	zl.indexAdd(n)
	return n
}

// remove deletes node n from list and index.
func (zl *zskiplist) remove(n *zslNode) {
	zl.unlink(n.score, n.member)
	zl.indexDel(n)
}

// updateScore moves node n to newscore.
func (zl *zskiplist) updateScore(n *zslNode, newscore float64) {
	b, f := n.backward, n.l(0).forward
	if (b == nil || b.score < newscore) && (f == nil || f.score > newscore) {
		n.score = newscore
		return
	}
	var update [zslMaxLevel]*zslNode
	x := zl.findUpdate(n.score, n.member, &update)
	if x != n {
		panic("zset: skiplist corrupted")
	}
	zl.deleteNode(n, &update)
	// Re-link the same node (it keeps its level and index slot).
	n.score = newscore
	zl.link(n)
}

// rankOf returns the 1-based rank of (score, member), or 0.
func (zl *zskiplist) rankOf(score float64, member string) int {
	x := zl.header
	rank := 0
	for i := zl.level - 1; i >= 0; i-- {
		for {
			f := x.l(i).forward
			if f == nil || !(f.score < score || (f.score == score && f.member <= member)) {
				break
			}
			rank += x.l(i).span
			x = f
		}
		if x != zl.header && x.score == score && x.member == member {
			return rank
		}
	}
	return 0
}

// byRank returns the node of 1-based rank r, or nil.
func (zl *zskiplist) byRank(r int) *zslNode {
	x := zl.header
	traversed := 0
	for i := zl.level - 1; i >= 0; i-- {
		for x.l(i).forward != nil && traversed+x.l(i).span <= r {
			traversed += x.l(i).span
			x = x.l(i).forward
		}
		if traversed == r {
			if x == zl.header {
				return nil
			}
			return x
		}
	}
	return nil
}

func (zl *zskiplist) first() *zslNode { return zl.header.l(0).forward }

// ---------------------------------------------------------------------------
// Ranges.

// ZRangeSpec is a score interval (Redis's zrangespec).
type ZRangeSpec struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r *ZRangeSpec) gteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

func (r *ZRangeSpec) lteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

func (r *ZRangeSpec) empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// Lex range bound kinds.
const (
	LexValue = iota
	LexMinusInf
	LexPlusInf
)

// ZLexSpec is a lexicographic interval (Redis's zlexrangespec). A bound
// is a value (inclusive unless ...Ex) or "-" / "+".
type ZLexSpec struct {
	Min, Max         []byte
	MinKind, MaxKind int
	MinEx, MaxEx     bool
}

// lexCmpBound compares value with a bound.
func lexCmpBound(v []byte, b []byte, kind int) int {
	switch kind {
	case LexMinusInf:
		return 1
	case LexPlusInf:
		return -1
	}
	return bytes.Compare(v, b)
}

func (r *ZLexSpec) gteMin(v []byte) bool {
	c := lexCmpBound(v, r.Min, r.MinKind)
	if r.MinEx {
		return c > 0
	}
	return c >= 0
}

func (r *ZLexSpec) lteMax(v []byte) bool {
	c := lexCmpBound(v, r.Max, r.MaxKind)
	if r.MaxEx {
		return c < 0
	}
	return c <= 0
}

func (r *ZLexSpec) empty() bool {
	var c int
	switch {
	case r.MinKind == r.MaxKind && r.MinKind != LexValue:
		c = 0
	case r.MinKind == LexMinusInf || r.MaxKind == LexPlusInf:
		c = -1
	case r.MinKind == LexPlusInf || r.MaxKind == LexMinusInf:
		c = 1
	default:
		c = bytes.Compare(r.Min, r.Max)
	}
	return c > 0 || (c == 0 && (r.MinEx || r.MaxEx))
}

// ---------------------------------------------------------------------------
// Operations.

// Score returns the score of member.
func (z *ZSet) Score(m []byte) (float64, bool) {
	if z.sl != nil {
		n := z.sl.dict[bstr(m)]
		if n == nil {
			return 0, false
		}
		return n.score, true
	}
	start, _, sc := z.zlFind(m)
	return sc, start >= 0
}

// Has reports whether member exists.
func (z *ZSet) Has(m []byte) bool {
	_, ok := z.Score(m)
	return ok
}

// ConvertToSkiplist switches to the skiplist encoding.
func (z *ZSet) ConvertToSkiplist() {
	if z.sl != nil {
		return
	}
	sl := newZskiplist(z.lpn)
	// Entries arrive in order: append at the tail in O(1) each.
	off := 0
	for off < len(z.lp) {
		m, sc, next := z.zlNext(off)
		sl.add(sc, string(m))
		off = next
	}
	z.sl = sl
	z.lp = nil
	z.lpn = 0
}

// ConvertToListpack switches to the compact encoding.
func (z *ZSet) ConvertToListpack() {
	if z.sl == nil {
		return
	}
	sz := 0
	for x := z.sl.first(); x != nil; x = x.l(0).forward {
		sz += zlEntrySize(len(x.member))
	}
	buf := make([]byte, sz)
	off := 0
	for x := z.sl.first(); x != nil; x = x.l(0).forward {
		sc := x.score
		if sc == 0 {
			sc = 0
		}
		zlPut(buf[off:], sbytes(x.member), sc)
		off += zlEntrySize(len(x.member))
	}
	z.lpn = z.sl.length
	z.lp = buf
	z.sl = nil
}

// MaybeConvertToListpack converts a skiplist set back to the compact
// encoding when it fits the limits (Redis's zsetConvertToListpackIfNeeded,
// used by the STORE variants); maxLen is the longest member's length.
func (z *ZSet) MaybeConvertToListpack(maxLen int, lim ZLimits) {
	if z.sl == nil {
		return
	}
	if z.sl.length <= lim.Entries && maxLen <= lim.Value {
		z.ConvertToListpack()
	}
}

// Add adds or updates member as Redis's zsetAdd. It returns result flags
// and the resulting score (with ZAddIncr, the new score).
func (z *ZSet) Add(score float64, m []byte, in int, lim ZLimits) (int, float64) {
	incr := in&ZAddIncr != 0
	nx := in&ZAddNX != 0
	xx := in&ZAddXX != 0
	gt := in&ZAddGT != 0
	lt := in&ZAddLT != 0
	if math.IsNaN(score) {
		return ZAddOutNaN, 0
	}
	if z.sl == nil {
		start, end, cur := z.zlFind(m)
		if start >= 0 {
			if nx {
				return ZAddOutNop, cur
			}
			if incr {
				score += cur
				if math.IsNaN(score) {
					return ZAddOutNaN, 0
				}
			}
			if (lt && score >= cur) || (gt && score <= cur) {
				return ZAddOutNop, cur
			}
			if score != cur {
				z.zlDelete(start, end, 1)
				z.zlInsert(m, score)
				return ZAddOutUpdated, score
			}
			return 0, score
		}
		if xx {
			return ZAddOutNop, 0
		}
		if z.lpn+1 > lim.Entries || len(m) > lim.Value {
			z.ConvertToSkiplist()
		} else {
			z.zlInsert(m, score)
			return ZAddOutAdded, score
		}
	}
	sl := z.sl
	if n := sl.dict[bstr(m)]; n != nil {
		if nx {
			return ZAddOutNop, n.score
		}
		cur := n.score
		if incr {
			score += cur
			if math.IsNaN(score) {
				return ZAddOutNaN, 0
			}
		}
		if (lt && score >= cur) || (gt && score <= cur) {
			return ZAddOutNop, cur
		}
		if score != cur {
			sl.updateScore(n, score)
			return ZAddOutUpdated, score
		}
		return 0, score
	}
	if xx {
		return ZAddOutNop, 0
	}
	sl.add(score, string(m))
	return ZAddOutAdded, score
}

// Delete removes member and reports whether it existed.
func (z *ZSet) Delete(m []byte) bool {
	if z.sl != nil {
		n := z.sl.dict[bstr(m)]
		if n == nil {
			return false
		}
		z.sl.remove(n)
		return true
	}
	start, end, _ := z.zlFind(m)
	if start < 0 {
		return false
	}
	z.zlDelete(start, end, 1)
	return true
}

// Rank returns the 0-based rank of member (from the highest score when
// reverse) and its score.
func (z *ZSet) Rank(m []byte, reverse bool) (int, float64, bool) {
	n := z.Len()
	if z.sl != nil {
		x := z.sl.dict[bstr(m)]
		if x == nil {
			return 0, 0, false
		}
		r := z.sl.rankOf(x.score, x.member)
		if reverse {
			return n - r, x.score, true
		}
		return r - 1, x.score, true
	}
	off := 0
	for r := 0; off < len(z.lp); r++ {
		em, sc, next := z.zlNext(off)
		if bytes.Equal(em, m) {
			if reverse {
				return n - 1 - r, sc, true
			}
			return r, sc, true
		}
		off = next
	}
	return 0, 0, false
}

// RangeByRank calls fn for the members of 0-based ranks start..end
// (inclusive, 0 <= start <= end < Len()), counted from the highest score
// when reverse. The member slice is valid until the set is modified.
func (z *ZSet) RangeByRank(start, end int, reverse bool, fn func(m []byte, score float64)) {
	n := end - start + 1
	if z.sl != nil {
		var x *zslNode
		if reverse {
			x = z.sl.tail
			if start > 0 {
				x = z.sl.byRank(z.sl.length - start)
			}
		} else {
			x = z.sl.first()
			if start > 0 {
				x = z.sl.byRank(start + 1)
			}
		}
		for ; n > 0 && x != nil; n-- {
			fn(sbytes(x.member), x.score)
			if reverse {
				x = x.backward
			} else {
				x = x.l(0).forward
			}
		}
		return
	}
	if reverse {
		end := z.zlSeek(z.lpn - start)
		for ; n > 0 && end > 0; n-- {
			m, sc, s := z.zlPrev(end)
			fn(m, sc)
			end = s
		}
		return
	}
	off := z.zlSeek(start)
	for ; n > 0 && off < len(z.lp); n-- {
		m, sc, next := z.zlNext(off)
		fn(m, sc)
		off = next
	}
}

// ForEach calls fn for every member in ascending order until fn returns false.
func (z *ZSet) ForEach(fn func(m []byte, score float64) bool) {
	if z.sl != nil {
		for x := z.sl.first(); x != nil; x = x.l(0).forward {
			if !fn(sbytes(x.member), x.score) {
				return
			}
		}
		return
	}
	for off := 0; off < len(z.lp); {
		m, sc, next := z.zlNext(off)
		if !fn(m, sc) {
			return
		}
		off = next
	}
}

// ForEachReverse is ForEach from the highest score down (the order in
// which Redis iterates sorted sets for ZUNION/ZINTER/ZDIFF/ZRANDMEMBER).
func (z *ZSet) ForEachReverse(fn func(m []byte, score float64) bool) {
	if z.sl != nil {
		for x := z.sl.tail; x != nil; x = x.backward {
			if !fn(sbytes(x.member), x.score) {
				return
			}
		}
		return
	}
	for end := len(z.lp); end > 0; {
		m, sc, s := z.zlPrev(end)
		if !fn(m, sc) {
			return
		}
		end = s
	}
}

// First returns the lowest (or, with last, the highest) member.
func (z *ZSet) First(last bool) ([]byte, float64, bool) {
	if z.Len() == 0 {
		return nil, 0, false
	}
	if z.sl != nil {
		x := z.sl.first()
		if last {
			x = z.sl.tail
		}
		return sbytes(x.member), x.score, true
	}
	if last {
		m, sc, _ := z.zlPrev(len(z.lp))
		return m, sc, true
	}
	m, sc, _ := z.zlNext(0)
	return m, sc, true
}

// Pop removes and returns the lowest (or highest, with last) member. The
// member is a fresh copy.
func (z *ZSet) Pop(last bool) ([]byte, float64, bool) {
	if z.Len() == 0 {
		return nil, 0, false
	}
	if z.sl != nil {
		x := z.sl.first()
		if last {
			x = z.sl.tail
		}
		z.sl.remove(x)
		return sbytes(x.member), x.score, true
	}
	if last {
		m, sc, s := z.zlPrev(len(z.lp))
		cp := append([]byte(nil), m...)
		z.zlDelete(s, len(z.lp), 1)
		return cp, sc, true
	}
	m, sc, next := z.zlNext(0)
	cp := append([]byte(nil), m...)
	z.zlDelete(0, next, 1)
	return cp, sc, true
}

// RandomMember returns a uniformly chosen member (the set is not empty).
func (z *ZSet) RandomMember() ([]byte, float64) {
	if z.sl != nil {
		x := z.sl.nodes[rand.IntN(len(z.sl.nodes))]
		return sbytes(x.member), x.score
	}
	off := z.zlSeek(rand.IntN(z.lpn))
	m, sc, _ := z.zlNext(off)
	return m, sc
}

// zlFirstInRange returns the offset of the first entry in r, or -1.
func (z *ZSet) zlFirstInRange(r *ZRangeSpec) int {
	if r.empty() || z.lpn == 0 {
		return -1
	}
	for off := 0; off < len(z.lp); {
		_, sc, next := z.zlNext(off)
		if r.gteMin(sc) {
			if r.lteMax(sc) {
				return off
			}
			return -1
		}
		off = next
	}
	return -1
}

// zlLastInRange returns the end offset of the last entry in r, or -1.
func (z *ZSet) zlLastInRange(r *ZRangeSpec) int {
	if r.empty() || z.lpn == 0 {
		return -1
	}
	for end := len(z.lp); end > 0; {
		_, sc, s := z.zlPrev(end)
		if r.lteMax(sc) {
			if r.gteMin(sc) {
				return end
			}
			return -1
		}
		end = s
	}
	return -1
}

func (zl *zskiplist) isInRange(r *ZRangeSpec) bool {
	if r.empty() {
		return false
	}
	if zl.tail == nil || !r.gteMin(zl.tail.score) {
		return false
	}
	f := zl.first()
	return f != nil && r.lteMax(f.score)
}

func (zl *zskiplist) firstInRange(r *ZRangeSpec) *zslNode {
	if !zl.isInRange(r) {
		return nil
	}
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for x.l(i).forward != nil && !r.gteMin(x.l(i).forward.score) {
			x = x.l(i).forward
		}
	}
	x = x.l(0).forward
	if x == nil || !r.lteMax(x.score) {
		return nil
	}
	return x
}

func (zl *zskiplist) lastInRange(r *ZRangeSpec) *zslNode {
	if !zl.isInRange(r) {
		return nil
	}
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for x.l(i).forward != nil && r.lteMax(x.l(i).forward.score) {
			x = x.l(i).forward
		}
	}
	if x == zl.header || !r.gteMin(x.score) {
		return nil
	}
	return x
}

func (zl *zskiplist) isInLexRange(r *ZLexSpec) bool {
	if r.empty() {
		return false
	}
	if zl.tail == nil || !r.gteMin(sbytes(zl.tail.member)) {
		return false
	}
	f := zl.first()
	return f != nil && r.lteMax(sbytes(f.member))
}

func (zl *zskiplist) firstInLexRange(r *ZLexSpec) *zslNode {
	if !zl.isInLexRange(r) {
		return nil
	}
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for x.l(i).forward != nil && !r.gteMin(sbytes(x.l(i).forward.member)) {
			x = x.l(i).forward
		}
	}
	x = x.l(0).forward
	if x == nil || !r.lteMax(sbytes(x.member)) {
		return nil
	}
	return x
}

func (zl *zskiplist) lastInLexRange(r *ZLexSpec) *zslNode {
	if !zl.isInLexRange(r) {
		return nil
	}
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for x.l(i).forward != nil && r.lteMax(sbytes(x.l(i).forward.member)) {
			x = x.l(i).forward
		}
	}
	if x == zl.header || !r.gteMin(sbytes(x.member)) {
		return nil
	}
	return x
}

func (z *ZSet) zlFirstInLex(r *ZLexSpec) int {
	if r.empty() || z.lpn == 0 {
		return -1
	}
	lm, _, _ := z.zlPrev(len(z.lp))
	if !r.gteMin(lm) {
		return -1
	}
	fm, _, _ := z.zlNext(0)
	if !r.lteMax(fm) {
		return -1
	}
	for off := 0; off < len(z.lp); {
		m, _, next := z.zlNext(off)
		if r.gteMin(m) {
			if r.lteMax(m) {
				return off
			}
			return -1
		}
		off = next
	}
	return -1
}

func (z *ZSet) zlLastInLex(r *ZLexSpec) int {
	if r.empty() || z.lpn == 0 {
		return -1
	}
	lm, _, _ := z.zlPrev(len(z.lp))
	if !r.gteMin(lm) {
		return -1
	}
	fm, _, _ := z.zlNext(0)
	if !r.lteMax(fm) {
		return -1
	}
	for end := len(z.lp); end > 0; {
		m, _, s := z.zlPrev(end)
		if r.lteMax(m) {
			if r.gteMin(m) {
				return end
			}
			return -1
		}
		end = s
	}
	return -1
}

// zlRange walks from a start position, skipping offset entries and then
// emitting up to limit (negative: unlimited) entries while in(m, score).
// fwd starts at offset start (forward) or end offset (reverse).
func (z *ZSet) zlRange(pos int, reverse bool, offset, limit int, in func(m []byte, sc float64) bool, fn func(m []byte, sc float64)) int {
	count := 0
	if reverse {
		end := pos
		for ; end > 0 && offset > 0; offset-- {
			_, _, end = z.zlPrev(end)
		}
		for end > 0 && limit != 0 {
			m, sc, s := z.zlPrev(end)
			if !in(m, sc) {
				break
			}
			fn(m, sc)
			count++
			limit--
			end = s
		}
		return count
	}
	off := pos
	for ; off < len(z.lp) && offset > 0; offset-- {
		_, _, off = z.zlNext(off)
	}
	for off < len(z.lp) && limit != 0 {
		m, sc, next := z.zlNext(off)
		if !in(m, sc) {
			break
		}
		fn(m, sc)
		count++
		limit--
		off = next
	}
	return count
}

func (z *ZSet) slRange(x *zslNode, reverse bool, offset, limit int, in func(x *zslNode) bool, fn func(m []byte, sc float64)) int {
	count := 0
	for ; x != nil && offset > 0; offset-- {
		if reverse {
			x = x.backward
		} else {
			x = x.l(0).forward
		}
	}
	for x != nil && limit != 0 {
		if !in(x) {
			break
		}
		fn(sbytes(x.member), x.score)
		count++
		limit--
		if reverse {
			x = x.backward
		} else {
			x = x.l(0).forward
		}
	}
	return count
}

// RangeByScore emits the members in r (from the highest when reverse),
// skipping offset and emitting at most limit (negative: all), as Redis's
// genericZrangebyscoreCommand; it returns the count emitted. A negative
// offset yields nothing, as in Redis.
func (z *ZSet) RangeByScore(r *ZRangeSpec, reverse bool, offset, limit int, fn func(m []byte, score float64)) int {
	if offset < 0 || (offset > 0 && offset >= z.Len()) {
		return 0
	}
	if z.sl != nil {
		var x *zslNode
		if reverse {
			x = z.sl.lastInRange(r)
		} else {
			x = z.sl.firstInRange(r)
		}
		return z.slRange(x, reverse, offset, limit, func(x *zslNode) bool {
			if reverse {
				return r.gteMin(x.score)
			}
			return r.lteMax(x.score)
		}, fn)
	}
	var pos int
	if reverse {
		pos = z.zlLastInRange(r)
	} else {
		pos = z.zlFirstInRange(r)
	}
	if pos < 0 {
		return 0
	}
	return z.zlRange(pos, reverse, offset, limit, func(_ []byte, sc float64) bool {
		if reverse {
			return r.gteMin(sc)
		}
		return r.lteMax(sc)
	}, fn)
}

// RangeByLex is RangeByScore for a lexicographic range.
func (z *ZSet) RangeByLex(r *ZLexSpec, reverse bool, offset, limit int, fn func(m []byte, score float64)) int {
	if offset < 0 {
		return 0
	}
	if z.sl != nil {
		var x *zslNode
		if reverse {
			x = z.sl.lastInLexRange(r)
		} else {
			x = z.sl.firstInLexRange(r)
		}
		return z.slRange(x, reverse, offset, limit, func(x *zslNode) bool {
			if reverse {
				return r.gteMin(sbytes(x.member))
			}
			return r.lteMax(sbytes(x.member))
		}, fn)
	}
	var pos int
	if reverse {
		pos = z.zlLastInLex(r)
	} else {
		pos = z.zlFirstInLex(r)
	}
	if pos < 0 {
		return 0
	}
	return z.zlRange(pos, reverse, offset, limit, func(m []byte, _ float64) bool {
		if reverse {
			return r.gteMin(m)
		}
		return r.lteMax(m)
	}, fn)
}

// CountInRange returns the number of members with a score in r.
func (z *ZSet) CountInRange(r *ZRangeSpec) int {
	if z.sl != nil {
		f := z.sl.firstInRange(r)
		if f == nil {
			return 0
		}
		l := z.sl.lastInRange(r)
		if l == nil {
			return 0
		}
		return z.sl.rankOf(l.score, l.member) - z.sl.rankOf(f.score, f.member) + 1
	}
	pos := z.zlFirstInRange(r)
	if pos < 0 {
		return 0
	}
	return z.zlRange(pos, false, 0, -1, func(_ []byte, sc float64) bool { return r.lteMax(sc) }, func([]byte, float64) {})
}

// CountInLex returns the number of members in the lexicographic range r.
func (z *ZSet) CountInLex(r *ZLexSpec) int {
	if z.sl != nil {
		f := z.sl.firstInLexRange(r)
		if f == nil {
			return 0
		}
		l := z.sl.lastInLexRange(r)
		if l == nil {
			return 0
		}
		return z.sl.rankOf(l.score, l.member) - z.sl.rankOf(f.score, f.member) + 1
	}
	pos := z.zlFirstInLex(r)
	if pos < 0 {
		return 0
	}
	return z.zlRange(pos, false, 0, -1, func(m []byte, _ float64) bool { return r.lteMax(m) }, func([]byte, float64) {})
}

// DeleteRangeByRank removes the members of 0-based ranks start..end
// (inclusive, already clamped) and returns how many were removed.
func (z *ZSet) DeleteRangeByRank(start, end int) int {
	n := end - start + 1
	if n <= 0 {
		return 0
	}
	if z.sl != nil {
		x := z.sl.byRank(start + 1)
		removed := 0
		for ; x != nil && removed < n; removed++ {
			next := x.l(0).forward
			z.sl.remove(x)
			x = next
		}
		return removed
	}
	s := z.zlSeek(start)
	e := s
	removed := 0
	for ; e < len(z.lp) && removed < n; removed++ {
		_, _, e = z.zlNext(e)
	}
	z.zlDelete(s, e, removed)
	return removed
}

// DeleteRangeByScore removes the members with a score in r.
func (z *ZSet) DeleteRangeByScore(r *ZRangeSpec) int {
	if z.sl != nil {
		x := z.sl.firstInRange(r)
		removed := 0
		for x != nil && r.lteMax(x.score) {
			next := x.l(0).forward
			z.sl.remove(x)
			removed++
			x = next
		}
		return removed
	}
	s := z.zlFirstInRange(r)
	if s < 0 {
		return 0
	}
	e := s
	removed := 0
	for e < len(z.lp) {
		_, sc, next := z.zlNext(e)
		if !r.lteMax(sc) {
			break
		}
		e = next
		removed++
	}
	z.zlDelete(s, e, removed)
	return removed
}

// DeleteRangeByLex removes the members in the lexicographic range r.
func (z *ZSet) DeleteRangeByLex(r *ZLexSpec) int {
	if z.sl != nil {
		x := z.sl.firstInLexRange(r)
		removed := 0
		for x != nil && r.lteMax(sbytes(x.member)) {
			next := x.l(0).forward
			z.sl.remove(x)
			removed++
			x = next
		}
		return removed
	}
	s := z.zlFirstInLex(r)
	if s < 0 {
		return 0
	}
	e := s
	removed := 0
	for e < len(z.lp) {
		m, _, next := z.zlNext(e)
		if !r.lteMax(m) {
			break
		}
		e = next
		removed++
	}
	z.zlDelete(s, e, removed)
	return removed
}

// Scan visits members from cursor and returns the next cursor (0 when the
// scan is complete). A listpack set is visited whole in one call; a
// skiplist set is visited by descending index position, about count
// members per call.
func (z *ZSet) Scan(cursor uint64, count int, fn func(m []byte, score float64)) uint64 {
	if z.sl == nil {
		z.ForEach(func(m []byte, sc float64) bool { fn(m, sc); return true })
		return 0
	}
	nodes := z.sl.nodes
	n := len(nodes)
	// A cursor c > 0 means positions c-1, c-2, ... 0 are left.
	i := n - 1
	if cursor != 0 && cursor <= uint64(n) {
		i = int(cursor) - 1
	}
	if count < 1 {
		count = 1
	}
	for ; i >= 0 && count > 0; i-- {
		x := nodes[i]
		fn(sbytes(x.member), x.score)
		count--
	}
	if i < 0 {
		return 0
	}
	return uint64(i) + 1
}

// Copy returns a deep copy with the same encoding (COPY, RESTORE tests).
func (z *ZSet) Copy() *ZSet {
	if z.sl == nil {
		return &ZSet{lp: append([]byte(nil), z.lp...), lpn: z.lpn}
	}
	c := NewZSetSkiplist(z.sl.length)
	for x := z.sl.tail; x != nil; x = x.backward {
		c.sl.add(x.score, x.member)
	}
	return c
}

// Dup returns a deep copy with the same encoding (COPY).
func (z *ZSet) Dup() any { return z.Copy() }

// MaxMemberLen returns the length of the longest member.
func (z *ZSet) MaxMemberLen() int {
	maxLen := 0
	z.ForEach(func(m []byte, _ float64) bool {
		if len(m) > maxLen {
			maxLen = len(m)
		}
		return true
	})
	return maxLen
}

// ForEachInRange calls fn for the members with a score in r, in ascending
// order, until fn returns false.
func (z *ZSet) ForEachInRange(r *ZRangeSpec, fn func(m []byte, score float64) bool) {
	if z.sl != nil {
		for x := z.sl.firstInRange(r); x != nil && r.lteMax(x.score); x = x.l(0).forward {
			if !fn(sbytes(x.member), x.score) {
				return
			}
		}
		return
	}
	off := z.zlFirstInRange(r)
	if off < 0 {
		return
	}
	for off < len(z.lp) {
		m, sc, next := z.zlNext(off)
		if !r.lteMax(sc) || !fn(m, sc) {
			return
		}
		off = next
	}
}
