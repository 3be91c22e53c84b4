package commands

import (
	"runtime"
	"strconv"
	"testing"
)

func TestInfoGCPauses(t *testing.T) {
	x := memEnv(t)
	field := func(name string) uint64 {
		t.Helper()
		v := infoField(x, "memory", name)
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s: %q", name, v)
		}
		return n
	}
	x.do("CONFIG", "RESETSTAT")
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	if n := field("gc_cycles"); n < 3 {
		t.Fatalf("gc_cycles %d after three collections", n)
	}
	max, stopping := field("gc_pause_max_us"), field("gc_pause_stopping_max_us")
	if max == 0 || stopping > max {
		t.Fatalf("gc_pause_max_us %d, gc_pause_stopping_max_us %d: want a pause, stopping within it", max, stopping)
	}
	if over := field("gc_pauses_over_1ms"); over > 0 && max < 1000 {
		t.Fatalf("%d pauses over 1 ms but the longest is %d us", over, max)
	}
	x.do("CONFIG", "RESETSTAT")
	if n := field("gc_cycles"); n > 1 { // one may run meanwhile
		t.Fatalf("gc_cycles %d right after CONFIG RESETSTAT", n)
	} else if n == 0 && field("gc_pause_max_us") != 0 {
		t.Fatal("a pause is reported with no collection since CONFIG RESETSTAT")
	}
}
