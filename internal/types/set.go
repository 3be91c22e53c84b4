package types

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
)

// Set is a Redis set with three encodings, as Redis 7.2: an intset (sorted
// integers of the narrowest width that holds them all) while every member
// is an integer and the set is small, a listpack-like flat buffer while it
// is small, and a hashtable (dense member slice plus index map) past the
// thresholds. A set never goes back to a smaller encoding.
//
// A small set costs its 32-byte header plus the buffer, whose first byte
// tells the compact encoding: the intset element width (2, 4 or 8 bytes)
// or 0 for a listpack. The member count is not stored: it is the intset's
// length over its width, or counted in the (short) listpack.
type Set struct {
	buf []byte  // tag byte, then intset values or listpack entries
	d   *sdense // the hashtable encoding (buf is then nil)
}

const (
	encIntset = iota
	encListpack
	encHT
)

const tagListpack = 0

func (s *Set) enc() int {
	switch {
	case s.d != nil:
		return encHT
	case s.buf[0] == tagListpack:
		return encListpack
	}
	return encIntset
}

// w returns the intset element width.
func (s *Set) w() int { return int(s.buf[0]) }

// count returns the number of members of a compact set.
func (s *Set) count() int {
	if s.buf[0] != tagListpack {
		return (len(s.buf) - 1) / int(s.buf[0])
	}
	n := 0
	for off := 1; off < len(s.buf); n++ {
		off = lpSkip(s.buf, off)
	}
	return n
}

func newIntset() []byte { return []byte{2} }

type sdense struct {
	ms  []string
	idx map[string]int32
}

// SetLimits are the set-max-* configuration values.
type SetLimits struct {
	MaxIntset   int // set-max-intset-entries
	MaxListpack int // set-max-listpack-entries
	MaxValue    int // set-max-listpack-value
}

// NewSet returns an empty set in the encoding Redis picks for a first
// member m with sizeHint members about to be added (setTypeCreate).
func NewSet(m []byte, sizeHint int, lim SetLimits) *Set {
	if _, ok := lpInt(m); ok && sizeHint <= lim.MaxIntset {
		return &Set{buf: newIntset()}
	}
	if sizeHint <= lim.MaxListpack {
		return &Set{buf: []byte{tagListpack}}
	}
	return &Set{d: &sdense{idx: make(map[string]int32, sizeHint)}}
}

// NewIntSet returns an empty intset-encoded set (the destination of
// SINTERSTORE / SUNIONSTORE / SDIFFSTORE starts as one, as in Redis).
func NewIntSet() *Set { return &Set{buf: newIntset()} }

// Type returns "set".
func (s *Set) Type() string { return "set" }

// Encoding returns "intset", "listpack" or "hashtable".
func (s *Set) Encoding() string {
	switch s.enc() {
	case encIntset:
		return "intset"
	case encListpack:
		return "listpack"
	}
	return "hashtable"
}

// Len returns the number of members.
func (s *Set) Len() int {
	if s.d != nil {
		return len(s.d.ms)
	}
	return s.count()
}

// --- intset ---

func (s *Set) isGet(i int) int64 {
	b := s.buf[1:]
	switch s.buf[0] {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b[2*i:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b[4*i:])))
	}
	return int64(binary.LittleEndian.Uint64(b[8*i:]))
}

