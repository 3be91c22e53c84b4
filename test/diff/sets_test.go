package diff

import (
	"strconv"
	"strings"
	"testing"
)

func TestSetBasic(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SADD", "s", "3", "1", "2", "1"),
		c("SADD", "s", "2", "4"),
		c("SMEMBERS", "s"),
		c("SCARD", "s"),
		c("SCARD", "nokey"),
		c("SISMEMBER", "s", "1"),
		c("SISMEMBER", "s", "9"),
		c("SISMEMBER", "s", "a"),
		c("SISMEMBER", "nokey", "1"),
		c("SMISMEMBER", "s", "1", "9", "a", "4"),
		c("SMISMEMBER", "nokey", "1", "2"),
		c("SMEMBERS", "nokey"),
		c("SREM", "s", "1", "9", "a"),
		c("SREM", "nokey", "1"),
		c("SMEMBERS", "s"),
		c("SREM", "s", "2", "3", "4", "5"),
		c("EXISTS", "s"),
		c("SADD", "neg", "-5", "100000", "-2147483649", "9223372036854775807", "-9223372036854775808", "0"),
		c("SMEMBERS", "neg"),
		c("SADD", "neg", "01", "+1", " 1", "1.0"),
		c("SCARD", "neg"),
		c("SISMEMBER", "neg", "01"),
		c("SADD", "e", ""),
		c("SISMEMBER", "e", ""),
		c("SADD"),
		c("SADD", "s"),
		c("SREM", "s"),
		c("SCARD"),
		c("SISMEMBER", "s"),
		c("SMISMEMBER", "s"),
		c("SMEMBERS"),
		c("SMEMBERS", "a", "b"),
	)
	p.doSorted("SMEMBERS", "e")
	p.run(c("SADD", "str", "a", "b", "c"))
	p.doSorted("SMEMBERS", "str")
	p.doSorted("SMISMEMBER", "str", "a", "z")
}

func TestSetWrongType(t *testing.T) {
	p := newPair(t)
	p.do("SET", "x", "v")
	p.do("SADD", "s", "1")
	for _, args := range [][]string{
		{"SADD", "x", "a"}, {"SREM", "x", "a"}, {"SMEMBERS", "x"}, {"SISMEMBER", "x", "a"}, {"SMISMEMBER", "x", "a"},
		{"SCARD", "x"}, {"SPOP", "x"}, {"SPOP", "x", "2"}, {"SRANDMEMBER", "x"}, {"SRANDMEMBER", "x", "2"},
		{"SMOVE", "x", "s", "a"}, {"SMOVE", "s", "x", "1"}, {"SMOVE", "nokey", "x", "1"}, {"SINTER", "s", "x"}, {"SINTER", "nokey", "x"},
		{"SINTER", "x", "nokey"}, {"SINTERCARD", "2", "s", "x"}, {"SINTERSTORE", "d", "s", "x"}, {"SUNION", "s", "x"},
		{"SUNIONSTORE", "d", "x"}, {"SDIFF", "s", "x"}, {"SDIFF", "nokey", "x"}, {"SDIFFSTORE", "d", "x", "s"}, {"SSCAN", "x", "0"},
		{"EXISTS", "d"},
	} {
		p.do(args...)
	}
}

