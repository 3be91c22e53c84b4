package script

// LZF compression as Redis's bundled liblzf (HLOG 16, VERY_FAST), so that
// FUNCTION DUMP payloads are byte-identical to Redis's, and decompression
// for FUNCTION RESTORE of compressed strings.

const (
	lzfHLog   = 16
	lzfHSize  = 1 << lzfHLog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = (1 << 8) + (1 << 3)
)

func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHLog)) - h*5) & (lzfHSize - 1) }

// lzfCompress compresses in into at most outLen bytes; it returns nil when
// the output would not fit (Redis then stores the string uncompressed).
func lzfCompress(in []byte, outLen int) []byte {
	inLen := len(in)
	if inLen == 0 || outLen <= 0 {
		return nil
	}
	htab := make([]int32, lzfHSize) // position+1 of the last occurrence; 0 = none
	out := make([]byte, outLen)
	op := 0
	ip := 0
	lit := 0
	op++ // start run
	hval := uint32(in[0])<<8 | uint32(in[1])
	for ip < inLen-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIdx(hval)
		ref := int(htab[slot]) - 1
		htab[slot] = int32(ip + 1)
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
			htab[lzfIdx(hval)] = int32(ip + 1)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIdx(hval)] = int32(ip + 1)
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
	return out[:op]
}

// lzfDecompress expands in to exactly outLen bytes; ok is false on corrupt
// input.
func lzfDecompress(in []byte, outLen int) ([]byte, bool) {
	out := make([]byte, 0, outLen)
	ip := 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 { // literal run
			ctrl++
			if len(out)+ctrl > outLen || ip+ctrl > len(in) {
				return nil, false
			}
			out = append(out, in[ip:ip+ctrl]...)
			ip += ctrl
			continue
		}
		ln := ctrl >> 5
		if ln == 7 {
			if ip >= len(in) {
				return nil, false
			}
			ln += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, false
		}
		ref := len(out) - ((ctrl & 0x1f) << 8) - 1 - int(in[ip])
		ip++
		ln += 2
		if len(out)+ln > outLen || ref < 0 {
			return nil, false
		}
		for i := 0; i < ln; i++ {
			out = append(out, out[ref+i])
		}
	}
	if len(out) != outLen {
		return nil, false
	}
	return out, true
}
