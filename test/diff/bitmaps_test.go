package diff

import (
	"math/rand"
	"strconv"
	"testing"
)

func TestBitmapsSetGetBit(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SETBIT", "b", "7", "1"),
		c("GET", "b"),
		c("SETBIT", "b", "7", "1"),
		c("SETBIT", "b", "7", "0"),
		c("SETBIT", "b", "0", "1"),
		c("SETBIT", "b", "100", "1"),
		c("GET", "b"),
		c("STRLEN", "b"),
		c("GETBIT", "b", "0"),
		c("GETBIT", "b", "1"),
		c("GETBIT", "b", "100"),
		c("GETBIT", "b", "101"),
		c("GETBIT", "b", "100000"),
		c("GETBIT", "nokey", "0"),
		c("GETBIT", "nokey", "4294967295"),
		c("SETBIT", "z", "5", "0"),
		c("GET", "z"),
		// Values.
		c("SETBIT", "b", "1", "2"),
		c("SETBIT", "b", "1", "-1"),
		c("SETBIT", "b", "1", "x"),
		c("SETBIT", "b", "1", ""),
		c("SETBIT", "b", "1", "01"),
		c("SETBIT", "b", "1", "1.0"),
		// Offsets.
		c("SETBIT", "b", "-1", "1"),
		c("SETBIT", "b", "x", "1"),
		c("SETBIT", "b", "4294967296", "1"),
		c("SETBIT", "b", "9223372036854775807", "1"),
		c("SETBIT", "b", "9223372036854775808", "1"),
		c("SETBIT", "b", "#1", "1"),
		c("SETBIT", "b", "-1", "2"),
		c("GETBIT", "b", "-1"),
		c("GETBIT", "b", "4294967296"),
		c("GETBIT", "b", "x"),
		c("GETBIT", "b", "4294967295"),
		// Integer-looking strings.
		c("SET", "n", "1234"),
		c("GETBIT", "n", "2"),
		c("GETBIT", "n", "3"),
		c("SETBIT", "n", "6", "0"),
		c("GET", "n"),
		// TTL kept.
		c("SET", "t", "a", "EX", "100"),
		c("SETBIT", "t", "20", "1"),
		c("TTL", "t"),
		c("GET", "t"),
		// Arity.
		c("SETBIT", "b", "1"),
		c("SETBIT", "b", "1", "1", "1"),
		c("GETBIT", "b"),
		c("GETBIT", "b", "1", "2"),
	)
}

func TestBitmapsWrongType(t *testing.T) {
	p := newPair(t)
	wrongTypeKey(p, "l")
	p.run(
		c("SETBIT", "l", "1", "1"),
		c("SETBIT", "l", "-1", "1"),
		c("SETBIT", "l", "1", "5"),
		c("GETBIT", "l", "1"),
		c("GETBIT", "l", "-1"),
		c("BITCOUNT", "l"),
		c("BITCOUNT", "l", "0", "1"),
		c("BITCOUNT", "l", "x", "1"),
		c("BITPOS", "l", "1"),
		c("BITPOS", "l", "2"),
		c("BITPOS", "l", "1", "x"),
		c("BITOP", "AND", "d", "l"),
		c("BITOP", "OR", "d", "nokey", "l"),
		c("BITOP", "NOT", "d", "l"),
		c("EXISTS", "d"),
		c("BITOP", "OR", "l", "nokey"),
		c("TYPE", "l"),
		c("BITFIELD", "l2", "GET", "u8", "0"),
	)
	wrongTypeKey(p, "l")
	p.run(
		c("BITFIELD", "l", "GET", "u8", "0"),
		c("BITFIELD", "l", "SET", "u8", "0", "1"),
		c("BITFIELD", "l", "GET", "u99", "0"),
		c("BITFIELD", "l"),
		c("BITFIELD_RO", "l", "GET", "u8", "0"),
		c("BITFIELD_RO", "l", "SET", "u8", "0", "1"),
		c("BITOP", "AND", "dest", "l", "l"),
		c("SET", "s", "abc"),
		c("BITOP", "AND", "s", "l"),
		c("GET", "s"),
	)
}

