package lua

import (
	"runtime"
	"strings"
	"testing"
)

// TestStringValue checks that one-allocation strings behave as LString
// values made the ordinary way at every size class boundary: equality,
// type assertion, use as a map key and as a table key, and contents that
// survive collections while other allocations reuse freed memory.
func TestStringValue(t *testing.T) {
	var vals []LValue
	var want []string
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 300} {
		s := strings.Repeat(string(rune('a'+n%26)), n)
		b := []byte(s)
		v := StringValue(b)
		if n > 0 {
			b[0] = 'Z' // the value is a copy
		}
		if v != LValue(LString(s)) {
			t.Fatalf("len %d: StringValue = %q, want %q", n, v, s)
		}
		if ls, ok := v.(LString); !ok || string(ls) != s {
			t.Fatalf("len %d: type assertion gives %q, %v", n, ls, ok)
		}
		m := map[LValue]int{LString(s): n}
		if m[v] != n {
			t.Fatalf("len %d: not found as a map key", n)
		}
		tb := newLTable(0, 0)
		tb.RawSet(v, LNumber(n))
		if tb.RawGetString(s) != LNumber(n) {
			t.Fatalf("len %d: not found as a table key", n)
		}
		vals, want = append(vals, v), append(want, s)
	}
	for round := 0; round < 3; round++ {
		runtime.GC()
		junk := make([][]byte, 0, 1000)
		for i := 0; i < 1000; i++ {
			junk = append(junk, []byte(strings.Repeat("#", i%200)))
		}
		_ = junk
		for i, v := range vals {
			if string(v.(LString)) != want[i] {
				t.Fatalf("round %d: value %d became %q", round, i, v)
			}
		}
	}
}

// TestConcatValues runs concatenations of strings and numbers across the
// size classes of allocString.
func TestConcatValues(t *testing.T) {
	L := NewState()
	defer L.Close()
	err := L.DoString(`
		local parts = {}
		for i = 1, 200 do parts[#parts + 1] = "x" end
		for n = 1, 200 do
			local s = table.concat(parts, "", 1, n)
			local c = s .. n .. "-" .. 1.5
			assert(c == s .. tostring(n) .. "-1.5", "concat " .. n)
			assert(#c == n + #tostring(n) + 4)
		end
		local a, b, c, d, e, f, g, h, i, j = "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"
		assert(a .. b .. c .. d .. e .. f .. g .. h .. i .. j == "abcdefghij")
		assert("" .. "" == "")`)
	if err != nil {
		t.Fatal(err)
	}
}
