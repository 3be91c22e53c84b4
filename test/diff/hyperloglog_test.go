package diff

import (
	"strconv"
	"testing"
)

func TestHLLBasics(t *testing.T) {
	p := newPair(t)
	p.run(
		c("PFADD", "h", "a", "b", "c"),
		c("PFADD", "h", "a"),
		c("PFADD", "h"),
		c("PFADD", "h2"),
		c("PFCOUNT", "h2"),
		c("GET", "h2"),
		c("PFCOUNT", "h"),
		c("PFCOUNT", "h", "h2"),
		c("PFCOUNT", "nokey"),
		c("PFCOUNT", "nokey", "nokey2"),
		c("GET", "h"),
		c("STRLEN", "h"),
		c("TYPE", "h"),
		c("OBJECT", "ENCODING", "h"),
		c("PFADD", "h", "d", "e", "f", "g", "h", "i", "j"),
		c("GET", "h"),
		c("PFCOUNT", "h"),
		c("GET", "h"),
		c("PFDEBUG", "ENCODING", "h"),
		c("PFDEBUG", "DECODE", "h"),
		c("PFDEBUG", "DECODE", "nokey"),
		c("PFDEBUG", "FOO", "h"),
		c("PFDEBUG", "FOO", "nokey"),
		c("PFDEBUG", "TODENSE", "h"),
		c("PFDEBUG", "TODENSE", "h"),
		c("PFDEBUG", "ENCODING", "h"),
		c("PFDEBUG", "DECODE", "h"),
		c("PFCOUNT", "h"),
		c("GET", "h"),
		c("PFADD", "h", "k"),
		c("GET", "h"),
		// Wrong types and invalid values.
		c("SET", "s", "hello"),
		c("PFADD", "s", "a"),
		c("PFCOUNT", "s"),
		c("PFCOUNT", "h", "s"),
		c("PFMERGE", "s", "h"),
		c("PFMERGE", "h", "s"),
		c("PFDEBUG", "ENCODING", "s"),
		c("SET", "num", "12345678901234567890"),
		c("PFCOUNT", "num"),
		c("SET", "fake", "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		c("PFCOUNT", "fake"),
		c("SET", "fake2", "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00zzz"),
		c("PFCOUNT", "fake2"),
		c("LPUSH", "l", "a"),
		c("PFADD", "l", "a"),
		c("PFCOUNT", "l"),
		c("PFCOUNT", "h", "l"),
		c("PFMERGE", "l", "h"),
		c("PFDEBUG", "GETREG", "l"),
		// Arity.
		c("PFADD"),
		c("PFCOUNT"),
		c("PFMERGE"),
		c("PFDEBUG", "ENCODING"),
		c("PFSELFTEST", "x"),
	)
}

func TestHLLCountsMatch(t *testing.T) {
	p := newPair(t)
	for round, n := range []int{5, 50, 200, 1000, 3000, 20000} {
		key := "h" + strconv.Itoa(round)
		args := []string{"PFADD", key}
		for i := 0; i < n; i++ {
			args = append(args, "el:"+strconv.Itoa(i*7+round))
			if len(args) == 502 {
				p.do(args...)
				args = args[:2]
			}
		}
		if len(args) > 2 {
			p.do(args...)
		}
		p.do("PFCOUNT", key)
		p.do("PFDEBUG", "ENCODING", key)
		p.do("GET", key)
	}
	p.do("PFCOUNT", "h0", "h1", "h2", "h3", "h4", "h5")
	p.do("PFCOUNT", "h1", "h2")
	p.do("PFMERGE", "m1", "h0", "h1", "h2")
	p.do("GET", "m1")
	p.do("PFCOUNT", "m1")
	p.do("PFMERGE", "m2", "h3", "h5")
	p.do("PFDEBUG", "ENCODING", "m2")
	p.do("GET", "m2")
	p.do("PFCOUNT", "m2")
	p.do("PFMERGE", "h0", "h1")
	p.do("GET", "h0")
	p.do("PFMERGE", "m3")
	p.do("GET", "m3")
	p.do("PFMERGE", "m4", "nokey")
	p.do("GET", "m4")
	p.do("PFDEBUG", "GETREG", "h1")
	p.do("PFDEBUG", "ENCODING", "h1")
	p.do("GET", "h1")
	// Sparse-to-dense promotion by a register value above 32 is rare with
	// random data; hll-sparse-max-bytes controls the size-driven one.
	p.do("CONFIG", "SET", "hll-sparse-max-bytes", "100")
	p.do("PFADD", "small", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z")
	p.do("PFDEBUG", "ENCODING", "small")
	p.do("GET", "small")
	p.do("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
}

func TestHLLFromOracle(t *testing.T) {
	p := newPair(t)
	// Build HLLs on Redis only and load their bytes into Redwing.
	for _, n := range []int{10, 700, 5000} {
		key := "o" + strconv.Itoa(n)
		args := []string{"PFADD", key}
		for i := 0; i < n; i++ {
			args = append(args, "x"+strconv.Itoa(i))
			if len(args) == 1002 {
				if _, err := p.rd.Do(args...); err != nil {
					t.Fatal(err)
				}
				args = args[:2]
			}
		}
		if _, err := p.rd.Do(args...); err != nil {
			t.Fatal(err)
		}
		v, err := p.rd.Do("GET", key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.rw.Do("SET", key, v.Str); err != nil {
			t.Fatal(err)
		}
		p.do("PFCOUNT", key)
		p.do("PFADD", key, "new1", "new2", "new3")
		p.do("PFCOUNT", key)
		p.do("GET", key)
		// A stale cache (top bit set) is recomputed.
		b := []byte(v.Str)
		b[15] |= 0x80
		p.do("SET", key+"s", string(b))
		p.do("PFCOUNT", key+"s")
		p.do("GET", key+"s")
	}
	// Corrupted sparse data.
	p.do("SET", "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x80\x7f\xff\x01")
	p.do("PFCOUNT", "bad")
	p.do("PFADD", "bad", "a")
	p.do("PFCOUNT", "bad", "o10")
	p.do("PFMERGE", "x", "bad")
	p.do("SET", "bad2", "HYLL\x01\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x80\xff\xff\xff")
	p.do("PFCOUNT", "bad2")
	p.do("PFDEBUG", "TODENSE", "bad2")
	p.do("PFDEBUG", "DECODE", "bad2")
}

func TestHLLSelfTest(t *testing.T) {
	p := newPair(t)
	p.do("PFSELFTEST")
}
