package types

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
)

// HyperLogLog values are Redis strings in Redis's own byte format, so that
// a value copied from Redis (GET/SET, RESTORE, RDB) counts the same here
// and a value written here is valid for Redis:
//
//	"HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | 8-byte cached
//	cardinality (little endian; the top bit of the last byte set when stale)
//	| registers
//
// Dense: 16384 6-bit registers packed from the least significant bit of
// each byte on. Sparse: a run-length code of opcodes ZERO (00xxxxxx: 1-64
// zero registers), XZERO (01xxxxxx yyyyyyyy: 1-16384 zero registers) and
// VAL (1vvvvvxx: 1-4 registers of value 1-32). The operations below follow
// Redis's algorithms step by step (including where sparse opcodes are split
// and merged) so that the bytes produced are the ones Redis produces.

// HLL layout constants.
const (
	hllP           = 14
	hllQ           = 64 - hllP
	HLLRegisters   = 1 << hllP
	hllPMask       = HLLRegisters - 1
	hllBits        = 6
	hllRegisterMax = 1<<hllBits - 1
	// HLLHdrSize is the size of the header.
	HLLHdrSize = 16
	// HLLDenseSize is the exact size of a dense HLL string.
	HLLDenseSize = HLLHdrSize + (HLLRegisters*hllBits+7)/8

	HLLDense  = 0
	HLLSparse = 1
	hllRawEnc = 255

	hllSparseValMaxValue = 32
	hllSparseValMaxLen   = 4
	hllSparseZeroMaxLen  = 64
	hllSparseXZeroMaxLen = 16384

	hllAlphaInf = 0.721347520444481703680 // 0.5/ln(2)
)

