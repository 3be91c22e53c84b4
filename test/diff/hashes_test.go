package diff

import (
	"strconv"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/testkit"
)

func TestHashBasic(t *testing.T) {
	p := newPair(t)
	p.run(
		c("HSET", "h", "f1", "v1"),
		c("HSET", "h", "f1", "v1b", "f2", "v2", "f3", "v3"),
		c("HGET", "h", "f1"),
		c("HGET", "h", "nofield"),
		c("HGET", "nokey", "f"),
		c("HMGET", "h", "f1", "nofield", "f3"),
		c("HMGET", "nokey", "a", "b"),
		c("HGETALL", "h"),
		c("HGETALL", "nokey"),
		c("HKEYS", "h"),
		c("HVALS", "h"),
		c("HKEYS", "nokey"),
		c("HVALS", "nokey"),
		c("HLEN", "h"),
		c("HLEN", "nokey"),
		c("HEXISTS", "h", "f2"),
		c("HEXISTS", "h", "zz"),
		c("HEXISTS", "nokey", "f2"),
		c("HSTRLEN", "h", "f1"),
		c("HSTRLEN", "h", "zz"),
		c("HSTRLEN", "nokey", "zz"),
		c("HMSET", "h", "f4", "v4", "f5", "v5"),
		c("HGETALL", "h"),
		c("HSETNX", "h", "f4", "x"),
		c("HSETNX", "h", "f6", "v6"),
		c("HSETNX", "newkey", "a", "b"),
		c("HGETALL", "newkey"),
		c("HDEL", "h", "f1", "f1", "nofield", "f2"),
		c("HDEL", "h", "zz"),
		c("HDEL", "nokey", "zz"),
		c("HGETALL", "h"),
		c("HDEL", "h", "f3", "f4", "f5", "f6", "f7"),
		c("EXISTS", "h"),
		c("HSET", "e", "", ""),
		c("HGET", "e", ""),
		c("HSET", "bin", "a\x00b", "c\r\nd"),
		c("HGETALL", "bin"),
		c("TYPE", "bin"),
	)
}

func TestHashErrors(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "s", "str"),
		c("HSET", "s", "f", "v"),
		c("HMSET", "s", "f", "v"),
		c("HSETNX", "s", "f", "v"),
		c("HGET", "s", "f"),
		c("HMGET", "s", "f"),
		c("HGETALL", "s"),
		c("HKEYS", "s"),
		c("HVALS", "s"),
		c("HDEL", "s", "f"),
		c("HLEN", "s"),
		c("HEXISTS", "s", "f"),
		c("HSTRLEN", "s", "f"),
		c("HINCRBY", "s", "f", "1"),
		c("HINCRBYFLOAT", "s", "f", "1"),
		c("HRANDFIELD", "s"),
		c("HRANDFIELD", "s", "2"),
		c("HRANDFIELD", "s", "2", "WITHVALUES"),
		c("HSCAN", "s", "0"),
		// Arity.
		c("HSET", "h"),
		c("HSET", "h", "f"),
		c("HSET", "h", "f", "v", "g"),
		c("HMSET", "h", "f", "v", "g"),
		c("HMSET", "h", "f"),
		c("HSETNX", "h", "f"),
		c("HGET", "h"),
		c("HGET", "h", "f", "g"),
		c("HMGET", "h"),
		c("HGETALL"),
		c("HGETALL", "a", "b"),
		c("HKEYS"),
		c("HVALS", "a", "b"),
		c("HDEL", "h"),
		c("HLEN"),
		c("HEXISTS", "h"),
		c("HSTRLEN", "h"),
		c("HINCRBY", "h", "f"),
		c("HINCRBYFLOAT", "h", "f"),
		c("HRANDFIELD"),
		c("HRANDFIELD", "h", "1", "WITHVALUES", "x"),
		c("HSCAN", "h"),
		c("EXISTS", "h"),
	)
}

