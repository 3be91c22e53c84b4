package types

import (
	"bytes"
	"math"
)

// Hash is a Redis hash. Small hashes are a listpack-like flat buffer of
// field, value entries in insertion order; a hash that grows past the
// configured thresholds becomes a hashtable: a dense slice of entries plus
// an index map. The dense slice gives stable iteration (HKEYS and HVALS
// agree), O(1) uniform random picks (HRANDFIELD) and a scan cursor that
// never misses an entry present for a whole scan (see Scan).
//
// Fields may carry an expiry time (Redis 7.4 hash field expiration). The
// hash never hides expired fields by itself: callers run ExpireFields(now)
// before using it, which removes them.
//
// A small hash costs its 32-byte header plus the buffer: the field count of
// a listpack is not stored but counted (listpacks are short), and the
// hashtable and field-TTL state hang off one optional pointer.
type Hash struct {
	lp []byte   // listpack: field, value, field, value ... (when not a hashtable)
	x  *hashExt // nil for a plain listpack hash
}

// hashExt is the state of a hashtable or of a hash with field TTLs.
type hashExt struct {
	hdense           // hashtable when idx != nil
	ttl    *fieldTTL // field expiry times, nil when none was ever set
	ex     bool      // listpackex: a field TTL was set while listpack-encoded
}

// hent is one field and its value, stored in one allocation.
type hent struct {
	s  string // field + value
	fl uint32 // len(field)
}

func (e *hent) field() string { return e.s[:e.fl] }
func (e *hent) value() string { return e.s[e.fl:] }

type hdense struct {
	ents []hent
	idx  map[string]int32 // field -> index in ents; keys share ents' memory
}

// fieldTTL holds the expiry times of fields, by entry ordinal (pair index
// in the listpack, slice index in the hashtable).
type fieldTTL struct {
	at  []int64 // unix ms; 0 = no TTL
	cnt int     // number of non-zero entries in at
	min int64   // lower bound of the earliest expiry; MaxInt64 when none
}

// NewHash returns an empty listpack-encoded hash.
func NewHash() *Hash { return &Hash{} }

// Type returns "hash".
func (h *Hash) Type() string { return "hash" }

// Encoding returns the OBJECT ENCODING name.
func (h *Hash) Encoding() string {
	switch {
	case h.isHT():
		return "hashtable"
	case h.x != nil && h.x.ex:
		return "listpackex"
	}
	return "listpack"
}

func (h *Hash) isHT() bool { return h.x != nil && h.x.idx != nil }

// dense returns the hashtable, or nil for a listpack.
func (h *Hash) dense() *hdense {
	if h.x != nil && h.x.idx != nil {
		return &h.x.hdense
	}
	return nil
}

func (h *Hash) ext() *hashExt {
	if h.x == nil {
		h.x = &hashExt{}
	}
	return h.x
}

// ttls returns the field TTL state, or nil.
func (h *Hash) ttls() *fieldTTL {
	if h.x == nil {
		return nil
	}
	return h.x.ttl
}

// Len returns the number of fields (including expired ones not yet removed).
func (h *Hash) Len() int {
	if d := h.dense(); d != nil {
		return len(d.ents)
	}
	n := 0
	for off := 0; off < len(h.lp); n++ {
		off = lpSkip(h.lp, lpSkip(h.lp, off))
	}
	return n
}

// IsListpack reports whether the hash uses the compact encoding.
func (h *Hash) IsListpack() bool { return !h.isHT() }

// lpFind returns the pair ordinal and the offsets of the field entry and
// of the value entry, or i == -1 and, in end, the number of pairs.
func (h *Hash) lpFind(f []byte) (i, foff, voff, end int) {
	off := 0
	for i = 0; off < len(h.lp); i++ {
		fv, next := lpNext(h.lp, off)
		vend := lpSkip(h.lp, next)
		if bytes.Equal(fv, f) {
			return i, off, next, vend
		}
		off = vend
	}
	return -1, 0, 0, i
}

