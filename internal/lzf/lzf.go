// Package lzf is LZF compression as Redis's bundled liblzf (HLOG 16,
// VERY_FAST, hash table initialised to empty), so that compressed strings
// are byte-identical to the ones redis-server writes in RDB files, DUMP
// payloads and FUNCTION DUMP.
package lzf

// The hash table is reused between calls (entries of earlier calls are told
// apart by a running base offset instead of clearing 512 KiB each time).

const (
	lzfHLog   = 16
	lzfHSize  = 1 << lzfHLog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = (1 << 8) + (1 << 3)
)

func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHLog)) - h*5) & (lzfHSize - 1) }

// Compressor is a reusable compressor; not safe for concurrent use.
type Compressor struct {
	htab []int64
	base int64
	out  []byte
}

// Compress compresses in into at most outLen bytes; it returns nil when the
// output would not fit (Redis then stores the string uncompressed). The
// result is valid until the next call.
func (z *Compressor) Compress(in []byte, outLen int) []byte {
	inLen := len(in)
	if inLen < 2 || outLen <= 0 {
		return nil
	}
	if z.htab == nil {
		z.htab = make([]int64, lzfHSize)
	}
	if z.base > 1<<60 {
		clear(z.htab)
		z.base = 0
	}
	base := z.base
	z.base += int64(inLen) + 1
	htab := z.htab
	get := func(slot uint32) int {
		v := htab[slot]
		if v <= base {
			return -1
		}
		return int(v - base - 1)
	}
	set := func(slot uint32, pos int) { htab[slot] = base + int64(pos) + 1 }
	if cap(z.out) < outLen {
		z.out = make([]byte, outLen)
	}
	out := z.out[:outLen]
	op, ip, lit := 0, 0, 0
	op++ // start run
	hval := uint32(in[0])<<8 | uint32(in[1])
	for ip < inLen-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIdx(hval)
		ref := get(slot)
		set(slot, ip)
		off := ip - ref - 1
		if ref >= 0 && off >= 0 && off < lzfMaxOff && ref > 0 &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			ln := 2
			maxlen := inLen - ip - ln
			if maxlen > lzfMaxRef {
				maxlen = lzfMaxRef
			}
			out[op-lit-1] = byte(lit - 1) // stop run
			if lit == 0 {
				op-- // undo run if length is zero
			}
			if op+3+1 >= outLen {
				return nil
			}
			matched := false
			if maxlen > 16 {
				// liblzf's unrolled loop does not check maxlen
				for i := 0; i < 16; i++ {
					ln++
					if ip+ln >= inLen || in[ref+ln] != in[ip+ln] {
						matched = true
						break
					}
				}
			}
			if !matched {
				for {
					ln++
					if !(ln < maxlen && in[ref+ln] == in[ip+ln]) {
						break
					}
				}
			}
			ln -= 2 // #octets - 1
			ip++
			if ln < 7 {
				out[op] = byte((off >> 8) + (ln << 5))
				op++
			} else {
				out[op] = byte((off >> 8) + (7 << 5))
				out[op+1] = byte(ln - 7)
				op += 2
			}
			out[op] = byte(off)
			op++
			lit = 0
			op++ // start run
			ip += ln + 1
			if ip >= inLen-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			set(lzfIdx(hval), ip)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			set(lzfIdx(hval), ip)
			ip++
		} else {
			if op >= outLen {
				return nil
			}
			lit++
			out[op] = in[ip]
			op++
			ip++
			if lit == lzfMaxLit {
				out[op-lit-1] = byte(lit - 1)
				lit = 0
				op++
			}
		}
	}
	if op+3 > outLen {
		return nil
	}
	for ip < inLen {
		lit++
		if op >= outLen {
			return nil
		}
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	if op-lit-1 >= 0 && op-lit-1 < outLen {
		out[op-lit-1] = byte(lit - 1)
	}
	if lit == 0 {
		op--
	}
	if op <= 0 {
		return nil
	}
	return out[:op]
}

// Decompress expands in into dst, which must have exactly the
// uncompressed length; ok is false on corrupt input.
func Decompress(in []byte, dst []byte) bool {
	outLen := len(dst)
	op := 0
	ip := 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 { // literal run
			ctrl++
			if op+ctrl > outLen || ip+ctrl > len(in) {
				return false
			}
			copy(dst[op:], in[ip:ip+ctrl])
			op += ctrl
			ip += ctrl
			continue
		}
		ln := ctrl >> 5
		if ln == 7 {
			if ip >= len(in) {
				return false
			}
			ln += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return false
		}
		ref := op - ((ctrl & 0x1f) << 8) - 1 - int(in[ip])
		ip++
		ln += 2
		if op+ln > outLen || ref < 0 {
			return false
		}
		for i := 0; i < ln; i++ {
			dst[op] = dst[ref+i]
			op++
		}
	}
	return op == outLen
}
