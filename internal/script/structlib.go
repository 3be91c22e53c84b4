package script

import (
	"encoding/binary"
	"math"
	"strconv"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// struct: Roberto Ierusalimschy's lua_struct as bundled with Redis (pack,
// unpack, size), on a little-endian 64-bit host.

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

type structHeader struct {
	big   bool
	align int
}

type structFmt struct {
	L   *lua.LState
	s   string
	pos int
}

func (f *structFmt) getnum(df int) int {
	if f.pos >= len(f.s) || f.s[f.pos] < '0' || f.s[f.pos] > '9' {
		return df
	}
	a := 0
	for f.pos < len(f.s) && f.s[f.pos] >= '0' && f.s[f.pos] <= '9' {
		d := int(f.s[f.pos] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			f.L.RaiseError("integral size overflow")
		}
		a = a*10 + d
		f.pos++
	}
	return a
}

func (f *structFmt) optsize(opt byte) int {
	switch opt {
	case 'B', 'b':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T':
		return 8
	case 'f':
		return 4
	case 'd':
		return 8
	case 'x':
		return 1
	case 'c':
		return f.getnum(1)
	case 'i', 'I':
		sz := f.getnum(4)
		if sz > structMaxIntSize {
			f.L.RaiseError("integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

func structToAlign(n int, h *structHeader, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

func (f *structFmt) control(opt byte, h *structHeader) {
	switch opt {
	case ' ':
	case '>':
		h.big = true
	case '<':
		h.big = false
	case '!':
		a := f.getnum(structMaxAlign)
		if a == 0 || a&(a-1) != 0 {
			f.L.RaiseError("alignment %d is not a power of 2", a)
		}
		h.align = a
	default:
		f.L.ArgError(1, "invalid format option '"+string(opt)+"'")
	}
}

func openStruct(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

func structPack(L *lua.LState) int {
	f := structFmt{L: L, s: L.CheckString(1)}
	h := structHeader{align: 1}
	arg := 2
	var b []byte
	total := 0
	for f.pos < len(f.s) {
		opt := f.s[f.pos]
		f.pos++
		size := f.optsize(opt)
		toalign := structToAlign(total, &h, opt, size)
		total += toalign
		for ; toalign > 0; toalign-- {
			b = append(b, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := float64(L.CheckNumber(arg))
			arg++
			var v uint64
			if n < 0 {
				v = uint64(int64(n))
			} else {
				v = uint64(n)
			}
			buf := make([]byte, size)
			if h.big {
				for i := size - 1; i >= 0; i-- {
					buf[i] = byte(v)
					v >>= 8
				}
			} else {
				for i := 0; i < size; i++ {
					buf[i] = byte(v)
					v >>= 8
				}
			}
			b = append(b, buf...)
		case 'x':
			b = append(b, 0)
		case 'f':
			v := math.Float32bits(float32(L.CheckNumber(arg)))
			arg++
			if h.big {
				b = binary.BigEndian.AppendUint32(b, v)
			} else {
				b = binary.LittleEndian.AppendUint32(b, v)
			}
		case 'd':
			v := math.Float64bits(float64(L.CheckNumber(arg)))
			arg++
			if h.big {
				b = binary.BigEndian.AppendUint64(b, v)
			} else {
				b = binary.LittleEndian.AppendUint64(b, v)
			}
		case 'c', 's':
			s := L.CheckString(arg)
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				L.ArgError(arg, "string too short")
			}
			b = append(b, s[:size]...)
			if opt == 's' {
				b = append(b, 0)
				size++
			}
		default:
			f.control(opt, &h)
		}
		total += size
	}
	L.Push(lua.LString(b))
	return 1
}

func structUnpack(L *lua.LState) int {
	f := structFmt{L: L, s: L.CheckString(1)}
	data := L.CheckString(2)
	ld := len(data)
	pos := L.OptInt(3, 1) - 1
	if pos < 0 || pos > ld {
		L.ArgError(3, "offset must be 1 or greater")
	}
	h := structHeader{align: 1}
	n := 0
	for f.pos < len(f.s) {
		opt := f.s[f.pos]
		f.pos++
		size := f.optsize(opt)
		pos += structToAlign(pos, &h, opt, size)
		if !(size <= ld && pos <= ld-size) {
			L.ArgError(2, "data string too short")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			var l uint64
			if h.big {
				for i := 0; i < size; i++ {
					l = l<<8 | uint64(data[pos+i])
				}
			} else {
				for i := size - 1; i >= 0; i-- {
					l = l<<8 | uint64(data[pos+i])
				}
			}
			if opt >= 'a' && opt <= 'z' { // signed
				if size < 8 {
					mask := ^uint64(0) << (uint(size)*8 - 1)
					if l&mask != 0 {
						l |= mask
					}
				}
				L.Push(lua.LNumber(float64(int64(l))))
			} else {
				L.Push(lua.LNumber(float64(l)))
			}
			n++
		case 'x':
		case 'f':
			var v uint32
			if h.big {
				v = binary.BigEndian.Uint32([]byte(data[pos:]))
			} else {
				v = binary.LittleEndian.Uint32([]byte(data[pos:]))
			}
			L.Push(lua.LNumber(float64(math.Float32frombits(v))))
			n++
		case 'd':
			var v uint64
			if h.big {
				v = binary.BigEndian.Uint64([]byte(data[pos:]))
			} else {
				v = binary.LittleEndian.Uint64([]byte(data[pos:]))
			}
			L.Push(lua.LNumber(math.Float64frombits(v)))
			n++
		case 'c':
			if size == 0 {
				prev := L.Get(-1)
				num, ok := prev.(lua.LNumber)
				if !ok {
					if s, ok2 := prev.(lua.LString); ok2 {
						if v, err := strconv.ParseFloat(string(s), 64); err == nil {
							num, ok = lua.LNumber(v), true
						}
					}
				}
				if n == 0 || !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				size = int(num)
				L.Pop(1)
				n--
				if !(size <= ld && pos <= ld-size) {
					L.ArgError(2, "data string too short")
				}
			}
			L.Push(lua.LString(data[pos : pos+size]))
			n++
		case 's':
			e := -1
			for i := pos; i < ld; i++ {
				if data[i] == 0 {
					e = i
					break
				}
			}
			if e < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = e - pos + 1
			L.Push(lua.LString(data[pos:e]))
			n++
		default:
			f.control(opt, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos + 1))
	return n + 1
}

func structSize(L *lua.LState) int {
	f := structFmt{L: L, s: L.CheckString(1)}
	h := structHeader{align: 1}
	pos := 0
	for f.pos < len(f.s) {
		opt := f.s[f.pos]
		f.pos++
		size := f.optsize(opt)
		pos += structToAlign(pos, &h, opt, size)
		if opt == 's' {
			L.ArgError(1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			L.ArgError(1, "option 'c0' has no fixed size")
		}
		if !(opt >= 'a' && opt <= 'z' || opt >= 'A' && opt <= 'Z' || opt >= '0' && opt <= '9') {
			f.control(opt, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}
