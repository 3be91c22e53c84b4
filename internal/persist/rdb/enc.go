package rdb

import (
	"encoding/binary"
	"fmt"
	"github.com/redwingdb/redwing/internal/lzf"
	"math"
	"strconv"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

// Object types and opcodes (rdb.h).
const (
	TypeString           = 0
	TypeList             = 1
	TypeSet              = 2
	TypeZSet             = 3
	TypeHash             = 4
	TypeZSet2            = 5
	TypeModulePreGA      = 6
	TypeModule2          = 7
	TypeHashZipmap       = 9
	TypeListZiplist      = 10
	TypeSetIntset        = 11
	TypeZSetZiplist      = 12
	TypeHashZiplist      = 13
	TypeListQuicklist    = 14
	TypeStreamListpacks  = 15
	TypeHashListpack     = 16
	TypeZSetListpack     = 17
	TypeListQuicklist2   = 18
	TypeStreamListpacks2 = 19
	TypeSetListpack      = 20
	TypeStreamListpacks3 = 21
	// Hashes with field TTLs (Redis 7.4's RDB 12 types). Redwing writes
	// TypeHashMetadata for such hashes whatever the header version: no
	// earlier type can hold field TTLs.
	TypeHashMetadataPreGA   = 22
	TypeHashListpackExPreGA = 23
	TypeHashMetadata        = 24
	TypeHashListpackEx      = 25

	OpFunctionPreGA = 246
	OpFunction2     = 245
	OpModuleAux     = 247
	OpIdle          = 248
	OpFreq          = 249
	OpAux           = 250
	OpResizeDB      = 251
	OpExpireTimeMs  = 252
	OpExpireTime    = 253
	OpSelectDB      = 254
	OpEOF           = 255
)

// Versions: Version is what Redwing writes by default (Redis 7.2's);
// MinVersion..MaxVersion are read.
const (
	Version    = 11
	MinVersion = 1
	MaxVersion = 11
	// DumpVersion is the RDB version of DUMP payloads: Redis 7.0's, so that
	// payloads RESTORE into Redis 7.0 and later (and compare byte for byte
	// with redis-server 7.0's DUMP).
	DumpVersion = 10
)

// Quicklist node containers.
const (
	qlNodePlain  = 1
	qlNodePacked = 2
)

// Options select the output format.
type Options struct {
	// Version is the RDB version written: 10 (Redis 7.0) or 11 (7.2, the
	// default). Version 10 writes listpack-encoded sets as plain sets.
	Version int
	// Compress LZF-compresses strings longer than 20 bytes (rdbcompression).
	Compress bool
}

// Encoder serialises values in RDB encoding. It keeps scratch buffers
// between calls and is not safe for concurrent use.
type Encoder struct {
	Opt  Options
	lz   lzf.Compressor
	lp   lpBuilder
	lpb  []byte
	lens []int
	tmp  []byte
}

// NewEncoder returns an encoder for opt.
func NewEncoder(opt Options) *Encoder {
	if opt.Version == 0 {
		opt.Version = Version
	}
	return &Encoder{Opt: opt}
}

// AppendLen appends an RDB length.
func AppendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, byte(n>>8)|0x40, byte(n))
	case n <= math.MaxUint32:
		dst = append(dst, 0x80)
		return binary.BigEndian.AppendUint32(dst, uint32(n))
	}
	dst = append(dst, 0x81)
	return binary.BigEndian.AppendUint64(dst, n)
}

// tryIntEncoding returns the RDB integer encoding of s when s is a
// canonical integer in the int32 range (rdbTryIntegerEncoding).
func appendIntEncoded(dst []byte, s []byte) ([]byte, bool) {
	if len(s) == 0 || len(s) > 11 {
		return dst, false
	}
	v, ok := lpStringToInt64(s)
	if !ok {
		return dst, false
	}
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(dst, 0xC0, byte(int8(v))), true
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return append(dst, 0xC1, byte(v), byte(v>>8)), true
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return append(dst, 0xC2, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)), true
	}
	return dst, false
}

