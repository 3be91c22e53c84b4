package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// luaStringFormat is Lua 5.1's string.format: each item is formatted as
// C's sprintf formats it (gopher-lua's goes through Go's fmt: numeric
// strings printed as "%!d(string=...)", %g without C's default precision,
// "+Inf" for inf). Numeric items take numbers or numeric strings (as
// luaL_checknumber), %s takes strings or numbers, %q quotes as Lua does.
func luaStringFormat(L *lua.LState) int {
	top := L.GetTop()
	frmt := L.CheckString(1)
	arg := 1
	var b []byte
	for i := 0; i < len(frmt); {
		c := frmt[i]
		if c != '%' {
			b = append(b, c)
			i++
			continue
		}
		i++
		if i < len(frmt) && frmt[i] == '%' {
			b = append(b, '%')
			i++
			continue
		}
		arg++
		if arg > top {
			L.ArgError(arg, "no value")
		}
		// scanformat: flags, two digits of width, '.', two digits of precision.
		start := i
		for i < len(frmt) && strings.IndexByte("-+ #0", frmt[i]) >= 0 {
			i++
		}
		if i-start >= len("-+ #0")+1 {
			L.RaiseError("%s", "invalid format (repeated flags)")
		}
		flags := frmt[start:i]
		wstart := i
		for k := 0; k < 2 && i < len(frmt) && isDigit(frmt[i]); k++ {
			i++
		}
		width := -1
		if i > wstart {
			width, _ = strconv.Atoi(frmt[wstart:i])
		}
		prec := -1
		if i < len(frmt) && frmt[i] == '.' {
			i++
			pstart := i
			for k := 0; k < 2 && i < len(frmt) && isDigit(frmt[i]); k++ {
				i++
			}
			prec, _ = strconv.Atoi(frmt[pstart:i]) // "%.f": precision 0
		}
		if i < len(frmt) && isDigit(frmt[i]) {
			L.RaiseError("%s", "invalid format (width or precision too long)")
		}
		if i >= len(frmt) {
			L.RaiseError("%s", "invalid option '%' to 'format'") // the NUL after '%' does not print
		}
		conv := frmt[i]
		i++
		f := cFormat{flags: flags, width: width, prec: prec}
		mark := len(b)
		switch conv {
		case 'c':
			b = f.pad(b, []byte{byte(int32(fmtNumber(L, arg)))}, false)
		case 'd', 'i':
			b = f.integer(b, fmtNumber(L, arg), 'd')
		case 'o', 'u', 'x', 'X':
			b = f.integer(b, fmtNumber(L, arg), conv)
		case 'e', 'E', 'f', 'g', 'G':
			b = f.float(b, fmtNumber(L, arg), conv)
		case 'q':
			b = appendQuoted(b, fmtString(L, arg))
			continue
		case 's':
			s := fmtString(L, arg)
			if prec < 0 && len(s) >= 100 {
				b = append(b, s...) // kept whole, as Lua does for long strings
				continue
			}
			if k := strings.IndexByte(s, 0); k >= 0 {
				s = s[:k] // sprintf stops at the C string's end
			}
			if prec >= 0 && len(s) > prec {
				s = s[:prec]
			}
			b = f.pad(b, []byte(s), false)
		default:
			L.RaiseError("%s", "invalid option '%"+string(conv)+"' to 'format'")
		}
		// Lua adds the sprintf'd item up to its strlen: a NUL ends it.
		if k := strings.IndexByte(string(b[mark:]), 0); k >= 0 {
			b = b[:mark+k]
		}
	}
	L.Push(lua.LString(b))
	return 1
}

// fmtNumber is luaL_checknumber for argument n.
func fmtNumber(L *lua.LState, n int) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		if f, ok := luaStr2d(string(v)); ok {
			return f
		}
	}
	L.ArgError(n, "number expected, got "+luaTypeName(L, n))
	return 0
}

// fmtString is luaL_checklstring for argument n: numbers become "%.14g".
func fmtString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return luaNumberString(float64(v))
	}
	L.ArgError(n, "string expected, got "+luaTypeName(L, n))
	return ""
}

// luaTypeName is luaL_typename of argument n ("no value" past the top).
func luaTypeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// cFormat is one printf conversion's flags, width and precision (-1: none).
type cFormat struct {
	flags       string
	width, prec int
}

func (f cFormat) has(c byte) bool { return strings.IndexByte(f.flags, c) >= 0 }

// pad right-justifies body in the width (left with '-'); zero pads after
// the sign and any 0x prefix when zero is set.
func (f cFormat) pad(dst, body []byte, zero bool) []byte {
	n := f.width - len(body)
	if n <= 0 {
		return append(dst, body...)
	}
	switch {
	case f.has('-'):
		dst = append(dst, body...)
		return append(dst, strings.Repeat(" ", n)...)
	case zero:
		k := 0
		if len(body) > 0 && (body[0] == '-' || body[0] == '+' || body[0] == ' ') {
			k = 1
		}
		if len(body) > k+1 && body[k] == '0' && (body[k+1] == 'x' || body[k+1] == 'X') {
			k += 2
		}
		dst = append(dst, body[:k]...)
		dst = append(dst, strings.Repeat("0", n)...)
		return append(dst, body[k:]...)
	}
	dst = append(dst, strings.Repeat(" ", n)...)
	return append(dst, body...)
}

