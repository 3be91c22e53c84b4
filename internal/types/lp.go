package types

import (
	"encoding/binary"
	"unsafe"
)

// The compact encodings of hashes, sets and lists share one flat entry
// format, modelled on Redis's listpack: a []byte holding entries back to
// back, each entry being
//
//	uvarint(len) | data | backlen
//
// where backlen is the entry's header+data size written as 7-bit groups in
// reverse, so that an entry can be read from either end. A buffer of small
// values is one allocation with no pointers for the garbage collector to
// scan.

// lpHeaderLen is the size of the header of an entry with n data bytes.
func lpHeaderLen(n int) int {
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

// lpBackLen is the size of the backlen of an entry whose header+data is l.
func lpBackLen(l int) int { return lpHeaderLen(l) }

// lpEntrySize returns the encoded size of an entry holding n data bytes.
func lpEntrySize(n int) int {
	l := lpHeaderLen(n) + n
	return l + lpBackLen(l)
}

// lpPut writes the entry for v at dst[0:lpEntrySize(len(v))].
func lpPut(dst []byte, v []byte) {
	h := binary.PutUvarint(dst, uint64(len(v)))
	copy(dst[h:], v)
	l := h + len(v)
	// backlen: the highest group first, every group except the highest
	// carrying the continuation bit, so reading backwards starts at the
	// lowest group.
	bl := lpBackLen(l)
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

// lpAppend appends an entry for v to buf.
func lpAppend(buf []byte, v []byte) []byte {
	n := lpEntrySize(len(v))
	buf = grow(buf, n)
	lpPut(buf[len(buf)-n:], v)
	return buf
}

// grow extends buf by n bytes (contents of the new bytes unspecified).
// Small buffers grow to the allocator's size class of the exact need, so a
// small collection wastes at most a size class's rounding (as Redis's
// exact-size listpack reallocations under jemalloc); larger ones grow by a
// quarter at least, which keeps appends amortised O(1).
func grow(buf []byte, n int) []byte {
	if cap(buf)-len(buf) >= n {
		return buf[:len(buf)+n]
	}
	need := len(buf) + n
	c := need
	if cap(buf) >= 512 && c < cap(buf)+cap(buf)/4 {
		c = cap(buf) + cap(buf)/4
	}
	nb := make([]byte, need, sizeClass(c))
	copy(nb, buf)
	return nb
}

// sizeClasses are the Go allocator's small object size classes up to 4KB.
var sizeClasses = [...]int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
	2048, 2304, 2688, 3072, 3200, 3456, 4096}

// sizeClass rounds n up to the allocation size the runtime would use.
func sizeClass(n int) int {
	if n > 4096 {
		return n
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		m := (lo + hi) / 2
		if sizeClasses[m] < n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return sizeClasses[lo]
}

// lpNext decodes the entry at off and returns its data and the offset of
// the next entry.
func lpNext(buf []byte, off int) ([]byte, int) {
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
	end := i + int(n)
	v := buf[i:end:end]
	return v, end + lpBackLen(end-off)
}

// lpPrev decodes the entry ending at end and returns its data and its
// start offset.
func lpPrev(buf []byte, end int) ([]byte, int) {
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
	v, _ := lpNext(buf, start)
	return v, start
}

// lpSkip returns the offset of the entry after the one at off.
func lpSkip(buf []byte, off int) int {
	_, next := lpNext(buf, off)
	return next
}

// lpReplace replaces the entry spanning buf[start:end] with v.
func lpReplace(buf []byte, start, end int, v []byte) []byte {
	n := lpEntrySize(len(v))
	old := end - start
	switch {
	case n > old:
		tail := len(buf) - end
		buf = grow(buf, n-old)
		copy(buf[start+n:], buf[end:end+tail])
	case n < old:
		copy(buf[start+n:], buf[end:])
		buf = buf[:len(buf)-(old-n)]
	}
	lpPut(buf[start:start+n], v)
	return buf
}

// lpInsert inserts an entry for v at offset off.
func lpInsert(buf []byte, off int, v []byte) []byte {
	return lpReplace(buf, off, off, v)
}

// lpDelete removes buf[start:end].
func lpDelete(buf []byte, start, end int) []byte {
	copy(buf[start:], buf[end:])
	return buf[:len(buf)-(end-start)]
}

// Redis's listpack byte accounting, used so that size-based conversions
// happen where Redis's happen.

// redisLpHeader is the size of a listpack's header plus its end byte.
const redisLpHeader = 7

// redisEntrySize returns the size Redis's listpack uses for v.
func redisEntrySize(v []byte) int {
	var enc int
	if x, ok := lpInt(v); ok {
		switch {
		case x >= 0 && x <= 127:
			enc = 1
		case x >= -4096 && x <= 4095:
			enc = 2
		case x >= -32768 && x <= 32767:
			enc = 3
		case x >= -8388608 && x <= 8388607:
			enc = 4
		case x >= -2147483648 && x <= 2147483647:
			enc = 5
		default:
			enc = 9
		}
	} else {
		switch n := len(v); {
		case n < 64:
			enc = 1 + n
		case n < 4096:
			enc = 2 + n
		default:
			enc = 5 + n
		}
	}
	switch {
	case enc <= 127:
		return enc + 1
	case enc < 16383:
		return enc + 2
	case enc < 2097151:
		return enc + 3
	case enc < 268435455:
		return enc + 4
	}
	return enc + 5
}

// lpInt parses v as Redis's string2ll does (canonical decimal int64).
func lpInt(v []byte) (int64, bool) {
	n := len(v)
	if n == 0 || n > 20 {
		return 0, false
	}
	if n == 1 && v[0] == '0' {
		return 0, true
	}
	i := 0
	neg := false
	if v[0] == '-' {
		neg = true
		i = 1
		if n == 1 {
			return 0, false
		}
	}
	if v[i] < '1' || v[i] > '9' {
		return 0, false
	}
	var u uint64
	for ; i < n; i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (1<<64-1)/10 {
			return 0, false
		}
		u *= 10
		d := uint64(c - '0')
		if u > 1<<64-1-d {
			return 0, false
		}
		u += d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// sbytes returns the bytes of s without copying; they must not be modified.
func sbytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// bstr returns b as a string without copying; b must not be modified
// while the string is in use (map lookups only).
func bstr(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
