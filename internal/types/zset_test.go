package types

import (
	"math"
	"math/rand"
	"sort"
	"strconv"
	"testing"
)

// zmodel is the reference model: a map plus sorting on demand.
type zmodel map[string]float64

type zpair struct {
	m string
	s float64
}

func (md zmodel) sorted() []zpair {
	out := make([]zpair, 0, len(md))
	for m, s := range md {
		out = append(out, zpair{m, s})
	}
	sort.Slice(out, func(i, j int) bool { return zsetLess(out[i].s, out[i].m, out[j].s, out[j].m) })
	return out
}

func zcollect(z *ZSet) []zpair {
	var out []zpair
	z.ForEach(func(m []byte, s float64) bool {
		out = append(out, zpair{string(m), s})
		return true
	})
	return out
}

func zcheck(t *testing.T, z *ZSet, md zmodel, step int) {
	t.Helper()
	want := md.sorted()
	got := zcollect(z)
	if len(got) != len(want) || z.Len() != len(want) {
		t.Fatalf("step %d: len %d/%d, want %d", step, len(got), z.Len(), len(want))
	}
	for i := range want {
		if got[i].m != want[i].m || got[i].s != want[i].s {
			t.Fatalf("step %d: at %d got %v want %v", step, i, got[i], want[i])
		}
	}
	// Reverse iteration agrees.
	i := len(want) - 1
	z.ForEachReverse(func(m []byte, s float64) bool {
		if string(m) != want[i].m {
			t.Fatalf("step %d: reverse at %d got %s want %s", step, i, m, want[i].m)
		}
		i--
		return true
	})
	if z.sl != nil {
		zl := z.sl
		if len(zl.dict) != zl.length || len(zl.nodes) != zl.length {
			t.Fatalf("step %d: index sizes %d/%d vs %d", step, len(zl.dict), len(zl.nodes), zl.length)
		}
		for i, n := range zl.nodes {
			if int(n.idx) != i || zl.dict[n.member] != n {
				t.Fatalf("step %d: index entry %d inconsistent", step, i)
			}
		}
		// Spans: the rank of every node is its position.
		r := 0
		for x := zl.first(); x != nil; x = x.l(0).forward {
			r++
			if got := zl.rankOf(x.score, x.member); got != r {
				t.Fatalf("step %d: rank of %s = %d, want %d", step, x.member, got, r)
			}
			if zl.byRank(r) != x {
				t.Fatalf("step %d: byRank(%d) wrong", step, r)
			}
		}
	}
}

func randScore(r *rand.Rand) float64 {
	switch r.Intn(10) {
	case 0:
		return math.Inf(1)
	case 1:
		return math.Inf(-1)
	case 2, 3, 4:
		return float64(r.Intn(5))
	}
	return math.Round(r.NormFloat64()*1000) / 100
}