func TestBitmapsBitCount(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "k", "foobar"),
		c("BITCOUNT", "k"),
		c("BITCOUNT", "k", "0", "0"),
		c("BITCOUNT", "k", "1", "1"),
		c("BITCOUNT", "k", "1", "1", "BYTE"),
		c("BITCOUNT", "k", "5", "30", "BIT"),
		c("BITCOUNT", "k", "0", "-1", "bit"),
		c("BITCOUNT", "k", "0", "-1", "byte"),
		c("BITCOUNT", "k", "-10", "-20"),
		c("BITCOUNT", "k", "-20", "-10"),
		c("BITCOUNT", "k", "-20", "-10", "BIT"),
		c("BITCOUNT", "k", "0", "1", "FOO"),
		c("BITCOUNT", "k", "0"),
		c("BITCOUNT", "k", "0", "1", "BIT", "x"),
		c("BITCOUNT", "k", "a", "1"),
		c("BITCOUNT", "k", "0", "b"),
		c("BITCOUNT", "k", "0", "9223372036854775807"),
		c("BITCOUNT", "k", "-9223372036854775808", "9223372036854775807", "BIT"),
		c("BITCOUNT", "k", "1152921504606846975", "-1", "BIT"),
		// Redis 7.0 looks the key up before parsing the range.
		c("BITCOUNT", "nokey"),
		c("BITCOUNT", "nokey", "0"),
		c("BITCOUNT", "nokey", "a", "b"),
		c("BITCOUNT", "nokey", "0", "1", "FOO"),
		c("SET", "empty", ""),
		c("BITCOUNT", "empty"),
		c("BITCOUNT", "empty", "0", "-1"),
		c("BITCOUNT", "empty", "0", "-1", "BIT"),
		c("SET", "n", "12345"),
		c("BITCOUNT", "n"),
		c("BITCOUNT", "n", "1", "2"),
		c("BITCOUNT"),
	)
}

func TestBitmapsBitPos(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "k", "\xff\xf0\x00"),
		c("BITPOS", "k", "0"),
		c("BITPOS", "k", "1"),
		c("BITPOS", "k", "0", "2"),
		c("BITPOS", "k", "1", "2"),
		c("BITPOS", "k", "1", "2", "-1"),
		c("BITPOS", "k", "0", "0", "0"),
		c("BITPOS", "k", "0", "0"),
		c("BITPOS", "k", "1", "7", "15", "BIT"),
		c("BITPOS", "k", "0", "7", "15", "BIT"),
		c("BITPOS", "k", "0", "0", "11", "BIT"),
		c("BITPOS", "k", "0", "0", "-1", "BIT"),
		c("BITPOS", "k", "1", "12", "-1", "bit"),
		c("BITPOS", "k", "0", "5", "-1", "byte"),
		c("BITPOS", "k", "2"),
		c("BITPOS", "k", "-1"),
		c("BITPOS", "k", "x"),
		c("BITPOS", "k", "1", "x"),
		c("BITPOS", "k", "1", "0", "x"),
		c("BITPOS", "k", "1", "0", "1", "FOO"),
		c("BITPOS", "k", "1", "0", "1", "BIT", "x"),
		c("BITPOS", "nokey", "0"),
		c("BITPOS", "nokey", "1"),
		c("BITPOS", "nokey", "1", "x"),
		c("BITPOS", "nokey", "0", "5", "10", "FOO"),
		c("BITPOS", "nokey", "2"),
		c("SET", "ones", "\xff\xff\xff"),
		c("BITPOS", "ones", "0"),
		c("BITPOS", "ones", "0", "1"),
		c("BITPOS", "ones", "0", "1", "-1"),
		c("BITPOS", "ones", "0", "0", "-1", "BIT"),
		c("BITPOS", "ones", "0", "3", "BIT"),
		c("BITPOS", "ones", "0", "10", "BYTE"),
		c("SET", "zeros", "\x00\x00\x00"),
		c("BITPOS", "zeros", "1"),
		c("BITPOS", "zeros", "0"),
		c("BITPOS", "zeros", "1", "1", "2"),
		c("SET", "empty", ""),
		c("BITPOS", "empty", "0"),
		c("BITPOS", "empty", "1"),
		c("BITPOS", "empty", "0", "0", "-1"),
		c("SET", "f", "foo"),
		c("BITPOS", "f", "1", "-10", "-20"),
		c("BITPOS", "f", "0", "-10", "-20"),
		c("BITPOS", "f", "0", "-9223372036854775808", "9223372036854775807", "BIT"),
		c("BITPOS", "k"),
	)
}

