package engine

import (
	"strings"
	"testing"
	"time"
)

func TestHistogramMatchesHdr(t *testing.T) {
	// Values Redis 7.0 reported for single calls (INFO latencystats):
	// 6 usec -> p50=6.015, 9 -> 9.023, 10 -> 10.047, 88 -> 88.063.
	for _, tc := range []struct{ usec, want int64 }{
		{6, 6015}, {9, 9023}, {10, 10047}, {88, 88063}, {0, 1}, {1, 1003},
	} {
		var h Histogram
		h.Record(tc.usec * 1000)
		var s HistSnapshot
		if !h.Snapshot(&s) {
			t.Fatal("empty snapshot")
		}
		for _, p := range []float64{50, 99, 99.9} {
			if got := s.ValueAtPercentile(p); got != tc.want {
				t.Errorf("usec %d p%v = %d, want %d", tc.usec, p, got, tc.want)
			}
		}
	}
}

func TestHistogramIndexRoundTrip(t *testing.T) {
	prev := int64(-1)
	for i := 0; i < histLen; i++ {
		v := histValueAt(i)
		if v <= prev {
			t.Fatalf("index %d: value %d not increasing (prev %d)", i, v, prev)
		}
		if got := histIndex(v); got != i {
			t.Fatalf("histIndex(histValueAt(%d)=%d) = %d", i, v, got)
		}
		if hi := histHighestEquivalent(v); histIndex(hi) != i || (i+1 < histLen && histValueAt(i+1) != hi+1) {
			t.Fatalf("index %d: highest equivalent %d wrong", i, hi)
		}
		prev = v
	}
	if histIndex(histMaxValue) >= histLen {
		t.Fatal("max value out of range")
	}
}

func TestHistogramCDF(t *testing.T) {
	// From Redis 7.0 LATENCY HISTOGRAM: a command with 25 calls reported
	// buckets 8, 16, 33, 66, 264, 16908 usec.
	var h Histogram
	for _, us := range []int64{5, 6, 7, 8, 3, 4, 12, 30, 30, 31, 60, 200, 16000} {
		h.Record(us * 1000)
	}
	var s HistSnapshot
	h.Snapshot(&s)
	var keys []int64
	var last int64
	for _, p := range s.CDF() {
		keys = append(keys, p[0])
		last = p[1]
	}
	want := []int64{4, 8, 16, 33, 66, 264, 16908}
	if len(keys) != len(want) {
		t.Fatalf("buckets %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("buckets %v, want %v", keys, want)
		}
	}
	if last != 13 {
		t.Fatalf("cumulative total %d, want 13", last)
	}
}

func TestSlowlogTrim(t *testing.T) {
	var s slowlog
	c := &Client{Addr: "127.0.0.1:1"}
	argv := make([][]byte, 40)
	for i := range argv {
		argv[i] = []byte("a")
	}
	argv[1] = []byte(strings.Repeat("x", 200))
	s.push(c, argv, 5, 100, 2)
	e := s.entries[0]
	if len(e.Argv) != 32 || string(e.Argv[31]) != "... (9 more arguments)" {
		t.Fatalf("argv %d %q", len(e.Argv), e.Argv[31])
	}
	if string(e.Argv[1]) != strings.Repeat("x", 128)+"... (72 more bytes)" {
		t.Fatalf("long arg %q", e.Argv[1])
	}
	s.push(c, argv[:2], 5, 100, 2)
	s.push(c, argv[:3], 5, 100, 2)
	if len(s.entries) != 2 || s.entries[0].ID != 1 || s.entries[1].ID != 2 {
		t.Fatalf("entries %+v", s.entries)
	}
}

func TestRedact(t *testing.T) {
	args := func(s string) [][]byte {
		var out [][]byte
		for _, f := range strings.Fields(s) {
			out = append(out, []byte(f))
		}
		return out
	}
	show := func(a [][]byte) string {
		var p []string
		for _, x := range a {
			p = append(p, string(x))
		}
		return strings.Join(p, " ")
	}
	for _, tc := range []struct{ name, in, want string }{
		{"auth", "auth pw", "auth (redacted)"},
		{"auth", "auth u pw", "auth (redacted) (redacted)"},
		{"auth", "auth a b c", "auth a b c"},
		{"hello", "hello 3 auth u p setname n", "hello 3 auth (redacted) (redacted) setname n"},
		{"hello", "hello 4 auth u p", "hello 4 auth u p"},
		{"hello", "hello 3 foo auth u p", "hello 3 foo auth u p"},
		{"migrate", "migrate h 1 k 0 10 copy auth pw keys a", "migrate h 1 k 0 10 copy auth (redacted) keys a"},
		{"migrate", "migrate h 1 k 0 10 auth2 u pw", "migrate h 1 k 0 10 auth2 (redacted) (redacted)"},
		{"get", "get k", "get k"},
	} {
		if got := show(redactArgv(tc.name, args(tc.in), nil)); got != tc.want {
			t.Errorf("%s: got %q want %q", tc.in, got, tc.want)
		}
	}
}

func TestMonitorLine(t *testing.T) {
	c := &Client{Addr: "127.0.0.1:5000", conn: nopConn{}}
	now := time.Unix(1700000000, 1234000)
	got := string(appendMonitorLine(nil, c, 3, [][]byte{[]byte("set"), []byte("a\"b\\\n\x01\xc3")}, false, now, nil))
	want := "+1700000000.001234 [3 127.0.0.1:5000] \"set\" \"a\\\"b\\\\\\n\\x01\\xc3\"\r\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	script := &Client{}
	if got := string(appendMonitorLine(nil, script, 0, [][]byte{[]byte("get")}, false, now, nil)); !strings.Contains(got, "[0 lua]") {
		t.Fatalf("script line %q", got)
	}
}

type nopConn struct{}

func (nopConn) Close() error { return nil }

func TestLatencyEvents(t *testing.T) {
	var l latencyEvents
	l.add("command", 20, 100)
	l.add("command", 30, 100) // same second: keep the max
	l.add("command", 10, 101)
	ts := l.m["command"]
	ev := ts.event("command")
	if len(ev.Samples) != 2 || ev.Samples[0].Latency != 30 || ev.Latest.Latency != 10 || ev.Max != 30 {
		t.Fatalf("%+v", ev)
	}
}

func TestOpsSampler(t *testing.T) {
	e := &Engine{}
	var s opsSampler
	s.init(e, 0)
	e.Stats.Commands.Add(1600)
	s.sample(e, 1600) // 16 periods at 1000 ops/s
	var sum float64
	for _, v := range s.ring[0] {
		sum += v
	}
	if sum/opsSamples != 1000 {
		t.Fatalf("rate %v", sum/opsSamples)
	}
	s.sample(e, 20000) // idle: decays to zero
	sum = 0
	for _, v := range s.ring[0] {
		sum += v
	}
	if sum != 0 {
		t.Fatalf("idle rate %v", sum)
	}
}
