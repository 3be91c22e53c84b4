package commands

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

// Bit numbering follows Redis: bit 0 is the most significant bit of byte 0.

// parseBitOffset is Redis's getBitOffsetFromArgument. With hash, "#N"
// means N*bits (BITFIELD). Offsets past proto-max-bulk-len bytes fail.
func parseBitOffset(c *engine.Ctx, arg []byte, hash bool, nbits int64) (uint64, bool) {
	useHash := hash && len(arg) > 1 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	off, ok := resp.ParseInt(arg)
	if !ok {
		c.Err(errs.BitOffset)
		return 0, false
	}
	if useHash {
		off = int64(uint64(off) * uint64(nbits)) // wraps as in C
	}
	if off < 0 || off>>3 >= maxBulkLen(c) {
		c.Err(errs.BitOffset)
		return 0, false
	}
	return uint64(off), true
}

// lookupStringForBit is Redis's lookupStringForBitCommand: it returns the
// string at key, created or grown (zero padded) so that bit maxbit exists,
// and whether it was created or grown. It replies WRONGTYPE and returns
// nil for another type.
func lookupStringForBit(c *engine.Ctx, key []byte, maxbit uint64) (*keyspace.Entry, bool) {
	n := int(maxbit>>3) + 1
	e := c.DB.Lookup(key)
	if e == nil {
		e = c.DB.Set(key, keyspace.RawStrEntry(make([]byte, n)))
		notifyNew(c, key)
		return e, true
	}
	if e.Obj() != nil {
		wrongType(c)
		return nil, false
	}
	return e, unshareString(c, key, e, n)
}

// popcount counts the set bits of p.
func popcount(p []byte) int64 {
	var n int
	for len(p) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	for _, b := range p {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// bitpos is Redis's redisBitpos: the position of the first bit equal to
// bit in p; when there is none, -1 for a set bit and len(p)*8 (the first
// bit past the end) for a clear bit.
func bitpos(p []byte, bit int) int64 {
	var skip byte
	if bit == 0 {
		skip = 0xff
	}
	i := 0
	if bit == 0 {
		for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:]) == math.MaxUint64 {
			i += 8
		}
	} else {
		for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:]) == 0 {
			i += 8
		}
	}
	for ; i < len(p); i++ {
		if p[i] == skip {
			continue
		}
		b := p[i]
		if bit == 0 {
			b = ^b
		}
		return int64(i)*8 + int64(bits.LeadingZeros8(b))
	}
	if bit == 1 {
		return -1
	}
	return int64(len(p)) * 8
}

// getUnsignedBitfield reads nbits bits at bit offset off; bits past the end
// of p read as zero.
func getUnsignedBitfield(p []byte, off uint64, nbits int) uint64 {
	var v uint64
	for j := 0; j < nbits; j++ {
		byt := off >> 3
		var bit uint64
		if byt < uint64(len(p)) {
			bit = uint64(p[byt]>>(7-off&7)) & 1
		}
		v = v<<1 | bit
		off++
	}
	return v
}

// getSignedBitfield reads a two's complement nbits-wide integer.
func getSignedBitfield(p []byte, off uint64, nbits int) int64 {
	v := getUnsignedBitfield(p, off, nbits)
	if nbits < 64 && v&(1<<(nbits-1)) != 0 {
		v |= math.MaxUint64 << nbits
	}
	return int64(v)
}

// setUnsignedBitfield writes the low nbits bits of v at bit offset off;
// p must be long enough.
func setUnsignedBitfield(p []byte, off uint64, nbits int, v uint64) {
	for j := 0; j < nbits; j++ {
		bitval := byte(v>>(nbits-1-j)) & 1
		byt := off >> 3
		sh := 7 - off&7
		p[byt] = p[byt]&^(1<<sh) | bitval<<sh
		off++
	}
}

// Overflow behaviours of BITFIELD.
const (
	ovfWrap = iota
	ovfSat
	ovfFail
)

// checkUnsignedOverflow is Redis's checkUnsignedBitfieldOverflow: it
// reports whether value+incr overflows an nbits unsigned field and returns
// the wrapped or saturated result in limit.
func checkUnsignedOverflow(value uint64, incr int64, nbits int, owtype int) (bool, uint64) {
	var max uint64 = math.MaxUint64
	if nbits < 64 {
		max = 1<<nbits - 1
	}
	maxincr := int64(max - value)
	minincr := -int64(value)
	wrap := func() uint64 {
		res := value + uint64(incr)
		if nbits < 64 {
			res &= 1<<nbits - 1
		}
		return res
	}
	if value > max || (incr > 0 && incr > maxincr) {
		switch owtype {
		case ovfWrap:
			return true, wrap()
		case ovfSat:
			return true, max
		}
		return true, 0
	}
	if incr < 0 && incr < minincr {
		switch owtype {
		case ovfWrap:
			return true, wrap()
		case ovfSat:
			return true, 0
		}
		return true, 0
	}
	return false, 0
}

// checkSignedOverflow is Redis's checkSignedBitfieldOverflow.
func checkSignedOverflow(value, incr int64, nbits int, owtype int) (bool, int64) {
	var max int64 = math.MaxInt64
	if nbits < 64 {
		max = 1<<(nbits-1) - 1
	}
	min := -max - 1
	maxincr := int64(uint64(max) - uint64(value))
	minincr := int64(uint64(min) - uint64(value))
	wrap := func() int64 {
		c := uint64(value) + uint64(incr)
		if nbits < 64 {
			mask := uint64(math.MaxUint64) << nbits
			if c&(1<<(nbits-1)) != 0 {
				c |= mask
			} else {
				c &^= mask
			}
		}
		return int64(c)
	}
	if value > max || (nbits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
		switch owtype {
		case ovfWrap:
			return true, wrap()
		case ovfSat:
			return true, max
		}
		return true, 0
	}
	if value < min || (nbits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr) {
		switch owtype {
		case ovfWrap:
			return true, wrap()
		case ovfSat:
			return true, min
		}
		return true, 0
	}
	return false, 0
}

// bitopApply combines src into res (len(res) >= len(src)) with op; bytes
// of res past len(src) meet zeros.
func bitopApply(op int, res, src []byte) {
	n := len(src)
	i := 0
	switch op {
	case bitopAnd:
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(res[i:], binary.LittleEndian.Uint64(res[i:])&binary.LittleEndian.Uint64(src[i:]))
		}
		for ; i < n; i++ {
			res[i] &= src[i]
		}
		clear(res[n:])
	case bitopOr:
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(res[i:], binary.LittleEndian.Uint64(res[i:])|binary.LittleEndian.Uint64(src[i:]))
		}
		for ; i < n; i++ {
			res[i] |= src[i]
		}
	case bitopXor:
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(res[i:], binary.LittleEndian.Uint64(res[i:])^binary.LittleEndian.Uint64(src[i:]))
		}
		for ; i < n; i++ {
			res[i] ^= src[i]
		}
	}
}

// BITOP operations.
const (
	bitopAnd = iota
	bitopOr
	bitopXor
	bitopNot
)