// TestZSetModel runs random operations against the model with both
// encodings and conversions between them.
func TestZSetModel(t *testing.T) {
	for _, lim := range []ZLimits{{Entries: 1 << 30, Value: 1 << 30}, {Entries: 0, Value: 0}, {Entries: 16, Value: 4}} {
		r := rand.New(rand.NewSource(int64(lim.Entries + 1)))
		z := NewZSet()
		md := zmodel{}
		for step := 0; step < 6000; step++ {
			m := "m" + strconv.Itoa(r.Intn(200))
			if r.Intn(20) == 0 {
				m = m + "-long-member"
			}
			switch op := r.Intn(12); op {
			case 0, 1, 2, 3:
				s := randScore(r)
				flags := 0
				switch r.Intn(6) {
				case 0:
					flags = ZAddNX
				case 1:
					flags = ZAddXX
				case 2:
					flags = ZAddGT
				case 3:
					flags = ZAddLT
				case 4:
					flags = ZAddIncr
				}
				cur, exists := md[m]
				out, ns := z.Add(s, []byte(m), flags, lim)
				want := s
				if flags == ZAddIncr && exists {
					want = cur + s
				}
				switch {
				case flags == ZAddIncr && exists && math.IsNaN(want):
					if out != ZAddOutNaN {
						t.Fatalf("want NaN result")
					}
				case flags == ZAddNX && exists, flags == ZAddXX && !exists:
					if out != ZAddOutNop {
						t.Fatalf("step %d: want nop, got %d", step, out)
					}
				case flags == ZAddGT && exists && want <= cur, flags == ZAddLT && exists && want >= cur:
					if out != ZAddOutNop {
						t.Fatalf("step %d: want nop (gt/lt), got %d", step, out)
					}
				default:
					if want == 0 && z.IsListpack() {
						want = 0
					}
					if !exists {
						md[m] = want
					} else if want != cur {
						md[m] = want
					}
					if ns != want && !(math.IsNaN(ns) && math.IsNaN(want)) {
						t.Fatalf("step %d: new score %v want %v", step, ns, want)
					}
				}
			case 4, 5:
				_, exists := md[m]
				if z.Delete([]byte(m)) != exists {
					t.Fatalf("step %d: delete %s", step, m)
				}
				delete(md, m)
			case 6:
				if s, ok := z.Score([]byte(m)); ok != (md[m] == s) && ok {
					t.Fatalf("step %d: score", step)
				}
				rank, _, ok := z.Rank([]byte(m), r.Intn(2) == 0)
				if _, exists := md[m]; ok != exists || rank < 0 || rank >= max(len(md), 1) {
					t.Fatalf("step %d: rank %d %v", step, rank, ok)
				}
			case 7:
				rg := ZRangeSpec{Min: randScore(r), Max: randScore(r), MinEx: r.Intn(2) == 0, MaxEx: r.Intn(2) == 0}
				want := 0
				for _, s := range md {
					if rg.gteMin(s) && rg.lteMax(s) {
						want++
					}
				}
				if got := z.CountInRange(&rg); got != want {
					t.Fatalf("step %d: count %v = %d want %d", step, rg, got, want)
				}
				var got []string
				z.RangeByScore(&rg, r.Intn(2) == 0, 0, -1, func(m []byte, _ float64) { got = append(got, string(m)) })
				if len(got) != want {
					t.Fatalf("step %d: range by score %d want %d", step, len(got), want)
				}
				if r.Intn(4) == 0 {
					n := z.DeleteRangeByScore(&rg)
					if n != want {
						t.Fatalf("step %d: delete by score %d want %d", step, n, want)
					}
					for k, s := range md {
						if rg.gteMin(s) && rg.lteMax(s) {
							delete(md, k)
						}
					}
				}
			case 8:
				n := z.Len()
				if n == 0 {
					break
				}
				a, b := r.Intn(n), r.Intn(n)
				if a > b {
					a, b = b, a
				}
				want := md.sorted()[a : b+1]
				var got []zpair
				z.RangeByRank(a, b, false, func(m []byte, s float64) { got = append(got, zpair{string(m), s}) })
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("step %d: rank range at %d", step, i)
					}
				}
				got = got[:0]
				z.RangeByRank(a, b, true, func(m []byte, s float64) { got = append(got, zpair{string(m), s}) })
				all := md.sorted()
				for i := range got {
					if got[i] != all[len(all)-1-a-i] {
						t.Fatalf("step %d: reverse rank range at %d", step, i)
					}
				}
				if r.Intn(5) == 0 {
					z.DeleteRangeByRank(a, b)
					for _, p := range want {
						delete(md, p.m)
					}
				}
			case 9:
				if z.Len() > 0 {
					last := r.Intn(2) == 0
					m, s, _ := z.Pop(last)
					srt := md.sorted()
					want := srt[0]
					if last {
						want = srt[len(srt)-1]
					}
					if string(m) != want.m || s != want.s {
						t.Fatalf("step %d: pop", step)
					}
					delete(md, string(m))
				}
			case 10:
				lo := []byte("m" + strconv.Itoa(r.Intn(200)))
				hi := []byte("m" + strconv.Itoa(r.Intn(200)))
				rg := ZLexSpec{Min: lo, Max: hi, MinEx: r.Intn(2) == 0, MaxEx: r.Intn(2) == 0}
				if r.Intn(5) == 0 {
					rg.MinKind = LexMinusInf
				}
				if r.Intn(5) == 0 {
					rg.MaxKind = LexPlusInf
				}
				// Lex ranges assume equal scores; compare against a
				// walk of the ordered members.
				var want []string
				for _, p := range md.sorted() {
					if rg.gteMin([]byte(p.m)) && rg.lteMax([]byte(p.m)) {
						want = append(want, p.m)
					}
				}
				var got []string
				z.RangeByLex(&rg, false, 0, -1, func(m []byte, _ float64) { got = append(got, string(m)) })
				if !allSameScore(md) {
					break
				}
				if len(got) != len(want) || z.CountInLex(&rg) != len(want) {
					t.Fatalf("step %d: lex range %d want %d", step, len(got), len(want))
				}
			case 11:
				switch r.Intn(3) {
				case 0:
					z.ConvertToSkiplist()
				case 1:
					z.ConvertToListpack()
					for k, s := range md {
						if s == 0 {
							md[k] = 0
						}
					}
				case 2:
					c := z.Copy()
					zcheck(t, c, md, step)
				}
			}
			if step%50 == 0 {
				zcheck(t, z, md, step)
			}
		}
		zcheck(t, z, md, -1)
	}
}

