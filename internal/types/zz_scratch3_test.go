package types

import (
	"math"
	"math/big"
	"testing"
)

func bigSin(x float64) *big.Float {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	term := new(big.Float).SetPrec(prec).Set(bx)
	sum := new(big.Float).SetPrec(prec).Set(bx)
	for n := 1; n < 60; n++ {
		term.Mul(term, x2)
		term.Quo(term, new(big.Float).SetInt64(int64((2*n)*(2*n+1))))
		term.Neg(term)
		sum.Add(sum, term)
	}
	return sum
}

func TestScratchBigSin(t *testing.T) {
	for _, x := range []float64{0.5977886174031206, 0.42637756067579713, 0.7605835617454433} {
		b := bigSin(x)
		f, _ := b.Float64()
		t.Logf("x=%v big=%v (%s) mine=%v gomath=%v", x, f, b.Text('g', 30), crSin(x), math.Sin(x))
	}
}