// TestBitmapsRandomRanges compares BITCOUNT, BITPOS and GETRANGE on random
// strings and ranges, in both units.
func TestBitmapsRandomRanges(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewSource(11))
	idx := func(n int) string {
		switch r.Intn(5) {
		case 0:
			return strconv.Itoa(-r.Intn(n*8+10) - 1)
		default:
			return strconv.Itoa(r.Intn(n*8 + 10))
		}
	}
	for i := 0; i < 40; i++ {
		n := r.Intn(12)
		b := make([]byte, n)
		for j := range b {
			switch r.Intn(4) {
			case 0:
				b[j] = 0
			case 1:
				b[j] = 0xff
			default:
				b[j] = byte(r.Intn(256))
			}
		}
		p.do("SET", "k", string(b))
		p.do("BITPOS", "k", "0")
		p.do("BITPOS", "k", "1")
		for j := 0; j < 12; j++ {
			s, e := idx(n), idx(n)
			bit := strconv.Itoa(r.Intn(2))
			p.do("BITCOUNT", "k", s, e)
			p.do("BITCOUNT", "k", s, e, "BIT")
			p.do("BITPOS", "k", bit, s)
			p.do("BITPOS", "k", bit, s, e)
			p.do("BITPOS", "k", bit, s, e, "BIT")
			p.do("BITPOS", "k", bit, s, e, "BYTE")
			p.do("GETRANGE", "k", s, e)
		}
	}
}

func TestBitmapsBitOp(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "a", "\x0f\xf0\xaa"),
		c("SET", "b", "\xff\x00"),
		c("SET", "c", "\x01"),
		c("BITOP", "AND", "d", "a", "b"),
		c("GET", "d"),
		c("BITOP", "OR", "d", "a", "b", "c"),
		c("GET", "d"),
		c("BITOP", "XOR", "d", "a", "b", "c"),
		c("GET", "d"),
		c("BITOP", "NOT", "d", "a"),
		c("GET", "d"),
		c("BITOP", "and", "d", "a", "nokey"),
		c("GET", "d"),
		c("BITOP", "or", "d", "nokey", "a"),
		c("GET", "d"),
		c("BITOP", "xor", "d", "a"),
		c("GET", "d"),
		c("BITOP", "AND", "d", "a"),
		c("GET", "d"),
		c("BITOP", "NOT", "d", "nokey"),
		c("EXISTS", "d"),
		c("SET", "d", "x"),
		c("BITOP", "AND", "d", "nokey", "nokey2"),
		c("EXISTS", "d"),
		c("BITOP", "OR", "d", "nokey"),
		c("BITOP", "NOT", "d", "a", "b"),
		c("BITOP", "NOT", "d"),
		c("BITOP", "FOO", "d", "a"),
		c("BITOP", "ANDX", "d", "a"),
		c("BITOP", "AND", "d"),
		c("BITOP", "AND"),
		c("BITOP", "FOO", "d"),
		// Destination among the sources, TTL of the destination dropped.
		c("BITOP", "XOR", "a", "a", "b"),
		c("GET", "a"),
		c("SET", "t", "x", "EX", "100"),
		c("BITOP", "OR", "t", "b"),
		c("TTL", "t"),
		c("SET", "e", ""),
		c("BITOP", "NOT", "d", "e"),
		c("EXISTS", "d"),
		c("SET", "n", "123"),
		c("BITOP", "NOT", "d", "n"),
		c("GET", "d"),
	)
	r := rand.New(rand.NewSource(5))
	ops := []string{"AND", "OR", "XOR"}
	for i := 0; i < 30; i++ {
		keys := []string{}
		for j := 0; j < 1+r.Intn(4); j++ {
			k := "s" + strconv.Itoa(j)
			p.do("SET", k, randString(r, r.Intn(40), "\x00\x01\x7f\x80\xffabc"))
			keys = append(keys, k)
		}
		args := append([]string{"BITOP", ops[r.Intn(3)], "dst"}, keys...)
		p.do(args...)
		p.do("GET", "dst")
		p.do("BITOP", "NOT", "dst", keys[0])
		p.do("GET", "dst")
	}
}