func (h *Hash) index(f []byte) int {
	if d := h.dense(); d != nil {
		if i, ok := d.idx[string(f)]; ok {
			return int(i)
		}
		return -1
	}
	i, _, _, _ := h.lpFind(f)
	return i
}

// Get returns the value of field f. The returned slice must not be
// modified and is valid until the next change to the hash.
func (h *Hash) Get(f []byte) ([]byte, bool) {
	if d := h.dense(); d != nil {
		i, ok := d.idx[string(f)]
		if !ok {
			return nil, false
		}
		return sbytes(d.ents[i].value()), true
	}
	i, _, voff, _ := h.lpFind(f)
	if i < 0 {
		return nil, false
	}
	v, _ := lpNext(h.lp, voff)
	return v, true
}

// Has reports whether field f exists.
func (h *Hash) Has(f []byte) bool { return h.index(f) >= 0 }

// StrLen returns the length of f's value, or 0.
func (h *Hash) StrLen(f []byte) int {
	v, _ := h.Get(f)
	return len(v)
}

// Set sets f to v and reports whether f is a new field. The field's TTL is
// cleared unless keepTTL. A listpack hash becomes a hashtable first when f
// or v is longer than maxValue, and afterwards when it has more than
// maxEntries fields (Redis's hashTypeSet).
func (h *Hash) Set(f, v []byte, keepTTL bool, maxEntries, maxValue int) bool {
	if !h.isHT() && (len(f) > maxValue || len(v) > maxValue) {
		h.Convert()
	}
	if d := h.dense(); d != nil {
		s := string(append(append(make([]byte, 0, len(f)+len(v)), f...), v...))
		e := hent{s: s, fl: uint32(len(f))}
		if i, ok := d.idx[string(f)]; ok {
			d.ents[i] = e
			delete(d.idx, string(f)) // drop the old key's memory
			d.idx[e.field()] = i
			if !keepTTL {
				h.clearTTL(int(i))
			}
			return false
		}
		d.idx[e.field()] = int32(len(d.ents))
		d.ents = append(d.ents, e)
		if t := h.ttls(); t != nil {
			t.at = append(t.at, 0)
		}
		return true
	}
	i, _, voff, n := h.lpFind(f)
	if i >= 0 {
		h.lp = lpReplace(h.lp, voff, n, v)
		if !keepTTL {
			h.clearTTL(i)
		}
		return false
	}
	fs, vs := lpEntrySize(len(f)), lpEntrySize(len(v))
	h.lp = grow(h.lp, fs+vs)
	lpPut(h.lp[len(h.lp)-fs-vs:], f)
	lpPut(h.lp[len(h.lp)-vs:], v)
	if t := h.ttls(); t != nil {
		t.at = append(t.at, 0)
	}
	if n+1 > maxEntries {
		h.Convert()
	}
	return true
}

// Delete removes field f and reports whether it existed.
func (h *Hash) Delete(f []byte) bool {
	if d := h.dense(); d != nil {
		i, ok := d.idx[string(f)]
		if !ok {
			return false
		}
		h.denseDelete(int(i))
		return true
	}
	i, foff, _, vend := h.lpFind(f)
	if i < 0 {
		return false
	}
	h.lp = lpDelete(h.lp, foff, vend)
	if t := h.ttls(); t != nil {
		if t.at[i] != 0 {
			t.cnt--
		}
		t.at = append(t.at[:i], t.at[i+1:]...)
	}
	if len(h.lp) == 0 {
		h.lp = nil
	}
	return true
}

func (h *Hash) denseDelete(i int) {
	d := h.dense()
	last := len(d.ents) - 1
	delete(d.idx, d.ents[i].field())
	if i != last {
		d.ents[i] = d.ents[last]
		d.idx[d.ents[i].field()] = int32(i)
	}
	d.ents[last] = hent{}
	d.ents = d.ents[:last]
	if t := h.ttls(); t != nil {
		if t.at[i] != 0 {
			t.cnt--
		}
		t.at[i] = t.at[last]
		t.at = t.at[:last]
	}
}

