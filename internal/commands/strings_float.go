package commands

import (
	"math/big"
)

// INCRBYFLOAT computes in C's long double, which on x86-64 is the x87
// 80-bit extended format: a 64-bit mantissa, exponents down to 2^-16382
// (denormals to 2^-16445) and up to 2^16383. Values are parsed with
// strtold, added with one rounding (to nearest, ties to even) and printed
// with "%.17Lf" before trailing zeros are stripped. The functions below
// reproduce that with math/big: exact rational parsing, rounding to the
// 64-bit mantissa and the x87 exponent range, and exact decimal printing.

const (
	ldPrec        = 64
	ldMaxExp      = 16384 // big.Float MantExp exponent of LDBL_MAX
	ldMinExp      = -16381
	ldDenormShift = 16445 // every long double is a multiple of 2^-16445
	ldMaxChars    = 5 * 1024
)

// ldStatus classifies a parsed long double.
type ldStatus int

const (
	ldOK ldStatus = iota
	ldInvalid
	ldInf
)

// parseLongDouble emulates Redis's string2ld: strtold over the whole
// argument, rejecting leading spaces, trailing garbage, NaN, and results
// that overflow or underflow to zero. Infinity ("inf", "infinity") is
// accepted and reported as ldInf (INCRBYFLOAT then fails on the sum).
func parseLongDouble(s []byte) (*big.Float, ldStatus) {
	if len(s) == 0 || len(s) >= ldMaxChars {
		return nil, ldInvalid
	}
	if isSpaceByte(s[0]) {
		return nil, ldInvalid
	}
	neg := false
	i := 0
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	rest := s[i:]
	if hasPrefixFold(rest, "inf") {
		if len(rest) == 3 || (len(rest) == 8 && hasPrefixFold(rest, "infinity")) {
			return nil, ldInf
		}
		return nil, ldInvalid
	}
	if len(rest) > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X') {
		return parseHexLD(rest[2:], neg)
	}
	return parseDecLD(rest, neg)
}

func newLD() *big.Float {
	return new(big.Float).SetPrec(ldPrec).SetMode(big.ToNearestEven)
}

func hasPrefixFold(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		ch := b[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != p[i] {
			return false
		}
	}
	return true
}

// scanDigits returns the digits of b from i (per isDigit) and the next index.
func scanDigits(b []byte, i int, isDigit func(byte) bool) (int, int) {
	start := i
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return start, i
}

func isDec(ch byte) bool { return ch >= '0' && ch <= '9' }

