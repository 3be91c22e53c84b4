package rdb

import (
	"encoding/binary"
	"errors"
	"github.com/redwingdb/redwing/internal/lzf"
	"math"
	"strconv"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

// Limits are the encoding thresholds values are built with when loaded
// (the *-max-listpack-* settings), so loaded values get the encodings
// Redis would give them.
type Limits struct {
	HashMaxEntries int
	HashMaxValue   int
	List           types.ListLimits
	Set            types.SetLimits
	ZSet           types.ZLimits
	Stream         types.StreamLimits
}

// DefaultLimits are Redis's default thresholds.
func DefaultLimits() Limits {
	return Limits{
		HashMaxEntries: 128, HashMaxValue: 64,
		List:   types.ListFill(-2),
		Set:    types.SetLimits{MaxIntset: 512, MaxListpack: 128, MaxValue: 64},
		ZSet:   types.ZLimits{Entries: 128, Value: 64},
		Stream: types.StreamLimits{MaxBytes: 4096, MaxEntries: 100},
	}
}

// errEmptyKey reports a collection stored with no elements: Redis skips
// such keys when loading a file and rejects them in RESTORE.
var errEmptyKey = errors.New("empty key")

// decoder reads values from a source.
type decoder struct {
	src *source
	lim Limits
	tmp []byte
	now int64 // unix ms: hash fields expired by then are dropped (0: keep all)
}

// readLen reads an RDB length; enc reports a special string encoding
// (the low 6 bits in n).
func (d *decoder) readLen() (n uint64, enc bool, err error) {
	b, err := d.src.readByte()
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case 0:
		return uint64(b & 0x3f), false, nil
	case 1:
		b2, err := d.src.readByte()
		if err != nil {
			return 0, false, err
		}
		return uint64(b&0x3f)<<8 | uint64(b2), false, nil
	case 2:
		switch b {
		case 0x80:
			p, err := d.src.next(4)
			if err != nil {
				return 0, false, err
			}
			return uint64(binary.BigEndian.Uint32(p)), false, nil
		case 0x81:
			p, err := d.src.next(8)
			if err != nil {
				return 0, false, err
			}
			return binary.BigEndian.Uint64(p), false, nil
		}
		return 0, false, d.src.errf("unknown length encoding %#x", b)
	}
	return uint64(b & 0x3f), true, nil
}

// length reads a plain length (no string encodings allowed).
func (d *decoder) length() (uint64, error) {
	n, enc, err := d.readLen()
	if err == nil && enc {
		return 0, d.src.errf("unexpected encoded length")
	}
	return n, err
}

// count reads an element count, refusing counts that cannot fit in what
// is left of the input (each element takes at least one byte).
func (d *decoder) count() (int, error) {
	n, err := d.length()
	if err != nil {
		return 0, err
	}
	if av := d.src.available(); (av >= 0 && n > uint64(av)) || n > math.MaxInt32*4 {
		return 0, d.src.errf("element count %d exceeds the input", n)
	}
	return int(n), nil
}

// readString reads a string in any of its encodings into a new slice.
func (d *decoder) readString() ([]byte, error) {
	n, enc, err := d.readLen()
	if err != nil {
		return nil, err
	}
	if !enc {
		return d.src.readBytes(n)
	}
	switch n {
	case 0:
		b, err := d.src.next(1)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, int64(int8(b[0])), 10), nil
	case 1:
		b, err := d.src.next(2)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, int64(int16(binary.LittleEndian.Uint16(b))), 10), nil
	case 2:
		b, err := d.src.next(4)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, int64(int32(binary.LittleEndian.Uint32(b))), 10), nil
	case 3:
		clen, err := d.length()
		if err != nil {
			return nil, err
		}
		ulen, err := d.length()
		if err != nil {
			return nil, err
		}
		if ulen > 1<<40 || clen > 1<<40 {
			return nil, d.src.errf("LZF string too large")
		}
		comp, err := d.src.readBytes(clen)
		if err != nil {
			return nil, err
		}
		// LZF expands at most ~ 264/2 times; refuse absurd claims.
		if ulen > 0 && (clen == 0 || ulen/clen > 300) {
			return nil, d.src.errf("invalid LZF compressed string")
		}
		out := make([]byte, ulen)
		if !lzf.Decompress(comp, out) {
			return nil, d.src.errf("invalid LZF compressed string")
		}
		return out, nil
	}
	return nil, d.src.errf("unknown string encoding %d", n)
}

