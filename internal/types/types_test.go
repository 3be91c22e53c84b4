package types

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
)

func TestLpEntries(t *testing.T) {
	var buf []byte
	var want [][]byte
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		n := r.IntN(20)
		if i%37 == 0 {
			n = 100 + r.IntN(40000)
		}
		v := make([]byte, n)
		for j := range v {
			v[j] = byte(r.IntN(256))
		}
		buf = lpAppend(buf, v)
		want = append(want, v)
	}
	off := 0
	for i := range want {
		var v []byte
		v, off = lpNext(buf, off)
		if !bytes.Equal(v, want[i]) {
			t.Fatalf("forward %d", i)
		}
	}
	end := len(buf)
	for i := len(want) - 1; i >= 0; i-- {
		var v []byte
		v, end = lpPrev(buf, end)
		if !bytes.Equal(v, want[i]) {
			t.Fatalf("backward %d", i)
		}
	}
}

func TestRedisEntrySize(t *testing.T) {
	cases := map[string]int{"1": 2, "127": 2, "128": 3, "-4096": 3, "32767": 4, "8388607": 5, "2147483647": 6, "9223372036854775807": 10,
		"a": 3, "01": 4, "": 2}
	for v, n := range cases {
		if got := redisEntrySize([]byte(v)); got != n {
			t.Errorf("%q: %d want %d", v, got, n)
		}
	}
	if got := redisEntrySize(make([]byte, 63)); got != 65 {
		t.Errorf("63: %d", got)
	}
	if got := redisEntrySize(make([]byte, 200)); got != 204 {
		t.Errorf("200: %d", got)
	}
}

func randVal(r *rand.Rand, space int) []byte {
	switch r.IntN(4) {
	case 0:
		return []byte(strconv.Itoa(r.IntN(space)))
	case 1:
		return []byte("v" + strconv.Itoa(r.IntN(space)))
	case 2:
		return bytes.Repeat([]byte{'x'}, r.IntN(30))
	}
	return []byte(strconv.Itoa(r.IntN(space) - space/2))
}

func TestHashModel(t *testing.T) {
	for seed := uint64(0); seed < 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		h := NewHash()
		model := map[string]string{}
		ttl := map[string]int64{}
		maxEntries, maxValue := 1+r.IntN(20), 1+r.IntN(12)
		now := int64(1000)
		for op := 0; op < 3000; op++ {
			f := []byte("f" + strconv.Itoa(r.IntN(40)))
			switch r.IntN(9) {
			case 0, 1, 2:
				v := randVal(r, 100)
				_, existed := model[string(f)]
				keep := r.IntN(2) == 0
				if added := h.Set(f, v, keep, maxEntries, maxValue); added == existed {
					t.Fatalf("seed %d: set added=%v", seed, added)
				}
				model[string(f)] = string(v)
				if !keep {
					delete(ttl, string(f))
				}
			case 3:
				_, existed := model[string(f)]
				if h.Delete(f) != existed {
					t.Fatal("delete")
				}
				delete(model, string(f))
				delete(ttl, string(f))
			case 4:
				at := now + int64(r.IntN(50))
				_, existed := model[string(f)]
				if h.SetFieldExpire(f, at) != existed {
					t.Fatal("expire")
				}
				if existed {
					ttl[string(f)] = at
				}
			case 5:
				_, had := ttl[string(f)]
				if h.PersistField(f) != had {
					t.Fatal("persist")
				}
				delete(ttl, string(f))
			case 6:
				now += int64(r.IntN(10))
				var gone []string
				h.ExpireFields(now, func(f []byte) { gone = append(gone, string(f)) })
				var want []string
				for f, at := range ttl {
					if at < now {
						want = append(want, f)
						delete(ttl, f)
						delete(model, f)
					}
				}
				sort.Strings(gone)
				sort.Strings(want)
				if !slices.Equal(gone, want) {
					t.Fatalf("seed %d op %d: expired %v want %v", seed, op, gone, want)
				}
			case 7:
				at, ok := h.FieldExpire(f)
				_, existed := model[string(f)]
				if ok != existed || at != ttl[string(f)] {
					t.Fatalf("seed %d: ttl of %s = %d,%v want %d", seed, f, at, ok, ttl[string(f)])
				}
			default:
				v, ok := h.Get(f)
				mv, mok := model[string(f)]
				if ok != mok || string(v) != mv {
					t.Fatalf("get %s", f)
				}
			}
			if h.Len() != len(model) {
				t.Fatalf("seed %d op %d: len %d want %d", seed, op, h.Len(), len(model))
			}
			if h.IsListpack() && h.Len() > maxEntries {
				t.Fatal("listpack over limit")
			}
		}
		got := map[string]string{}
		h.ForEach(func(f, v []byte) bool { got[string(f)] = string(v); return true })
		if fmt.Sprint(got) != fmt.Sprint(model) {
			t.Fatal("foreach")
		}
		// Scan returns everything.
		seen := map[string]bool{}
		cur := uint64(0)
		for {
			cur = h.Scan(cur, 3, func(f, v []byte) { seen[string(f)] = true })
			if cur == 0 {
				break
			}
		}
		if len(seen) != len(model) {
			t.Fatal("scan")
		}
		for i := 0; i < h.Len(); i++ {
			f, v := h.At(i)
			if model[string(f)] != string(v) {
				t.Fatal("at")
			}
		}
	}
}