func isHex(ch byte) bool {
	return isDec(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')
}

// scanExp parses an optional exponent ([+-]digits) saturating at ±1e9.
// It returns ok false when b[i:] is not exactly an exponent.
func scanExp(b []byte, i int) (int64, bool) {
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i >= len(b) {
		return 0, false
	}
	var e int64
	for ; i < len(b); i++ {
		if !isDec(b[i]) {
			return 0, false
		}
		if e < 1e9 {
			e = e*10 + int64(b[i]-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// parseDecLD parses [digits][.digits][e[+-]digits] exactly.
func parseDecLD(b []byte, neg bool) (*big.Float, ldStatus) {
	is, ie := scanDigits(b, 0, isDec)
	i := ie
	fs, fe := i, i
	if i < len(b) && b[i] == '.' {
		fs, fe = scanDigits(b, i+1, isDec)
		i = fe
	}
	if ie == is && fe == fs {
		return nil, ldInvalid
	}
	var exp int64
	if i < len(b) {
		if b[i] != 'e' && b[i] != 'E' {
			return nil, ldInvalid
		}
		var ok bool
		if exp, ok = scanExp(b, i+1); !ok {
			return nil, ldInvalid
		}
	}
	digits := make([]byte, 0, (ie-is)+(fe-fs))
	digits = append(digits, b[is:ie]...)
	digits = append(digits, b[fs:fe]...)
	// Drop leading zeros so the magnitude estimate is right.
	k := 0
	for k < len(digits) && digits[k] == '0' {
		k++
	}
	digits = digits[k:]
	if len(digits) == 0 {
		z := newLD()
		if neg {
			z.Neg(z)
		}
		return z, ldOK
	}
	e10 := exp - int64(fe-fs)
	lead := e10 + int64(len(digits)) - 1 // decimal exponent of the first digit
	if lead > 4940 {
		return nil, ldInvalid // overflow: strtold returns HUGE_VALL with ERANGE
	}
	if lead < -4960 {
		return nil, ldInvalid // underflow to zero
	}
	m, _ := new(big.Int).SetString(string(digits), 10)
	num, den := m, big.NewInt(1)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(e10)), nil)
	if e10 >= 0 {
		num.Mul(num, p)
	} else {
		den = p
	}
	return ratToLD(num, den, neg)
}

// parseHexLD parses the part after "0x": hexdigits[.hexdigits][p[+-]digits].
func parseHexLD(b []byte, neg bool) (*big.Float, ldStatus) {
	is, ie := scanDigits(b, 0, isHex)
	i := ie
	fs, fe := i, i
	if i < len(b) && b[i] == '.' {
		fs, fe = scanDigits(b, i+1, isHex)
		i = fe
	}
	if ie == is && fe == fs {
		return nil, ldInvalid // strtold reads just the "0"; "x..." is left over
	}
	var exp int64
	if i < len(b) {
		if b[i] != 'p' && b[i] != 'P' {
			return nil, ldInvalid
		}
		var ok bool
		if exp, ok = scanExp(b, i+1); !ok {
			return nil, ldInvalid
		}
	}
	digits := make([]byte, 0, (ie-is)+(fe-fs))
	digits = append(digits, b[is:ie]...)
	digits = append(digits, b[fs:fe]...)
	m, _ := new(big.Int).SetString(string(digits), 16)
	if m.Sign() == 0 {
		z := newLD()
		if neg {
			z.Neg(z)
		}
		return z, ldOK
	}
	e2 := exp - 4*int64(fe-fs)
	top := int64(m.BitLen()) + e2 // value < 2^top
	if top > ldMaxExp+2 {
		return nil, ldInvalid
	}
	if top < -ldDenormShift-2 {
		return nil, ldInvalid
	}
	num, den := m, big.NewInt(1)
	if e2 >= 0 {
		num.Lsh(num, uint(e2))
	} else {
		den = new(big.Int).Lsh(den, uint(-e2))
	}
	return ratToLD(num, den, neg)
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// ratToLD rounds num/den (both positive) to the nearest long double. It
// divides once with enough quotient bits plus a sticky bit, so that the
// rounding to 64 bits is exact, without normalising a fraction.
func ratToLD(num, den *big.Int, neg bool) (*big.Float, ldStatus) {
	e := num.BitLen() - den.BitLen() // 2^(e-1) < num/den < 2^(e+1)
	if e > ldMaxExp+1 {
		return nil, ldInvalid // overflow
	}
	z := newLD()
	if k := den.BitLen() - 1; den.TrailingZeroBits() == uint(k) {
		// A power of two (integers, hex floats): round num directly.
		z.SetInt(num)
		z.SetMantExp(z, -k)
	} else if e >= ldMinExp-1 {
		s := 66 - e // the quotient has at least 66 bits
		n, d := num, den
		if s >= 0 {
			n = new(big.Int).Lsh(num, uint(s))
		} else {
			d = new(big.Int).Lsh(den, uint(-s))
		}
		q, r := new(big.Int).QuoRem(n, d, new(big.Int))
		if r.Sign() != 0 {
			q.SetBit(q, 0, 1) // sticky: below the rounding bit
		}
		z.SetInt(q)
		z.SetMantExp(z, -s)
	}
	exp := 0
	if z.Sign() != 0 {
		exp = z.MantExp(nil)
	}
	switch {
	case z.Sign() != 0 && exp > ldMaxExp:
		return nil, ldInvalid // overflow
	case z.Sign() == 0 || exp < ldMinExp:
		// Denormal: round to a multiple of 2^-16445, ties to even.
		q, r := new(big.Int).QuoRem(new(big.Int).Lsh(num, ldDenormShift), den, new(big.Int))
		r.Lsh(r, 1)
		switch r.Cmp(den) {
		case 1:
			q.Add(q, big.NewInt(1))
		case 0:
			if q.Bit(0) == 1 {
				q.Add(q, big.NewInt(1))
			}
		}
		if q.Sign() == 0 {
			return nil, ldInvalid // underflow to zero
		}
		z.SetInt(q)
		z.SetMantExp(z, -ldDenormShift)
	}
	if neg {
		z.Neg(z)
	}
	return z, ldOK
}

// addLongDouble returns a+b rounded as the x87 does, or false when the sum
// is infinite (the operands are finite).
func addLongDouble(a, b *big.Float) (*big.Float, bool) {
	z := newLD().Add(a, b)
	if z.Sign() != 0 && z.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return z, true
}

// formatLongDouble is Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf"
// with trailing zeros (and a trailing point) removed, "-0" printed as "0".
func formatLongDouble(x *big.Float) []byte {
	if x.Sign() == 0 || x.MantExp(nil) <= -58 {
		// |x| < 2^-58 < 0.5e-17 prints as 0.00000000000000000 (or
		// -0.00000000000000000): skip the costly exact conversion.
		return []byte{'0'}
	}
	b := x.Append(nil, 'f', 17)
	n := len(b)
	for n > 0 && b[n-1] == '0' {
		n--
	}
	if n > 0 && b[n-1] == '.' {
		n--
	}
	b = b[:n]
	if len(b) == 2 && b[0] == '-' && b[1] == '0' {
		b = b[1:]
	}
	if len(b)+1 > ldMaxChars {
		return []byte{} // snprintf would not fit: Redis stores an empty string
	}
	return b
}
