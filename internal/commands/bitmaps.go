package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

func init() {
	engine.Register("setbit", cmdSetBit)
	engine.Register("getbit", cmdGetBit)
	engine.Register("bitcount", cmdBitCount)
	engine.Register("bitpos", cmdBitPos)
	engine.Register("bitop", cmdBitOp)
	engine.Register("bitfield", cmdBitField)
	engine.Register("bitfield_ro", cmdBitFieldRO)
}

// SETBIT key offset value
func cmdSetBit(c *engine.Ctx) {
	key := c.Argv[1]
	off, ok := parseBitOffset(c, c.Argv[2], false, 0)
	if !ok {
		return
	}
	on, ok := resp.ParseInt(c.Argv[3])
	if !ok || on&^1 != 0 {
		c.Err(errs.BitValue)
		return
	}
	e, dirty := lookupStringForBit(c, key, off)
	if e == nil {
		return
	}
	byt := off >> 3
	sh := 7 - off&7
	old := e.Str()[byt] >> sh & 1
	if dirty || int64(old) != on {
		e.Str()[byt] = e.Str()[byt]&^(1<<sh) | byte(on)<<sh
		c.Modified(key)
		c.Notify(engine.NotifyString, "setbit", key)
	}
	c.W.Int(int64(old))
}

// GETBIT key offset
func cmdGetBit(c *engine.Ctx) {
	off, ok := parseBitOffset(c, c.Argv[2], false, 0)
	if !ok {
		return
	}
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Int(0)
		return
	}
	if e.Obj() != nil {
		wrongType(c)
		return
	}
	var bit byte
	if byt := off >> 3; byt < uint64(len(e.Str())) {
		bit = e.Str()[byt] >> (7 - off&7) & 1
	}
	c.W.Int(int64(bit))
}

// bitRange parses the start/end/unit arguments shared by BITCOUNT and
// BITPOS and converts them, as Redis does, to a byte range [start,end]
// plus masks of the bits of the edge bytes that fall outside a BIT range.
type bitRange struct {
	start, end          int64
	firstMask, lastMask byte
}

// clamp applies Redis's negative-index conversion to a range over totlen
// bytes (isBit: bits), then turns a bit range into bytes and edge masks.
func (r *bitRange) clamp(totlen int64, isBit bool) {
	if isBit {
		totlen <<= 3
	}
	if r.start < 0 {
		r.start += totlen
	}
	if r.end < 0 {
		r.end += totlen
	}
	if r.start < 0 {
		r.start = 0
	}
	if r.end < 0 {
		r.end = 0
	}
	if r.end >= totlen {
		r.end = totlen - 1
	}
	if isBit && r.start <= r.end {
		r.firstMask = byte(^((1 << (8 - r.start&7)) - 1))
		r.lastMask = byte((1 << (7 - r.end&7)) - 1)
		r.start >>= 3
		r.end >>= 3
	}
}

// parseBitUnit parses BYTE|BIT.
func parseBitUnit(c *engine.Ctx, arg []byte) (isBit, ok bool) {
	switch {
	case eqFold(arg, "BIT"):
		return true, true
	case eqFold(arg, "BYTE"):
		return false, true
	}
	c.Err(errs.Syntax)
	return false, false
}

// BITCOUNT key [start end [BYTE | BIT]]
func cmdBitCount(c *engine.Ctx) {
	// Redis 7.0 looks the key up before it parses the range.
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		c.W.Int(0)
		return
	}
	if e.Obj() != nil {
		wrongType(c)
		return
	}
	p := e.Str()
	var r bitRange
	switch argc := len(c.Argv); argc {
	case 4, 5:
		var ok bool
		if r.start, ok = c.IntArg(2); !ok {
			return
		}
		if r.end, ok = c.IntArg(3); !ok {
			return
		}
		isBit := false
		if argc == 5 {
			if isBit, ok = parseBitUnit(c, c.Argv[4]); !ok {
				return
			}
		}
		if r.start < 0 && r.end < 0 && r.start > r.end {
			c.W.Int(0)
			return
		}
		r.clamp(int64(len(p)), isBit)
	case 2:
		r.end = int64(len(p)) - 1
	default:
		c.Err(errs.Syntax)
		return
	}
	if r.start > r.end {
		c.W.Int(0)
		return
	}
	count := popcount(p[r.start : r.end+1])
	if r.firstMask != 0 || r.lastMask != 0 {
		var edges [2]byte
		if r.firstMask != 0 {
			edges[0] = p[r.start] & r.firstMask
		}
		if r.lastMask != 0 {
			edges[1] = p[r.end] & r.lastMask
		}
		count -= popcount(edges[:])
	}
	c.W.Int(count)
}

