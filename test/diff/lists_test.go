package diff

import (
	"strconv"
	"strings"
	"testing"
)

func TestListPushPop(t *testing.T) {
	p := newPair(t)
	p.run(
		c("LPUSH", "l", "a", "b", "c"),
		c("RPUSH", "l", "d", "e"),
		c("LRANGE", "l", "0", "-1"),
		c("LPUSHX", "nokey", "a"),
		c("RPUSHX", "nokey", "a", "b"),
		c("EXISTS", "nokey"),
		c("LPUSHX", "l", "x", "y"),
		c("RPUSHX", "l", "z"),
		c("LRANGE", "l", "0", "-1"),
		c("LLEN", "l"),
		c("LLEN", "nokey"),
		c("LPOP", "l"),
		c("RPOP", "l"),
		c("LPOP", "l", "2"),
		c("RPOP", "l", "2"),
		c("LPOP", "l", "0"),
		c("RPOP", "l", "0"),
		c("LPOP", "l", "-1"),
		c("LPOP", "l", "x"),
		c("LPOP", "l", "1", "2"),
		c("RPOP", "l", "1", "2"),
		c("LRANGE", "l", "0", "-1"),
		c("RPOP", "l", "100"),
		c("EXISTS", "l"),
		c("LPOP", "nokey"),
		c("RPOP", "nokey"),
		c("LPOP", "nokey", "3"),
		c("RPOP", "nokey", "0"),
		c("LPOP", "nokey", "-3"),
		c("RPUSH", "one", "x"),
		c("LPOP", "one", "1"),
		c("EXISTS", "one"),
		c("RPUSH", "e", ""),
		c("LRANGE", "e", "0", "-1"),
		c("LPUSH"),
		c("LPUSH", "l"),
		c("RPUSH", "l"),
		c("LPUSHX", "l"),
		c("LPOP"),
		c("LLEN"),
	)
}

func TestListRangeIndex(t *testing.T) {
	p := newPair(t)
	p.do("RPUSH", "l", "a", "b", "c", "d", "e", "f")
	for _, r := range [][2]string{{"0", "-1"}, {"0", "0"}, {"1", "3"}, {"-3", "-1"}, {"-100", "100"}, {"3", "1"}, {"6", "10"},
		{"-1", "-2"}, {"5", "5"}, {"-6", "-6"}, {"-7", "0"}, {"0", "-7"}, {"2", "-3"}} {
		p.do("LRANGE", "l", r[0], r[1])
	}
	p.run(
		c("LRANGE", "l", "x", "1"),
		c("LRANGE", "l", "0", "y"),
		c("LRANGE", "nokey", "0", "-1"),
		c("LRANGE", "nokey", "x", "-1"),
		c("LINDEX", "l", "0"),
		c("LINDEX", "l", "5"),
		c("LINDEX", "l", "6"),
		c("LINDEX", "l", "-1"),
		c("LINDEX", "l", "-6"),
		c("LINDEX", "l", "-7"),
		c("LINDEX", "l", "x"),
		c("LINDEX", "nokey", "x"),
		c("LINDEX", "nokey", "0"),
		c("LINDEX", "l", "9223372036854775807"),
		c("LINDEX", "l", "-9223372036854775808"),
		c("LSET", "l", "0", "A"),
		c("LSET", "l", "-1", "F"),
		c("LSET", "l", "6", "x"),
		c("LSET", "l", "-7", "x"),
		c("LSET", "l", "x", "x"),
		c("LSET", "nokey", "0", "x"),
		c("LSET", "nokey", "x", "x"),
		c("LRANGE", "l", "0", "-1"),
		c("LRANGE", "l"),
		c("LINDEX", "l"),
		c("LSET", "l", "0"),
	)
}

