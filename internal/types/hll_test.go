package types

import (
	"bytes"
	"math"
	"math/rand"
	"strconv"
	"testing"
)

func TestMurmurHash64A(t *testing.T) {
	// Values of Redis's MurmurHash64A (seed 0xadc83b19), from its C code.
	cases := map[string]uint64{
		"":            0xd8dfea6585bc9732,
		"a":           0x53d2470a9b43b1a7,
		"abcdefgh":    0xf3a65df559914567,
		"abcdefghi":   0x834fba4d9152daf7,
		"hello world": 0xa919bc3051f624b7,
	}
	// Tail handling: every length 0..16 hashes differently from its
	// prefixes, and the function is deterministic.
	seen := map[uint64]bool{}
	b := []byte("0123456789abcdef")
	for n := 0; n <= len(b); n++ {
		h := MurmurHash64A(b[:n], 0xadc83b19)
		if seen[h] {
			t.Fatalf("collision at length %d", n)
		}
		seen[h] = true
		if h != MurmurHash64A(append([]byte(nil), b[:n]...), 0xadc83b19) {
			t.Fatal("not deterministic")
		}
	}
	for s, h := range cases {
		if MurmurHash64A([]byte(s), 0xadc83b19) != h {
			t.Fatalf("hash of %q changed", s)
		}
	}
}

func TestHLLEmpty(t *testing.T) {
	s := HLLNew()
	if len(s) != HLLHdrSize+2 || string(s[:4]) != "HYLL" || s[4] != HLLSparse {
		t.Fatalf("bad empty HLL %x", s)
	}
	// One XZERO opcode covering all 16384 registers.
	if s[16] != 0x7f || s[17] != 0xff {
		t.Fatalf("bad opcode %x", s[16:])
	}
	if n, ok := HLLCount(s); !ok || n != 0 {
		t.Fatalf("count %d %v", n, ok)
	}
	if string(HLLDecodeSparse(s)) != "Z:16384" {
		t.Fatalf("decode %q", HLLDecodeSparse(s))
	}
}

// TestHLLSparseDenseAgree adds the same elements to a sparse and a dense
// HLL and checks registers and counts agree at every step.
func TestHLLSparseDenseAgree(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	sp := HLLNew()
	de, _ := HLLSparseToDense(HLLNew())
	for i := 0; i < 20000; i++ {
		ele := []byte(strconv.FormatUint(r.Uint64(), 36))
		var r1, r2 int
		sp, r1 = HLLAdd(sp, ele, 1<<30)
		de, r2 = HLLAdd(de, ele, 1<<30)
		if r1 < 0 || r1 != r2 {
			t.Fatalf("step %d: results %d %d", i, r1, r2)
		}
		if i%997 == 0 {
			c1, ok1 := HLLCount(sp)
			c2, ok2 := HLLCount(de)
			if !ok1 || !ok2 || c1 != c2 {
				t.Fatalf("step %d: counts %d %d", i, c1, c2)
			}
			d, ok := HLLSparseToDense(sp)
			if !ok || !bytes.Equal(d[HLLHdrSize:], de[HLLHdrSize:]) {
				t.Fatalf("step %d: registers differ", i)
			}
		}
	}
}

func TestHLLAccuracy(t *testing.T) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		s := HLLNew()
		for i := 0; i < n; i++ {
			s, _ = HLLAdd(s, []byte("element:"+strconv.Itoa(i)), 3000)
		}
		c, ok := HLLCount(s)
		if !ok {
			t.Fatal("invalid")
		}
		errRel := math.Abs(float64(c)-float64(n)) / float64(n)
		if errRel > 0.05 {
			t.Errorf("n=%d count=%d error %.3f", n, c, errRel)
		}
	}
}

func TestHLLPromotion(t *testing.T) {
	s := HLLNew()
	i := 0
	for s[4] == HLLSparse {
		s, _ = HLLAdd(s, []byte(strconv.Itoa(i)), 300)
		i++
		if len(s) > 300 && s[4] == HLLSparse {
			t.Fatalf("sparse HLL of %d bytes over the limit", len(s))
		}
	}
	if len(s) != HLLDenseSize {
		t.Fatalf("dense size %d", len(s))
	}
	// A register value above 32 forces promotion too.
	s2 := HLLNew()
	s2, r := HLLSetRegister(s2, 5, 40, 3000)
	if r != 1 || s2[4] != HLLDense || HLLRegisterValues(s2)[5] != 40 {
		t.Fatalf("promotion by value failed")
	}
}

func TestHLLCorrupted(t *testing.T) {
	bad := append(HLLNew()[:HLLHdrSize:HLLHdrSize], 0x7f, 0xff, 0x80) // one register too many
	if _, ok := HLLCount(bad); ok {
		t.Fatal("overflowing sparse data accepted")
	}
	if _, r := HLLAdd(bad, []byte("x"), 3000); r != 1 && r != -1 {
		t.Fatal("unexpected result")
	}
	short := append(HLLNew()[:HLLHdrSize:HLLHdrSize], 0x40)
	if _, ok := HLLSparseToDense(short); ok {
		t.Fatal("truncated XZERO accepted")
	}
	var max [HLLRegisters]uint8
	if HLLMergeRegs(max[:], short) {
		t.Fatal("merge of corrupted data succeeded")
	}
	if HLLValid([]byte("HYLL")) || HLLValid(append([]byte("HYLL\x00"), make([]byte, 20)...)) {
		t.Fatal("invalid headers accepted")
	}
}

func TestHLLMerge(t *testing.T) {
	a, b := HLLNew(), HLLNew()
	for i := 0; i < 5000; i++ {
		a, _ = HLLAdd(a, []byte("a"+strconv.Itoa(i)), 3000)
		b, _ = HLLAdd(b, []byte("b"+strconv.Itoa(i)), 3000)
	}
	var max [HLLRegisters]uint8
	if !HLLMergeRegs(max[:], a) || !HLLMergeRegs(max[:], b) {
		t.Fatal("merge failed")
	}
	n := HLLCountRegs(max[:])
	if math.Abs(float64(n)-10000)/10000 > 0.05 {
		t.Fatalf("union count %d", n)
	}
}

func TestHLLSelfTest(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	r := rand.New(rand.NewSource(3))
	if msg := HLLSelfTest(3000, r.Uint32); msg != "" {
		t.Fatal(msg)
	}
}

func FuzzHLLSparse(f *testing.F) {
	f.Add([]byte{0x7f, 0xff})
	f.Add([]byte{0x00, 0x80, 0x7f, 0xfd})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := append(append([]byte(nil), HLLNew()[:HLLHdrSize]...), data...)
		HLLCount(s)
		HLLSparseToDense(s)
		var max [HLLRegisters]uint8
		HLLMergeRegs(max[:], s)
		HLLDecodeSparse(s)
		HLLAdd(s, []byte("x"), 3000)
	})
}