func TestSetPopRandom(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SPOP", "nokey"),
		c("SPOP", "nokey", "3"),
		c("SPOP", "nokey", "0"),
		c("SPOP", "nokey", "-1"),
		c("SPOP", "nokey", "x"),
		c("SPOP", "nokey", "1", "2"),
		c("SRANDMEMBER", "nokey"),
		c("SRANDMEMBER", "nokey", "3"),
		c("SRANDMEMBER", "nokey", "-3"),
		c("SRANDMEMBER", "nokey", "x"),
		c("SRANDMEMBER", "nokey", "1", "2"),
		c("SADD", "s", "1", "2", "3"),
		c("SRANDMEMBER", "s", "0"),
		c("SRANDMEMBER", "s", "3"),
		c("SRANDMEMBER", "s", "100"),
		c("SRANDMEMBER", "s", "-9223372036854775808"),
		c("SRANDMEMBER", "s", "9223372036854775808"),
		c("SPOP", "s", "0"),
		c("SPOP", "s", "-9223372036854775808"),
		c("SPOP", "s", "3"),
		c("EXISTS", "s"),
		c("SADD", "one", "x"),
		c("SPOP", "one"),
		c("EXISTS", "one"),
		c("SADD", "big", "5", "4", "3", "2", "1"),
		c("SPOP", "big", "10"),
	)
	p.do("SADD", "r", "a", "b", "c", "d", "e")
	for _, args := range [][]string{{"SRANDMEMBER", "r"}, {"SRANDMEMBER", "r", "2"}, {"SRANDMEMBER", "r", "-8"}, {"SPOP", "r"}, {"SPOP", "r", "2"}} {
		a, b := p.both(args...)
		if a.Type != b.Type || len(a.Elems) != len(b.Elems) {
			t.Errorf("%v: shapes differ: %s vs %s", args, a, b)
		}
	}
	p.do("SCARD", "r")
	p.resp3()
	p.run(
		c("SPOP", "nokey", "2"),
		c("SPOP", "nokey"),
		c("SADD", "s3", "1", "2"),
		c("SPOP", "s3", "0"),
		c("SPOP", "s3", "5"),
		c("SADD", "s3", "1", "2", "3"),
		c("SRANDMEMBER", "s3", "5"),
		c("SRANDMEMBER", "nokey", "5"),
	)
	a, b := p.both("SPOP", "s3", "2")
	if a.Type != b.Type || len(a.Elems) != len(b.Elems) {
		t.Errorf("RESP3 SPOP count: %s vs %s", a, b)
	}
}

func TestSetMove(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SADD", "a", "1", "2", "3"),
		c("SADD", "b", "3", "4"),
		c("SMOVE", "a", "b", "1"),
		c("SMOVE", "a", "b", "3"),
		c("SMOVE", "a", "b", "9"),
		c("SMOVE", "a", "a", "2"),
		c("SMOVE", "a", "a", "9"),
		c("SMOVE", "nokey", "b", "1"),
		c("SMOVE", "a", "c", "2"),
		c("EXISTS", "a"),
		c("SMEMBERS", "b"),
		c("SMEMBERS", "c"),
		c("SMOVE", "a", "b"),
		c("OBJECT", "ENCODING", "c"),
	)
}