// integer formats x as C's %d (conv 'd') or %o %u %x %X of the value cast
// to a 64-bit integer, as Lua 5.1 casts (lua_Number to long long).
func (f cFormat) integer(dst []byte, x float64, conv byte) []byte {
	var digits string
	sign := ""
	if conv == 'd' {
		v := luaToInt64(x)
		if v < 0 {
			sign = "-"
			digits = strconv.FormatUint(uint64(-v), 10)
		} else {
			digits = strconv.FormatInt(v, 10)
			if f.has('+') {
				sign = "+"
			} else if f.has(' ') {
				sign = " "
			}
		}
	} else {
		u := cDoubleToUint64(x)
		switch conv {
		case 'o':
			digits = strconv.FormatUint(u, 8)
		case 'u':
			digits = strconv.FormatUint(u, 10)
		case 'x':
			digits = strconv.FormatUint(u, 16)
		case 'X':
			digits = strings.ToUpper(strconv.FormatUint(u, 16))
		}
		if f.has('#') {
			switch {
			case conv == 'o' && digits[0] != '0':
				digits = "0" + digits
			case conv == 'x' && u != 0:
				sign = "0x"
			case conv == 'X' && u != 0:
				sign = "0X"
			}
		}
	}
	if f.prec >= 0 {
		if f.prec == 0 && digits == "0" {
			digits = ""
		}
		if len(digits) < f.prec {
			digits = strings.Repeat("0", f.prec-len(digits)) + digits
		}
	}
	return f.pad(dst, []byte(sign+digits), f.has('0') && f.prec < 0 && !f.has('-'))
}

// float formats x as C's %e %E %f %g %G (glibc: "inf", "-nan").
func (f cFormat) float(dst []byte, x float64, conv byte) []byte {
	upper := conv == 'E' || conv == 'G'
	lower := conv | 0x20
	prec := f.prec
	if prec < 0 {
		prec = 6
	}
	sign := ""
	if math.Signbit(x) {
		sign = "-"
		x = -x
	} else if f.has('+') {
		sign = "+"
	} else if f.has(' ') {
		sign = " "
	}
	var body string
	special := math.IsInf(x, 0) || math.IsNaN(x)
	switch {
	case math.IsInf(x, 0):
		body = "inf"
	case math.IsNaN(x):
		body = "nan"
	case lower == 'f':
		body = strconv.FormatFloat(x, 'f', prec, 64)
	case lower == 'e':
		body = strconv.FormatFloat(x, 'e', prec, 64) // two exponent digits at least, as C
	default:
		if prec == 0 {
			prec = 1
		}
		if f.has('#') {
			body = cGAlt(x, prec)
		} else {
			body = string(formatG(nil, x, prec))
		}
	}
	if f.has('#') && !special && prec == 0 && lower != 'g' && !strings.Contains(body, ".") {
		// %#.0f and %#.0e keep the point
		if k := strings.IndexByte(body, 'e'); k >= 0 {
			body = body[:k] + "." + body[k:]
		} else {
			body += "."
		}
	}
	if upper {
		body = strings.ToUpper(body)
	}
	return f.pad(dst, []byte(sign+body), f.has('0') && !special && !f.has('-'))
}

// cGAlt is %#g: like %g but trailing zeros (and the point) stay.
func cGAlt(x float64, prec int) string {
	if x == 0 {
		return "0." + strings.Repeat("0", prec-1)
	}
	e := strconv.FormatFloat(x, 'e', prec-1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= prec {
		if !strings.Contains(e[:strings.IndexByte(e, 'e')], ".") {
			k := strings.IndexByte(e, 'e')
			e = e[:k] + "." + e[k:]
		}
		return e
	}
	s := strconv.FormatFloat(x, 'f', prec-1-exp, 64)
	if !strings.Contains(s, ".") {
		s += "."
	}
	return s
}

// appendQuoted is Lua 5.1's addquoted (%q).
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b = append(b, '\\', c)
		case '\r':
			b = append(b, '\\', 'r')
		case 0:
			b = append(b, '\\', '0', '0', '0')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// cDoubleToUint64 is the x86-64 conversion of C's (unsigned long long)x
// as gcc emits it: below 2^63 the signed conversion (INT64_MIN for NaN
// and out of range, reinterpreted), above it the conversion of x-2^63
// with the top bit flipped (so 2^64 and beyond give 0).
func cDoubleToUint64(x float64) uint64 {
	if !(x >= 1<<63) {
		return uint64(luaToInt64(x))
	}
	y := x - (1 << 63)
	r := uint64(1 << 63) // cvttsd2si's "integer indefinite"
	if y < 1<<63 {
		r = uint64(int64(y))
	}
	return r ^ (1 << 63)
}