// readDoubleString reads the old string-format double (ZSET type 3).
func (d *decoder) readDoubleString() (float64, error) {
	b, err := d.src.readByte()
	if err != nil {
		return 0, err
	}
	switch b {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	p, err := d.src.next(int(b))
	if err != nil {
		return 0, err
	}
	v, perr := strconv.ParseFloat(string(p), 64)
	if perr != nil {
		return 0, d.src.errf("invalid double value")
	}
	return v, nil
}

func (d *decoder) readBinaryDouble() (float64, error) {
	p, err := d.src.next(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(p)), nil
}

func (d *decoder) readMillis() (int64, error) {
	p, err := d.src.next(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(p)), nil
}

// readValue reads the value of an object of type t into ent (Str or Obj).
func (d *decoder) readValue(t byte, ent *keyspace.Entry) error {
	switch t {
	case TypeString:
		s, err := d.readString()
		if err != nil {
			return err
		}
		ent.SetStr(s)
		return nil
	case TypeList, TypeListZiplist, TypeListQuicklist, TypeListQuicklist2:
		l, err := d.readList(t)
		if err != nil {
			return err
		}
		ent.SetObj(l)
	case TypeSet, TypeSetIntset, TypeSetListpack:
		s, err := d.readSet(t)
		if err != nil {
			return err
		}
		ent.SetObj(s)
	case TypeZSet, TypeZSet2, TypeZSetZiplist, TypeZSetListpack:
		z, err := d.readZSet(t)
		if err != nil {
			return err
		}
		ent.SetObj(z)
	case TypeHash, TypeHashZipmap, TypeHashZiplist, TypeHashListpack:
		h, err := d.readHash(t)
		if err != nil {
			return err
		}
		ent.SetObj(h)
	case TypeHashMetadataPreGA, TypeHashListpackExPreGA, TypeHashMetadata, TypeHashListpackEx:
		h, err := d.readHashTTL(t)
		if err != nil {
			return err
		}
		ent.SetObj(h)
	case TypeStreamListpacks, TypeStreamListpacks2, TypeStreamListpacks3:
		s, err := d.readStream(t)
		if err != nil {
			return err
		}
		ent.SetObj(s)
	case TypeModulePreGA, TypeModule2:
		return d.src.errf("the RDB file contains module data, which Redwing cannot load")
	default:
		return d.src.errf("unknown RDB object type %d", t)
	}
	return nil
}

func (d *decoder) readList(t byte) (*types.List, error) {
	l := types.NewList()
	lim := d.lim.List
	switch t {
	case TypeList:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			v, err := d.readString()
			if err != nil {
				return nil, err
			}
			l.PushBack(lim, v)
		}
	case TypeListZiplist:
		zl, err := d.readString()
		if err != nil {
			return nil, err
		}
		if err := ziplistEach(zl, func(v []byte) error { l.PushBack(lim, v); return nil }); err != nil {
			return nil, d.src.errf("%v", err)
		}
	case TypeListQuicklist, TypeListQuicklist2:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			container := uint64(qlNodePacked)
			if t == TypeListQuicklist2 {
				if container, err = d.length(); err != nil {
					return nil, err
				}
			}
			blob, err := d.readString()
			if err != nil {
				return nil, err
			}
			switch {
			case container == qlNodePlain:
				l.PushBack(lim, blob)
			case container != qlNodePacked:
				return nil, d.src.errf("quicklist integrity check failed")
			case t == TypeListQuicklist:
				if err := ziplistEach(blob, func(v []byte) error { l.PushBack(lim, v); return nil }); err != nil {
					return nil, d.src.errf("%v", err)
				}
			default:
				it, err := newLpIter(blob)
				if err != nil {
					return nil, d.src.errf("%v", err)
				}
				cnt := 0
				for {
					v, done, err := it.next()
					if err != nil {
						return nil, d.src.errf("%v", err)
					}
					if done {
						break
					}
					l.PushBack(lim, v)
					cnt++
				}
				if cnt == 0 {
					return nil, d.src.errf("empty listpack in quicklist node")
				}
			}
		}
	}
	if l.Len() == 0 {
		return nil, errEmptyKey
	}
	return l, nil
}

func (d *decoder) readSet(t byte) (*types.Set, error) {
	var s *types.Set
	add := func(m []byte, hint int) error {
		if s == nil {
			s = types.NewSet(m, hint, d.lim.Set)
		}
		if !s.Add(m, d.lim.Set) {
			return d.src.errf("duplicate set members detected")
		}
		return nil
	}
	switch t {
	case TypeSet:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			m, err := d.readString()
			if err != nil {
				return nil, err
			}
			if err := add(m, n); err != nil {
				return nil, err
			}
		}
	case TypeSetIntset:
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		vs, err := intsetValues(blob)
		if err != nil {
			return nil, d.src.errf("%v", err)
		}
		var tmp [24]byte
		for _, v := range vs {
			if err := add(strconv.AppendInt(tmp[:0], v, 10), len(vs)); err != nil {
				return nil, err
			}
		}
	case TypeSetListpack:
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		n, err := lpCount(blob)
		if err != nil {
			return nil, d.src.errf("%v", err)
		}
		it, _ := newLpIter(blob)
		for {
			v, done, err := it.next()
			if err != nil {
				return nil, d.src.errf("%v", err)
			}
			if done {
				break
			}
			if err := add(v, n); err != nil {
				return nil, err
			}
		}
	}
	if s == nil || s.Len() == 0 {
		return nil, errEmptyKey
	}
	return s, nil
}