func allSameScore(md zmodel) bool {
	first := true
	var s0 float64
	for _, s := range md {
		if first {
			s0, first = s, false
		} else if s != s0 {
			return false
		}
	}
	return true
}

func TestZSetLexSameScore(t *testing.T) {
	for _, lim := range []ZLimits{{Entries: 128, Value: 64}, {Entries: 0, Value: 0}} {
		z := NewZSet()
		for _, m := range []string{"a", "b", "c", "d", "e", "aa", "", "zz"} {
			z.Add(0, []byte(m), 0, lim)
		}
		cases := []struct {
			r    ZLexSpec
			want string
		}{
			{ZLexSpec{MinKind: LexMinusInf, MaxKind: LexPlusInf}, ",a,aa,b,c,d,e,zz"},
			{ZLexSpec{Min: []byte("b"), Max: []byte("d")}, "b,c,d"},
			{ZLexSpec{Min: []byte("b"), Max: []byte("d"), MinEx: true, MaxEx: true}, "c"},
			{ZLexSpec{Min: []byte("a"), MaxKind: LexPlusInf, MinEx: true}, "aa,b,c,d,e,zz"},
			{ZLexSpec{MinKind: LexPlusInf, MaxKind: LexMinusInf}, ""},
			{ZLexSpec{MinKind: LexMinusInf, MaxKind: LexMinusInf}, ""},
		}
		for _, tc := range cases {
			var got []string
			z.RangeByLex(&tc.r, false, 0, -1, func(m []byte, _ float64) { got = append(got, string(m)) })
			s := ""
			for i, g := range got {
				if i > 0 {
					s += ","
				}
				s += g
			}
			if s != tc.want {
				t.Errorf("%s: lex %+v = %q want %q", z.Encoding(), tc.r, s, tc.want)
			}
		}
	}
}

func TestZSetScanCursor(t *testing.T) {
	z := NewZSetSkiplist(0)
	lim := ZLimits{}
	for i := 0; i < 1000; i++ {
		z.Add(float64(i), []byte(strconv.Itoa(i)), 0, lim)
	}
	// Members present for the whole scan are returned at least once even
	// when others are added and removed meanwhile.
	seen := map[string]bool{}
	var cursor uint64
	r := rand.New(rand.NewSource(5))
	for {
		cursor = z.Scan(cursor, 10, func(m []byte, _ float64) { seen[string(m)] = true })
		for k := 0; k < 5; k++ {
			z.Add(float64(r.Intn(100)), []byte("new"+strconv.Itoa(r.Intn(100000))), 0, lim)
			z.Delete([]byte("new" + strconv.Itoa(r.Intn(100000))))
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < 1000; i++ {
		if !seen[strconv.Itoa(i)] {
			t.Fatalf("member %d missed", i)
		}
	}
}

func TestZSetNegativeZero(t *testing.T) {
	lim := ZLimits{Entries: 128, Value: 64}
	z := NewZSet()
	z.Add(math.Copysign(0, -1), []byte("a"), 0, lim)
	s, _ := z.Score([]byte("a"))
	if math.Signbit(s) {
		t.Fatal("listpack keeps -0")
	}
	z2 := NewZSetSkiplist(0)
	z2.Add(math.Copysign(0, -1), []byte("a"), 0, lim)
	s, _ = z2.Score([]byte("a"))
	if !math.Signbit(s) {
		t.Fatal("skiplist loses -0")
	}
}

func BenchmarkZSetAddSkiplist(b *testing.B) {
	z := NewZSetSkiplist(0)
	lim := ZLimits{}
	keys := make([][]byte, 100000)
	for i := range keys {
		keys[i] = []byte("member:" + strconv.Itoa(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z.Add(float64(i%1000), keys[i%len(keys)], 0, lim)
	}
}
