package script

import (
	"encoding/binary"
	"math"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// cmsgpack: Redis's lua_cmsgpack 0.4.0 (pack of several values, unpack,
// unpack_one, unpack_limit; tables nested deeper than 16 pack as nil).

const cmsgpackMaxNesting = 16

func openCmsgpack(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(cmsgpackPack))
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int { return cmsgpackUnpack(L, 0, 0, false) }))
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int {
		off := L.OptInt(2, 0)
		return cmsgpackUnpack(L, 1, off, true)
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		limit := L.CheckInt(2)
		off := L.OptInt(3, 0)
		return cmsgpackUnpack(L, limit, off, true)
	}))
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return t
}

func cmsgpackPack(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		L.ArgError(0, "MessagePack pack needs input.")
	}
	var buf []byte
	for i := 1; i <= n; i++ {
		buf = mpEncode(buf, L.Get(i), 0)
	}
	L.Push(lua.LString(buf))
	return 1
}

func mpEncode(buf []byte, v lua.LValue, level int) []byte {
	switch x := v.(type) {
	case lua.LString:
		return mpEncodeBytes(buf, string(x))
	case lua.LBool:
		if x {
			return append(buf, 0xc3)
		}
		return append(buf, 0xc2)
	case lua.LNumber:
		f := float64(x)
		if !math.IsInf(f, 0) && !math.IsNaN(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0 && float64(int64(f)) == f {
			return mpEncodeInt(buf, int64(f))
		}
		if float64(float32(f)) == f || math.IsNaN(f) {
			buf = append(buf, 0xca)
			return binary.BigEndian.AppendUint32(buf, math.Float32bits(float32(f)))
		}
		buf = append(buf, 0xcb)
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(f))
	case *lua.LTable:
		if level == cmsgpackMaxNesting {
			return append(buf, 0xc0)
		}
		if n, ok := mpIsArray(x); ok {
			switch {
			case n <= 15:
				buf = append(buf, 0x90|byte(n))
			case n <= 0xffff:
				buf = append(buf, 0xdc, byte(n>>8), byte(n))
			default:
				buf = append(buf, 0xdd)
				buf = binary.BigEndian.AppendUint32(buf, uint32(n))
			}
			for i := 1; i <= n; i++ {
				buf = mpEncode(buf, x.RawGetInt(i), level+1)
			}
			return buf
		}
		n := 0
		k, _ := x.Next(lua.LNil)
		for k != lua.LNil {
			n++
			k, _ = x.Next(k)
		}
		switch {
		case n <= 15:
			buf = append(buf, 0x80|byte(n))
		case n <= 0xffff:
			buf = append(buf, 0xde, byte(n>>8), byte(n))
		default:
			buf = append(buf, 0xdf)
			buf = binary.BigEndian.AppendUint32(buf, uint32(n))
		}
		k, val := x.Next(lua.LNil)
		for k != lua.LNil {
			buf = mpEncode(buf, k, level+1)
			buf = mpEncode(buf, val, level+1)
			k, val = x.Next(k)
		}
		return buf
	}
	return append(buf, 0xc0)
}

// mpIsArray is table_is_an_array: positive integer keys without holes.
func mpIsArray(t *lua.LTable) (int, bool) {
	count, max := 0, 0
	k, _ := t.Next(lua.LNil)
	for k != lua.LNil {
		n, ok := k.(lua.LNumber)
		if !ok {
			return 0, false
		}
		f := float64(n)
		if f <= 0 || f != math.Floor(f) {
			return 0, false
		}
		count++
		if int(f) > max {
			max = int(f)
		}
		k, _ = t.Next(k)
	}
	return max, max == count
}

func mpEncodeBytes(buf []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		buf = append(buf, 0xa0|byte(n))
	case n <= 0xff:
		buf = append(buf, 0xd9, byte(n))
	case n <= 0xffff:
		buf = append(buf, 0xda, byte(n>>8), byte(n))
	default:
		buf = append(buf, 0xdb)
		buf = binary.BigEndian.AppendUint32(buf, uint32(n))
	}
	return append(buf, s...)
}

func mpEncodeInt(buf []byte, n int64) []byte {
	if n >= 0 {
		u := uint64(n)
		switch {
		case u <= 127:
			return append(buf, byte(u))
		case u <= 0xff:
			return append(buf, 0xcc, byte(u))
		case u <= 0xffff:
			return append(buf, 0xcd, byte(u>>8), byte(u))
		case u <= 0xffffffff:
			buf = append(buf, 0xce)
			return binary.BigEndian.AppendUint32(buf, uint32(u))
		default:
			buf = append(buf, 0xcf)
			return binary.BigEndian.AppendUint64(buf, u)
		}
	}
	switch {
	case n >= -32:
		return append(buf, byte(int8(n)))
	case n >= -128:
		return append(buf, 0xd0, byte(int8(n)))
	case n >= -32768:
		buf = append(buf, 0xd1)
		return binary.BigEndian.AppendUint16(buf, uint16(int16(n)))
	case n >= -2147483648:
		buf = append(buf, 0xd2)
		return binary.BigEndian.AppendUint32(buf, uint32(int32(n)))
	default:
		buf = append(buf, 0xd3)
		return binary.BigEndian.AppendUint64(buf, uint64(n))
	}
}

type mpDecoder struct {
	L   *lua.LState
	s   string
	pos int
	err string
}