func TestListInsertRemTrim(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RPUSH", "l", "a", "b", "a", "c", "a", "d"),
		c("LINSERT", "l", "BEFORE", "a", "x"),
		c("LINSERT", "l", "after", "a", "y"),
		c("LINSERT", "l", "AFTER", "d", "z"),
		c("LINSERT", "l", "BEFORE", "nope", "z"),
		c("LINSERT", "l", "MIDDLE", "a", "z"),
		c("LINSERT", "nokey", "BEFORE", "a", "z"),
		c("LINSERT", "nokey", "XX", "a", "z"),
		c("LRANGE", "l", "0", "-1"),
		c("LREM", "l", "1", "a"),
		c("LREM", "l", "-1", "a"),
		c("LRANGE", "l", "0", "-1"),
		c("LREM", "l", "0", "a"),
		c("LREM", "l", "0", "nope"),
		c("LREM", "l", "x", "a"),
		c("LREM", "nokey", "0", "a"),
		c("LREM", "nokey", "x", "a"),
		c("LRANGE", "l", "0", "-1"),
		c("RPUSH", "r", "a", "a", "a"),
		c("LREM", "r", "-9223372036854775808", "a"),
		c("EXISTS", "r"),
		c("RPUSH", "r", "a", "b", "a"),
		c("LREM", "r", "9223372036854775807", "a"),
		c("LRANGE", "r", "0", "-1"),
		c("RPUSH", "t", "1", "2", "3", "4", "5", "6"),
		c("LTRIM", "t", "1", "-2"),
		c("LRANGE", "t", "0", "-1"),
		c("LTRIM", "t", "-100", "100"),
		c("LRANGE", "t", "0", "-1"),
		c("LTRIM", "t", "1", "1"),
		c("LRANGE", "t", "0", "-1"),
		c("LTRIM", "t", "x", "1"),
		c("LTRIM", "t", "5", "1"),
		c("EXISTS", "t"),
		c("LTRIM", "nokey", "0", "1"),
		c("LTRIM", "nokey", "a", "1"),
		c("LINSERT", "l", "BEFORE", "a"),
		c("LREM", "l", "0"),
		c("LTRIM", "l", "0"),
	)
}

func TestListPos(t *testing.T) {
	p := newPair(t)
	p.do("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c")
	for _, args := range [][]string{
		{"c"}, {"z"}, {"c", "RANK", "2"}, {"c", "RANK", "-1"}, {"c", "RANK", "-3"}, {"c", "RANK", "4"}, {"c", "RANK", "0"},
		{"c", "COUNT", "2"}, {"c", "COUNT", "0"}, {"c", "COUNT", "0", "RANK", "2"}, {"c", "COUNT", "0", "RANK", "-1"},
		{"c", "COUNT", "-1"}, {"c", "MAXLEN", "3"}, {"c", "MAXLEN", "2"}, {"c", "MAXLEN", "-1"}, {"c", "MAXLEN", "0"},
		{"c", "COUNT", "0", "MAXLEN", "7"}, {"c", "RANK", "-1", "MAXLEN", "1"}, {"c", "RANK", "-1", "MAXLEN", "2", "COUNT", "0"},
		{"c", "RANK"}, {"c", "FOO", "1"}, {"c", "RANK", "x"}, {"c", "COUNT", "x"}, {"c", "MAXLEN", "x"},
		{"c", "RANK", "-9223372036854775808"}, {"c", "RANK", "9223372036854775807"}, {"z", "COUNT", "1"},
		{"c", "rank", "1", "count", "1", "maxlen", "0"},
	} {
		p.do(append([]string{"LPOS", "l"}, args...)...)
	}
	p.run(
		c("LPOS", "nokey", "a"),
		c("LPOS", "nokey", "a", "COUNT", "1"),
		c("LPOS", "nokey", "a", "RANK", "0"),
		c("LPOS", "l"),
	)
}

func TestListMove(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RPUSH", "src", "a", "b", "c"),
		c("LMOVE", "src", "dst", "LEFT", "RIGHT"),
		c("LMOVE", "src", "dst", "RIGHT", "LEFT"),
		c("LMOVE", "src", "dst", "left", "left"),
		c("EXISTS", "src"),
		c("LRANGE", "dst", "0", "-1"),
		c("LMOVE", "dst", "dst", "LEFT", "RIGHT"),
		c("LRANGE", "dst", "0", "-1"),
		c("LMOVE", "nokey", "dst", "LEFT", "RIGHT"),
		c("LMOVE", "dst", "dst", "UP", "RIGHT"),
		c("LMOVE", "dst", "dst", "LEFT", "DOWN"),
		c("SET", "str", "x"),
		c("LMOVE", "dst", "str", "LEFT", "RIGHT"),
		c("LMOVE", "str", "dst", "LEFT", "RIGHT"),
		c("LMOVE", "nokey", "str", "LEFT", "RIGHT"),
		c("LRANGE", "dst", "0", "-1"),
		c("RPOPLPUSH", "dst", "other"),
		c("RPOPLPUSH", "nokey", "other"),
		c("RPOPLPUSH", "dst", "str"),
		c("RPUSH", "one", "x"),
		c("RPOPLPUSH", "one", "one"),
		c("LRANGE", "one", "0", "-1"),
		c("LMOVE", "one", "one", "LEFT", "LEFT"),
		c("LRANGE", "other", "0", "-1"),
		c("LMOVE", "a", "b", "LEFT"),
		c("RPOPLPUSH", "a"),
	)
}