// Convert turns a listpack hash into a hashtable.
func (h *Hash) Convert() {
	if h.isHT() {
		return
	}
	n := h.Len()
	d := &h.ext().hdense
	d.ents = make([]hent, 0, n)
	d.idx = make(map[string]int32, n)
	for off := 0; off < len(h.lp); {
		var f, v []byte
		f, off = lpNext(h.lp, off)
		v, off = lpNext(h.lp, off)
		s := string(append(append(make([]byte, 0, len(f)+len(v)), f...), v...))
		e := hent{s: s, fl: uint32(len(f))}
		d.idx[e.field()] = int32(len(d.ents))
		d.ents = append(d.ents, e)
	}
	h.lp = nil
}

// ForEach calls fn for every field in iteration order until fn returns
// false. The slices are read-only views valid during the call.
func (h *Hash) ForEach(fn func(f, v []byte) bool) {
	if d := h.dense(); d != nil {
		for i := range d.ents {
			e := &d.ents[i]
			if !fn(sbytes(e.field()), sbytes(e.value())) {
				return
			}
		}
		return
	}
	for off := 0; off < len(h.lp); {
		var f, v []byte
		f, off = lpNext(h.lp, off)
		v, off = lpNext(h.lp, off)
		if !fn(f, v) {
			return
		}
	}
}

// At returns the i-th field in iteration order (0 <= i < Len()).
func (h *Hash) At(i int) (f, v []byte) {
	if d := h.dense(); d != nil {
		e := &d.ents[i]
		return sbytes(e.field()), sbytes(e.value())
	}
	off := 0
	for ; i > 0; i-- {
		off = lpSkip(h.lp, lpSkip(h.lp, off))
	}
	f, off = lpNext(h.lp, off)
	v, _ = lpNext(h.lp, off)
	return f, v
}

// Scan visits fields from cursor and returns the next cursor (0 when the
// scan is complete). A listpack hash is visited whole in one call. A
// hashtable is visited by descending slice index, about count entries per
// call: deletion moves the last entry into the hole, so entries only move
// towards lower indexes and an entry present during the whole scan is
// returned at least once.
func (h *Hash) Scan(cursor uint64, count int, fn func(f, v []byte)) uint64 {
	d := h.dense()
	if d == nil {
		h.ForEach(func(f, v []byte) bool { fn(f, v); return true })
		return 0
	}
	return denseScan(len(d.ents), cursor, count, func(i int) {
		e := &d.ents[i]
		fn(sbytes(e.field()), sbytes(e.value()))
	})
}

// denseScan implements the descending-index cursor shared by hashtables.
func denseScan(n int, cursor uint64, count int, fn func(i int)) uint64 {
	i := n
	if cursor != 0 && cursor < uint64(n) {
		i = int(cursor)
	}
	if count < 1 {
		count = 1
	}
	for ; i > 0 && count > 0; count-- {
		i--
		fn(i)
	}
	return uint64(i)
}

// Field expiration.

// HasTTLs reports whether any field has an expiry time.
func (h *Hash) HasTTLs() bool { t := h.ttls(); return t != nil && t.cnt > 0 }

// FieldExpire returns f's expiry time (0 when it has none) and whether f exists.
func (h *Hash) FieldExpire(f []byte) (int64, bool) {
	i := h.index(f)
	if i < 0 {
		return 0, false
	}
	t := h.ttls()
	if t == nil {
		return 0, true
	}
	return t.at[i], true
}