func TestHashScanGuarantee(t *testing.T) {
	h := NewHash()
	for i := 0; i < 500; i++ {
		h.Set([]byte(strconv.Itoa(i)), []byte("v"), false, 10, 64)
	}
	r := rand.New(rand.NewPCG(3, 3))
	seen := map[string]bool{}
	cur := uint64(0)
	next := 500
	for {
		cur = h.Scan(cur, 10, func(f, v []byte) { seen[string(f)] = true })
		// churn: delete low "volatile" fields (>= 250) and add new ones
		for j := 0; j < 5; j++ {
			h.Delete([]byte(strconv.Itoa(250 + r.IntN(250))))
			h.Set([]byte(strconv.Itoa(next)), []byte("v"), false, 10, 64)
			next++
		}
		if cur == 0 {
			break
		}
	}
	for i := 0; i < 250; i++ {
		if !seen[strconv.Itoa(i)] {
			t.Fatalf("field %d present throughout was not returned", i)
		}
	}
}

func TestListModel(t *testing.T) {
	fills := []int64{-2, -1, 1, 2, 3, 5, 16}
	for seed := uint64(0); seed < 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		fill := fills[r.IntN(len(fills))]
		lim := ListFill(fill)
		if fill < 0 && seed%2 == 0 {
			lim = ListLimits{Size: 60 + r.IntN(100)} // small byte limit to exercise chunking
		}
		l := NewList()
		var model [][]byte
		for op := 0; op < 2000; op++ {
			v := randVal(r, 20)
			switch r.IntN(12) {
			case 0, 1:
				l.PushBack(lim, v)
				model = append(model, v)
			case 2, 3:
				l.PushFront(lim, v)
				model = append([][]byte{v}, model...)
			case 4:
				got, ok := l.PopFront(lim)
				if ok != (len(model) > 0) || (ok && !bytes.Equal(got, model[0])) {
					t.Fatalf("seed %d op %d popfront", seed, op)
				}
				if ok {
					model = model[1:]
				}
			case 5:
				got, ok := l.PopBack(lim)
				if ok != (len(model) > 0) || (ok && !bytes.Equal(got, model[len(model)-1])) {
					t.Fatalf("seed %d op %d popback", seed, op)
				}
				if ok {
					model = model[:len(model)-1]
				}
			case 6:
				if len(model) > 0 {
					i := r.IntN(len(model))
					l.Set(i, v, lim)
					model[i] = v
				}
			case 7:
				var pivot []byte
				if len(model) > 0 && r.IntN(4) > 0 {
					pivot = model[r.IntN(len(model))]
				} else {
					pivot = randVal(r, 20)
				}
				before := r.IntN(2) == 0
				n := l.Insert(pivot, v, before, lim)
				idx := slices.IndexFunc(model, func(x []byte) bool { return bytes.Equal(x, pivot) })
				if (idx < 0) != (n < 0) {
					t.Fatalf("insert")
				}
				if idx >= 0 {
					if !before {
						idx++
					}
					model = slices.Insert(model, idx, v)
				}
			case 8:
				cnt := r.IntN(5) - 2
				n := l.Remove(v, cnt, lim)
				want := 0
				var nm [][]byte
				limit := cnt
				if limit < 0 {
					limit = -limit
				}
				if cnt >= 0 {
					for _, x := range model {
						if bytes.Equal(x, v) && (limit == 0 || want < limit) {
							want++
							continue
						}
						nm = append(nm, x)
					}
				} else {
					for i := len(model) - 1; i >= 0; i-- {
						x := model[i]
						if bytes.Equal(x, v) && want < limit {
							want++
							continue
						}
						nm = append([][]byte{x}, nm...)
					}
				}
				if n != want {
					t.Fatalf("seed %d op %d remove %d want %d", seed, op, n, want)
				}
				model = nm
			case 9:
				if len(model) > 0 && r.IntN(3) == 0 {
					s := r.IntN(len(model))
					e := s + r.IntN(len(model)-s)
					if r.IntN(10) == 0 {
						e = s - 1
					}
					l.Trim(s, e, lim)
					if s > e {
						model = nil
					} else {
						model = append([][]byte(nil), model[s:e+1]...)
					}
				}
			case 10:
				if len(model) > 0 {
					s := r.IntN(len(model))
					e := s + r.IntN(len(model)-s)
					var got [][]byte
					l.Range(s, e, func(v []byte) bool { got = append(got, bytes.Clone(v)); return true })
					if !slices.EqualFunc(got, model[s:e+1], bytes.Equal) {
						t.Fatalf("seed %d op %d range", seed, op)
					}
					got = got[:0]
					l.RangeReverse(e, s, func(v []byte) bool { got = append(got, bytes.Clone(v)); return true })
					slices.Reverse(got)
					if !slices.EqualFunc(got, model[s:e+1], bytes.Equal) {
						t.Fatalf("seed %d op %d rangereverse", seed, op)
					}
				}
			default:
				if len(model) > 0 {
					i := r.IntN(len(model))
					got, _ := l.Index(i)
					if !bytes.Equal(got, model[i]) {
						t.Fatalf("index")
					}
				}
			}
			if l.Len() != len(model) {
				t.Fatalf("seed %d op %d: len %d want %d", seed, op, l.Len(), len(model))
			}
			if msg := l.check(lim); msg != "" {
				t.Fatalf("seed %d op %d: %s", seed, op, msg)
			}
			if l.ql == nil && l.Len() > 1 && lim.exceeds(l.one[0].bytes()-3*l.Len(), l.Len()) {
				t.Fatalf("seed %d op %d: listpack over limit (%d bytes, %d entries)", seed, op, l.one[0].bytes(), l.Len())
			}
		}
		var all [][]byte
		l.ForEach(func(v []byte) bool { all = append(all, bytes.Clone(v)); return true })
		if !slices.EqualFunc(all, model, bytes.Equal) {
			t.Fatal("foreach")
		}
	}
}

