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
type Set struct {
	enc uint8
	w   uint8  // intset element width in bytes: 2, 4 or 8
	buf []byte // intset or listpack entries
	n   int    // members in buf
	d   *sdense
}

const (
	encIntset = iota
	encListpack
	encHT
)

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
		return &Set{enc: encIntset, w: 2}
	}
	if sizeHint <= lim.MaxListpack {
		return &Set{enc: encListpack}
	}
	return &Set{enc: encHT, d: &sdense{idx: make(map[string]int32, sizeHint)}}
}

// NewIntSet returns an empty intset-encoded set (the destination of
// SINTERSTORE / SUNIONSTORE / SDIFFSTORE starts as one, as in Redis).
func NewIntSet() *Set { return &Set{enc: encIntset, w: 2} }

// Type returns "set".
func (s *Set) Type() string { return "set" }

// Encoding returns "intset", "listpack" or "hashtable".
func (s *Set) Encoding() string {
	switch s.enc {
	case encIntset:
		return "intset"
	case encListpack:
		return "listpack"
	}
	return "hashtable"
}

// Len returns the number of members.
func (s *Set) Len() int {
	if s.enc == encHT {
		return len(s.d.ms)
	}
	return s.n
}

// --- intset ---

func (s *Set) isGet(i int) int64 {
	switch s.w {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(s.buf[2*i:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(s.buf[4*i:])))
	}
	return int64(binary.LittleEndian.Uint64(s.buf[8*i:]))
}

func (s *Set) isPut(i int, v int64) {
	switch s.w {
	case 2:
		binary.LittleEndian.PutUint16(s.buf[2*i:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(s.buf[4*i:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(s.buf[8*i:], uint64(v))
	}
}

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
	lo, hi := 0, s.n
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
	nb := make([]byte, s.n*int(w), s.n*int(w)+int(w))
	old := *s
	s.buf = nb
	s.w = w
	for i := 0; i < s.n; i++ {
		s.isPut(i, old.isGet(i))
	}
}

func (s *Set) isAdd(v int64) bool {
	if w := widthFor(v); w > s.w {
		s.isUpgrade(w)
	} else if _, ok := s.isSearch(v); ok {
		return false
	}
	pos, _ := s.isSearch(v)
	w := int(s.w)
	s.buf = grow(s.buf, w)
	copy(s.buf[(pos+1)*w:], s.buf[pos*w:s.n*w])
	s.n++
	s.isPut(pos, v)
	return true
}

func (s *Set) isRemoveAt(pos int) {
	w := int(s.w)
	copy(s.buf[pos*w:], s.buf[(pos+1)*w:])
	s.buf = s.buf[:len(s.buf)-w]
	s.n--
}

// --- listpack ---

func (s *Set) lpFind(m []byte) (int, int) {
	for off := 0; off < len(s.buf); {
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
	s.enc, s.d, s.buf, s.n = encHT, d, nil, 0
}

func (s *Set) intsetToListpack() {
	var lp []byte
	var tmp [24]byte
	for i := 0; i < s.n; i++ {
		lp = lpAppend(lp, strconv.AppendInt(tmp[:0], s.isGet(i), 10))
	}
	s.enc, s.buf = encListpack, lp
}

// Add adds m and reports whether it was new, converting the encoding as
// Redis 7.2's setTypeAdd does.
func (s *Set) Add(m []byte, lim SetLimits) bool {
	switch s.enc {
	case encIntset:
		if v, ok := lpInt(m); ok {
			if !s.isAdd(v) {
				return false
			}
			if s.n > lim.MaxIntset {
				s.toHT(s.n)
			}
			return true
		}
		maxlen := 0
		if s.n > 0 {
			maxlen = max(digits10(s.isGet(0)), digits10(s.isGet(s.n-1)))
		}
		if s.n < lim.MaxListpack && len(m) <= lim.MaxValue && maxlen <= lim.MaxValue {
			s.intsetToListpack()
			s.buf = lpAppend(s.buf, m)
			s.n++
			return true
		}
		s.toHT(s.n + 1)
		return s.Add(m, lim)
	case encListpack:
		if off, _ := s.lpFind(m); off >= 0 {
			return false
		}
		if s.n < lim.MaxListpack && len(m) <= lim.MaxValue {
			s.buf = lpAppend(s.buf, m)
			s.n++
			return true
		}
		s.toHT(s.n + 1)
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
	switch s.enc {
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
		s.n--
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
	switch s.enc {
	case encIntset:
		s.isRemoveAt(i)
	case encListpack:
		off := 0
		for ; i > 0; i-- {
			off = lpSkip(s.buf, off)
		}
		s.buf = lpDelete(s.buf, off, lpSkip(s.buf, off))
		s.n--
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
	switch s.enc {
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
	switch s.enc {
	case encIntset:
		var tmp [24]byte
		for i := 0; i < s.n; i++ {
			if !fn(strconv.AppendInt(tmp[:0], s.isGet(i), 10)) {
				return
			}
		}
	case encListpack:
		for off := 0; off < len(s.buf); {
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
	switch s.enc {
	case encIntset:
		return strconv.AppendInt(scratch[:0], s.isGet(i), 10)
	case encListpack:
		off := 0
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
	if s.enc != encHT {
		s.ForEach(func(m []byte) bool { fn(m); return true })
		return 0
	}
	return denseScan(len(s.d.ms), cursor, count, func(i int) { fn(sbytes(s.d.ms[i])) })
}

// IntsetValues returns the intset's integers (persistence, tests), or nil.
func (s *Set) IntsetValues() []int64 {
	if s.enc != encIntset {
		return nil
	}
	out := make([]int64, s.n)
	for i := range out {
		out[i] = s.isGet(i)
	}
	return out
}