// MurmurHash64A is Redis's endian-neutral 64-bit MurmurHash2.
func MurmurHash64A(key []byte, seed uint32) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := uint64(seed) ^ (uint64(len(key)) * m)
	n := len(key) &^ 7
	for i := 0; i < n; i += 8 {
		k := binary.LittleEndian.Uint64(key[i:])
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	tail := key[n:]
	switch len(tail) {
	case 7:
		h ^= uint64(tail[6]) << 48
		fallthrough
	case 6:
		h ^= uint64(tail[5]) << 40
		fallthrough
	case 5:
		h ^= uint64(tail[4]) << 32
		fallthrough
	case 4:
		h ^= uint64(tail[3]) << 24
		fallthrough
	case 3:
		h ^= uint64(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint64(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint64(tail[0])
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// hllPatLen returns the register index and the length of the 000..1
// pattern of ele's hash.
func hllPatLen(ele []byte) (int, uint8) {
	hash := MurmurHash64A(ele, 0xadc83b19)
	index := int(hash & hllPMask)
	hash >>= hllP
	hash |= 1 << hllQ
	return index, uint8(bits.TrailingZeros64(hash) + 1)
}

// hllGetReg reads dense register i from regs.
func hllGetReg(regs []byte, i int) uint8 {
	b := i * hllBits / 8
	fb := uint(i*hllBits) & 7
	b0 := uint(regs[b])
	var b1 uint
	if b+1 < len(regs) {
		b1 = uint(regs[b+1])
	}
	return uint8(((b0 >> fb) | (b1 << (8 - fb))) & hllRegisterMax)
}

// hllSetReg writes dense register i.
func hllSetReg(regs []byte, i int, v uint8) {
	b := i * hllBits / 8
	fb := uint(i*hllBits) & 7
	fb8 := 8 - fb
	x := uint(v)
	regs[b] &^= byte(hllRegisterMax << fb)
	regs[b] |= byte(x << fb)
	if b+1 < len(regs) {
		regs[b+1] &^= byte(hllRegisterMax >> fb8)
		regs[b+1] |= byte(x >> fb8)
	}
}

// HLLNew returns an empty (sparse) HLL string.
func HLLNew() []byte {
	n := (HLLRegisters + hllSparseXZeroMaxLen - 1) / hllSparseXZeroMaxLen
	b := make([]byte, HLLHdrSize+2*n, HLLHdrSize+64)
	copy(b, "HYLL")
	b[4] = HLLSparse
	p := HLLHdrSize
	for aux := HLLRegisters; aux > 0; {
		x := hllSparseXZeroMaxLen
		if x > aux {
			x = aux
		}
		hllXZeroSet(b[p:], x)
		p += 2
		aux -= x
	}
	return b
}

// HLLValid reports whether s is a well-formed HLL header (Redis's
// isHLLObjectOrReply checks).
func HLLValid(s []byte) bool {
	if len(s) < HLLHdrSize || s[0] != 'H' || s[1] != 'Y' || s[2] != 'L' || s[3] != 'L' {
		return false
	}
	if s[4] > HLLSparse {
		return false
	}
	if s[4] == HLLDense && len(s) != HLLDenseSize {
		return false
	}
	return true
}

// HLLEncoding returns HLLDense or HLLSparse.
func HLLEncoding(s []byte) int { return int(s[4]) }

// HLLInvalidateCache marks the cached cardinality stale.
func HLLInvalidateCache(s []byte) { s[15] |= 1 << 7 }

// HLLCachedCard returns the cached cardinality when it is valid.
func HLLCachedCard(s []byte) (uint64, bool) {
	if s[15]&(1<<7) != 0 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(s[8:16]), true
}

// HLLSetCachedCard stores card as the cached cardinality.
func HLLSetCachedCard(s []byte, card uint64) { binary.LittleEndian.PutUint64(s[8:16], card) }

func hllIsZero(p byte) bool  { return p&0xc0 == 0 }
func hllIsXZero(p byte) bool { return p&0xc0 == 0x40 }
func hllIsVal(p byte) bool   { return p&0x80 != 0 }
func hllZeroLen(p byte) int  { return int(p&0x3f) + 1 }
func hllXZeroLen(p []byte) int {
	return (int(p[0]&0x3f)<<8 | int(p[1])) + 1
}
func hllValValue(p byte) int { return int((p>>2)&0x1f) + 1 }
func hllValLen(p byte) int   { return int(p&0x3) + 1 }
func hllValSet(p []byte, val, n int) {
	p[0] = byte((val-1)<<2|(n-1)) | 0x80
}
func hllZeroSet(p []byte, n int) { p[0] = byte(n - 1) }
func hllXZeroSet(p []byte, n int) {
	l := n - 1
	p[0] = byte(l>>8) | 0x40
	p[1] = byte(l & 0xff)
}

// HLLSparseToDense converts a sparse HLL to dense; ok is false when the
// sparse data is corrupted. A dense input is returned as is.
func HLLSparseToDense(s []byte) ([]byte, bool) {
	if s[4] == HLLDense {
		return s, true
	}
	d := make([]byte, HLLDenseSize)
	copy(d, s[:HLLHdrSize])
	d[4] = HLLDense
	regs := d[HLLHdrSize:]
	idx := 0
	p := HLLHdrSize
	for p < len(s) {
		op := s[p]
		switch {
		case hllIsZero(op):
			idx += hllZeroLen(op)
			p++
		case hllIsXZero(op):
			if p+1 >= len(s) {
				return nil, false
			}
			idx += hllXZeroLen(s[p:])
			p += 2
		default:
			runlen := hllValLen(op)
			val := hllValValue(op)
			if runlen+idx > HLLRegisters {
				return nil, false
			}
			for ; runlen > 0; runlen-- {
				hllSetReg(regs, idx, uint8(val))
				idx++
			}
			p++
		}
	}
	if idx != HLLRegisters {
		return nil, false
	}
	return d, true
}

// hllSparseSet sets register index to count if it is larger, as Redis's
// hllSparseSet. It returns the (possibly reallocated or promoted) string
// and 1 when changed, 0 when not, -1 when the data is corrupted.
func hllSparseSet(s []byte, index int, count uint8, sparseMax int) ([]byte, int) {
	if count > hllSparseValMaxValue {
		return hllPromote(s, index, count)
	}
	// Make room for the worst case (XZERO split into XZERO-VAL-XZERO).
	if cap(s)-len(s) < 3 {
		ns := make([]byte, len(s), len(s)+len(s)/2+8)
		copy(ns, s)
		s = ns
	}
	sparse := HLLHdrSize
	end := len(s)
	p := sparse
	first := 0
	prev := -1
	span := 0
	for p < end {
		oplen := 1
		op := s[p]
		switch {
		case hllIsZero(op):
			span = hllZeroLen(op)
		case hllIsVal(op):
			span = hllValLen(op)
		default:
			if p+1 >= end {
				return s, -1
			}
			span = hllXZeroLen(s[p:])
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || p >= end {
		return s, -1
	}
	next := p + 1
	if hllIsXZero(s[p]) {
		next = p + 2
	}
	if next >= end {
		next = -1
	}
	isZero, isXZero, isVal := false, false, false
	runlen := 0
	switch op := s[p]; {
	case hllIsZero(op):
		isZero = true
		runlen = hllZeroLen(op)
	case hllIsXZero(op):
		isXZero = true
		runlen = hllXZeroLen(s[p:])
	default:
		isVal = true
		runlen = hllValLen(op)
	}
	updated := false
	if isVal {
		old := hllValValue(s[p])
		if old >= int(count) {
			return s, 0
		}
		if runlen == 1 {
			hllValSet(s[p:], int(count), 1)
			updated = true
		}
	}
	if !updated && isZero && runlen == 1 {
		hllValSet(s[p:], int(count), 1)
		updated = true
	}
	if !updated {
		var seq [5]byte
		n := 0
		last := first + span - 1
		if isZero || isXZero {
			if index != first {
				l := index - first
				if l > hllSparseZeroMaxLen {
					hllXZeroSet(seq[n:], l)
					n += 2
				} else {
					hllZeroSet(seq[n:], l)
					n++
				}
			}
			hllValSet(seq[n:], int(count), 1)
			n++
			if index != last {
				l := last - index
				if l > hllSparseZeroMaxLen {
					hllXZeroSet(seq[n:], l)
					n += 2
				} else {
					hllZeroSet(seq[n:], l)
					n++
				}
			}
		} else {
			cur := hllValValue(s[p])
			if index != first {
				hllValSet(seq[n:], cur, index-first)
				n++
			}
			hllValSet(seq[n:], int(count), 1)
			n++
			if index != last {
				hllValSet(seq[n:], cur, last-index)
				n++
			}
		}
		oldlen := 1
		if isXZero {
			oldlen = 2
		}
		delta := n - oldlen
		if delta > 0 && len(s)+delta > sparseMax {
			return hllPromote(s, index, count)
		}
		if delta != 0 && next >= 0 {
			if delta > 0 {
				s = s[:len(s)+delta]
			}
			copy(s[next+delta:], s[next:end])
		}
		if delta < 0 {
			s = s[:len(s)+delta]
		} else if delta > 0 && next < 0 {
			s = s[:len(s)+delta]
		}
		copy(s[p:], seq[:n])
		end += delta
	}
	// Merge adjacent VAL opcodes where possible.
	if prev >= 0 {
		p = prev
	} else {
		p = sparse
	}
	for scan := 5; p < end && scan > 0; scan-- {
		op := s[p]
		if hllIsXZero(op) {
			p += 2
			continue
		} else if hllIsZero(op) {
			p++
			continue
		}
		if p+1 < end && hllIsVal(s[p+1]) {
			v1 := hllValValue(op)
			v2 := hllValValue(s[p+1])
			if v1 == v2 {
				l := hllValLen(op) + hllValLen(s[p+1])
				if l <= hllSparseValMaxLen {
					hllValSet(s[p+1:], v1, l)
					copy(s[p:], s[p+1:end])
					s = s[:len(s)-1]
					end--
					continue
				}
			}
		}
		p++
	}
	HLLInvalidateCache(s)
	return s, 1
}

func hllPromote(s []byte, index int, count uint8) ([]byte, int) {
	d, ok := HLLSparseToDense(s)
	if !ok {
		return s, -1
	}
	regs := d[HLLHdrSize:]
	if hllGetReg(regs, index) < count {
		hllSetReg(regs, index, count)
	}
	return d, 1
}

// HLLAdd adds ele. It returns the (possibly new) string and 1 when a
// register changed, 0 when not, -1 when the HLL is corrupted.
func HLLAdd(s []byte, ele []byte, sparseMax int) ([]byte, int) {
	index, count := hllPatLen(ele)
	return HLLSetRegister(s, index, count, sparseMax)
}

// HLLSetRegister raises register index to count (PFMERGE).
func HLLSetRegister(s []byte, index int, count uint8, sparseMax int) ([]byte, int) {
	switch s[4] {
	case HLLDense:
		regs := s[HLLHdrSize:]
		if hllGetReg(regs, index) < count {
			hllSetReg(regs, index, count)
			return s, 1
		}
		return s, 0
	case HLLSparse:
		return hllSparseSet(s, index, count, sparseMax)
	}
	return s, -1
}

// hllHisto computes the register histogram; ok is false for corrupted
// sparse data.
func hllHisto(s []byte, reghisto *[64]int) bool {
	if s[4] == HLLDense {
		r := s[HLLHdrSize:]
		for j := 0; j+12 <= len(r); j += 12 {
			x := r[j : j+12 : j+12]
			reghisto[x[0]&63]++
			reghisto[(x[0]>>6|x[1]<<2)&63]++
			reghisto[(x[1]>>4|x[2]<<4)&63]++
			reghisto[(x[2]>>2)&63]++
			reghisto[x[3]&63]++
			reghisto[(x[3]>>6|x[4]<<2)&63]++
			reghisto[(x[4]>>4|x[5]<<4)&63]++
			reghisto[(x[5]>>2)&63]++
			reghisto[x[6]&63]++
			reghisto[(x[6]>>6|x[7]<<2)&63]++
			reghisto[(x[7]>>4|x[8]<<4)&63]++
			reghisto[(x[8]>>2)&63]++
			reghisto[x[9]&63]++
			reghisto[(x[9]>>6|x[10]<<2)&63]++
			reghisto[(x[10]>>4|x[11]<<4)&63]++
			reghisto[(x[11]>>2)&63]++
		}
		return true
	}
	idx := 0
	for p := HLLHdrSize; p < len(s); {
		op := s[p]
		switch {
		case hllIsZero(op):
			n := hllZeroLen(op)
			idx += n
			reghisto[0] += n
			p++
		case hllIsXZero(op):
			if p+1 >= len(s) {
				return false
			}
			n := hllXZeroLen(s[p:])
			idx += n
			reghisto[0] += n
			p += 2
		default:
			n := hllValLen(op)
			idx += n
			reghisto[hllValValue(op)] += n
			p++
		}
	}
	return idx == HLLRegisters
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y := 1.0
	z := x
	for {
		x *= x
		zp := z
		z += float64(x * y)
		y += y
		if zp == z {
			break
		}
	}
	return z
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y := 1.0
	z := 1 - x
	for {
		x = math.Sqrt(x)
		zp := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if zp == z {
			break
		}
	}
	return z / 3
}

// hllEstimate is Redis 7's estimator (Ertl's improved estimator) from a
// register histogram.
func hllEstimate(reghisto *[64]int) uint64 {
	m := float64(HLLRegisters)
	z := float64(m * hllTau((m-float64(reghisto[hllQ+1]))/m))
	for j := hllQ; j >= 1; j-- {
		z += float64(reghisto[j])
		z *= 0.5
	}
	z += float64(m * hllSigma(float64(reghisto[0])/m))
	e := float64(float64(float64(hllAlphaInf*m)*m) / z)
	return uint64(math.Round(e))
}

// HLLCount computes the cardinality; ok is false when the HLL is corrupted.
func HLLCount(s []byte) (uint64, bool) {
	var h [64]int
	if !hllHisto(s, &h) {
		return 0, false
	}
	return hllEstimate(&h), true
}

// HLLMergeRegs merges s into max (HLLRegisters bytes, one register each).
func HLLMergeRegs(max []uint8, s []byte) bool {
	if s[4] == HLLDense {
		regs := s[HLLHdrSize:]
		for i := 0; i < HLLRegisters; i++ {
			if v := hllGetReg(regs, i); v > max[i] {
				max[i] = v
			}
		}
		return true
	}
	i := 0
	for p := HLLHdrSize; p < len(s); {
		op := s[p]
		switch {
		case hllIsZero(op):
			i += hllZeroLen(op)
			p++
		case hllIsXZero(op):
			if p+1 >= len(s) {
				return false
			}
			i += hllXZeroLen(s[p:])
			p += 2
		default:
			runlen := hllValLen(op)
			v := uint8(hllValValue(op))
			if runlen+i > HLLRegisters {
				return false
			}
			for ; runlen > 0; runlen-- {
				if v > max[i] {
					max[i] = v
				}
				i++
			}
			p++
		}
	}
	return i == HLLRegisters
}

// HLLCountRegs estimates the cardinality of raw registers (one byte each).
func HLLCountRegs(max []uint8) uint64 {
	var h [64]int
	for _, v := range max {
		h[v&63]++
	}
	return hllEstimate(&h)
}

// HLLRegisterValues returns the 16384 register values of a dense HLL.
func HLLRegisterValues(s []byte) []uint8 {
	out := make([]uint8, HLLRegisters)
	regs := s[HLLHdrSize:]
	for i := range out {
		out[i] = hllGetReg(regs, i)
	}
	return out
}

// HLLDecodeSparse renders a sparse HLL's opcodes as PFDEBUG DECODE does.
func HLLDecodeSparse(s []byte) []byte {
	var out []byte
	for p := HLLHdrSize; p < len(s); {
		op := s[p]
		switch {
		case hllIsZero(op):
			out = append(out, "z:"...)
			out = strconv.AppendInt(out, int64(hllZeroLen(op)), 10)
			p++
		case hllIsXZero(op):
			n := 0
			if p+1 < len(s) {
				n = hllXZeroLen(s[p:])
			} else {
				n = (int(op&0x3f) << 8) + 1
			}
			out = append(out, "Z:"...)
			out = strconv.AppendInt(out, int64(n), 10)
			p += 2
		default:
			out = append(out, "v:"...)
			out = strconv.AppendInt(out, int64(hllValValue(op)), 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(hllValLen(op)), 10)
			p++
		}
		out = append(out, ' ')
	}
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return out
}

// HLLSelfTest runs PFSELFTEST's checks; it returns "" on success or the
// error text.
func HLLSelfTest(sparseMax int, rnd func() uint32) string {
	dense := make([]byte, HLLDenseSize)
	regs := dense[HLLHdrSize:]
	var bytecounters [HLLRegisters]uint8
	for j := 0; j < 1000; j++ {
		for i := 0; i < HLLRegisters; i++ {
			r := uint8(rnd() & hllRegisterMax)
			bytecounters[i] = r
			hllSetReg(regs, i, r)
		}
		for i := 0; i < HLLRegisters; i++ {
			if v := hllGetReg(regs, i); v != bytecounters[i] {
				return "TESTFAILED Register " + strconv.Itoa(i) + " should be " +
					strconv.Itoa(int(bytecounters[i])) + " but is " + strconv.Itoa(int(v))
			}
		}
	}
	for i := range regs {
		regs[i] = 0
	}
	copy(dense, "HYLL")
	o := HLLNew()
	relerr := 1.04 / math.Sqrt(HLLRegisters)
	checkpoint := int64(1)
	seed := uint64(rnd()) | uint64(rnd())<<32
	var ele [8]byte
	for j := int64(1); j <= 10000000; j++ {
		binary.LittleEndian.PutUint64(ele[:], uint64(j)^seed)
		idx, cnt := hllPatLen(ele[:])
		if hllGetReg(regs, idx) < cnt {
			hllSetReg(regs, idx, cnt)
		}
		o, _ = HLLSetRegister(o, idx, cnt, sparseMax)
		if j != checkpoint {
			continue
		}
		if j < int64(sparseMax/2) && o[4] != HLLSparse {
			return "TESTFAILED sparse encoding not used"
		}
		dc, _ := HLLCount(dense)
		sc, _ := HLLCount(o)
		if dc != sc {
			return "TESTFAILED dense/sparse disagree"
		}
		abserr := checkpoint - int64(dc)
		maxerr := uint64(math.Ceil(relerr * 6 * float64(checkpoint)))
		if j == 10 {
			maxerr = 1
		}
		if abserr < 0 {
			abserr = -abserr
		}
		if abserr > int64(maxerr) {
			return "TESTFAILED Too big error. card:" + strconv.FormatInt(checkpoint, 10) +
				" abserr:" + strconv.FormatInt(abserr, 10)
		}
		checkpoint *= 10
	}
	return ""
}