func TestListMPop(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RPUSH", "l1", "a", "b", "c"),
		c("RPUSH", "l2", "d", "e"),
		c("LMPOP", "2", "nokey", "l1", "LEFT"),
		c("LMPOP", "2", "nokey", "l1", "RIGHT", "COUNT", "5"),
		c("LMPOP", "2", "l1", "l2", "RIGHT", "COUNT", "1"),
		c("LMPOP", "1", "nokey", "LEFT"),
		c("LMPOP", "0", "l1", "LEFT"),
		c("LMPOP", "-1", "l1", "LEFT"),
		c("LMPOP", "x", "l1", "LEFT"),
		c("LMPOP", "3", "l1", "LEFT"),
		c("LMPOP", "1", "l2", "UP"),
		c("LMPOP", "1", "l2", "LEFT", "COUNT"),
		c("LMPOP", "1", "l2", "LEFT", "COUNT", "0"),
		c("LMPOP", "1", "l2", "LEFT", "COUNT", "-1"),
		c("LMPOP", "1", "l2", "LEFT", "COUNT", "x"),
		c("LMPOP", "1", "l2", "LEFT", "COUNT", "1", "COUNT", "1"),
		c("LMPOP", "1", "l2", "LEFT", "FOO"),
		c("LMPOP", "2", "l2", "LEFT"),
		c("SET", "str", "x"),
		c("LMPOP", "2", "nokey", "str", "LEFT"),
		c("LMPOP", "2", "str", "l2", "LEFT"),
		c("LMPOP", "2", "l2", "str", "LEFT"),
		c("LMPOP", "1", "l2", "LEFT", "COUNT", "10"),
		c("EXISTS", "l2"),
		c("LMPOP", "1"),
		c("LMPOP", "1", "l"),
	)
}

