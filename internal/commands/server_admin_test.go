package commands

import (
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

func TestMallocSize(t *testing.T) {
	for _, tc := range []struct{ in, want uint64 }{
		{1, 8}, {8, 8}, {9, 16}, {25, 32}, {33, 48}, {128, 128}, {129, 160}, {149, 160},
		{257, 320}, {14336, 14336}, {14337, 16384}, {16385, 20480}, {100000, 114688},
	} {
		if got := mallocSize(tc.in); got != tc.want {
			t.Errorf("mallocSize(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestStringUsageMatchesRedis(t *testing.T) {
	// MEMORY USAGE values from Redis 7.0 for key, value.
	for _, tc := range []struct {
		key, val string
		want     uint64
	}{
		{"s", "hello", 64},
		{"n", "123", 48},
		{"big", strings.Repeat("a", 145), 208},
	} {
		e := new(keyspace.StrEntry([]byte(tc.val)))
		if got := keyUsage([]byte(tc.key), e, 5); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.key, got, tc.want)
		}
	}
}

func TestBytesToHuman(t *testing.T) {
	for _, tc := range []struct {
		in   uint64
		want string
	}{{0, "0B"}, {1023, "1023B"}, {1024, "1.00K"}, {916424, "894.95K"}, {6447104, "6.15M"}, {25276510208, "23.54G"}} {
		if got := bytesToHuman(tc.in); got != tc.want {
			t.Errorf("bytesToHuman(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCParsers(t *testing.T) {
	if cAtoi([]byte(" -12x")) != -12 || cAtoi([]byte("x")) != 0 || cAtoi([]byte("2")) != 2 {
		t.Error("cAtoi")
	}
	if cStrtod([]byte("0.5abc")) != 0.5 || cStrtod([]byte("x")) != 0 || cStrtod([]byte("1e3")) != 1000 {
		t.Error("cStrtod")
	}
	if got := string(appendTrimmedFloat(nil, 99.9)); got != "99.9" {
		t.Errorf("trimmed %q", got)
	}
	if got := string(appendTrimmedFloat(nil, 50)); got != "50" {
		t.Errorf("trimmed %q", got)
	}
}

func TestLatencyGraph(t *testing.T) {
	ev := engine.LatencyEvent{Name: "command", Max: 20, Samples: []engine.LatencySample{{Time: 100, Latency: 10}, {Time: 130, Latency: 20}}}
	g := latencyGraph(ev, 131)
	lines := strings.Split(g, "\n")
	if lines[0] != "command - high 20 ms, low 10 ms (all time high 20 ms)" || lines[1] != strings.Repeat("-", 80) {
		t.Fatalf("header %q", g)
	}
	if len(lines) != 2+4+3+1 { // rows, labels "31s"/"1s" (3 rows), trailing ""
		t.Fatalf("graph:\n%s", g)
	}
}