// cmsgpackUnpack decodes up to limit values (0 = all) from offset.
// withOffset returns the next offset (-1 at the end) first.
func cmsgpackUnpack(L *lua.LState, limit, offset int, withOffset bool) int {
	s := L.CheckString(1)
	if offset < 0 || limit < 0 {
		L.RaiseError("Invalid request to unpack with offset of %d and limit of %d.", offset, limit)
	}
	if offset > len(s) {
		L.RaiseError("Start offset %d greater than input length %d.", offset, len(s))
	}
	d := mpDecoder{L: L, s: s, pos: offset}
	var vals []lua.LValue
	for d.pos < len(s) && (limit == 0 || len(vals) < limit) {
		v := d.decode(0)
		if d.err != "" {
			L.RaiseError("%s", d.err)
		}
		vals = append(vals, v)
	}
	n := 0
	if withOffset {
		off := d.pos
		if off >= len(s) {
			off = -1
		}
		L.Push(lua.LNumber(off))
		n++
	}
	for _, v := range vals {
		L.Push(v)
	}
	return n + len(vals)
}

func (d *mpDecoder) need(n int) bool {
	if len(d.s)-d.pos < n {
		d.err = "Missing bytes in input."
		return false
	}
	return true
}

func (d *mpDecoder) decode(depth int) lua.LValue {
	if d.err != "" || !d.need(1) {
		return lua.LNil
	}
	if depth > 10000 {
		d.err = "Bad data format in input."
		return lua.LNil
	}
	c := d.s[d.pos]
	d.pos++
	switch {
	case c <= 0x7f:
		return lua.LNumber(c)
	case c >= 0xe0:
		return lua.LNumber(int8(c))
	case c >= 0xa0 && c <= 0xbf:
		return d.str(int(c & 0x1f))
	case c >= 0x90 && c <= 0x9f:
		return d.array(int(c&0x0f), depth)
	case c >= 0x80 && c <= 0x8f:
		return d.mapv(int(c&0x0f), depth)
	}
	switch c {
	case 0xc0:
		return lua.LNil
	case 0xc2:
		return lua.LFalse
	case 0xc3:
		return lua.LTrue
	case 0xca:
		if !d.need(4) {
			return lua.LNil
		}
		f := math.Float32frombits(binary.BigEndian.Uint32([]byte(d.s[d.pos:])))
		d.pos += 4
		return lua.LNumber(float64(f))
	case 0xcb:
		if !d.need(8) {
			return lua.LNil
		}
		f := math.Float64frombits(binary.BigEndian.Uint64([]byte(d.s[d.pos:])))
		d.pos += 8
		return lua.LNumber(f)
	case 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3:
		size := 1 << ((c - 0xcc) & 3)
		if !d.need(size) {
			return lua.LNil
		}
		b := []byte(d.s[d.pos : d.pos+size])
		d.pos += size
		var u uint64
		for _, x := range b {
			u = u<<8 | uint64(x)
		}
		if c >= 0xd0 {
			shift := 64 - 8*uint(size)
			return lua.LNumber(float64(int64(u<<shift) >> shift))
		}
		return lua.LNumber(float64(u))
	case 0xd9, 0xc4:
		if !d.need(1) {
			return lua.LNil
		}
		n := int(d.s[d.pos])
		d.pos++
		return d.str(n)
	case 0xda, 0xc5:
		if !d.need(2) {
			return lua.LNil
		}
		n := int(binary.BigEndian.Uint16([]byte(d.s[d.pos:])))
		d.pos += 2
		return d.str(n)
	case 0xdb, 0xc6:
		if !d.need(4) {
			return lua.LNil
		}
		n := int(binary.BigEndian.Uint32([]byte(d.s[d.pos:])))
		d.pos += 4
		return d.str(n)
	case 0xdc:
		if !d.need(2) {
			return lua.LNil
		}
		n := int(binary.BigEndian.Uint16([]byte(d.s[d.pos:])))
		d.pos += 2
		return d.array(n, depth)
	case 0xdd:
		if !d.need(4) {
			return lua.LNil
		}
		n := int(binary.BigEndian.Uint32([]byte(d.s[d.pos:])))
		d.pos += 4
		return d.array(n, depth)
	case 0xde:
		if !d.need(2) {
			return lua.LNil
		}
		n := int(binary.BigEndian.Uint16([]byte(d.s[d.pos:])))
		d.pos += 2
		return d.mapv(n, depth)
	case 0xdf:
		if !d.need(4) {
			return lua.LNil
		}
		n := int(binary.BigEndian.Uint32([]byte(d.s[d.pos:])))
		d.pos += 4
		return d.mapv(n, depth)
	}
	d.err = "Bad data format in input."
	return lua.LNil
}

func (d *mpDecoder) str(n int) lua.LValue {
	if !d.need(n) {
		return lua.LNil
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	return lua.LString(s)
}

func (d *mpDecoder) array(n, depth int) lua.LValue {
	if n > len(d.s)-d.pos {
		d.err = "Missing bytes in input."
		return lua.LNil
	}
	t := d.L.CreateTable(n, 0)
	for i := 1; i <= n; i++ {
		v := d.decode(depth + 1)
		if d.err != "" {
			return lua.LNil
		}
		t.RawSetInt(i, v)
	}
	return t
}

func (d *mpDecoder) mapv(n, depth int) lua.LValue {
	if n > len(d.s)-d.pos {
		d.err = "Missing bytes in input."
		return lua.LNil
	}
	t := d.L.CreateTable(0, n)
	for i := 0; i < n; i++ {
		k := d.decode(depth + 1)
		v := d.decode(depth + 1)
		if d.err != "" {
			return lua.LNil
		}
		if k == lua.LNil {
			continue
		}
		if f, ok := k.(lua.LNumber); ok && math.IsNaN(float64(f)) {
			continue
		}
		t.RawSet(k, v)
	}
	return t
}
