package script

import (
	"math"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// rand48 is Redis's redisLrand48: the drand48 linear congruential generator
// (x = a*x + c mod 2^48), so math.random gives Redis's sequence.
type rand48 struct{ x uint64 }

const (
	rand48A    = 0x5DEECE66D
	rand48C    = 0xB
	rand48Mask = 1<<48 - 1
	rand48Init = 0x1234ABCD330E
	lrand48Max = math.MaxInt32
)

func (r *rand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

func (r *rand48) next() int32 {
	r.x = (rand48A*r.x + rand48C) & rand48Mask
	return int32(r.x >> 17)
}

// mathRandom is Redis's math.random.
func (v *vm) mathRandom(L *lua.LState) int {
	if v.run == nil && v.load == nil {
		L.RaiseError("math.random can only be called inside a script invocation")
	}
	r := float64(v.host.rng.next()%lrand48Max) / float64(lrand48Max)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := L.CheckInt(1)
		if !(1 <= u) {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l := L.CheckInt(1)
		u := L.CheckInt(2)
		if !(l <= u) {
			L.ArgError(2, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (v *vm) mathRandomseed(L *lua.LState) int {
	if v.run == nil && v.load == nil {
		L.RaiseError("math.randomseed can only be called inside a script invocation")
	}
	v.host.rng.seed(int32(L.CheckInt(1)))
	return 0
}
