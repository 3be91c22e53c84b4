package types

import (
	"math"
	"math/big"
)

// Correctly rounded sin, cos and asin for the geo distance formulas.
//
// Redis computes distances with the C library's sin, cos and asin, which
// in glibc return the correctly rounded result (barring vanishingly rare
// hard cases). Go's math package is accurate to about one ulp but not
// correctly rounded, which shows in the last digit of GEOSEARCHSTORE
// STOREDIST scores and could flip a point on a search boundary. These
// functions evaluate in double-double arithmetic (about 106 bits) and
// round once, which gives the correctly rounded double.

// dd is an unevaluated sum hi + lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	e := (a - (s - bb)) + (b - bb)
	return dd{s, e}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddAdd(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func ddNeg(a dd) dd { return dd{-a.hi, -a.lo} }

func ddMul(a, b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return quickTwoSum(p.hi, p.lo)
}

func ddMulF(a dd, b float64) dd {
	p := twoProd(a.hi, b)
	p.lo += a.lo * b
	return quickTwoSum(p.hi, p.lo)
}

// ddFromBig splits x into a double-double.
func ddFromBig(x *big.Float) dd {
	hi, _ := x.Float64()
	r := new(big.Float).SetPrec(x.Prec()).Sub(x, new(big.Float).SetFloat64(hi))
	lo, _ := r.Float64()
	return dd{hi, lo}
}

const piDigits = "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745028410270193852110555964462294895493038196"

var (
	ddPio2   dd      // pi/2
	pio2Lo2  float64 // third part of pi/2
	ddTwoOPi float64 // 2/pi, rounded
	sinCoef  [16]dd  // (-1)^k / (2k+1)!
	cosCoef  [16]dd  // (-1)^k / (2k)!
)

func init() {
	const prec = 400
	pi, _, _ := big.ParseFloat(piDigits, 10, prec, big.ToNearestEven)
	pio2 := new(big.Float).SetPrec(prec).Quo(pi, big.NewFloat(2))
	ddPio2 = ddFromBig(pio2)
	rest := new(big.Float).SetPrec(prec).Sub(pio2, new(big.Float).SetFloat64(ddPio2.hi))
	rest.Sub(rest, new(big.Float).SetFloat64(ddPio2.lo))
	pio2Lo2, _ = rest.Float64()
	twoOPi := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), pio2)
	ddTwoOPi, _ = twoOPi.Float64()
	fact := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n <= 32; n++ {
		fact.Mul(fact, new(big.Float).SetInt64(int64(n)))
		inv := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), fact)
		k := n / 2
		if (n/2)%2 == 1 {
			inv.Neg(inv)
		}
		if n%2 == 1 && k < len(sinCoef) {
			sinCoef[k] = ddFromBig(inv)
		} else if n%2 == 0 && k < len(cosCoef) {
			cosCoef[k] = ddFromBig(inv)
		}
	}
	cosCoef[0] = dd{1, 0}
}

// reduce returns r and the quadrant with x = r + q*pi/2, |r| <= ~pi/4.
func reduce(x float64) (dd, int) {
	k := math.Round(x * ddTwoOPi)
	// r = x - k*pi/2 with pi/2 as three doubles; k*hi is exact via FMA.
	p := twoProd(k, ddPio2.hi)
	r := twoSum(x, -p.hi)
	r.lo -= p.lo
	r = quickTwoSum(r.hi, r.lo)
	r = ddAdd(r, ddNeg(twoProd(k, ddPio2.lo)))
	r = ddAdd(r, dd{-k * pio2Lo2, 0})
	return r, int(int64(k) & 3)
}

// sinPoly and cosPoly evaluate the Taylor series for |r| <= pi/4.
func sinPoly(r dd) dd {
	r2 := ddMul(r, r)
	acc := sinCoef[len(sinCoef)-1]
	for i := len(sinCoef) - 2; i >= 0; i-- {
		acc = ddAdd(ddMul(acc, r2), sinCoef[i])
	}
	return ddMul(acc, r)
}

func cosPoly(r dd) dd {
	r2 := ddMul(r, r)
	acc := cosCoef[len(cosCoef)-1]
	for i := len(cosCoef) - 2; i >= 0; i-- {
		acc = ddAdd(ddMul(acc, r2), cosCoef[i])
	}
	return acc
}

// ddSinCos returns sin(x) and cos(x) in double-double.
func ddSinCos(x float64) (dd, dd) {
	r, q := reduce(x)
	s, c := sinPoly(r), cosPoly(r)
	switch q {
	case 1:
		return c, ddNeg(s)
	case 2:
		return ddNeg(s), ddNeg(c)
	case 3:
		return ddNeg(c), s
	}
	return s, c
}

// crSin is the correctly rounded sine.
func crSin(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e6 {
		return math.Sin(x)
	}
	s, _ := ddSinCos(x)
	return s.hi + s.lo
}

// crCos is the correctly rounded cosine.
func crCos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e6 {
		return math.Cos(x)
	}
	_, c := ddSinCos(x)
	return c.hi + c.lo
}

// ddAsinSmall refines asin for |s| <= 0.5 with a Newton step.
func ddAsinSmall(s dd) dd {
	y0 := math.Asin(s.hi + s.lo)
	sn, cs := ddSinCos(y0)
	diff := ddAdd(sn, ddNeg(s))
	corr := (diff.hi + diff.lo) / (cs.hi + cs.lo)
	return twoSum(y0, -corr)
}

// crAsin is the correctly rounded arcsine.
func crAsin(x float64) float64 {
	ax := math.Abs(x)
	if x == 0 || math.IsNaN(x) || ax > 1 {
		return math.Asin(x)
	}
	if ax <= 0.5 {
		y := ddAsinSmall(dd{x, 0})
		return y.hi + y.lo
	}
	// asin(x) = pi/2 - 2 asin(sqrt((1-x)/2)) for x in (0.5, 1].
	t := (1 - ax) / 2 // exact
	s0 := math.Sqrt(t)
	var y dd
	if s0 != 0 {
		e := math.FMA(-s0, s0, t)
		s := quickTwoSum(s0, e/(2*s0))
		a := ddAsinSmall(s)
		y = ddAdd(ddPio2, ddNeg(ddMulF(a, 2)))
		y = ddAdd(y, dd{pio2Lo2, 0})
	} else {
		y = ddAdd(ddPio2, dd{pio2Lo2, 0})
	}
	r := y.hi + y.lo
	if x < 0 {
		return -r
	}
	return r
}
