package commands

import (
	"math/big"
	"math/rand"
	"testing"
)

// Property tests of the bitmap helpers against simple bit-by-bit models.

func sxBitAt(p []byte, i int) int {
	if i/8 >= len(p) {
		return 0
	}
	return int(p[i/8]>>(7-i%8)) & 1
}

func TestBitposPopcountModel(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for iter := 0; iter < 2000; iter++ {
		p := make([]byte, r.Intn(40))
		for i := range p {
			switch r.Intn(3) {
			case 0:
				p[i] = 0
			case 1:
				p[i] = 0xff
			default:
				p[i] = byte(r.Intn(256))
			}
		}
		ones := 0
		first := [2]int64{-1, -1}
		for i := 0; i < len(p)*8; i++ {
			b := sxBitAt(p, i)
			ones += b
			if first[b] < 0 {
				first[b] = int64(i)
			}
		}
		if first[0] < 0 {
			first[0] = int64(len(p)) * 8
		}
		if got := popcount(p); got != int64(ones) {
			t.Fatalf("popcount(%x) = %d, want %d", p, got, ones)
		}
		for bit := 0; bit < 2; bit++ {
			if got := bitpos(p, bit); got != first[bit] {
				t.Fatalf("bitpos(%x, %d) = %d, want %d", p, bit, got, first[bit])
			}
		}
	}
}

// bitposModel is the documented BITPOS semantics over a bit range.
func sxBitposModel(p []byte, bit int, start, end int64, endGiven bool) int64 {
	for i := start; i <= end; i++ {
		if sxBitAt(p, int(i)) == bit {
			return i
		}
	}
	if bit == 1 || endGiven {
		return -1
	}
	return (end/8 + 1) * 8
}

func TestBitposRangeModel(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for iter := 0; iter < 20000; iter++ {
		p := make([]byte, 1+r.Intn(6))
		for i := range p {
			p[i] = []byte{0, 0xff, byte(r.Intn(256))}[r.Intn(3)]
		}
		n := int64(len(p)) * 8
		s, e := r.Int63n(n), r.Int63n(n)
		if s > e {
			s, e = e, s
		}
		bit := r.Intn(2)
		var br bitRange
		br.start, br.end = s, e
		br.clamp(int64(len(p)), true)
		got := bitposRange(p, bit, br, true)
		if want := sxBitposModel(p, bit, s, e, true); got != want {
			t.Fatalf("bitpos %x bit=%d [%d,%d] = %d, want %d", p, bit, s, e, got, want)
		}
	}
}

func TestBitfieldGetSetModel(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for iter := 0; iter < 5000; iter++ {
		p := make([]byte, 12)
		r.Read(p)
		nbits := 1 + r.Intn(64)
		off := uint64(r.Intn(96 - nbits + 1))
		v := r.Uint64()
		setUnsignedBitfield(p, off, nbits, v)
		want := v
		if nbits < 64 {
			want &= 1<<nbits - 1
		}
		if got := getUnsignedBitfield(p, off, nbits); got != want {
			t.Fatalf("u%d at %d: got %x want %x", nbits, off, got, want)
		}
		s := getSignedBitfield(p, off, nbits)
		bs := new(big.Int).SetUint64(want)
		if nbits < 64 && want>>(nbits-1) == 1 {
			bs.Sub(bs, new(big.Int).Lsh(big.NewInt(1), uint(nbits)))
		} else if nbits == 64 && want>>63 == 1 {
			bs.Sub(bs, new(big.Int).Lsh(big.NewInt(1), 64))
		}
		if s != bs.Int64() {
			t.Fatalf("i%d at %d: got %d want %s", nbits, off, s, bs)
		}
	}
	// Reads past the end see zeros.
	if got := getUnsignedBitfield([]byte{0xff}, 4, 8); got != 0xf0 {
		t.Fatalf("padded read: %x", got)
	}
}

