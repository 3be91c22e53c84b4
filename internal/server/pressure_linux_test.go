package server

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseStallTotal(t *testing.T) {
	for _, tc := range []struct {
		in    string
		total int64
		ok    bool
	}{
		{"some avg10=1.50 avg60=0.20 avg300=0.05 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", 123456, true},
		{"some avg10=0.00 avg60=0.00 avg300=0.00 total=0", 0, true},
		{"full avg10=0.00 avg60=0.00 avg300=0.00 total=5\n", 0, false},
		{"some avg10=0.00 avg60=0.00 avg300=0.00\n", 0, false},
		{"some avg10=0.00 total=-4\n", 0, false},
		{"some avg10=0.00 total=12x\n", 0, false},
		{"", 0, false},
	} {
		total, ok := parseStallTotal([]byte(tc.in))
		if total != tc.total && tc.ok || ok != tc.ok {
			t.Errorf("parseStallTotal(%q) = %d, %v; want %d, %v", tc.in, total, ok, tc.total, tc.ok)
		}
	}
}

func TestNextContendedHysteresis(t *testing.T) {
	steps := []struct {
		share float64
		want  bool
	}{
		// One client process: 3-23% while polling, 15-18% while not.
		{0.05, false}, {0.18, false}, {0.23, false},
		// Two: 40-46%.
		{0.42, true}, {0.25, true}, {0.21, true}, {0.18, false}, {0.24, false}, {0.26, true},
	}
	was := false
	for i, st := range steps {
		was = nextContended(was, st.share)
		if was != st.want {
			t.Fatalf("step %d (share %.2f): contended %v, want %v", i, st.share, was, st.want)
		}
	}
}

// After probeFirst of contention the gate lets the loops poll for one
// period; pressure during it turns the gate back on and doubles the wait
// for the next probe (up to probeMax), and no pressure leaves it off.
func TestPressureGateProbes(t *testing.T) {
	g := pressureGate{probeWait: probeFirst}
	now := time.Duration(0)
	step := func(share float64, want bool) {
		t.Helper()
		now += pressureEvery
		if got := g.next(share, now); got != want {
			t.Fatalf("at %v (share %.2f, probe wait %v): contended %v, want %v", now, share, g.probeWait, got, want)
		}
	}
	stayContended := func(d time.Duration) {
		t.Helper()
		for end := now + d - pressureEvery; now < end; {
			step(0.45, true)
		}
	}
	step(0.05, false)
	step(0.45, true) // contended since now
	stayContended(probeFirst)
	step(0.45, false) // probe: poll for a period
	step(0.45, true)  // polling is what the others wait for
	stayContended(2 * probeFirst)
	step(0.45, false)
	step(0.45, true)
	for _, wait := range []time.Duration{4 * probeFirst, probeMax, probeMax} {
		if g.probeWait != wait {
			t.Fatalf("probe wait %v, want %v", g.probeWait, wait)
		}
		stayContended(wait)
		step(0.45, false)
		step(0.45, true)
	}
	if g.probeWait != probeMax {
		t.Fatalf("probe wait %v, want %v", g.probeWait, probeMax)
	}
	// The contention was the loops' own sleeping: polling clears it.
	stayContended(probeMax)
	step(0.17, false)
	step(0.05, false)
	if g.probeWait != probeFirst {
		t.Fatalf("probe wait %v after a clear probe, want %v", g.probeWait, probeFirst)
	}
	step(0.45, true)
	stayContended(probeFirst)
	step(0.45, false)
}

// The loops stop polling while the pressure file shows threads waiting for
// a CPU a fifth of the time, and poll again once it shows none.
func TestLoopsFollowCPUPressure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu")
	stall := int64(0)
	write := func() {
		text := fmt.Sprintf("some avg10=0.00 avg60=0.00 avg300=0.00 total=%d\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", stall)
		if err := os.WriteFile(path+".tmp", []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			t.Fatal(err)
		}
	}
	write()
	saved := pressureFile
	pressureFile = path
	s, _ := startOneLoop(t)
	pressureFile = saved
	waitFor := func(want bool, grow bool) {
		t.Helper()
		last := time.Now()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			if grow { // stalled half of the time since the last write
				now := time.Now()
				stall += now.Sub(last).Microseconds() / 2
				last = now
				write()
			}
			if s.loops.contended.Load() == want {
				return
			}
		}
		t.Fatalf("contended stayed %v", !want)
	}
	if s.loops.contended.Load() {
		t.Fatal("contended before any stall")
	}
	waitFor(true, true)
	waitFor(false, false)
}