// BITPOS key bit [start [end [BYTE | BIT]]]
func cmdBitPos(c *engine.Ctx) {
	bit, ok := c.IntArg(2)
	if !ok {
		return
	}
	if bit != 0 && bit != 1 {
		c.ErrString(errBitposBit)
		return
	}
	// A missing key is an infinite run of zeros.
	e := lookupRead(c, c.Argv[1])
	if e == nil {
		if bit == 1 {
			c.W.Int(-1)
		} else {
			c.W.Int(0)
		}
		return
	}
	if e.Obj() != nil {
		wrongType(c)
		return
	}
	p := e.Str()
	var r bitRange
	endGiven := false
	switch argc := len(c.Argv); argc {
	case 4, 5, 6:
		totlen := int64(len(p))
		if r.start, ok = c.IntArg(3); !ok {
			return
		}
		isBit := false
		if argc == 6 {
			if isBit, ok = parseBitUnit(c, c.Argv[5]); !ok {
				return
			}
		}
		if argc >= 5 {
			if r.end, ok = c.IntArg(4); !ok {
				return
			}
			endGiven = true
		} else if isBit {
			r.end = totlen<<3 + 7
		} else {
			r.end = totlen - 1
		}
		r.clamp(totlen, isBit)
	case 3:
		r.end = int64(len(p)) - 1
	default:
		c.Err(errs.Syntax)
		return
	}
	if r.start > r.end {
		c.W.Int(-1)
		return
	}
	c.W.Int(bitposRange(p, int(bit), r, endGiven))
}

// bitposRange searches the byte range r of p (with its edge masks) the way
// Redis 7.0's bitposCommand does: first the masked first byte, then the
// whole bytes, then the masked last byte.
func bitposRange(p []byte, bit int, r bitRange, endGiven bool) int64 {
	start, end := r.start, r.end
	bytes := end - start + 1
	var pos int64
	var tmp [1]byte
	masked := func(b, mask byte) byte {
		if bit == 1 {
			return b &^ mask
		}
		return b | mask
	}
	done := false
	if r.firstMask != 0 {
		tmp[0] = masked(p[start], r.firstMask)
		if r.lastMask != 0 && bytes == 1 {
			tmp[0] = masked(tmp[0], r.lastMask)
		}
		pos = bitpos(tmp[:], bit)
		if bytes == 1 || (pos != -1 && pos != 8) {
			done = true
		} else {
			start++
			bytes--
		}
	}
	if !done {
		cur := bytes
		if r.lastMask != 0 {
			cur--
		}
		if cur > 0 {
			pos = bitpos(p[start:start+cur], bit)
			if bytes == cur || (pos != -1 && pos != cur<<3) {
				done = true
			} else {
				start += cur
				bytes -= cur
			}
		}
	}
	if !done {
		tmp[0] = masked(p[end], r.lastMask)
		pos = bitpos(tmp[:], bit)
	}
	if endGiven && bit == 0 && pos == bytes<<3 {
		return -1
	}
	if pos != -1 {
		pos += start << 3
	}
	return pos
}

// BITOP <AND | OR | XOR | NOT> destkey key [key ...]
func cmdBitOp(c *engine.Ctx) {
	var op int
	switch name := c.Argv[1]; {
	case eqFold(name, "AND"):
		op = bitopAnd
	case eqFold(name, "OR"):
		op = bitopOr
	case eqFold(name, "XOR"):
		op = bitopXor
	case eqFold(name, "NOT"):
		op = bitopNot
	default:
		c.Err(errs.Syntax)
		return
	}
	if op == bitopNot && len(c.Argv) != 4 {
		c.ErrString(errBitopNot)
		return
	}
	dest := c.Argv[2]
	keys := c.Argv[3:]
	var small [8][]byte
	srcs := small[:0]
	maxlen := 0
	for _, k := range keys {
		e := lookupRead(c, k)
		if e == nil {
			srcs = append(srcs, nil)
			continue
		}
		if e.Obj() != nil {
			wrongType(c)
			return
		}
		srcs = append(srcs, e.Str())
		if len(e.Str()) > maxlen {
			maxlen = len(e.Str())
		}
	}
	if maxlen == 0 {
		if c.DB.Delete(dest) {
			c.Modified(dest)
			c.Notify(engine.NotifyGeneric, "del", dest)
		}
		c.W.Int(0)
		return
	}
	res := make([]byte, maxlen)
	copy(res, srcs[0])
	if op == bitopNot {
		for i := range res {
			res[i] = ^res[i]
		}
	} else {
		for _, s := range srcs[1:] {
			bitopApply(op, res, s)
		}
	}
	found := c.DB.Lookup(dest) != nil
	c.DB.Set(dest, keyspace.RawStrEntry(res))
	c.Modified(dest)
	if !found {
		notifyNew(c, dest)
	}
	c.Notify(engine.NotifyString, "set", dest)
	c.W.Int(int64(maxlen))
}

// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
// <SET encoding offset value | INCRBY encoding offset increment> ...]
func cmdBitField(c *engine.Ctx) { bitfieldGeneric(c, false) }

// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
func cmdBitFieldRO(c *engine.Ctx) { bitfieldGeneric(c, true) }

// Operations of BITFIELD.
const (
	bfGet = iota
	bfSet
	bfIncrBy
)

type bitfieldOp struct {
	offset uint64
	i64    int64
	opcode int
	owtype int
	bits   int
	signed bool
}