func TestBitfieldOverflowModel(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for iter := 0; iter < 20000; iter++ {
		nbits := 1 + r.Intn(64)
		signed := r.Intn(2) == 0
		if !signed && nbits == 64 {
			nbits = 63
		}
		var lo, hi *big.Int
		if signed {
			hi = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(nbits-1)), big.NewInt(1))
			lo = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), uint(nbits-1)))
		} else {
			hi = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(nbits)), big.NewInt(1))
			lo = big.NewInt(0)
		}
		// A value in range and a random increment.
		span := new(big.Int).Add(new(big.Int).Sub(hi, lo), big.NewInt(1))
		val := new(big.Int).Add(lo, new(big.Int).Rand(r, span))
		incr := r.Int63() >> uint(r.Intn(63))
		if r.Intn(2) == 0 {
			incr = -incr
		}
		sum := new(big.Int).Add(val, big.NewInt(incr))
		over := sum.Cmp(hi) > 0 || sum.Cmp(lo) < 0
		wrapped := new(big.Int).Mod(new(big.Int).Sub(sum, lo), span)
		wrapped.Add(wrapped, lo)
		sat := sum
		if sum.Cmp(hi) > 0 {
			sat = hi
		} else if sum.Cmp(lo) < 0 {
			sat = lo
		}
		for _, ow := range []int{ovfWrap, ovfSat} {
			var gotOver bool
			var got *big.Int
			if signed {
				o, v := checkSignedOverflow(val.Int64(), incr, nbits, ow)
				gotOver, got = o, big.NewInt(v)
			} else {
				o, v := checkUnsignedOverflow(val.Uint64(), incr, nbits, ow)
				gotOver, got = o, new(big.Int).SetUint64(v)
			}
			if gotOver != over {
				t.Fatalf("signed=%v bits=%d %s%+d: overflow %v, want %v", signed, nbits, val, incr, gotOver, over)
			}
			if !over {
				continue
			}
			want := wrapped
			if ow == ovfSat {
				want = sat
			}
			if got.Cmp(want) != 0 {
				t.Fatalf("signed=%v bits=%d %s%+d ow=%d: got %s, want %s", signed, nbits, val, incr, ow, got, want)
			}
		}
	}
}

func TestBitmapCommandsUnit(t *testing.T) {
	x := newSxEnv(t)
	x.expect(":0\r\n", "SETBIT", "b", "9", "1")
	x.expect("$2\r\n\x00\x40\r\n", "GET", "b")
	x.expect(":1\r\n", "GETBIT", "b", "9")
	x.expect(":1\r\n", "BITCOUNT", "b")
	x.expect(":9\r\n", "BITPOS", "b", "1")
	x.expect(":0\r\n", "BITPOS", "b", "0")
	x.expect("*3\r\n:64\r\n:64\r\n$-1\r\n", "BITFIELD", "b", "GET", "u8", "8", "SET", "u8", "8", "0", "OVERFLOW", "FAIL", "INCRBY", "i8", "8", "200")
	x.expect(":2\r\n", "BITOP", "NOT", "n", "b")
	x.expect("$2\r\n\xff\xff\r\n", "GET", "n")
	// Offsets are limited by proto-max-bulk-len.
	if err := x.cfg.Set("proto-max-bulk-len", "1mb"); err != nil {
		t.Fatal(err)
	}
	x.expect("-ERR bit offset is not an integer or out of range\r\n", "SETBIT", "b", "8388608", "1")
	x.expect("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "b", "1048576", "x")
	x.expect("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "b", "1048575", "xy")
	x.expect(":1048576\r\n", "SETRANGE", "b", "1048575", "x")
	x.expect("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "APPEND", "b", "x")
	x.expect(":0\r\n", "SETBIT", "b", "8388607", "1")
	x.do("SET", "a", string(make([]byte, 600)))
	x.do("SET", "c", string(make([]byte, 600)))
	x.expect("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n", "LCS", "a", "c")
}
