package rdb

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// Decoders for the older compact encodings found in RDB files written by
// Redis 2.6-6.2 (ziplist, zipmap) and the intset, plus the intset encoder.

var (
	errZiplist = errors.New("invalid ziplist")
	errIntset  = errors.New("invalid intset")
	errZipmap  = errors.New("invalid zipmap")
)

// ziplistEach calls fn with every entry of a ziplist (integers formatted
// as decimal strings in a scratch buffer valid during the call).
func ziplistEach(zl []byte, fn func(v []byte) error) error {
	if len(zl) < 11 || int(binary.LittleEndian.Uint32(zl)) != len(zl) || zl[len(zl)-1] != 0xFF {
		return errZiplist
	}
	count := int(binary.LittleEndian.Uint16(zl[8:]))
	p := 10
	n := 0
	var tmp [24]byte
	for {
		if p >= len(zl) {
			return errZiplist
		}
		if zl[p] == 0xFF {
			if p != len(zl)-1 || (count != 65535 && count != n) {
				return errZiplist
			}
			return nil
		}
		// prevlen
		if zl[p] < 254 {
			p++
		} else if zl[p] == 254 {
			p += 5
		} else {
			return errZiplist
		}
		if p >= len(zl)-1 {
			return errZiplist
		}
		c := zl[p]
		var v []byte
		switch c >> 6 {
		case 0:
			l := int(c & 0x3f)
			p++
			if p+l > len(zl)-1 {
				return errZiplist
			}
			v = zl[p : p+l]
			p += l
		case 1:
			if p+2 > len(zl)-1 {
				return errZiplist
			}
			l := int(c&0x3f)<<8 | int(zl[p+1])
			p += 2
			if p+l > len(zl)-1 {
				return errZiplist
			}
			v = zl[p : p+l]
			p += l
		case 2:
			if c != 0x80 || p+5 > len(zl)-1 {
				return errZiplist
			}
			l := int(binary.BigEndian.Uint32(zl[p+1:]))
			p += 5
			if l < 0 || p+l > len(zl)-1 {
				return errZiplist
			}
			v = zl[p : p+l]
			p += l
		default:
			var iv int64
			var sz int
			switch c {
			case 0xC0:
				sz = 2
			case 0xD0:
				sz = 4
			case 0xE0:
				sz = 8
			case 0xF0:
				sz = 3
			case 0xFE:
				sz = 1
			default:
				if c >= 0xF1 && c <= 0xFD {
					iv = int64(c&0x0f) - 1
				} else {
					return errZiplist
				}
			}
			p++
			if p+sz > len(zl)-1 {
				return errZiplist
			}
			b := zl[p : p+sz]
			switch sz {
			case 1:
				iv = int64(int8(b[0]))
			case 2:
				iv = int64(int16(binary.LittleEndian.Uint16(b)))
			case 3:
				u := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
				iv = int64(int32(u<<8) >> 8)
			case 4:
				iv = int64(int32(binary.LittleEndian.Uint32(b)))
			case 8:
				iv = int64(binary.LittleEndian.Uint64(b))
			}
			p += sz
			v = strconv.AppendInt(tmp[:0], iv, 10)
		}
		n++
		if err := fn(v); err != nil {
			return err
		}
	}
}

// intsetValues decodes an intset: <encoding uint32> <length uint32>
// <values, ascending, little endian>.
func intsetValues(is []byte) ([]int64, error) {
	if len(is) < 8 {
		return nil, errIntset
	}
	w := int(binary.LittleEndian.Uint32(is))
	n := int(binary.LittleEndian.Uint32(is[4:]))
	if w != 2 && w != 4 && w != 8 {
		return nil, errIntset
	}
	if n < 0 || n > (len(is)-8)/w || 8+n*w != len(is) {
		return nil, errIntset
	}
	out := make([]int64, n)
	for i := 0; i < n; i++ {
		b := is[8+i*w:]
		switch w {
		case 2:
			out[i] = int64(int16(binary.LittleEndian.Uint16(b)))
		case 4:
			out[i] = int64(int32(binary.LittleEndian.Uint32(b)))
		default:
			out[i] = int64(binary.LittleEndian.Uint64(b))
		}
		if i > 0 && out[i] <= out[i-1] {
			return nil, errIntset
		}
	}
	return out, nil
}

// appendIntset encodes sorted, distinct values as an intset of the
// smallest width that holds them all.
func appendIntset(dst []byte, vs []int64) []byte {
	w := 2
	for _, v := range vs {
		if v < -32768 || v > 32767 {
			if v < -2147483648 || v > 2147483647 {
				w = 8
				break
			}
			w = 4
		}
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(w))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(vs)))
	for _, v := range vs {
		switch w {
		case 2:
			dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
		case 4:
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		default:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	}
	return dst
}

// zipmapEach calls fn with each key/value pair of a zipmap (RDB type 9).
func zipmapEach(zm []byte, fn func(k, v []byte) error) error {
	if len(zm) < 2 || zm[len(zm)-1] != 0xFF {
		return errZipmap
	}
	p := 1
	readLen := func() (int, bool) {
		if p >= len(zm) {
			return 0, false
		}
		c := zm[p]
		if c < 254 {
			p++
			return int(c), true
		}
		if c == 254 && p+5 <= len(zm) {
			l := int(binary.LittleEndian.Uint32(zm[p+1:]))
			p += 5
			return l, true
		}
		return 0, false
	}
	for {
		if p >= len(zm) {
			return errZipmap
		}
		if zm[p] == 0xFF {
			if p != len(zm)-1 {
				return errZipmap
			}
			return nil
		}
		kl, ok := readLen()
		if !ok || kl < 0 || p+kl > len(zm) {
			return errZipmap
		}
		k := zm[p : p+kl]
		p += kl
		vl, ok := readLen()
		if !ok || vl < 0 || p >= len(zm) {
			return errZipmap
		}
		free := int(zm[p])
		p++
		if p+vl+free > len(zm) {
			return errZipmap
		}
		v := zm[p : p+vl]
		p += vl + free
		if err := fn(k, v); err != nil {
			return err
		}
	}
}
