package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// luaTonumber is Lua 5.1's tonumber, which gopher-lua's differs from
// (no exponent without a decimal point, nil for integers past 2^63 and for
// inf/nan, 0 for "-0"). With base 10 a string converts as Lua's
// luaO_str2d does through C's strtod: leading and trailing white space,
// decimal or hexadecimal mantissas, exponents, inf and nan. Other bases
// (2 to 36) read an unsigned integer as strtoul does.
func luaTonumber(L *lua.LState) int {
	base := 10
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		base = L.CheckInt(2)
	}
	if base == 10 {
		switch v := L.CheckAny(1).(type) {
		case lua.LNumber:
			L.Push(v)
		case lua.LString:
			if n, ok := luaStr2d(string(v)); ok {
				L.Push(lua.LNumber(n))
			} else {
				L.Push(lua.LNil)
			}
		default:
			L.Push(lua.LNil)
		}
		return 1
	}
	s := L.CheckString(1)
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	if n, ok := luaStrtoul(s, base); ok {
		L.Push(lua.LNumber(n))
	} else {
		L.Push(lua.LNil)
	}
	return 1
}

// isCSpace is C's isspace in the C locale.
func isCSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// luaStr2d converts s as Lua 5.1's luaO_str2d: the longest prefix strtod
// reads, then nothing but white space.
func luaStr2d(s string) (float64, bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	v, n := cStrtod(s[i:])
	if n == 0 {
		return 0, false
	}
	for i += n; i < len(s); i++ {
		if !isCSpace(s[i]) {
			return 0, false
		}
	}
	return v, true
}

// cStrtod reads the longest prefix of s that glibc's strtod accepts and
// returns its value and length (0: none).
func cStrtod(s string) (float64, int) {
	j := 0
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := strings.ToLower(s[j:])
	switch {
	case strings.HasPrefix(rest, "infinity"):
		return sign(math.Inf(1)), j + 8
	case strings.HasPrefix(rest, "inf"):
		return sign(math.Inf(1)), j + 3
	case strings.HasPrefix(rest, "nan"):
		end := j + 3
		if end < len(s) && s[end] == '(' { // nan(n-char-sequence)
			k := end + 1
			for k < len(s) && (isAlnum(s[k]) || s[k] == '_') {
				k++
			}
			if k < len(s) && s[k] == ')' {
				end = k + 1
			}
		}
		return math.NaN(), end
	case len(rest) >= 2 && rest[0] == '0' && rest[1] == 'x':
		if v, n := hexFloat(s[j+2:]); n > 0 {
			return sign(v), j + 2 + n
		}
		return sign(0), j + 1 // "0x" without digits: the "0"
	}
	k, digits := scanMantissa(s, j, isDigit)
	if digits == 0 {
		return 0, 0
	}
	k = scanExponent(s, k, 'e')
	v, err := strconv.ParseFloat(s[:k], 64)
	if err != nil && !isRangeErr(err) {
		return 0, 0
	}
	return v, k // out of range: ±Inf or 0, as strtod's HUGE_VAL and underflow
}

// hexFloat reads hex digits [. hex digits] [p exponent] (after "0x").
func hexFloat(s string) (float64, int) {
	k, digits := scanMantissa(s, 0, isHex)
	if digits == 0 {
		return 0, 0
	}
	mant := s[:k]
	exp := "p0"
	if e := scanExponent(s, k, 'p'); e > k {
		exp = "p" + s[k+1:e]
		k = e
	}
	if strings.HasSuffix(mant, ".") {
		mant += "0"
	}
	if strings.HasPrefix(mant, ".") {
		mant = "0" + mant
	}
	v, err := strconv.ParseFloat("0x"+mant+exp, 64)
	if err != nil && !isRangeErr(err) {
		return 0, 0
	}
	return v, k
}

// scanMantissa reads digits [. digits] from s[k:] (digits as isD says)
// and returns where they end and how many digits there were.
func scanMantissa(s string, k int, isD func(byte) bool) (int, int) {
	digits := 0
	for k < len(s) && isD(s[k]) {
		k++
		digits++
	}
	if k < len(s) && s[k] == '.' {
		k++
		for k < len(s) && isD(s[k]) {
			k++
			digits++
		}
	}
	return k, digits
}

// scanExponent reads an exponent at s[k:] introduced by mark (either case)
// with an optional sign and decimal digits, and returns where it ends (k
// when there is none).
func scanExponent(s string, k int, mark byte) int {
	if k >= len(s) || s[k]|0x20 != mark {
		return k
	}
	e := k + 1
	if e < len(s) && (s[e] == '+' || s[e] == '-') {
		e++
	}
	if e >= len(s) || !isDigit(s[e]) {
		return k
	}
	for e < len(s) && isDigit(s[e]) {
		e++
	}
	return e
}

// luaStrtoul reads s as C's strtoul in base (Lua 5.1's tonumber with a
// base): white space, an optional sign, digits, white space.
func luaStrtoul(s string, base int) (float64, bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 16 && i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && digitVal(s[i+2]) < 16 {
		i += 2
	}
	var n uint64
	overflow := false
	start := i
	for ; i < len(s); i++ {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if n > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		}
		n = n*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, false
	}
	for ; i < len(s); i++ {
		if !isCSpace(s[i]) {
			return 0, false
		}
	}
	if overflow {
		n = math.MaxUint64
	} else if neg {
		n = -n
	}
	return float64(n), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return digitVal(c) < 36 }

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
