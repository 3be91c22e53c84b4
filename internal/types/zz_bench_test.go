package types

import (
	"math/rand"
	"strconv"
	"testing"
)

func BenchmarkZSetUpdateRandom(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			z := NewZSetSkiplist(0)
			lim := ZLimits{}
			keys := make([][]byte, n)
			for i := range keys {
				keys[i] = []byte("element:" + strconv.Itoa(i))
				z.Add(float64(rand.Intn(n)), keys[i], 0, lim)
			}
			r := rand.New(rand.NewSource(1))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				z.Add(float64(r.Intn(n)), keys[r.Intn(n)], 0, lim)
			}
		})
	}
}