// parseBitfieldType parses i<bits> (1..64) or u<bits> (1..63).
func parseBitfieldType(c *engine.Ctx, arg []byte) (signed bool, nbits int, ok bool) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		c.ErrString(errBitfieldType)
		return false, 0, false
	}
	signed = arg[0] == 'i'
	n, ok := resp.ParseInt(arg[1:])
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		c.ErrString(errBitfieldType)
		return false, 0, false
	}
	return signed, int(n), true
}

func bitfieldGeneric(c *engine.Ctx, readOnly bool) {
	key := c.Argv[1]
	var small [4]bitfieldOp
	ops := small[:0]
	owtype := ovfWrap
	writes := false
	var highest uint64
	for j := 2; j < len(c.Argv); j++ {
		rem := len(c.Argv) - j - 1
		sub := c.Argv[j]
		var opcode int
		switch {
		case eqFold(sub, "GET") && rem >= 2:
			opcode = bfGet
		case eqFold(sub, "SET") && rem >= 3:
			opcode = bfSet
		case eqFold(sub, "INCRBY") && rem >= 3:
			opcode = bfIncrBy
		case eqFold(sub, "OVERFLOW") && rem >= 1:
			j++
			switch t := c.Argv[j]; {
			case eqFold(t, "WRAP"):
				owtype = ovfWrap
			case eqFold(t, "SAT"):
				owtype = ovfSat
			case eqFold(t, "FAIL"):
				owtype = ovfFail
			default:
				c.ErrString(errBitfieldOvf)
				return
			}
			continue
		default:
			c.Err(errs.Syntax)
			return
		}
		signed, nbits, ok := parseBitfieldType(c, c.Argv[j+1])
		if !ok {
			return
		}
		off, ok := parseBitOffset(c, c.Argv[j+2], true, int64(nbits))
		if !ok {
			return
		}
		var i64 int64
		if opcode != bfGet {
			writes = true
			if off+uint64(nbits)-1 > highest {
				highest = off + uint64(nbits) - 1
			}
			if i64, ok = c.IntArg(j + 3); !ok {
				return
			}
		}
		ops = append(ops, bitfieldOp{offset: off, i64: i64, opcode: opcode, owtype: owtype, bits: nbits, signed: signed})
		if opcode == bfGet {
			j += 2
		} else {
			j += 3
		}
	}

	var e *keyspace.Entry
	dirty := false
	if !writes {
		e = lookupRead(c, key)
		if e != nil && e.Obj() != nil {
			wrongType(c)
			return
		}
	} else {
		if readOnly {
			c.ErrString(errBitfieldRO)
			return
		}
		if e, dirty = lookupStringForBit(c, key, highest); e == nil {
			return
		}
	}

	c.W.Array(len(ops))
	changes := 0
	for i := range ops {
		op := &ops[i]
		var p []byte
		if e != nil {
			p = e.Str()
		}
		if op.opcode == bfGet {
			if op.signed {
				c.W.Int(getSignedBitfield(p, op.offset, op.bits))
			} else {
				c.W.Int(int64(getUnsignedBitfield(p, op.offset, op.bits)))
			}
			continue
		}
		if op.signed {
			oldval := getSignedBitfield(p, op.offset, op.bits)
			var newval, retval int64
			var overflow bool
			var wrapped int64
			if op.opcode == bfIncrBy {
				overflow, wrapped = checkSignedOverflow(oldval, op.i64, op.bits, op.owtype)
				if overflow {
					newval = wrapped
				} else {
					newval = oldval + op.i64
				}
				retval = newval
			} else {
				newval = op.i64
				if overflow, wrapped = checkSignedOverflow(newval, 0, op.bits, op.owtype); overflow {
					newval = wrapped
				}
				retval = oldval
			}
			if overflow && op.owtype == ovfFail {
				c.W.Null()
				continue
			}
			c.W.Int(retval)
			setUnsignedBitfield(p, op.offset, op.bits, uint64(newval))
			if dirty || oldval != newval {
				changes++
			}
		} else {
			oldval := getUnsignedBitfield(p, op.offset, op.bits)
			var newval, retval, wrapped uint64
			var overflow bool
			if op.opcode == bfIncrBy {
				newval = oldval + uint64(op.i64)
				if overflow, wrapped = checkUnsignedOverflow(oldval, op.i64, op.bits, op.owtype); overflow {
					newval = wrapped
				}
				retval = newval
			} else {
				newval = uint64(op.i64)
				if overflow, wrapped = checkUnsignedOverflow(newval, 0, op.bits, op.owtype); overflow {
					newval = wrapped
				}
				retval = oldval
			}
			if overflow && op.owtype == ovfFail {
				c.W.Null()
				continue
			}
			c.W.Int(int64(retval))
			setUnsignedBitfield(p, op.offset, op.bits, newval)
			if dirty || oldval != newval {
				changes++
			}
		}
	}
	if changes > 0 {
		c.Modified(key)
		c.Notify(engine.NotifyString, "setbit", key)
		if changes > 1 {
			c.E.Stats.Dirty.Add(int64(changes - 1))
		}
	}
}
