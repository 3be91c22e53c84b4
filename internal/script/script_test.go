package script

import (
	"bytes"
	"github.com/redwingdb/redwing/internal/lzf"
	"testing"
)

func TestCRC64(t *testing.T) {
	if got := crc64(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64 = %x", got)
	}
}

func TestRand48(t *testing.T) {
	// Redis 7.0: fresh server, math.random(10) x3 -> 4, 9, 4 ...
	var r rand48
	r.x = rand48Init
	want := []int{4, 9, 4, 5, 4}
	for i, w := range want {
		f := float64(r.next()%lrand48Max) / float64(lrand48Max)
		if got := int(f*10) + 1; got != w {
			t.Fatalf("value %d = %d, want %d", i, got, w)
		}
	}
	r.seed(42)
	f := float64(r.next()%lrand48Max) / float64(lrand48Max)
	if got := int(f*1000000) + 1; got != 744526 {
		t.Fatalf("seeded = %d", got)
	}
}

func TestLZFRoundTrip(t *testing.T) {
	in := []byte("#!lua name=lib4\nredis.register_function('f4', function(keys, args) return redis.register_function('x', function() end) end)")
	var z lzf.Compressor
	out := z.Compress(in, len(in)-4)
	if out == nil {
		t.Fatal("not compressed")
	}
	if len(out) != 91 {
		t.Errorf("compressed len %d, want 91 (redis)", len(out))
	}
	back := make([]byte, len(in))
	if !lzf.Decompress(out, back) || !bytes.Equal(back, in) {
		t.Fatalf("round trip failed: %q", back)
	}
}

func TestFormatG(t *testing.T) {
	cases := map[float64]string{1e15: "1e+15", 0.1: "0.1", 9007199254740992: "9.007199254741e+15", 1.0 / 3: "0.33333333333333", 123456789012345678: "1.2345678901235e+17", 100: "100", -0.5: "-0.5"}
	for f, w := range cases {
		if got := string(formatG(nil, f, 14)); got != w {
			t.Errorf("formatG(%v) = %q, want %q", f, got, w)
		}
	}
}