func TestSetAlgebra(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SADD", "a", "1", "2", "3", "4", "5"),
		c("SADD", "b", "4", "5", "6", "7"),
		c("SADD", "c", "5", "7", "9", "11"),
		c("SINTER", "a", "b"),
		c("SINTER", "a", "b", "c"),
		c("SINTER", "a", "nokey"),
		c("SINTER", "a"),
		c("SINTER", "a", "a"),
		c("SINTERCARD", "2", "a", "b"),
		c("SINTERCARD", "3", "a", "b", "c"),
		c("SINTERCARD", "2", "a", "b", "LIMIT", "1"),
		c("SINTERCARD", "2", "a", "b", "LIMIT", "0"),
		c("SINTERCARD", "2", "a", "b", "LIMIT", "-1"),
		c("SINTERCARD", "2", "a", "b", "LIMIT", "x"),
		c("SINTERCARD", "2", "a", "b", "LIMIT"),
		c("SINTERCARD", "2", "a", "b", "FOO", "1"),
		c("SINTERCARD", "0", "a"),
		c("SINTERCARD", "-1", "a"),
		c("SINTERCARD", "x", "a"),
		c("SINTERCARD", "3", "a", "b"),
		c("SINTERCARD", "2", "a", "nokey"),
		c("SINTERCARD", "1", "nokey"),
		c("SINTERSTORE", "d", "a", "b"),
		c("SMEMBERS", "d"),
		c("SINTERSTORE", "d", "a", "nokey"),
		c("EXISTS", "d"),
		c("SINTERSTORE", "d", "a", "c"),
		c("SINTERSTORE", "d", "d"),
		c("SMEMBERS", "d"),
		c("SUNION", "a", "b", "c"),
		c("SUNION", "nokey"),
		c("SUNION", "nokey", "a"),
		c("SUNIONSTORE", "u", "a", "b", "c"),
		c("SMEMBERS", "u"),
		c("SUNIONSTORE", "u", "nokey"),
		c("EXISTS", "u"),
		c("SDIFF", "a", "b"),
		c("SDIFF", "a", "b", "c"),
		c("SDIFF", "a", "a"),
		c("SDIFF", "a", "nokey"),
		c("SDIFF", "nokey", "a"),
		c("SDIFFSTORE", "df", "a", "b"),
		c("SMEMBERS", "df"),
		c("SDIFFSTORE", "df", "a", "a"),
		c("EXISTS", "df"),
		c("SET", "str", "x"),
		c("SINTERSTORE", "str", "a", "b"),
		c("TYPE", "str"),
		c("SET", "str", "x", "EX", "100"),
		c("SUNIONSTORE", "str", "a"),
		c("TTL", "str"),
		c("SINTER"),
		c("SINTERSTORE", "d"),
		c("SUNION"),
		c("SDIFFSTORE", "d"),
		c("SINTERCARD", "1"),
	)
	// Non-integer members: order differs (hash order in Redis 7.0).
	p.run(c("SADD", "x", "a", "b", "c", "1"), c("SADD", "y", "b", "c", "d"))
	p.doSorted("SINTER", "x", "y")
	p.doSorted("SUNION", "x", "y")
	p.doSorted("SDIFF", "x", "y")
	p.doSorted("SDIFF", "y", "x")
	p.do("SUNIONSTORE", "z", "x", "y")
	p.doSorted("SMEMBERS", "z")
	p.resp3()
	p.run(
		c("SINTER", "a", "b"),
		c("SINTER", "a", "nokey"),
		c("SUNION", "a", "b"),
		c("SDIFF", "a", "b"),
		c("SMEMBERS", "a"),
		c("SMEMBERS", "nokey"),
		c("SINTERCARD", "2", "a", "b"),
		c("SMISMEMBER", "a", "1", "9"),
	)
}

func TestSetScan(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SSCAN", "nokey", "0"),
		c("SSCAN", "nokey", "x"),
		c("SADD", "s", "1", "2", "10", "11"),
		c("SSCAN", "s", "0"),
		c("SSCAN", "s", "0", "MATCH", "1*"),
		c("SSCAN", "s", "0", "COUNT", "1"),
		c("SSCAN", "s", "0", "COUNT", "0"),
		c("SSCAN", "s", "0", "NOVALUES"),
		c("SSCAN", "s", "x"),
		c("SSCAN", "s"),
	)
	args := []string{"SADD", "big"}
	for i := 0; i < 700; i++ {
		args = append(args, "m"+strconv.Itoa(i))
	}
	p.do(args...)
	for name, cl := range map[string]func(a ...string) (string, []string){
		"redwing": func(a ...string) (string, []string) {
			v, _ := p.rw.Do(a...)
			return v.Elems[0].Str, elemStrs(v.Elems[1])
		},
		"redis": func(a ...string) (string, []string) {
			v, _ := p.rd.Do(a...)
			return v.Elems[0].Str, elemStrs(v.Elems[1])
		},
	} {
		seen := map[string]bool{}
		cur := "0"
		for i := 0; i < 1000; i++ {
			var items []string
			cur, items = cl("SSCAN", "big", cur, "COUNT", "20", "MATCH", "m1*")
			for _, it := range items {
				seen[it] = true
			}
			if cur == "0" {
				break
			}
		}
		if len(seen) != 111 {
			t.Errorf("%s: SSCAN saw %d members", name, len(seen))
		}
	}
}