func TestHashIncr(t *testing.T) {
	p := newPair(t)
	p.run(
		c("HINCRBY", "h", "n", "5"),
		c("HINCRBY", "h", "n", "-7"),
		c("HINCRBY", "h", "n", "abc"),
		c("HINCRBY", "h", "n", "1.5"),
		c("HINCRBY", "h", "n", ""),
		c("HINCRBY", "h", "n", "9223372036854775808"),
		c("HSET", "h", "s", "str", "max", "9223372036854775807", "min", "-9223372036854775808", "sp", " 1"),
		c("HINCRBY", "h", "s", "1"),
		c("HINCRBY", "h", "sp", "1"),
		c("HINCRBY", "h", "max", "1"),
		c("HINCRBY", "h", "max", "0"),
		c("HINCRBY", "h", "min", "-1"),
		c("HINCRBY", "h", "min", "1"),
		c("HINCRBY", "nokey", "f", "abc"),
		c("EXISTS", "nokey"),
		c("HINCRBYFLOAT", "h", "fl", "10.5"),
		c("HINCRBYFLOAT", "h", "fl", "0.1"),
		c("HINCRBYFLOAT", "h", "fl", "-5"),
		c("HINCRBYFLOAT", "h", "fl", "1e3"),
		c("HINCRBYFLOAT", "h", "fl", "abc"),
		c("HINCRBYFLOAT", "h", "fl", "inf"),
		c("HINCRBYFLOAT", "h", "fl", "-inf"),
		c("HINCRBYFLOAT", "h", "fl", "nan"),
		c("HINCRBYFLOAT", "h", "fl", ""),
		c("HINCRBYFLOAT", "h", "fl", " 1"),
		c("HINCRBYFLOAT", "h", "s", "1"),
		c("HINCRBYFLOAT", "h", "n", "1.5"),
		c("HINCRBYFLOAT", "h", "big", "1.7e308"),
		c("HINCRBYFLOAT", "h", "big", "1.7e308"),
		c("HINCRBYFLOAT", "h", "hex", "0x10"),
		c("HINCRBYFLOAT", "h", "int", "3"),
		c("HINCRBYFLOAT", "h", "int", "-3"),
	)
	p.doSorted("HGETALL", "h")
	p.run(
		c("HINCRBYFLOAT", "nokey2", "f", "x"),
		c("EXISTS", "nokey2"),
	)
}

func TestHashRandField(t *testing.T) {
	p := newPair(t)
	p.run(
		c("HRANDFIELD", "nokey"),
		c("HRANDFIELD", "nokey", "5"),
		c("HRANDFIELD", "nokey", "-5", "WITHVALUES"),
		c("HSET", "h", "a", "1", "b", "2", "c", "3"),
		c("HRANDFIELD", "h", "0"),
		c("HRANDFIELD", "h", "0", "WITHVALUES"),
		c("HRANDFIELD", "h", "3"),
		c("HRANDFIELD", "h", "10"),
		c("HRANDFIELD", "h", "10", "WITHVALUES"),
		c("HRANDFIELD", "h", "x"),
		c("HRANDFIELD", "h", "1", "VALUES"),
		c("HRANDFIELD", "h", "-9223372036854775808"),
		c("HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"),
		c("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"),
		c("HRANDFIELD", "h", "4611686018427387904", "withvalues"),
	)
	p.doType("HRANDFIELD", "h")
	p.doType("HRANDFIELD", "h", "2")
	p.doType("HRANDFIELD", "h", "-5")
	p.doType("HRANDFIELD", "h", "-5", "WITHVALUES")
	for _, args := range [][]string{{"2"}, {"-5"}, {"2", "WITHVALUES"}, {"-5", "WITHVALUES"}, {"1"}, {"1", "WITHVALUES"}} {
		a, b := p.both(append([]string{"HRANDFIELD", "h"}, args...)...)
		if len(a.Elems) != len(b.Elems) || a.Type != b.Type {
			t.Errorf("HRANDFIELD h %v: shapes differ: %s vs %s", args, a, b)
		}
	}
	// RESP3: WITHVALUES gives an array of pairs.
	p.resp3()
	p.run(
		c("HRANDFIELD", "h", "3", "WITHVALUES"),
		c("HRANDFIELD", "h", "0", "WITHVALUES"),
		c("HRANDFIELD", "nokey", "3", "WITHVALUES"),
		c("HRANDFIELD", "nokey"),
	)
	for _, args := range [][]string{{"2", "WITHVALUES"}, {"-5", "WITHVALUES"}, {"1", "WITHVALUES"}} {
		a, b := p.both(append([]string{"HRANDFIELD", "h"}, args...)...)
		if len(a.Elems) != len(b.Elems) || a.Type != b.Type || a.Elems[0].Type != b.Elems[0].Type || len(a.Elems[0].Elems) != len(b.Elems[0].Elems) {
			t.Errorf("RESP3 HRANDFIELD h %v: shapes differ: %s vs %s", args, a, b)
		}
	}
}

func TestHashRESP3(t *testing.T) {
	p := newPair(t)
	p.resp3()
	p.run(
		c("HSET", "h", "a", "1", "b", "2"),
		c("HGETALL", "h"),
		c("HGETALL", "nokey"),
		c("HKEYS", "h"),
		c("HVALS", "nokey"),
		c("HMGET", "h", "a", "zz"),
		c("HGET", "h", "zz"),
		c("HINCRBYFLOAT", "h", "a", "1.5"),
		c("HSCAN", "h", "0"),
		c("HSCAN", "nokey", "0"),
		c("HEXISTS", "h", "a"),
	)
}