func TestBitmapsBitField(t *testing.T) {
	p := newPair(t)
	p.run(
		c("BITFIELD", "bf"),
		c("EXISTS", "bf"),
		c("BITFIELD", "bf", "GET", "u8", "0"),
		c("EXISTS", "bf"),
		c("BITFIELD", "bf", "SET", "i8", "0", "-100", "GET", "u4", "0", "GET", "i4", "4"),
		c("GET", "bf"),
		c("BITFIELD", "bf", "INCRBY", "i5", "100", "1", "GET", "u4", "0"),
		c("GET", "bf"),
		c("BITFIELD", "bf", "SET", "u8", "#1", "200", "GET", "u8", "#1", "GET", "u16", "#0"),
		c("BITFIELD", "bf", "GET", "i64", "0", "GET", "u63", "1", "GET", "i1", "0", "GET", "u1", "0"),
		c("BITFIELD", "bf", "SET", "i64", "0", "-9223372036854775808", "GET", "i64", "0"),
		c("BITFIELD", "bf", "INCRBY", "i64", "0", "-1"),
		c("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"),
		c("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"),
		c("BITFIELD", "bf", "SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1"),
		c("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "100", "INCRBY", "u63", "0", "-9223372036854775808"),
		// Overflow behaviours.
		c("DEL", "o"),
		c("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"),
		c("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"),
		c("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"),
		c("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"),
		c("BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "1"),
		c("BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "-5"),
		c("BITFIELD", "o", "OVERFLOW", "WRAP", "INCRBY", "u2", "102", "-5"),
		c("BITFIELD", "o", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "-5"),
		c("BITFIELD", "o", "OVERFLOW", "SAT", "SET", "u4", "0", "100", "SET", "u4", "0", "-1", "GET", "u4", "0"),
		c("BITFIELD", "o", "OVERFLOW", "WRAP", "SET", "u4", "0", "100", "SET", "u4", "0", "-1", "GET", "u4", "0"),
		c("BITFIELD", "o", "OVERFLOW", "FAIL", "SET", "u4", "0", "100", "SET", "u4", "0", "-1", "GET", "u4", "0"),
		c("BITFIELD", "o", "OVERFLOW", "SAT", "SET", "i4", "0", "100", "SET", "i4", "0", "-100", "GET", "i4", "0"),
		c("BITFIELD", "o", "OVERFLOW", "WRAP", "SET", "i4", "0", "100", "SET", "i4", "0", "-100", "GET", "i4", "0"),
		c("BITFIELD", "o", "OVERFLOW", "FAIL", "SET", "i4", "0", "100", "SET", "i4", "0", "-100", "GET", "i4", "0"),
		c("BITFIELD", "o", "overflow", "sat", "incrby", "i8", "0", "200", "incrby", "i8", "0", "-300", "overflow", "wrap", "incrby", "i8", "0", "300"),
		c("BITFIELD", "fo", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"),
		c("GET", "fo"),
		// Errors.
		c("BITFIELD", "bf", "GET"),
		c("BITFIELD", "bf", "GET", "u8"),
		c("BITFIELD", "bf", "SET", "u8", "0"),
		c("BITFIELD", "bf", "INCRBY", "u8", "0"),
		c("BITFIELD", "bf", "OVERFLOW"),
		c("BITFIELD", "bf", "OVERFLOW", "FOO"),
		c("BITFIELD", "bf", "FOO"),
		c("BITFIELD", "bf", "GET", "u8", "0", "FOO"),
		c("BITFIELD", "bf", "GET", "u64", "0"),
		c("BITFIELD", "bf", "GET", "i65", "0"),
		c("BITFIELD", "bf", "GET", "i0", "0"),
		c("BITFIELD", "bf", "GET", "u0", "0"),
		c("BITFIELD", "bf", "GET", "x8", "0"),
		c("BITFIELD", "bf", "GET", "I8", "0"),
		c("BITFIELD", "bf", "GET", "U8", "0"),
		c("BITFIELD", "bf", "GET", "i", "0"),
		c("BITFIELD", "bf", "GET", "i-1", "0"),
		c("BITFIELD", "bf", "GET", "i8", "-1"),
		c("BITFIELD", "bf", "GET", "i8", "x"),
		c("BITFIELD", "bf", "GET", "i8", "#"),
		c("BITFIELD", "bf", "GET", "i8", "#-1"),
		c("BITFIELD", "bf", "GET", "i8", "#x"),
		c("BITFIELD", "bf", "GET", "i8", "4294967296"),
		c("BITFIELD", "bf", "GET", "i8", "4294967295"),
		c("BITFIELD", "bf", "GET", "i8", "#536870912"),
		c("BITFIELD", "bf", "GET", "i64", "#1152921504606846976"),
		c("BITFIELD", "bf", "SET", "i8", "4294967296", "1"),
		c("BITFIELD", "bf", "SET", "i8", "0", "x"),
		c("BITFIELD", "bf", "INCRBY", "i8", "0", "1.5"),
		c("BITFIELD", "bf", "SET", "i8", "0", "1", "GET", "x8", "0"),
		c("BITFIELD", "bf", "GET", "i8", "0", "SET", "i8", "0"),
		c("GET", "bf"),
		// BITFIELD_RO.
		c("BITFIELD_RO", "bf", "GET", "u8", "0", "GET", "i8", "#1"),
		c("BITFIELD_RO", "bf"),
		c("BITFIELD_RO", "bf", "SET", "u8", "0", "1"),
		c("BITFIELD_RO", "bf", "INCRBY", "u8", "0", "1"),
		c("BITFIELD_RO", "bf", "OVERFLOW", "SAT", "GET", "u8", "0"),
		c("BITFIELD_RO", "bf", "GET", "u64", "0"),
		c("BITFIELD_RO", "bf", "GET", "u8"),
		c("BITFIELD_RO", "nokey", "GET", "i16", "100"),
		c("BITFIELD_RO"),
		c("BITFIELD"),
		// TTL kept.
		c("SET", "t", "a", "EX", "100"),
		c("BITFIELD", "t", "SET", "u8", "16", "255"),
		c("TTL", "t"),
		c("GET", "t"),
	)
}

// TestBitmapsBitFieldRandom compares random BITFIELD sequences.
func TestBitmapsBitFieldRandom(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewSource(9))
	ovf := []string{"WRAP", "SAT", "FAIL"}
	for i := 0; i < 300; i++ {
		args := []string{"BITFIELD", "r"}
		for j := 0; j < 1+r.Intn(4); j++ {
			signed := r.Intn(2) == 0
			var typ string
			if signed {
				typ = "i" + strconv.Itoa(1+r.Intn(64))
			} else {
				typ = "u" + strconv.Itoa(1+r.Intn(63))
			}
			off := strconv.Itoa(r.Intn(100))
			if r.Intn(4) == 0 {
				off = "#" + strconv.Itoa(r.Intn(5))
			}
			val := strconv.FormatInt(r.Int63()>>uint(r.Intn(63)), 10)
			if r.Intn(2) == 0 {
				val = "-" + val
			}
			switch r.Intn(4) {
			case 0:
				args = append(args, "GET", typ, off)
			case 1:
				args = append(args, "SET", typ, off, val)
			case 2:
				args = append(args, "INCRBY", typ, off, val)
			default:
				args = append(args, "OVERFLOW", ovf[r.Intn(3)])
			}
		}
		p.do(args...)
		if i%10 == 0 {
			p.do("GET", "r")
		}
	}
	p.do("GET", "r")
}

func TestBitmapsResp3(t *testing.T) {
	p := newPair(t)
	needCommand(p, "hello")
	p.resp3()
	p.run(
		c("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5", "GET", "u2", "0"),
		c("BITFIELD", "b"),
		c("BITFIELD_RO", "b", "GET", "u2", "0"),
		c("SETBIT", "b", "1", "1"),
		c("GETBIT", "b", "1"),
		c("BITCOUNT", "b"),
		c("BITPOS", "b", "1"),
		c("BITOP", "NOT", "d", "b"),
	)
}