func TestSetEncoding(t *testing.T) {
	p := newPair(t)
	// Redis 7.0 has no listpack sets: with set-max-listpack-entries 0
	// Redwing (as Redis 7.2) takes 7.0's path, intset -> hashtable.
	setRedwingOnly(p, "set-max-listpack-entries", "0")
	defer setRedwingOnly(p, "set-max-listpack-entries", "128")
	p.run(
		c("SADD", "i", "1", "2", "3"),
		c("OBJECT", "ENCODING", "i"),
		c("SADD", "i", "a"),
		c("OBJECT", "ENCODING", "i"),
		c("SADD", "s", "a"),
		c("OBJECT", "ENCODING", "s"),
		c("CONFIG", "SET", "set-max-intset-entries", "4"),
		c("SADD", "j", "1", "2", "3", "4"),
		c("OBJECT", "ENCODING", "j"),
		c("SADD", "j", "5"),
		c("OBJECT", "ENCODING", "j"),
		c("SREM", "j", "1", "2", "3", "4"),
		c("OBJECT", "ENCODING", "j"),
		c("SINTERSTORE", "k", "j"),
		c("OBJECT", "ENCODING", "k"),
		c("SUNIONSTORE", "k2", "i"),
		c("OBJECT", "ENCODING", "k2"),
		c("CONFIG", "SET", "set-max-intset-entries", "512"),
	)
	args := []string{"SADD", "big"}
	for i := 0; i < 512; i++ {
		args = append(args, strconv.Itoa(i*3-700))
	}
	p.do(args...)
	p.do("OBJECT", "ENCODING", "big")
	p.do("SMEMBERS", "big")
	p.do("SADD", "big", "100000")
	p.do("OBJECT", "ENCODING", "big")
	p.doSorted("SMEMBERS", "big")
	p.do("SADD", "w", "1", "100000", "5000000000")
	p.do("SMEMBERS", "w")
	p.do("OBJECT", "ENCODING", "w")
}

// setRedwingOnly changes a configuration parameter on Redwing only (one
// that Redis 7.0 does not have).
func setRedwingOnly(p *pair, name, value string) {
	p.t.Helper()
	v, err := p.rw.Do("CONFIG", "SET", name, value)
	if err != nil || v.Type != '+' {
		p.t.Fatalf("CONFIG SET %s %s on redwing: %v %s", name, value, err, v)
	}
}

// TestSetListpackEncoding checks Redis 7.2's listpack sets, which the
// oracle (7.0) lacks, with expectations written from the 7.2 rules.
func TestSetListpackEncoding(t *testing.T) {
	p := newPair(t)
	rw := func(want string, args ...string) {
		t.Helper()
		v, err := p.rw.Do(args...)
		if err != nil {
			t.Fatal(err)
		}
		got := v.Str
		if v.Type == ':' {
			got = strconv.FormatInt(v.Int, 10)
		}
		if got != want {
			t.Errorf("%v: got %q want %q", args, got, want)
		}
	}
	rw("3", "SADD", "s", "a", "b", "c")
	rw("listpack", "OBJECT", "ENCODING", "s")
	rw("3", "SADD", "i", "1", "2", "3")
	rw("intset", "OBJECT", "ENCODING", "i")
	rw("1", "SADD", "i", "x")
	rw("listpack", "OBJECT", "ENCODING", "i")
	rw("1", "SADD", "i", strings.Repeat("y", 65))
	rw("hashtable", "OBJECT", "ENCODING", "i")
	args := []string{"SADD", "m"}
	for i := 0; i < 128; i++ {
		args = append(args, "m"+strconv.Itoa(i))
	}
	rw("128", args...)
	rw("listpack", "OBJECT", "ENCODING", "m")
	rw("1", "SADD", "m", "one-more")
	rw("hashtable", "OBJECT", "ENCODING", "m")
	// SADD with more members than the listpack allows goes straight to a hashtable.
	args = []string{"SADD", "n"}
	for i := 0; i < 129; i++ {
		args = append(args, "n"+strconv.Itoa(i))
	}
	rw("129", args...)
	rw("hashtable", "OBJECT", "ENCODING", "n")
	// A listpack set keeps insertion order.
	v, _ := p.rw.Do("SMEMBERS", "s")
	if strings.Join(elemStrs(v), ",") != "a,b,c" {
		t.Errorf("SMEMBERS s = %s", v)
	}
}
