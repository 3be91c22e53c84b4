package rdb

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// Listpacks, byte for byte as Redis 7's listpack.c lays them out:
//
//	<total-bytes uint32 LE> <num-elements uint16 LE, 65535 = unknown>
//	<entry> ... <0xFF>
//
// Each entry is <encoding+data> <backlen>, where backlen is the length of
// encoding+data in 1-5 bytes of 7 bits (read right to left). Strings that
// parse as canonical 64-bit integers are stored as integers in the
// smallest of the 7/13/16/24/32/64-bit forms, as lpAppend does.

var errListpack = errors.New("invalid listpack")

const lpHeaderSize = 6

// lpBuilder appends entries to a listpack under construction.
type lpBuilder struct {
	buf []byte
	n   int
}

func (b *lpBuilder) reset(dst []byte) {
	b.buf = append(dst[:0], 0, 0, 0, 0, 0, 0)
	b.n = 0
}

// lpStringToInt64 is Redis's lpStringToInt64 (string2ll): canonical
// decimal integers only, no leading zeros, "+", spaces or "-0".
func lpStringToInt64(s []byte) (int64, bool) {
	n := len(s)
	if n == 0 || n >= 21 {
		return 0, false
	}
	if n == 1 && s[0] == '0' {
		return 0, true
	}
	i := 0
	neg := false
	if s[0] == '-' {
		neg = true
		i++
		if i == n {
			return 0, false
		}
	}
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

func lpBacklenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

func appendBacklen(b []byte, l int) []byte {
	u := uint64(l)
	switch lpBacklenSize(l) {
	case 1:
		return append(b, byte(u))
	case 2:
		return append(b, byte(u>>7), byte(u&127)|128)
	case 3:
		return append(b, byte(u>>14), byte((u>>7)&127)|128, byte(u&127)|128)
	case 4:
		return append(b, byte(u>>21), byte((u>>14)&127)|128, byte((u>>7)&127)|128, byte(u&127)|128)
	}
	return append(b, byte(u>>28), byte((u>>21)&127)|128, byte((u>>14)&127)|128, byte((u>>7)&127)|128, byte(u&127)|128)
}

// appendInt adds an integer entry.
func (b *lpBuilder) appendInt(v int64) {
	start := len(b.buf)
	switch {
	case v >= 0 && v <= 127:
		b.buf = append(b.buf, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v)
		if v < 0 {
			u = uint64((1 << 13) + v)
		}
		b.buf = append(b.buf, byte(u>>8)|0xC0, byte(u))
	case v >= -32768 && v <= 32767:
		u := uint64(v)
		if v < 0 {
			u = uint64((1 << 16) + v)
		}
		b.buf = append(b.buf, 0xF1, byte(u), byte(u>>8))
	case v >= -8388608 && v <= 8388607:
		u := uint64(v)
		if v < 0 {
			u = uint64((1 << 24) + v)
		}
		b.buf = append(b.buf, 0xF2, byte(u), byte(u>>8), byte(u>>16))
	case v >= -2147483648 && v <= 2147483647:
		u := uint64(v)
		if v < 0 {
			u = uint64((1 << 32) + v)
		}
		b.buf = append(b.buf, 0xF3, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	default:
		b.buf = append(b.buf, 0xF4)
		b.buf = binary.LittleEndian.AppendUint64(b.buf, uint64(v))
	}
	b.buf = appendBacklen(b.buf, len(b.buf)-start)
	b.n++
}

// append adds s, as an integer entry when it is a canonical integer.
func (b *lpBuilder) append(s []byte) {
	if v, ok := lpStringToInt64(s); ok {
		b.appendInt(v)
		return
	}
	b.appendString(s)
}

// appendString adds s as a string entry (never integer-encoded).
func (b *lpBuilder) appendString(s []byte) {
	start := len(b.buf)
	l := len(s)
	switch {
	case l < 64:
		b.buf = append(b.buf, byte(l)|0x80)
	case l < 4096:
		b.buf = append(b.buf, byte(l>>8)|0xE0, byte(l))
	default:
		b.buf = append(b.buf, 0xF0)
		b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(l))
	}
	b.buf = append(b.buf, s...)
	b.buf = appendBacklen(b.buf, len(b.buf)-start)
	b.n++
}

// finish writes the header and terminator and returns the listpack.
func (b *lpBuilder) finish() []byte {
	b.buf = append(b.buf, 0xFF)
	binary.LittleEndian.PutUint32(b.buf[0:4], uint32(len(b.buf)))
	n := b.n
	if n >= 65535 {
		n = 65535
	}
	binary.LittleEndian.PutUint16(b.buf[4:6], uint16(n))
	return b.buf
}

// lpEntrySize returns the encoded size (with backlen) of s as append
// would store it; used to split list nodes as Redis does.
func lpEntrySize(s []byte) int {
	var l int
	if v, ok := lpStringToInt64(s); ok {
		switch {
		case v >= 0 && v <= 127:
			l = 1
		case v >= -4096 && v <= 4095:
			l = 2
		case v >= -32768 && v <= 32767:
			l = 3
		case v >= -8388608 && v <= 8388607:
			l = 4
		case v >= -2147483648 && v <= 2147483647:
			l = 5
		default:
			l = 9
		}
	} else {
		switch n := len(s); {
		case n < 64:
			l = 1 + n
		case n < 4096:
			l = 2 + n
		default:
			l = 5 + n
		}
	}
	return l + lpBacklenSize(l)
}

// lpIter walks a listpack, validating every entry.
type lpIter struct {
	lp  []byte
	pos int
	n   int // entries seen
	num int // header count, 65535 = unknown
	tmp [20]byte
}

// newLpIter validates the header of lp.
func newLpIter(lp []byte) (*lpIter, error) {
	if len(lp) < lpHeaderSize+1 {
		return nil, errListpack
	}
	if int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != 0xFF {
		return nil, errListpack
	}
	return &lpIter{lp: lp, pos: lpHeaderSize, num: int(binary.LittleEndian.Uint16(lp[4:]))}, nil
}

// next returns the next entry as bytes (integers formatted in it.tmp, valid
// until the next call); done is true at the end.
func (it *lpIter) next() (v []byte, done bool, err error) {
	s, iv, isInt, done, err := it.nextRaw()
	if err != nil || done {
		return nil, done, err
	}
	if isInt {
		return strconv.AppendInt(it.tmp[:0], iv, 10), false, nil
	}
	return s, false, nil
}

// nextRaw returns the next entry as a string or an integer.
func (it *lpIter) nextRaw() (s []byte, iv int64, isInt, done bool, err error) {
	lp := it.lp
	p := it.pos
	if p >= len(lp) {
		return nil, 0, false, false, errListpack
	}
	c := lp[p]
	if c == 0xFF {
		if p != len(lp)-1 || (it.num != 65535 && it.num != it.n) {
			return nil, 0, false, false, errListpack
		}
		return nil, 0, false, true, nil
	}
	var hdr, dl int
	switch {
	case c&0x80 == 0:
		hdr, iv, isInt = 1, int64(c&0x7f), true
	case c&0xC0 == 0x80:
		hdr, dl = 1, int(c&0x3f)
	case c&0xE0 == 0xC0:
		if p+2 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		u := uint64(c&0x1f)<<8 | uint64(lp[p+1])
		if u >= 1<<12 {
			iv = int64(u) - 1<<13
		} else {
			iv = int64(u)
		}
		hdr, isInt = 2, true
	case c&0xF0 == 0xE0:
		if p+2 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		hdr, dl = 2, int(c&0x0f)<<8|int(lp[p+1])
	case c == 0xF0:
		if p+5 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		hdr, dl = 5, int(binary.LittleEndian.Uint32(lp[p+1:]))
	case c == 0xF1:
		if p+3 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		hdr, iv, isInt = 3, int64(int16(binary.LittleEndian.Uint16(lp[p+1:]))), true
	case c == 0xF2:
		if p+4 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		u := uint32(lp[p+1]) | uint32(lp[p+2])<<8 | uint32(lp[p+3])<<16
		hdr, iv, isInt = 4, int64(int32(u<<8)>>8), true
	case c == 0xF3:
		if p+5 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		hdr, iv, isInt = 5, int64(int32(binary.LittleEndian.Uint32(lp[p+1:]))), true
	case c == 0xF4:
		if p+9 > len(lp) {
			return nil, 0, false, false, errListpack
		}
		hdr, iv, isInt = 9, int64(binary.LittleEndian.Uint64(lp[p+1:])), true
	default:
		return nil, 0, false, false, errListpack
	}
	l := hdr + dl
	if dl < 0 || p+l > len(lp)-1 {
		return nil, 0, false, false, errListpack
	}
	bl := lpBacklenSize(l)
	if p+l+bl > len(lp)-1 {
		return nil, 0, false, false, errListpack
	}
	// Validate the backlen.
	var got uint64
	for i := 0; i < bl; i++ {
		got = got<<7 | uint64(lp[p+l+i]&127)
	}
	if got != uint64(l) {
		return nil, 0, false, false, errListpack
	}
	if !isInt {
		s = lp[p+hdr : p+l]
	}
	it.pos = p + l + bl
	it.n++
	return s, iv, isInt, false, nil
}

// lpCount validates lp fully and returns its number of entries.
func lpCount(lp []byte) (int, error) {
	it, err := newLpIter(lp)
	if err != nil {
		return 0, err
	}
	for {
		_, _, _, done, err := it.nextRaw()
		if err != nil {
			return 0, err
		}
		if done {
			return it.n, nil
		}
	}
}
