package script

import (
	"math"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// bit: LuaBitOp 1.0.2 as bundled with Redis. Numbers are normalised to 32
// bits with the 2^52+2^51 addition trick, results are signed 32-bit.

func bitArg(L *lua.LState, n int) uint32 {
	f := float64(L.CheckNumber(n))
	return uint32(math.Float64bits(f + 6755399441055744.0))
}

func bitRet(L *lua.LState, v uint32) int {
	L.Push(lua.LNumber(float64(int32(v))))
	return 1
}

func openBit(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	set := func(name string, fn lua.LGFunction) { t.RawSetString(name, L.NewFunction(fn)) }
	set("tobit", func(L *lua.LState) int { return bitRet(L, bitArg(L, 1)) })
	set("bnot", func(L *lua.LState) int { return bitRet(L, ^bitArg(L, 1)) })
	fold := func(op func(a, b uint32) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			v := bitArg(L, 1)
			for i := L.GetTop(); i > 1; i-- {
				v = op(v, bitArg(L, i))
			}
			return bitRet(L, v)
		}
	}
	set("band", fold(func(a, b uint32) uint32 { return a & b }))
	set("bor", fold(func(a, b uint32) uint32 { return a | b }))
	set("bxor", fold(func(a, b uint32) uint32 { return a ^ b }))
	shift := func(op func(a uint32, n uint) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			a := bitArg(L, 1)
			n := uint(bitArg(L, 2) & 31)
			return bitRet(L, op(a, n))
		}
	}
	set("lshift", shift(func(a uint32, n uint) uint32 { return a << n }))
	set("rshift", shift(func(a uint32, n uint) uint32 { return a >> n }))
	set("arshift", shift(func(a uint32, n uint) uint32 { return uint32(int32(a) >> n) }))
	set("rol", shift(func(a uint32, n uint) uint32 { return a<<n | a>>(32-n) }))
	set("ror", shift(func(a uint32, n uint) uint32 { return a>>n | a<<(32-n) }))
	set("bswap", func(L *lua.LState) int {
		a := bitArg(L, 1)
		return bitRet(L, a>>24|(a>>8)&0xff00|(a&0xff00)<<8|a<<24)
	})
	set("tohex", func(L *lua.LState) int {
		b := bitArg(L, 1)
		n := 8
		if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
			n = int(int32(bitArg(L, 2)))
		}
		hexd := "0123456789abcdef"
		if n < 0 {
			n = -n
			hexd = "0123456789ABCDEF"
		}
		if n > 8 {
			n = 8
		}
		buf := make([]byte, n)
		for i := n - 1; i >= 0; i-- {
			buf[i] = hexd[b&15]
			b >>= 4
		}
		L.Push(lua.LString(buf))
		return 1
	})
	return t
}