// SetFieldExpire sets the expiry time of an existing field f (at > 0) and
// reports whether f exists.
func (h *Hash) SetFieldExpire(f []byte, at int64) bool {
	i := h.index(f)
	if i < 0 {
		return false
	}
	x := h.ext()
	if x.ttl == nil {
		x.ttl = &fieldTTL{at: make([]int64, h.Len()), min: math.MaxInt64}
	}
	if x.idx == nil {
		x.ex = true
	}
	t := x.ttl
	if t.at[i] == 0 {
		t.cnt++
	}
	t.at[i] = at
	if at < t.min {
		t.min = at
	}
	return true
}

// PersistField removes f's expiry time; it reports whether f had one.
func (h *Hash) PersistField(f []byte) bool {
	i := h.index(f)
	if i < 0 {
		return false
	}
	return h.clearTTL(i)
}

func (h *Hash) clearTTL(i int) bool {
	t := h.ttls()
	if t == nil || t.at[i] == 0 {
		return false
	}
	t.at[i] = 0
	t.cnt--
	return true
}

// NextExpire returns the earliest field expiry time, or 0 when no field
// has one.
func (h *Hash) NextExpire() int64 {
	t := h.ttls()
	if t == nil || t.cnt == 0 {
		return 0
	}
	m := int64(math.MaxInt64)
	for _, at := range t.at {
		if at != 0 && at < m {
			m = at
		}
	}
	t.min = m
	return m
}

// ExpireFields removes every field whose expiry time is before now (a
// field is still there at its expiry millisecond, as a key), calling fn
// (if not nil) with each removed field before it goes, and returns how
// many were removed. It is cheap when no field is due.
func (h *Hash) ExpireFields(now int64, fn func(f []byte)) int {
	t := h.ttls()
	if t == nil || t.cnt == 0 || t.min >= now {
		return 0
	}
	removed := 0
	if d := h.dense(); d != nil {
		for i := len(d.ents) - 1; i >= 0; i-- {
			if at := t.at[i]; at != 0 && at < now {
				if fn != nil {
					fn(sbytes(d.ents[i].field()))
				}
				h.denseDelete(i)
				removed++
			}
		}
	} else {
		off := 0
		for i := 0; off < len(h.lp); {
			_, next := lpNext(h.lp, off)
			vend := lpSkip(h.lp, next)
			if at := t.at[i]; at != 0 && at < now {
				if fn != nil {
					f, _ := lpNext(h.lp, off)
					fn(f)
				}
				h.lp = lpDelete(h.lp, off, vend)
				t.cnt--
				t.at = append(t.at[:i], t.at[i+1:]...)
				removed++
				continue
			}
			off = vend
			i++
		}
		if len(h.lp) == 0 {
			h.lp = nil
		}
	}
	h.NextExpire()
	if t.cnt == 0 {
		t.min = math.MaxInt64
	}
	return removed
}

// ForEachTTL is ForEach with each field's expiry time (0 when none), for
// persistence.
func (h *Hash) ForEachTTL(fn func(f, v []byte, at int64) bool) {
	t := h.ttls()
	i := 0
	h.ForEach(func(f, v []byte) bool {
		var at int64
		if t != nil {
			at = t.at[i]
		}
		i++
		return fn(f, v, at)
	})
}

// Packed forms (keyspace.Packer): a kind byte, then the encoding's bytes.
const packedHash = 'h'

// PackedLen implements keyspace.Packer: a plain listpack hash (no field
// TTLs) packs as its listpack.
func (h *Hash) PackedLen() int {
	if h.x != nil || len(h.lp) == 0 {
		return -1
	}
	return 1 + len(h.lp)
}

// PackTo implements keyspace.Packer.
func (h *Hash) PackTo(dst []byte) {
	dst[0] = packedHash
	copy(dst[1:], h.lp)
}

// Unpack returns the object of packed bytes (PackTo) as a view of b.
func Unpack(b []byte) interface {
	Type() string
	Encoding() string
} {
	switch b[0] {
	case packedHash:
		return &Hash{lp: b[1:]}
	}
	panic("types: unknown packed object")
}