func TestListEncodingThresholds(t *testing.T) {
	lim := ListFill(-2)
	l := NewList()
	v := bytes.Repeat([]byte("a"), 100)
	for l.Encoding() == "listpack" {
		l.PushBack(lim, v)
	}
	// 7 header bytes + n*(1+2+100)... Redis converts when lpBytes+100 > 8192.
	if n := l.Len(); n != 80 {
		t.Fatalf("converted at %d", n)
	}
	for l.Encoding() == "quicklist" {
		l.PopBack(lim)
	}
	if n := l.Len(); n != 39 {
		t.Fatalf("converted back at %d", n)
	}
	l2 := NewList()
	lim5 := ListFill(5)
	l2.PushBack(lim5, []byte("1"), []byte("2"), []byte("3"), []byte("4"), []byte("5"))
	if l2.Encoding() != "listpack" {
		t.Fatal(l2.Encoding())
	}
	l2.PushBack(lim5, []byte("6"))
	if l2.Encoding() != "quicklist" {
		t.Fatal(l2.Encoding())
	}
}

func TestSetModel(t *testing.T) {
	for seed := uint64(0); seed < 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 13))
		lim := SetLimits{MaxIntset: 1 + r.IntN(30), MaxListpack: 1 + r.IntN(30), MaxValue: 1 + r.IntN(10)}
		model := map[string]bool{}
		first := randVal(r, 60)
		s := NewSet(first, 1, lim)
		for op := 0; op < 2000; op++ {
			m := randVal(r, 60)
			if r.IntN(3) == 0 {
				m = []byte(strconv.Itoa(r.IntN(1<<20) - 1<<19))
			}
			if r.IntN(200) == 0 {
				m = []byte(strconv.FormatInt(int64(r.Uint64()), 10))
			}
			prevEnc := s.Encoding()
			switch r.IntN(5) {
			case 0, 1, 2:
				if s.Add(m, lim) == model[string(m)] {
					t.Fatal("add")
				}
				model[string(m)] = true
			case 3:
				if s.Remove(m) != model[string(m)] {
					t.Fatal("remove")
				}
				delete(model, string(m))
			default:
				if s.Has(m) != model[string(m)] {
					t.Fatal("has")
				}
				if s.Len() > 0 {
					i := r.IntN(s.Len())
					var tmp [24]byte
					v := bytes.Clone(s.At(i, tmp[:]))
					if !model[string(v)] {
						t.Fatal("at")
					}
					s.RemoveAt(i)
					delete(model, string(v))
				}
			}
			if s.Len() != len(model) {
				t.Fatalf("len")
			}
			order := map[string]int{"intset": 0, "listpack": 1, "hashtable": 2}
			if order[s.Encoding()] < order[prevEnc] {
				t.Fatal("encoding went back")
			}
			switch s.Encoding() {
			case "intset":
				if s.Len() > lim.MaxIntset {
					t.Fatal("intset over limit")
				}
				vals := s.IntsetValues()
				if !slices.IsSorted(vals) {
					t.Fatal("intset unsorted")
				}
			case "listpack":
				if s.Len() > lim.MaxListpack {
					t.Fatal("listpack over limit")
				}
			}
		}
		got := map[string]bool{}
		s.ForEach(func(m []byte) bool { got[string(m)] = true; return true })
		if fmt.Sprint(got) != fmt.Sprint(model) {
			t.Fatal("foreach")
		}
	}
}