func (d *decoder) readZSet(t byte) (*types.ZSet, error) {
	var z *types.ZSet
	add := func(m []byte, sc float64, hint int) error {
		if z == nil {
			if hint > d.lim.ZSet.Entries {
				z = types.NewZSetSkiplist(hint)
			} else {
				z = types.NewZSet()
			}
		}
		if math.IsNaN(sc) {
			return d.src.errf("zset with NAN score detected")
		}
		out, _ := z.Add(sc, m, 0, d.lim.ZSet)
		if out&types.ZAddOutAdded == 0 {
			return d.src.errf("duplicate zset fields detected")
		}
		return nil
	}
	switch t {
	case TypeZSet, TypeZSet2:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			m, err := d.readString()
			if err != nil {
				return nil, err
			}
			var sc float64
			if t == TypeZSet2 {
				sc, err = d.readBinaryDouble()
			} else {
				sc, err = d.readDoubleString()
			}
			if err != nil {
				return nil, err
			}
			if err := add(m, sc, n); err != nil {
				return nil, err
			}
		}
	case TypeZSetZiplist, TypeZSetListpack:
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		var member []byte
		odd := false
		pairs := 0
		each := func(v []byte) error {
			if !odd {
				member = append(member[:0], v...)
				odd = true
				return nil
			}
			odd = false
			sc, perr := strconv.ParseFloat(string(v), 64)
			if perr != nil {
				return d.src.errf("invalid zset score")
			}
			pairs++
			return add(member, sc, 0)
		}
		if t == TypeZSetZiplist {
			if err := ziplistEach(blob, each); err != nil {
				return nil, wrapErr(d.src, err)
			}
		} else {
			it, err := newLpIter(blob)
			if err != nil {
				return nil, d.src.errf("%v", err)
			}
			for {
				v, done, err := it.next()
				if err != nil {
					return nil, d.src.errf("%v", err)
				}
				if done {
					break
				}
				if err := each(v); err != nil {
					return nil, err
				}
			}
		}
		if odd {
			return nil, d.src.errf("zset listpack with an odd number of elements")
		}
	}
	if z == nil || z.Len() == 0 {
		return nil, errEmptyKey
	}
	return z, nil
}

func (d *decoder) readHash(t byte) (*types.Hash, error) {
	h := types.NewHash()
	maxE, maxV := d.lim.HashMaxEntries, d.lim.HashMaxValue
	set := func(f, v []byte) error {
		if !h.Set(f, v, false, maxE, maxV) {
			return d.src.errf("duplicate hash fields detected")
		}
		return nil
	}
	switch t {
	case TypeHash:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		if n > maxE {
			h.Convert()
		}
		for i := 0; i < n; i++ {
			f, err := d.readString()
			if err != nil {
				return nil, err
			}
			v, err := d.readString()
			if err != nil {
				return nil, err
			}
			if err := set(f, v); err != nil {
				return nil, err
			}
		}
	case TypeHashZipmap:
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		if err := zipmapEach(blob, set); err != nil {
			return nil, wrapErr(d.src, err)
		}
	case TypeHashZiplist, TypeHashListpack:
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		var field []byte
		odd := false
		each := func(v []byte) error {
			if !odd {
				field = append(field[:0], v...)
				odd = true
				return nil
			}
			odd = false
			return set(field, v)
		}
		if t == TypeHashZiplist {
			if err := ziplistEach(blob, each); err != nil {
				return nil, wrapErr(d.src, err)
			}
		} else {
			it, err := newLpIter(blob)
			if err != nil {
				return nil, d.src.errf("%v", err)
			}
			for {
				v, done, err := it.next()
				if err != nil {
					return nil, d.src.errf("%v", err)
				}
				if done {
					break
				}
				if err := each(v); err != nil {
					return nil, err
				}
			}
		}
		if odd {
			return nil, d.src.errf("hash listpack with an odd number of elements")
		}
	}
	if h.Len() == 0 {
		return nil, errEmptyKey
	}
	return h, nil
}

// wrapErr adds the offset to a plain error, keeping *Error values.
func wrapErr(src *source, err error) error {
	if _, ok := err.(*Error); ok {
		return err
	}
	return src.errf("%v", err)
}