func (s *Set) isPut(i int, v int64) {
	b := s.buf[1:]
	switch s.buf[0] {
	case 2:
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
}

func (s *Set) isLen() int { return (len(s.buf) - 1) / int(s.buf[0]) }

func widthFor(v int64) uint8 {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

// isSearch returns the position of v (or where it would be inserted).
func (s *Set) isSearch(v int64) (int, bool) {
	lo, hi := 0, s.isLen()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		x := s.isGet(m)
		switch {
		case x == v:
			return m, true
		case x < v:
			lo = m + 1
		default:
			hi = m
		}
	}
	return lo, false
}

func (s *Set) isUpgrade(w uint8) {
	n := s.isLen()
	nb := make([]byte, 1+n*int(w), sizeClass(1+(n+1)*int(w)))
	nb[0] = w
	old := *s
	s.buf = nb
	for i := 0; i < n; i++ {
		s.isPut(i, old.isGet(i))
	}
}

func (s *Set) isAdd(v int64) bool {
	if w := widthFor(v); int(w) > s.w() {
		s.isUpgrade(w)
	} else if _, ok := s.isSearch(v); ok {
		return false
	}
	pos, _ := s.isSearch(v)
	w := s.w()
	n := s.isLen()
	s.buf = grow(s.buf, w)
	b := s.buf[1:]
	copy(b[(pos+1)*w:], b[pos*w:n*w])
	s.isPut(pos, v)
	return true
}

func (s *Set) isRemoveAt(pos int) {
	w := s.w()
	b := s.buf[1:]
	copy(b[pos*w:], b[(pos+1)*w:])
	s.buf = s.buf[:len(s.buf)-w]
}

// --- listpack ---

func (s *Set) lpFind(m []byte) (int, int) {
	for off := 1; off < len(s.buf); {
		v, next := lpNext(s.buf, off)
		if bytes.Equal(v, m) {
			return off, next
		}
		off = next
	}
	return -1, -1
}

// --- conversions ---

func (s *Set) toHT(hint int) {
	d := &sdense{ms: make([]string, 0, hint), idx: make(map[string]int32, hint)}
	s.ForEach(func(m []byte) bool {
		str := string(m)
		d.idx[str] = int32(len(d.ms))
		d.ms = append(d.ms, str)
		return true
	})
	s.d, s.buf = d, nil
}

func (s *Set) intsetToListpack(extra int) {
	var tmp [24]byte
	n := s.isLen()
	size := 1 + extra
	for i := 0; i < n; i++ {
		size += lpEntrySize(len(strconv.AppendInt(tmp[:0], s.isGet(i), 10)))
	}
	lp := make([]byte, 1, sizeClass(size))
	lp[0] = tagListpack
	for i := 0; i < n; i++ {
		lp = lpAppend(lp, strconv.AppendInt(tmp[:0], s.isGet(i), 10))
	}
	s.buf = lp
}

// Add adds m and reports whether it was new, converting the encoding as
// Redis 7.2's setTypeAdd does.
func (s *Set) Add(m []byte, lim SetLimits) bool {
	switch s.enc() {
	case encIntset:
		if v, ok := lpInt(m); ok {
			if !s.isAdd(v) {
				return false
			}
			if n := s.isLen(); n > lim.MaxIntset {
				s.toHT(n)
			}
			return true
		}
		n := s.isLen()
		maxlen := 0
		if n > 0 {
			maxlen = max(digits10(s.isGet(0)), digits10(s.isGet(n-1)))
		}
		if n < lim.MaxListpack && len(m) <= lim.MaxValue && maxlen <= lim.MaxValue {
			s.intsetToListpack(lpEntrySize(len(m)))
			s.buf = lpAppend(s.buf, m)
			return true
		}
		s.toHT(n + 1)
		return s.Add(m, lim)
	case encListpack:
		if off, _ := s.lpFind(m); off >= 0 {
			return false
		}
		n := s.count()
		if n < lim.MaxListpack && len(m) <= lim.MaxValue {
			s.buf = lpAppend(s.buf, m)
			return true
		}
		s.toHT(n + 1)
	}
	d := s.d
	if _, ok := d.idx[string(m)]; ok {
		return false
	}
	str := string(m)
	d.idx[str] = int32(len(d.ms))
	d.ms = append(d.ms, str)
	return true
}

func digits10(v int64) int {
	var tmp [24]byte
	return len(strconv.AppendInt(tmp[:0], v, 10))
}

// Remove deletes m and reports whether it was a member.
func (s *Set) Remove(m []byte) bool {
	switch s.enc() {
	case encIntset:
		v, ok := lpInt(m)
		if !ok {
			return false
		}
		pos, found := s.isSearch(v)
		if !found {
			return false
		}
		s.isRemoveAt(pos)
		return true
	case encListpack:
		off, end := s.lpFind(m)
		if off < 0 {
			return false
		}
		s.buf = lpDelete(s.buf, off, end)
		return true
	}
	i, ok := s.d.idx[string(m)]
	if !ok {
		return false
	}
	s.removeAt(int(i))
	return true
}

// removeAt removes the i-th member in iteration order.
func (s *Set) removeAt(i int) {
	switch s.enc() {
	case encIntset:
		s.isRemoveAt(i)
	case encListpack:
		off := 1
		for ; i > 0; i-- {
			off = lpSkip(s.buf, off)
		}
		s.buf = lpDelete(s.buf, off, lpSkip(s.buf, off))
	default:
		d := s.d
		last := len(d.ms) - 1
		delete(d.idx, d.ms[i])
		if i != last {
			d.ms[i] = d.ms[last]
			d.idx[d.ms[i]] = int32(i)
		}
		d.ms[last] = ""
		d.ms = d.ms[:last]
	}
}

// Has reports whether m is a member.
func (s *Set) Has(m []byte) bool {
	switch s.enc() {
	case encIntset:
		v, ok := lpInt(m)
		if !ok {
			return false
		}
		_, found := s.isSearch(v)
		return found
	case encListpack:
		off, _ := s.lpFind(m)
		return off >= 0
	}
	_, ok := s.d.idx[string(m)]
	return ok
}

// ForEach calls fn with every member in iteration order (ascending for an
// intset, insertion order for a listpack) until fn returns false. The
// slice is a read-only view valid during the call.
func (s *Set) ForEach(fn func(m []byte) bool) {
	switch s.enc() {
	case encIntset:
		var tmp [24]byte
		for i, n := 0, s.isLen(); i < n; i++ {
			if !fn(strconv.AppendInt(tmp[:0], s.isGet(i), 10)) {
				return
			}
		}
	case encListpack:
		for off := 1; off < len(s.buf); {
			var v []byte
			v, off = lpNext(s.buf, off)
			if !fn(v) {
				return
			}
		}
	default:
		for _, m := range s.d.ms {
			if !fn(sbytes(m)) {
				return
			}
		}
	}
}

// At returns the i-th member in iteration order (0 <= i < Len()). For an
// intset the member is formatted into scratch.
func (s *Set) At(i int, scratch []byte) []byte {
	switch s.enc() {
	case encIntset:
		return strconv.AppendInt(scratch[:0], s.isGet(i), 10)
	case encListpack:
		off := 1
		for ; i > 0; i-- {
			off = lpSkip(s.buf, off)
		}
		v, _ := lpNext(s.buf, off)
		return v
	}
	return sbytes(s.d.ms[i])
}

// RemoveAt removes the i-th member in iteration order.
func (s *Set) RemoveAt(i int) { s.removeAt(i) }

// Scan visits members from cursor and returns the next cursor (0 when
// done). Intsets and listpacks are visited whole in one call; hashtables
// by descending index (see Hash.Scan).
func (s *Set) Scan(cursor uint64, count int, fn func(m []byte)) uint64 {
	if s.d == nil {
		s.ForEach(func(m []byte) bool { fn(m); return true })
		return 0
	}
	return denseScan(len(s.d.ms), cursor, count, func(i int) { fn(sbytes(s.d.ms[i])) })
}

// IntsetValues returns the intset's integers (persistence, tests), or nil.
func (s *Set) IntsetValues() []int64 {
	if s.enc() != encIntset {
		return nil
	}
	out := make([]int64, s.isLen())
	for i := range out {
		out[i] = s.isGet(i)
	}
	return out
}
