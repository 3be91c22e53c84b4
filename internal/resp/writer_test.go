package resp

import (
	"math"
	"testing"
)

func TestFormatDoubleMatchesCPrintf(t *testing.T) {
	// Expected strings are what C's printf("%.17g") prints.
	cases := map[float64]string{
		0: "0", 1: "1", -1: "-1", 1.5: "1.5", 0.1: "0.10000000000000001",
		3.14: "3.1400000000000001", 1e21: "1e+21", 1e-5: "1.0000000000000001e-05",
		123456789012345678: "1.2345678901234568e+17", 1e16: "10000000000000000",
		1e17: "1e+17", 0.0001: "0.0001", 100: "100", -2.5e-10: "-2.5000000000000002e-10",
		math.Inf(1): "inf", math.Inf(-1): "-inf",
	}
	for in, want := range cases {
		if got := string(FormatDouble(nil, in)); got != want {
			t.Errorf("FormatDouble(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterShapes(t *testing.T) {
	w := &Writer{Proto: 2}
	w.Map(1)
	w.BulkString("a")
	w.Double(1.5)
	w.Null()
	w.NullArray()
	w.Bool(true)
	if got, want := string(w.Buf), "*2\r\n$1\r\na\r\n$3\r\n1.5\r\n$-1\r\n*-1\r\n:1\r\n"; got != want {
		t.Errorf("RESP2: %q want %q", got, want)
	}
	w = &Writer{Proto: 3}
	w.Map(1)
	w.BulkString("a")
	w.Double(1.5)
	w.Null()
	w.Bool(false)
	w.Verbatim("txt", "hi")
	w.BigNumber("123")
	w.Set(0)
	w.Push(1)
	w.Simple("x")
	if got, want := string(w.Buf), "%1\r\n$1\r\na\r\n,1.5\r\n_\r\n#f\r\n=6\r\ntxt:hi\r\n(123\r\n~0\r\n>1\r\n+x\r\n"; got != want {
		t.Errorf("RESP3: %q want %q", got, want)
	}
}

func TestDeferred(t *testing.T) {
	for _, proto := range []int{2, 3} {
		w := &Writer{Proto: proto}
		w.Simple("before")
		m := w.DeferLen()
		w.BulkString("k")
		w.Int(1)
		w.SetDeferred(m, '%', 1)
		want := "+before\r\n%1\r\n$1\r\nk\r\n:1\r\n"
		if proto == 2 {
			want = "+before\r\n*2\r\n$1\r\nk\r\n:1\r\n"
		}
		if string(w.Buf) != want {
			t.Errorf("proto %d: %q want %q", proto, w.Buf, want)
		}
	}
}

func TestErrorNewlinesReplaced(t *testing.T) {
	w := &Writer{}
	w.Error("ERR bad\r\nthing")
	if string(w.Buf) != "-ERR bad  thing\r\n" {
		t.Errorf("%q", w.Buf)
	}
}

func BenchmarkParseSet(b *testing.B) {
	req := []byte("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000001\r\n$3\r\nxxx\r\n")
	args := make([][]byte, 0, 8)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		args, _, _ = Parse(req, args, &DefaultLimits)
	}
}
