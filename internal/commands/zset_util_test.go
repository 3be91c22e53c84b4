package commands

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// TestStrtod checks the strtod emulation against values printed by
// glibc's strtod (value, bytes consumed, ERANGE).
func TestStrtod(t *testing.T) {
	cases := []struct {
		in     string
		v      float64
		n      int
		erange bool
	}{
		{"1", 1, 1, false},
		{" 1", 1, 2, false},
		{"1e400", math.Inf(1), 5, true},
		{"1e-400", 0, 6, true},
		{"0x10", 16, 4, false},
		{"0x", 0, 1, false},
		{"0x.8", 0.5, 4, false},
		{".5", 0.5, 2, false},
		{"5.", 5, 2, false},
		{".", 0, 0, false},
		{"-inf", math.Inf(-1), 4, false},
		{"Infinity", math.Inf(1), 8, false},
		{"4.9e-324", 5e-324, 8, true},
		{"1e-310", 1e-310, 6, true},
		{"0x1p-1074", 5e-324, 9, false},
		{"0x1p-1080", 0, 9, true},
		{"+.5e", 0.5, 3, false},
		{"1e+", 1, 1, false},
		{"0x1.8p3", 12, 7, false},
		{"0x1.p1", 2, 6, false},
		{"1\x002", 1, 1, false},
		{"", 0, 0, false},
		{"  ", 0, 0, false},
		{"abc", 0, 0, false},
		{"1.7976931348623157e308", math.MaxFloat64, 22, false},
		{"1.7976931348623159e308", math.Inf(1), 22, true},
	}
	for _, tc := range cases {
		v, n, er := zsStrtod([]byte(tc.in))
		if v != tc.v || n != tc.n || er != tc.erange {
			t.Errorf("strtod(%q) = %v %d %v, want %v %d %v", tc.in, v, n, er, tc.v, tc.n, tc.erange)
		}
	}
	if v, n, _ := zsStrtod([]byte("nan(12_a)")); !math.IsNaN(v) || n != 9 {
		t.Errorf("nan(12_a): %v %d", v, n)
	}
	if v, n, _ := zsStrtod([]byte("-0")); !math.Signbit(v) || n != 2 {
		t.Errorf("-0: %v %d", v, n)
	}
}

func TestGetDouble(t *testing.T) {
	for in, ok := range map[string]bool{
		"1": true, "-1.5": true, "inf": true, "-inf": true, "1e-310": true, "0x10": true,
		"": false, " 1": false, "1 ": false, "nan": false, "1e400": false, "1e-400": false, "1\x00": false, "abc": false,
	} {
		if _, got := zsGetDouble([]byte(in)); got != ok {
			t.Errorf("getDouble(%q) = %v", in, got)
		}
	}
}

func TestRangeParse(t *testing.T) {
	r, ok := zsParseRange([]byte("(1.5"), []byte("+inf"))
	if !ok || r.Min != 1.5 || !r.MinEx || !math.IsInf(r.Max, 1) || r.MaxEx {
		t.Errorf("range %+v %v", r, ok)
	}
	for _, bad := range [][2]string{{"x", "1"}, {"1", "nan"}, {"((1", "2"}, {"1 ", "2"}} {
		if _, ok := zsParseRange([]byte(bad[0]), []byte(bad[1])); ok {
			t.Errorf("range %q accepted", bad)
		}
	}
	if _, ok := zsParseRange([]byte(""), []byte("(")); !ok {
		t.Error("empty bounds rejected")
	}
	for _, bad := range [][2]string{{"a", "+"}, {"-", "++"}, {"", "+"}} {
		if _, ok := zsParseLex([]byte(bad[0]), []byte(bad[1])); ok {
			t.Errorf("lex %q accepted", bad)
		}
	}
}

func TestPQSort(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	cmp := func(a, b *int) int { return *a - *b }
	for iter := 0; iter < 2000; iter++ {
		n := 1 + r.Intn(200)
		a := make([]int, n)
		for i := range a {
			a[i] = r.Intn(1000)
		}
		full := slices.Clone(a)
		slices.Sort(full)
		lo := r.Intn(n)
		hi := lo + r.Intn(n-lo)
		pqsort(a, cmp, lo, hi)
		for i := lo; i <= hi; i++ {
			if a[i] != full[i] {
				t.Fatalf("n=%d range %d..%d: position %d = %d want %d", n, lo, hi, i, a[i], full[i])
			}
		}
	}
}

func TestScanCursorParse(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "": 0, "+5": 5, "-1": math.MaxUint64, "18446744073709551615": math.MaxUint64} {
		if got, ok := zsParseCursor([]byte(in)); !ok || got != want {
			t.Errorf("cursor %q = %d %v", in, got, ok)
		}
	}
	for _, bad := range []string{" 1", "x", "1x", "18446744073709551616", "-"} {
		if _, ok := zsParseCursor([]byte(bad)); ok {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

// TestGetDoubleSmallIntFastPath checks the integer fast path against the
// general strtod for every kind of short integer (and a few that are not).
func TestGetDoubleSmallIntFastPath(t *testing.T) {
	for _, in := range []string{"0", "-0", "+0", "7", "-7", "+7", "00012", "999999999999999", "-999999999999999",
		"1000000000000000", "9007199254740993", "+", "-", "1-", "12a", "+-1"} {
		got, gok := zsGetDouble([]byte(in))
		want, n, _ := zsStrtod([]byte(in))
		wok := n == len(in) && n > 0
		if gok != wok || gok && (got != want || math.Signbit(got) != math.Signbit(want)) {
			t.Errorf("getDouble(%q) = %v %v, strtod %v %v", in, got, gok, want, wok)
		}
	}
}
