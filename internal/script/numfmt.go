package script

import (
	"math"
	"strconv"
)

// formatG appends f formatted as C's printf("%.<prec>g") (glibc output,
// including "inf", "-inf", "nan" and "-nan").
func formatG(dst []byte, f float64, prec int) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	}
	if prec == 0 {
		prec = 1
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	var tmp [64]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', prec-1, 64)
	ei := len(e) - 1
	for e[ei] != 'e' {
		ei--
	}
	exp, _ := strconv.Atoi(string(e[ei+1:]))
	if exp < -4 || exp >= prec {
		dst = append(dst, trimFracZeros(e[:ei])...)
		dst = append(dst, 'e')
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		if exp < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	var tmp2 [400]byte
	fs := strconv.AppendFloat(tmp2[:0], f, 'f', prec-1-exp, 64)
	return append(dst, trimFracZeros(fs)...)
}

func trimFracZeros(b []byte) []byte {
	dot := -1
	for i, c := range b {
		if c == '.' {
			dot = i
			break
		}
	}
	if dot < 0 {
		return b
	}
	end := len(b)
	for end > dot+1 && b[end-1] == '0' {
		end--
	}
	if end == dot+1 {
		end = dot
	}
	return b[:end]
}

// luaNumberString is Lua 5.1's tostring for numbers ("%.14g").
func luaNumberString(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e14 {
		if f == 0 && math.Signbit(f) {
			return "-0"
		}
		return strconv.FormatInt(int64(f), 10)
	}
	var b [40]byte
	return string(formatG(b[:0], f, 14))
}