func TestSetEncodings(t *testing.T) {
	lim := SetLimits{MaxIntset: 512, MaxListpack: 128, MaxValue: 64}
	s := NewSet([]byte("1"), 1, lim)
	for i := 0; i < 512; i++ {
		s.Add([]byte(strconv.Itoa(i)), lim)
	}
	if s.Encoding() != "intset" {
		t.Fatal(s.Encoding())
	}
	s.Add([]byte("512"), lim)
	if s.Encoding() != "hashtable" {
		t.Fatal(s.Encoding())
	}
	s = NewSet([]byte("1"), 1, lim)
	s.Add([]byte("1"), lim)
	s.Add([]byte("a"), lim)
	if s.Encoding() != "listpack" {
		t.Fatal(s.Encoding())
	}
	for i := 0; i < 126; i++ {
		s.Add([]byte("m"+strconv.Itoa(i)), lim)
	}
	if s.Encoding() != "listpack" || s.Len() != 128 {
		t.Fatal(s.Encoding(), s.Len())
	}
	s.Add([]byte("x"), lim)
	if s.Encoding() != "hashtable" {
		t.Fatal(s.Encoding())
	}
	// intset values of every width
	s = NewIntSet()
	for _, v := range []int64{5, -40000, 1 << 40, -1 << 62, 3} {
		s.Add([]byte(strconv.FormatInt(v, 10)), lim)
	}
	if fmt.Sprint(s.IntsetValues()) != "[-4611686018427387904 -40000 3 5 1099511627776]" {
		t.Fatal(s.IntsetValues())
	}
}