func TestHashScan(t *testing.T) {
	p := newPair(t)
	p.run(
		c("HSCAN", "nokey", "0"),
		c("HSCAN", "nokey", "abc"),
		c("HSET", "h", "a", "1", "b", "2", "abc", "3", "x", "4"),
		c("HSCAN", "h", "0"),
		c("HSCAN", "h", "0", "MATCH", "a*"),
		c("HSCAN", "h", "0", "match", "*"),
		c("HSCAN", "h", "0", "COUNT", "1"),
		c("HSCAN", "h", "0", "COUNT", "0"),
		c("HSCAN", "h", "0", "COUNT", "-1"),
		c("HSCAN", "h", "0", "COUNT", "x"),
		c("HSCAN", "h", "0", "MATCH"),
		c("HSCAN", "h", "0", "FOO", "bar"),
		c("HSCAN", "h", "0", "TYPE", "string"),
		c("HSCAN", "h", "x"),
		c("HSCAN", "h", "-1"),
		c("HSCAN", "h", "18446744073709551616"),
		c("HSCAN", "h", "1"),
	)
	// A hashtable: collect all fields through the cursor on both servers.
	args := []string{"HSET", "big"}
	for i := 0; i < 300; i++ {
		args = append(args, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	p.do(args...)
	for _, cl := range []struct {
		name string
		do   func(args ...string) (string, []string)
	}{
		{"redwing", func(a ...string) (string, []string) {
			v, _ := p.rw.Do(a...)
			return v.Elems[0].Str, elemStrs(v.Elems[1])
		}},
		{"redis", func(a ...string) (string, []string) {
			v, _ := p.rd.Do(a...)
			return v.Elems[0].Str, elemStrs(v.Elems[1])
		}},
	} {
		seen := map[string]string{}
		cur := "0"
		for i := 0; i < 1000; i++ {
			var items []string
			cur, items = cl.do("HSCAN", "big", cur, "COUNT", "7", "MATCH", "f1*")
			for j := 0; j+1 < len(items); j += 2 {
				seen[items[j]] = items[j+1]
			}
			if cur == "0" {
				break
			}
		}
		if len(seen) != 111 {
			t.Errorf("%s: HSCAN saw %d fields", cl.name, len(seen))
		}
	}
}

// elemStrs returns the strings of an aggregate reply's elements.
func elemStrs(v testkit.Value) []string {
	out := make([]string, len(v.Elems))
	for i, e := range v.Elems {
		out[i] = e.Str
	}
	return out
}

func TestHashEncoding(t *testing.T) {
	p := newPair(t)
	p.run(
		c("CONFIG", "SET", "hash-max-listpack-entries", "4"),
		c("CONFIG", "SET", "hash-max-listpack-value", "8"),
		c("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"),
		c("OBJECT", "ENCODING", "h"),
		c("HSET", "h", "e", "5"),
		c("OBJECT", "ENCODING", "h"),
		c("HDEL", "h", "a", "b", "c", "d"),
		c("OBJECT", "ENCODING", "h"),
		c("HSET", "v", "a", "12345678"),
		c("OBJECT", "ENCODING", "v"),
		c("HSET", "v", "b", "123456789"),
		c("OBJECT", "ENCODING", "v"),
		c("HSET", "w", "123456789", "x"),
		c("OBJECT", "ENCODING", "w"),
		c("HSETNX", "n", "a", "123456789"),
		c("OBJECT", "ENCODING", "n"),
		c("HMSET", "m", "a", "1", "b", "123456789"),
		c("OBJECT", "ENCODING", "m"),
		c("HINCRBY", "i", "123456789", "1"),
		c("OBJECT", "ENCODING", "i"),
		c("HINCRBYFLOAT", "i2", "123456789", "1.5"),
		c("OBJECT", "ENCODING", "i2"),
		c("HINCRBY", "i3", "a", "123456789012"),
		c("OBJECT", "ENCODING", "i3"),
		c("HSET", "i3", "a", "1"),
		c("OBJECT", "ENCODING", "i3"),
		c("HGETALL", "i3"),
		c("CONFIG", "SET", "hash-max-listpack-entries", "0"),
		c("HSET", "z", "a", "1"),
		c("OBJECT", "ENCODING", "z"),
		c("CONFIG", "SET", "hash-max-listpack-entries", "512"),
		c("CONFIG", "SET", "hash-max-listpack-value", "64"),
	)
	// The default thresholds.
	args := []string{"HSET", "big"}
	for i := 0; i < 512; i++ {
		args = append(args, "f"+strconv.Itoa(i), "v")
	}
	p.do(args...)
	p.do("OBJECT", "ENCODING", "big")
	p.do("HSET", "big", "one-more", "v")
	p.do("OBJECT", "ENCODING", "big")
	p.doSorted("HKEYS", "big")
	p.do("HSET", "long", "f", strings.Repeat("x", 64))
	p.do("OBJECT", "ENCODING", "long")
	p.do("HSET", "long", "g", strings.Repeat("x", 65))
	p.do("OBJECT", "ENCODING", "long")
	p.doSorted("HGETALL", "long")
}

func TestHashTransactionAndWatch(t *testing.T) {
	p := newPair(t)
	p.run(
		c("MULTI"),
		c("HSET", "h", "a", "1"),
		c("HINCRBY", "h", "a", "2"),
		c("HGET", "h", "a"),
		c("HGETALL", "h"),
		c("EXEC"),
	)
	q := p.another()
	p.do("WATCH", "h")
	q.do("HSET", "h", "a", "1")
	p.run(c("MULTI"), c("HGET", "h", "a"), c("EXEC"))
	p.do("WATCH", "h")
	q.do("HDEL", "h", "nofield")
	p.run(c("MULTI"), c("HGET", "h", "a"), c("EXEC"))
}

// TestHashRandomOps runs random hash writes and reads on both servers:
// small hashes live packed next to their keys in Redwing (keyspace.Packer)
// and every write goes through a view of those bytes, so this walks the
// packed, boxed (hashtable) and back paths, with renames and copies on
// the way.
func TestHashRandomOps(t *testing.T) {
	p := newPair(t)
	defer p.do("CONFIG", "SET", "hash-max-listpack-entries", "128")
	defer p.do("CONFIG", "SET", "hash-max-listpack-value", "64")
	keys := []string{"h1", "h2", "h3", "a-key-longer-than-sixteen-bytes"}
	fields := []string{"f1", "f2", "n", "x", "a-longer-field-name", ""}
	for round := 0; round < 6; round++ {
		rng := newXsRand(uint64(round + 100))
		p.mustAgree("FLUSHALL")
		p.mustAgree("CONFIG", "SET", "hash-max-listpack-entries", strconv.Itoa([]int{128, 4, 2, 128, 5, 1}[round]))
		p.mustAgree("CONFIG", "SET", "hash-max-listpack-value", strconv.Itoa([]int{64, 64, 10, 8, 64, 64}[round]))
		value := func() string {
			if rng.n(3) == 0 {
				return strconv.Itoa(rng.n(2000) - 1000)
			}
			return strings.Repeat(string(rune('a'+rng.n(26))), rng.n(12)+[]int{0, 0, 0, 60}[rng.n(4)])
		}
		for op := 0; op < 500; op++ {
			key := keys[rng.n(len(keys))]
			f := fields[rng.n(len(fields))]
			var args []string
			switch r := rng.n(100); {
			case r < 30:
				args = []string{"HSET", key}
				for i := 0; i <= rng.n(3); i++ {
					args = append(args, fields[rng.n(len(fields))], value())
				}
			case r < 40:
				args = []string{"HDEL", key, f}
				if rng.n(2) == 0 {
					args = append(args, fields[rng.n(len(fields))])
				}
			case r < 48:
				args = []string{"HINCRBY", key, f, strconv.Itoa(rng.n(100) - 50)}
			case r < 52:
				args = []string{"HINCRBYFLOAT", key, f, "1.5"}
			case r < 56:
				args = []string{"HSETNX", key, f, value()}
			case r < 60:
				args = []string{"HMSET", key, f, value()}
			case r < 63:
				args = []string{"RENAME", key, keys[rng.n(len(keys))]}
			case r < 66:
				args = []string{"COPY", key, keys[rng.n(len(keys))], "REPLACE"}
			case r < 68:
				args = []string{"DEL", key}
			case r < 70:
				args = []string{"EXPIRE", key, "100"}
			case r < 72:
				args = []string{"SET", key, value()}
			case r < 80:
				args = []string{"OBJECT", "ENCODING", key}
			case r < 84:
				args = []string{"HLEN", key}
			case r < 88:
				args = []string{"HSTRLEN", key, f}
			case r < 92:
				args = []string{"TYPE", key}
			default:
				args = append([]string{"HMGET", key}, fields...)
			}
			p.do(args...)
			if p.t.Failed() {
				t.Fatalf("round %d op %d", round, op)
			}
		}
		for _, k := range keys {
			p.doSorted("HKEYS", k)
			p.doSorted("HVALS", k)
			p.do(append([]string{"HMGET", k}, fields...)...)
			p.do("TTL", k)
		}
	}
}