// AppendString appends s as rdbSaveRawString does: integer-encoded when
// possible, LZF-compressed when enabled and worthwhile, raw otherwise.
func (e *Encoder) AppendString(dst []byte, s []byte) []byte {
	if out, ok := appendIntEncoded(dst, s); ok {
		return out
	}
	if e.Opt.Compress && len(s) > 20 {
		if c := e.lz.Compress(s, len(s)-4); c != nil {
			dst = append(dst, 0xC3)
			dst = AppendLen(dst, uint64(len(c)))
			dst = AppendLen(dst, uint64(len(s)))
			return append(dst, c...)
		}
	}
	dst = AppendLen(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendBlob appends a listpack or intset blob (rdbSaveRawString: such
// blobs never parse as integers).
func (e *Encoder) appendBlob(dst []byte, s []byte) []byte { return e.AppendString(dst, s) }

// d2string formats a score as Redis 7.0's d2string (zset listpacks).
func d2string(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, "nan"...)
	case math.IsInf(v, 1):
		return append(dst, "inf"...)
	case math.IsInf(v, -1):
		return append(dst, "-inf"...)
	case v == 0:
		if math.Signbit(v) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	if v > -4503599627370495 && v < 4503599627370496 && v == float64(int64(v)) {
		return strconv.AppendInt(dst, int64(v), 10)
	}
	return resp.FormatDouble(dst, v)
}

// ValueType returns the RDB type byte Redwing writes for an entry.
func (e *Encoder) ValueType(ent *keyspace.Entry) (byte, error) {
	switch o := ent.Obj().(type) {
	case nil:
		return TypeString, nil
	case *types.List:
		return TypeListQuicklist2, nil
	case *types.Set:
		switch o.Encoding() {
		case "intset":
			return TypeSetIntset, nil
		case "listpack":
			if e.Opt.Version >= 11 {
				return TypeSetListpack, nil
			}
		}
		return TypeSet, nil
	case *types.ZSet:
		if o.IsListpack() {
			return TypeZSetListpack, nil
		}
		return TypeZSet2, nil
	case *types.Hash:
		if o.HasTTLs() {
			return TypeHashMetadata, nil
		}
		if o.IsListpack() {
			return TypeHashListpack, nil
		}
		return TypeHash, nil
	}
	if _, ok := ent.Obj().(*types.Stream); ok {
		if e.Opt.Version >= 11 {
			return TypeStreamListpacks3, nil
		}
		return TypeStreamListpacks2, nil
	}
	return 0, fmt.Errorf("rdb: cannot encode a value of type %s", ent.Obj().Type())
}

// AppendValue appends the type byte and the RDB encoding of ent's value.
// now (unix ms) is used to skip expired hash fields.
func (e *Encoder) AppendValue(dst []byte, ent *keyspace.Entry, now int64) ([]byte, error) {
	t, err := e.ValueType(ent)
	if err != nil {
		return dst, err
	}
	dst = append(dst, t)
	return e.appendBody(dst, t, ent, now)
}

// appendBody appends the encoding of ent's value as type t.
func (e *Encoder) appendBody(dst []byte, t byte, ent *keyspace.Entry, now int64) ([]byte, error) {
	switch t {
	case TypeString:
		return e.AppendString(dst, ent.Str()), nil
	case TypeListQuicklist2:
		return e.appendList(dst, ent.Obj().(*types.List)), nil
	case TypeSetIntset:
		vs := ent.Obj().(*types.Set).IntsetValues()
		e.tmp = appendIntset(e.tmp[:0], vs)
		return e.appendBlob(dst, e.tmp), nil
	case TypeSetListpack:
		s := ent.Obj().(*types.Set)
		e.lp.reset(e.lpb)
		s.ForEach(func(m []byte) bool { e.lp.append(m); return true })
		e.lpb = e.lp.finish()
		return e.appendBlob(dst, e.lpb), nil
	case TypeSet:
		s := ent.Obj().(*types.Set)
		dst = AppendLen(dst, uint64(s.Len()))
		s.ForEach(func(m []byte) bool { dst = e.AppendString(dst, m); return true })
		return dst, nil
	case TypeZSetListpack:
		z := ent.Obj().(*types.ZSet)
		e.lp.reset(e.lpb)
		z.ForEach(func(m []byte, sc float64) bool {
			e.lp.append(m)
			e.tmp = d2string(e.tmp[:0], sc)
			e.lp.append(e.tmp)
			return true
		})
		e.lpb = e.lp.finish()
		return e.appendBlob(dst, e.lpb), nil
	case TypeZSet2:
		z := ent.Obj().(*types.ZSet)
		dst = AppendLen(dst, uint64(z.Len()))
		// Greatest first, as Redis: loading then always inserts at the head.
		z.ForEachReverse(func(m []byte, sc float64) bool {
			dst = e.AppendString(dst, m)
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(sc))
			return true
		})
		return dst, nil
	case TypeHashListpack:
		h := ent.Obj().(*types.Hash)
		e.lp.reset(e.lpb)
		h.ForEach(func(f, v []byte) bool { e.lp.append(f); e.lp.append(v); return true })
		e.lpb = e.lp.finish()
		return e.appendBlob(dst, e.lpb), nil
	case TypeHash:
		h := ent.Obj().(*types.Hash)
		dst = AppendLen(dst, uint64(h.Len()))
		h.ForEach(func(f, v []byte) bool {
			dst = e.AppendString(dst, f)
			dst = e.AppendString(dst, v)
			return true
		})
		return dst, nil
	case TypeHashMetadata:
		return appendHashMetadata(dst, e, ent.Obj().(*types.Hash), now), nil
	case TypeStreamListpacks2, TypeStreamListpacks3:
		return e.appendStream(dst, ent.Obj().(*types.Stream), t)
	}
	return dst, fmt.Errorf("rdb: unexpected type %d", t)
}

func (e *Encoder) appendList(dst []byte, l *types.List) []byte {
	e.lens = l.NodeLens(e.lens[:0])
	nodes := 0
	for _, n := range e.lens {
		if n > 0 {
			nodes++
		}
	}
	dst = AppendLen(dst, uint64(nodes))
	i, left := 0, 0
	for i < len(e.lens) && e.lens[i] == 0 {
		i++
	}
	if i < len(e.lens) {
		left = e.lens[i]
	}
	e.lp.reset(e.lpb)
	flush := func() {
		e.lpb = e.lp.finish()
		dst = AppendLen(dst, qlNodePacked)
		dst = e.appendBlob(dst, e.lpb)
		e.lp.reset(e.lpb)
	}
	l.ForEach(func(v []byte) bool {
		e.lp.append(v)
		left--
		if left == 0 {
			flush()
			i++
			for i < len(e.lens) && e.lens[i] == 0 {
				i++
			}
			if i < len(e.lens) {
				left = e.lens[i]
			}
		}
		return true
	})
	return dst
}

// AppendExpire appends the EXPIRETIME_MS opcode.
func AppendExpire(dst []byte, ms int64) []byte {
	dst = append(dst, OpExpireTimeMs)
	return binary.LittleEndian.AppendUint64(dst, uint64(ms))
}

// KeyMeta selects the per-key opcodes written before a key.
type KeyMeta struct {
	// LRU writes the key's idle time (maxmemory-policy *-lru).
	LRU bool
	// LFU writes the key's access frequency (maxmemory-policy *-lfu).
	LFU bool
	// LFUDecay is lfu-decay-time, for the frequency.
	LFUDecay int64
}

// AppendKeyValue appends one key with its expiry and access metadata, as
// rdbSaveKeyValuePair does.
func (e *Encoder) AppendKeyValue(dst []byte, key []byte, ent *keyspace.Entry, meta KeyMeta, now int64) ([]byte, error) {
	mark := len(dst)
	if ent.Expire != 0 {
		dst = AppendExpire(dst, ent.Expire)
	}
	if meta.LRU {
		dst = append(dst, OpIdle)
		dst = AppendLen(dst, uint64(ent.IdleMs(now)/1000))
	}
	if meta.LFU {
		dst = append(dst, OpFreq, byte(ent.LFUFreq(now, meta.LFUDecay)))
	}
	t, err := e.ValueType(ent)
	if err != nil {
		return dst[:mark], err
	}
	dst = append(dst, t)
	dst = e.AppendString(dst, key)
	dst, err = e.appendBody(dst, t, ent, now)
	if err != nil {
		return dst[:mark], err
	}
	return dst, nil
}