func TestListErrorsWrongType(t *testing.T) {
	p := newPair(t)
	p.do("SET", "s", "x")
	for _, args := range [][]string{
		{"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "2"},
		{"LLEN", "s"}, {"LRANGE", "s", "0", "1"}, {"LINDEX", "s", "0"}, {"LSET", "s", "0", "x"}, {"LINSERT", "s", "BEFORE", "a", "b"},
		{"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"}, {"LPOS", "s", "a"}, {"LMOVE", "s", "d", "LEFT", "LEFT"},
		{"RPOPLPUSH", "s", "d"}, {"LMPOP", "1", "s", "LEFT"}, {"BLPOP", "s", "1"}, {"BRPOP", "s", "0"},
		{"BLMOVE", "s", "d", "LEFT", "LEFT", "0"}, {"BRPOPLPUSH", "s", "d", "0"}, {"BLMPOP", "0", "1", "s", "LEFT"},
		{"LPOS", "s", "a", "RANK", "0"}, {"LINDEX", "s", "x"},
	} {
		p.do(args...)
	}
}

func TestListRESP3(t *testing.T) {
	p := newPair(t)
	p.resp3()
	p.run(
		c("RPUSH", "l", "a", "b", "c"),
		c("LRANGE", "l", "0", "-1"),
		c("LPOP", "nokey"),
		c("LPOP", "nokey", "2"),
		c("LPOP", "l", "2"),
		c("LINDEX", "l", "5"),
		c("LPOS", "l", "z"),
		c("LPOS", "l", "z", "COUNT", "0"),
		c("LMPOP", "1", "nokey", "LEFT"),
		c("LMPOP", "1", "l", "LEFT"),
		c("RPUSH", "l", "x"),
		c("BLPOP", "l", "0"),
		c("BLMPOP", "0", "1", "nokey", "l", "LEFT"),
		c("LMOVE", "nokey", "l", "LEFT", "LEFT"),
		c("MULTI"),
		c("BLPOP", "nokey", "0"),
		c("BLMOVE", "nokey", "x", "LEFT", "LEFT", "0"),
		c("BLMPOP", "0", "1", "nokey", "LEFT"),
		c("EXEC"),
	)
}

func TestListBig(t *testing.T) {
	p := newPair(t)
	// Enough elements for several quicklist nodes; exercise every
	// operation across node boundaries.
	args := []string{"RPUSH", "l"}
	for i := 0; i < 3000; i++ {
		args = append(args, "element-"+strconv.Itoa(i))
	}
	p.do(args...)
	p.do("LPUSH", "l", strings.Repeat("big", 3000))
	p.do("LLEN", "l")
	for _, r := range [][2]string{{"0", "10"}, {"1000", "1200"}, {"-50", "-1"}, {"2990", "3010"}} {
		p.do("LRANGE", "l", r[0], r[1])
	}
	for _, i := range []string{"0", "1", "1500", "-1", "2999", "3000"} {
		p.do("LINDEX", "l", i)
	}
	p.run(
		c("LSET", "l", "1500", "X"),
		c("LINSERT", "l", "BEFORE", "element-2000", "Y"),
		c("LINSERT", "l", "AFTER", "element-2999", "Z"),
		c("LREM", "l", "0", "element-100"),
		c("LPOS", "l", "element-2500"),
		c("LPOS", "l", "element-1", "RANK", "-1"),
		c("LTRIM", "l", "100", "-100"),
		c("LLEN", "l"),
		c("LRANGE", "l", "0", "5"),
		c("LRANGE", "l", "-5", "-1"),
		c("LPOP", "l", "500"),
		c("RPOP", "l", "500"),
		c("LLEN", "l"),
	)
	p.do("LRANGE", "l", "0", "-1")
}

func TestListEncodingQuicklist(t *testing.T) {
	// Redis 7.0 always reports quicklist; Redwing (as Redis 7.2) reports
	// listpack for small lists. Only the large case is comparable.
	p := newPair(t)
	args := []string{"RPUSH", "l"}
	for i := 0; i < 200; i++ {
		args = append(args, strings.Repeat("x", 60))
	}
	p.do(args...)
	p.do("OBJECT", "ENCODING", "l")
}

func TestListBlockingImmediate(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RPUSH", "l1", "a", "b"),
		c("RPUSH", "l2", "c"),
		c("BLPOP", "nokey", "l1", "l2", "0"),
		c("BRPOP", "l2", "l1", "0"),
		c("BRPOP", "l2", "l1", "0.01"),
		c("BLPOP", "nokey", "0.01"),
		c("BLPOP", "nokey", "x"),
		c("BLPOP", "nokey", "-1"),
		c("BLPOP", "nokey", "-0.5"),
		c("BLPOP", "nokey", "inf"),
		c("BLPOP", "nokey", "-inf"),
		c("BLPOP", "nokey", "nan"),
		c("BLPOP", "nokey", ""),
		c("BLPOP", "nokey", "1e400"),
		c("BLPOP", "nokey", " 1"),
		c("BLPOP", "nokey", "9223372036854775807"),
		c("RPUSH", "m", "1", "2", "3"),
		c("BLMOVE", "m", "n", "LEFT", "RIGHT", "0"),
		c("BLMOVE", "m", "n", "LEFT", "MID", "0"),
		c("BLMOVE", "m", "n", "LEFT", "RIGHT", "x"),
		c("BRPOPLPUSH", "m", "n", "0"),
		c("BRPOPLPUSH", "m", "n", "-1"),
		c("LRANGE", "n", "0", "-1"),
		c("BLMPOP", "0", "2", "nokey", "n", "LEFT", "COUNT", "5"),
		c("BLMPOP", "x", "1", "n", "LEFT"),
		c("BLMPOP", "0", "0", "n", "LEFT"),
		c("BLMPOP", "0", "1", "n", "UP"),
		c("BLMPOP", "0", "1", "n", "LEFT", "COUNT", "0"),
		c("BLMPOP", "0.01", "1", "nokey", "LEFT"),
		c("BRPOPLPUSH", "nokey", "n", "0.01"),
		c("BLMOVE", "nokey", "n", "LEFT", "LEFT", "0.01"),
		c("BLPOP", "l1"),
		c("BLMPOP", "0", "1"),
		// Inside MULTI blocking commands do not block.
		c("MULTI"),
		c("BLPOP", "nokey", "0"),
		c("BRPOP", "nokey", "10"),
		c("BLMOVE", "nokey", "x", "LEFT", "LEFT", "0"),
		c("BRPOPLPUSH", "nokey", "x", "0"),
		c("BLMPOP", "0", "1", "nokey", "LEFT"),
		c("RPUSH", "nokey", "v"),
		c("BLPOP", "nokey", "0"),
		c("EXEC"),
	)
}
