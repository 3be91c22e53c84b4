package diff

import (
	"fmt"
	"math/rand"
	"strconv"
	"testing"
)

func TestZSetAddBasics(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "z", "1", "a"),
		c("ZADD", "z", "2", "b", "3", "c", "1", "a"),
		c("ZADD", "z", "5", "a"),
		c("ZRANGE", "z", "0", "-1", "WITHSCORES"),
		c("ZCARD", "z"),
		c("ZCARD", "nokey"),
		c("ZSCORE", "z", "a"),
		c("ZSCORE", "z", "nosuch"),
		c("ZSCORE", "nokey", "a"),
		c("ZMSCORE", "z", "a", "nosuch", "b"),
		c("ZMSCORE", "nokey", "a", "b"),
		c("OBJECT", "ENCODING", "z"),
		c("TYPE", "z"),
		// Flags.
		c("ZADD", "z", "NX", "10", "a", "10", "d"),
		c("ZADD", "z", "XX", "10", "a", "10", "e"),
		c("ZADD", "z", "XX", "CH", "11", "a", "10", "e"),
		c("ZADD", "z", "CH", "11", "a", "12", "b", "20", "f"),
		c("ZADD", "z", "GT", "CH", "1", "a", "100", "b", "7", "g"),
		c("ZADD", "z", "LT", "CH", "1", "a", "100", "c", "8", "h"),
		c("ZADD", "z", "XX", "GT", "CH", "500", "a", "1", "zz"),
		c("ZADD", "z", "XX", "LT", "CH", "-500", "a", "1", "zz"),
		c("ZRANGE", "z", "0", "-1", "WITHSCORES"),
		c("ZADD", "z", "INCR", "5", "a"),
		c("ZADD", "z", "INCR", "NX", "5", "a"),
		c("ZADD", "z", "INCR", "NX", "5", "new1"),
		c("ZADD", "z", "INCR", "XX", "5", "new2"),
		c("ZADD", "z", "INCR", "GT", "-1", "a"),
		c("ZADD", "z", "INCR", "GT", "1", "a"),
		c("ZADD", "z", "INCR", "LT", "1", "a"),
		c("ZADD", "z", "INCR", "LT", "-1", "a"),
		c("ZADD", "z", "ch", "nx", "incr", "3", "new3"),
		c("ZINCRBY", "z", "2.5", "a"),
		c("ZINCRBY", "z", "-2.5", "nosuch"),
		c("ZINCRBY", "newz", "1e3", "m"),
		c("ZINCRBY", "z", "x", "a"),
		c("ZINCRBY", "z", "nx", "a"),
		c("ZINCRBY", "z", "inf", "a"),
		c("ZINCRBY", "z", "-inf", "a"),
		c("ZINCRBY", "z", "inf", "a"),
		c("ZADD", "z", "INCR", "-inf", "a"),
		c("ZSCORE", "z", "a"),
		// Errors.
		c("ZADD", "z", "NX", "XX", "1", "a"),
		c("ZADD", "z", "GT", "LT", "1", "a"),
		c("ZADD", "z", "GT", "NX", "1", "a"),
		c("ZADD", "z", "LT", "NX", "1", "a"),
		c("ZADD", "z", "NX", "XX", "GT", "1", "a"),
		c("ZADD", "z", "INCR", "1", "a", "2", "b"),
		c("ZADD", "z", "1"),
		c("ZADD", "z", "1", "a", "2"),
		c("ZADD", "z", "NX"),
		c("ZADD", "z", "NX", "CH"),
		c("ZADD", "z", "x", "a"),
		c("ZADD", "z", "1", "a", "x", "b"),
		c("ZADD", "z", "nan", "a"),
		c("ZADD", "z", "NaN", "a"),
		c("ZADD", "z", " 1", "a"),
		c("ZADD", "z", "1 ", "a"),
		c("ZADD", "z", "", "a"),
		c("ZADD", "z", "1e400", "a"),
		c("ZADD", "z", "-1e400", "a"),
		c("ZADD", "z", "1e-400", "a"),
		c("ZADD", "z", "0x10", "hex"),
		c("ZADD", "z", "1e-310", "denorm"),
		c("ZADD", "z", "+inf", "pinf", "-inf", "ninf", "inf", "inf2", "Infinity", "inf3"),
		c("ZADD", "z"),
		c("ZADD"),
		c("ZADD", "z", "1", "a", "INCR"),
		c("ZRANGE", "z", "0", "-1", "WITHSCORES"),
		c("ZINCRBY", "z", "1"),
		c("ZSCORE", "z"),
		c("ZMSCORE", "z"),
		// XX on a missing key.
		c("ZADD", "xx", "XX", "1", "a"),
		c("ZADD", "xx", "XX", "INCR", "1", "a"),
		c("EXISTS", "xx"),
		// Wrong type.
		c("SET", "str", "v"),
		c("ZADD", "str", "1", "a"),
		c("ZADD", "str", "x", "a"),
		c("ZINCRBY", "str", "1", "a"),
		c("ZSCORE", "str", "a"),
		c("ZMSCORE", "str", "a"),
		c("ZCARD", "str"),
		c("ZRANK", "str", "a"),
	)
}

func TestZSetScoreFormatting(t *testing.T) {
	p := newPair(t)
	scores := []string{"0", "-0", "1", "-1", "1.5", "0.1", "0.3", "1e17", "1e16", "123456789012345678", "3.14159265358979323846",
		"1e-5", "1e-4", "0.0001", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308", "100", "1e21", "-2.5e-7",
		"9007199254740993", "4503599627370496", "4503599627370495.5", "0.30000000000000004", "1e300", "inf", "-inf", "33.333333333333336"}
	for i, s := range scores {
		p.do("ZADD", "z", s, "m"+strconv.Itoa(i))
		p.do("ZADD", "big", s, "m"+strconv.Itoa(i))
	}
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "0")
	p.do("ZADD", "sk", "1", "x")
	for i, s := range scores {
		p.do("ZADD", "sk", s, "m"+strconv.Itoa(i))
	}
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "128")
	for _, k := range []string{"z", "sk"} {
		p.do("OBJECT", "ENCODING", k)
		p.do("ZRANGE", k, "0", "-1", "WITHSCORES")
		p.do("ZREVRANGE", k, "0", "-1", "WITHSCORES")
		p.do("ZRANGEBYSCORE", k, "-inf", "+inf", "WITHSCORES")
		zscanCompare(t, p, k)
		for i := range scores {
			p.do("ZSCORE", k, "m"+strconv.Itoa(i))
		}
		p.do("ZINCRBY", k, "0.1", "m1")
		p.do("ZINCRBY", k, "-0.1", "m1")
	}
	p.resp3()
	for _, k := range []string{"z", "sk"} {
		p.do("ZRANGE", k, "0", "-1", "WITHSCORES")
		p.do("ZSCORE", k, "m1")
		p.do("ZSCORE", k, "m26")
		p.do("ZSCORE", k, "m25")
		p.do("ZMSCORE", k, "m1", "zz", "m26")
		p.do("ZINCRBY", k, "1", "m3")
		zscanCompare(t, p, k)
		p.do("ZADD", k, "INCR", "1", "m3")
		p.do("ZADD", k, "INCR", "XX", "1", "nosuch")
		p.do("ZSCORE", k, "nosuch")
		p.do("ZSCORE", "nokey", "a")
	}
}

func TestZSetEqualScoresOrder(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "z", "1", "b", "1", "a", "1", "c", "0", "z", "2", "A", "1", "", "1", "aa", "1", "ab", "1", "B"),
		c("ZRANGE", "z", "0", "-1", "WITHSCORES"),
		c("ZREVRANGE", "z", "0", "-1"),
		c("ZRANK", "z", "aa"),
		c("ZREVRANK", "z", "aa"),
		c("ZRANK", "z", ""),
		c("ZRANK", "z", "nosuch"),
		c("ZRANK", "nokey", "a"),
		c("ZREVRANK", "nokey", "a"),
		c("ZRANK", "z", "a", "WITHSCORE"),
		c("ZRANK", "z"),
	)
	// The same with the skiplist encoding.
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "2")
	p.run(
		c("ZADD", "s", "1", "b", "1", "a", "1", "c", "0", "z", "2", "A", "1", "", "1", "aa", "1", "ab", "1", "B"),
		c("OBJECT", "ENCODING", "s"),
		c("ZRANGE", "s", "0", "-1", "WITHSCORES"),
		c("ZREVRANGE", "s", "0", "-1"),
		c("ZRANK", "s", "aa"),
		c("ZREVRANK", "s", "aa"),
		c("ZRANK", "s", ""),
		c("ZRANK", "s", "nosuch"),
	)
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "128")
}

// zsetFill creates key with n members on both servers.
func zsetFill(p *pair, key string, n int, r *rand.Rand) {
	args := []string{"ZADD", key}
	for i := 0; i < n; i++ {
		score := strconv.Itoa(r.Intn(n/2 + 1))
		if r.Intn(5) == 0 {
			score = strconv.FormatFloat(r.Float64()*100-50, 'g', -1, 64)
		}
		args = append(args, score, fmt.Sprintf("m%03d", r.Intn(n*2)))
	}
	p.do(args...)
}

func TestZSetRanges(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewSource(7))
	zsetFill(p, "small", 40, r)
	zsetFill(p, "large", 400, r)
	p.do("OBJECT", "ENCODING", "small")
	p.do("OBJECT", "ENCODING", "large")
	for _, k := range []string{"small", "large", "nokey"} {
		ranks := [][2]string{{"0", "-1"}, {"0", "0"}, {"-1", "-1"}, {"5", "10"}, {"-10", "-5"}, {"10", "5"}, {"-1000", "1000"}, {"1000", "2000"}, {"-5", "1000"}, {"0", "-1000"}}
		for _, rg := range ranks {
			p.do("ZRANGE", k, rg[0], rg[1])
			p.do("ZRANGE", k, rg[0], rg[1], "WITHSCORES")
			p.do("ZRANGE", k, rg[0], rg[1], "REV", "WITHSCORES")
			p.do("ZREVRANGE", k, rg[0], rg[1], "WITHSCORES")
		}
		scoreRanges := [][2]string{{"-inf", "+inf"}, {"0", "10"}, {"(0", "10"}, {"0", "(10"}, {"(0", "(10"}, {"5", "5"}, {"(5", "5"}, {"10", "0"}, {"-inf", "-inf"}, {"+inf", "+inf"}, {"(-inf", "(+inf"}, {"-20.5", "3.25"}, {"", ""}, {"(", "("}}
		for _, sr := range scoreRanges {
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1])
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1], "WITHSCORES")
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1], "LIMIT", "2", "5")
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1], "WITHSCORES", "LIMIT", "0", "-1")
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1], "LIMIT", "-1", "5")
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1], "LIMIT", "3", "0")
			p.do("ZRANGEBYSCORE", k, sr[0], sr[1], "LIMIT", "1000", "10")
			p.do("ZREVRANGEBYSCORE", k, sr[1], sr[0], "WITHSCORES")
			p.do("ZREVRANGEBYSCORE", k, sr[1], sr[0], "LIMIT", "2", "5")
			p.do("ZRANGE", k, sr[0], sr[1], "BYSCORE", "LIMIT", "1", "3", "WITHSCORES")
			p.do("ZRANGE", k, sr[1], sr[0], "BYSCORE", "REV", "LIMIT", "1", "3")
			p.do("ZCOUNT", k, sr[0], sr[1])
		}
	}
	p.run(
		c("ZRANGEBYSCORE", "small", "a", "1"),
		c("ZRANGEBYSCORE", "small", "1", "a"),
		c("ZRANGEBYSCORE", "small", "nan", "1"),
		c("ZRANGEBYSCORE", "small", "((1", "2"),
		c("ZRANGEBYSCORE", "small", " 1", "2"),
		c("ZRANGEBYSCORE", "small", "1 ", "2"),
		c("ZRANGEBYSCORE", "small", "0x5", "1e400"),
		c("ZRANGEBYSCORE", "small", "0", "10", "LIMIT", "1"),
		c("ZRANGEBYSCORE", "small", "0", "10", "LIMIT", "a", "1"),
		c("ZRANGEBYSCORE", "small", "0", "10", "LIMIT", "1", "b"),
		c("ZRANGEBYSCORE", "small", "0", "10", "WITHSCORES", "WITHSCORES"),
		c("ZRANGEBYSCORE", "small", "0", "10", "BYSCORE"),
		c("ZRANGEBYSCORE", "small", "0", "10", "REV"),
		c("ZRANGEBYSCORE", "small", "0", "10", "foo"),
		c("ZCOUNT", "small", "a", "b"),
		c("ZCOUNT", "small", "(", "b"),
		c("ZRANGE", "small", "0", "-1", "LIMIT", "0", "1"),
		c("ZRANGE", "small", "a", "b", "BYLEX", "WITHSCORES"),
		c("ZRANGE", "small", "0", "1", "BYSCORE", "BYLEX"),
		c("ZRANGE", "small", "0", "1", "REV", "REV"),
		c("ZRANGE", "small", "x", "1"),
		c("ZRANGE", "small", "0", "1.5"),
		c("ZRANGE", "small", "0"),
		c("ZREVRANGE", "small", "0", "1", "REV"),
		c("ZREVRANGE", "small", "0", "1", "LIMIT", "0", "1"),
		c("ZREVRANGE", "small", "0", "1", "BYSCORE"),
		c("SET", "str", "x"),
		c("ZRANGE", "str", "0", "-1"),
		c("ZRANGEBYSCORE", "str", "0", "1"),
		c("ZRANGEBYSCORE", "str", "x", "1"),
		c("ZCOUNT", "str", "0", "1"),
		c("ZCOUNT", "str", "x", "1"),
	)
	p.resp3()
	p.run(
		c("ZRANGE", "small", "0", "5", "WITHSCORES"),
		c("ZRANGE", "large", "0", "5", "WITHSCORES"),
		c("ZRANGE", "large", "0", "5"),
		c("ZRANGEBYSCORE", "large", "-inf", "+inf", "WITHSCORES", "LIMIT", "0", "4"),
		c("ZREVRANGEBYSCORE", "small", "+inf", "-inf", "WITHSCORES", "LIMIT", "0", "4"),
		c("ZRANGE", "nokey", "0", "-1", "WITHSCORES"),
		c("ZRANGE", "small", "5", "1", "WITHSCORES"),
		c("ZRANGEBYSCORE", "small", "5", "1", "WITHSCORES"),
	)
}

func TestZSetLex(t *testing.T) {
	p := newPair(t)
	members := []string{"a", "b", "c", "d", "e", "f", "g", "aa", "ab", "ba", "", "zzz", "A", "Z", "0", "10", "9"}
	args := []string{"ZADD", "lp"}
	for _, m := range members {
		args = append(args, "0", m)
	}
	p.do(args...)
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "4")
	args[1] = "sl"
	p.do(args...)
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "128")
	p.do("OBJECT", "ENCODING", "sl")
	bounds := []string{"-", "+", "[a", "(a", "[b", "(b", "[aa", "(zzz", "[zzz", "[", "(", "[0", "(9", "[g", "[h"}
	for _, k := range []string{"lp", "sl", "nokey"} {
		for _, lo := range bounds {
			for _, hi := range bounds {
				p.do("ZRANGEBYLEX", k, lo, hi)
				p.do("ZLEXCOUNT", k, lo, hi)
			}
		}
		p.do("ZRANGEBYLEX", k, "-", "+", "LIMIT", "2", "3")
		p.do("ZRANGEBYLEX", k, "-", "+", "LIMIT", "-1", "3")
		p.do("ZRANGEBYLEX", k, "-", "+", "LIMIT", "2", "-1")
		p.do("ZRANGEBYLEX", k, "-", "+", "LIMIT", "100", "3")
		p.do("ZREVRANGEBYLEX", k, "+", "-")
		p.do("ZREVRANGEBYLEX", k, "[g", "(a", "LIMIT", "1", "2")
		p.do("ZREVRANGEBYLEX", k, "(a", "[g")
		p.do("ZRANGE", k, "[b", "(f", "BYLEX")
		p.do("ZRANGE", k, "(f", "[b", "BYLEX", "REV", "LIMIT", "1", "10")
	}
	p.run(
		c("ZRANGEBYLEX", "lp", "a", "b"),
		c("ZRANGEBYLEX", "lp", "[a", "b"),
		c("ZRANGEBYLEX", "lp", "--", "+"),
		c("ZRANGEBYLEX", "lp", "-", "++"),
		c("ZRANGEBYLEX", "lp", "", "+"),
		c("ZRANGEBYLEX", "lp", "-", "+", "WITHSCORES"),
		c("ZLEXCOUNT", "lp", "a", "b"),
		c("ZLEXCOUNT", "lp", "+", "-"),
		c("ZRANGE", "lp", "-", "+", "BYLEX", "WITHSCORES"),
		c("ZREMRANGEBYLEX", "lp", "a", "b"),
		c("ZREMRANGEBYLEX", "lp", "[a", "[ab"),
		c("ZREMRANGEBYLEX", "sl", "(b", "[f"),
		c("ZREMRANGEBYLEX", "sl", "[zzz", "+"),
		c("ZREMRANGEBYLEX", "nokey", "-", "+"),
		c("ZRANGE", "lp", "0", "-1"),
		c("ZRANGE", "sl", "0", "-1"),
		c("ZREMRANGEBYLEX", "lp", "-", "+"),
		c("EXISTS", "lp"),
		c("SET", "str", "x"),
		c("ZRANGEBYLEX", "str", "-", "+"),
		c("ZLEXCOUNT", "str", "-", "+"),
		c("ZREMRANGEBYLEX", "str", "-", "+"),
		c("ZREMRANGEBYLEX", "str", "x", "+"),
	)
}

func TestZSetRemove(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewSource(3))
	for _, n := range []int{20, 300} {
		key := "z" + strconv.Itoa(n)
		zsetFill(p, key, n, r)
		p.do("ZREM", key, "m001", "m002", "nosuch", "m003", "m001")
		p.do("ZREMRANGEBYRANK", key, "0", "2")
		p.do("ZREMRANGEBYRANK", key, "-3", "-1")
		p.do("ZREMRANGEBYRANK", key, "5", "3")
		p.do("ZREMRANGEBYRANK", key, "1000", "2000")
		p.do("ZREMRANGEBYRANK", key, "-1000", "0")
		p.do("ZREMRANGEBYSCORE", key, "(2", "5")
		p.do("ZREMRANGEBYSCORE", key, "-inf", "(0")
		p.do("ZREMRANGEBYSCORE", key, "10", "5")
		p.do("ZRANGE", key, "0", "-1", "WITHSCORES")
		p.do("OBJECT", "ENCODING", key)
		p.do("ZREMRANGEBYSCORE", key, "-inf", "+inf")
		p.do("EXISTS", key)
	}
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("ZREM", "z", "a", "b", "c", "d"),
		c("EXISTS", "z"),
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("ZREMRANGEBYRANK", "z", "0", "-1"),
		c("EXISTS", "z"),
		c("ZREM", "nokey", "a"),
		c("ZREMRANGEBYRANK", "nokey", "0", "1"),
		c("ZREMRANGEBYSCORE", "nokey", "0", "1"),
		c("ZREMRANGEBYRANK", "z", "a", "1"),
		c("ZREMRANGEBYRANK", "z", "1", "1.5"),
		c("ZREMRANGEBYSCORE", "z", "a", "1"),
		c("ZREMRANGEBYSCORE", "nokey", "a", "1"),
		c("ZREM", "z"),
		c("SET", "str", "x"),
		c("ZREM", "str", "a"),
		c("ZREMRANGEBYRANK", "str", "0", "1"),
		c("ZREMRANGEBYSCORE", "str", "0", "1"),
	)
}

func TestZSetPop(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
		c("ZPOPMIN", "z"),
		c("ZPOPMAX", "z"),
		c("ZPOPMIN", "z", "2"),
		c("ZPOPMIN", "z", "0"),
		c("ZPOPMAX", "z", "10"),
		c("EXISTS", "z"),
		c("ZPOPMIN", "z"),
		c("ZPOPMIN", "z", "0"),
		c("ZPOPMIN", "z", "3"),
		c("ZPOPMIN", "z", "-1"),
		c("ZPOPMIN", "z", "x"),
		c("ZPOPMIN", "z", "1", "2"),
		c("ZPOPMAX", "z", "-1"),
		c("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
		c("ZMPOP", "1", "z", "MIN"),
		c("ZMPOP", "1", "z", "MAX", "COUNT", "2"),
		c("ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "10"),
		c("ZMPOP", "2", "nokey", "z", "MIN"),
		c("ZMPOP", "1", "z", "MIN"),
		c("ZMPOP", "0", "z", "MIN"),
		c("ZMPOP", "-1", "z", "MIN"),
		c("ZMPOP", "x", "z", "MIN"),
		c("ZMPOP", "1", "z"),
		c("ZMPOP", "2", "z", "MIN"),
		c("ZMPOP", "5", "z", "MIN"),
		c("ZMPOP", "1", "z", "MID"),
		c("ZMPOP", "1", "z", "MIN", "COUNT"),
		c("ZMPOP", "1", "z", "MIN", "COUNT", "0"),
		c("ZMPOP", "1", "z", "MIN", "COUNT", "-1"),
		c("ZMPOP", "1", "z", "MIN", "COUNT", "x"),
		c("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "2"),
		c("ZMPOP", "1", "z", "MIN", "FOO"),
		c("SET", "str", "x"),
		c("ZPOPMIN", "str"),
		c("ZPOPMIN", "str", "0"),
		c("ZMPOP", "2", "nokey", "str", "MIN"),
		c("ZMPOP", "2", "str", "nokey", "MIN"),
		c("ZADD", "z2", "1", "a", "2", "b"),
		c("ZMPOP", "2", "z2", "str", "MAX"),
	)
	p.resp3()
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
		c("ZPOPMIN", "z"),
		c("ZPOPMAX", "z", "1"),
		c("ZPOPMIN", "z", "2"),
		c("ZMPOP", "1", "z", "MAX", "COUNT", "1"),
		c("ZMPOP", "1", "nokey", "MAX"),
		c("ZPOPMIN", "nokey"),
		c("ZPOPMIN", "nokey", "3"),
	)
}

func TestZSetBlockingPop(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("BZPOPMIN", "nokey", "z", "0"),
		c("BZPOPMAX", "z", "0"),
		c("BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "5"),
		c("BZPOPMIN", "z", "0.01"),
		c("BZPOPMAX", "z", "0.01"),
		c("BZMPOP", "0.01", "1", "z", "MAX"),
		c("BZPOPMIN", "z", "-1"),
		c("BZPOPMIN", "z", "x"),
		c("BZMPOP", "x", "1", "z", "MAX"),
		c("BZMPOP", "0", "0", "z", "MAX"),
		c("BZMPOP", "0", "1", "z", "MOX"),
		c("BZMPOP", "-1", "1", "z", "MAX"),
		c("SET", "str", "x"),
		c("BZPOPMIN", "str", "0"),
		c("BZPOPMIN", "nokey", "str", "0"),
		c("BZMPOP", "0", "1", "str", "MIN"),
		// Inside MULTI a blocking pop does not block.
		c("MULTI"),
		c("BZPOPMIN", "nokey", "0"),
		c("BZMPOP", "0", "1", "nokey", "MIN"),
		c("EXEC"),
	)
	// A client blocked on an empty key is served by a later ZADD.
	for _, cmd := range [][]string{
		{"BZPOPMIN", "k1", "k2", "5"},
		{"BZPOPMAX", "k1", "k2", "5"},
		{"BZMPOP", "5", "2", "k1", "k2", "MAX", "COUNT", "2"},
	} {
		q := p.another()
		blkSend(q, cmd...)
		blkWait(p, 1)
		p.do("ZADD", "k2", "1", "x", "2", "y", "3", "z")
		blkRead(q, cmd[0])
		p.do("ZRANGE", "k2", "0", "-1", "WITHSCORES")
		p.do("DEL", "k2")
	}
	// RESP3 shapes of served pops.
	q := p.another()
	q.resp3()
	blkSend(q, "BZPOPMIN", "k3", "5")
	blkWait(p, 1)
	p.do("ZADD", "k3", "1", "x")
	blkRead(q, "BZPOPMIN resp3")
	blkSend(q, "BZMPOP", "5", "1", "k3", "MIN", "COUNT", "3")
	blkWait(p, 1)
	p.do("ZADD", "k3", "1", "x", "2", "y")
	blkRead(q, "BZMPOP resp3")
	// A timeout replies a null array.
	blkSend(q, "BZPOPMIN", "k4", "0.05")
	blkRead(q, "BZPOPMIN timeout")
}

func TestZSetRandMember(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("ZRANDMEMBER", "z", "3", "WITHSCORES"),
		c("ZRANDMEMBER", "z", "10", "WITHSCORES"),
		c("ZRANDMEMBER", "z", "10"),
		c("ZRANDMEMBER", "z", "0"),
		c("ZRANDMEMBER", "z", "0", "WITHSCORES"),
		c("ZRANDMEMBER", "nokey"),
		c("ZRANDMEMBER", "nokey", "5"),
		c("ZRANDMEMBER", "nokey", "-5", "WITHSCORES"),
		c("ZRANDMEMBER", "z", "x"),
		c("ZRANDMEMBER", "z", "1", "FOO"),
		c("ZRANDMEMBER", "z", "1", "WITHSCORES", "x"),
		c("ZRANDMEMBER", "z", "-9223372036854775808"),
		c("ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"),
		c("ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"),
		c("ZRANDMEMBER", "nokey", "-9223372036854775808"),
		c("SET", "str", "x"),
		c("ZRANDMEMBER", "str"),
		c("ZRANDMEMBER", "str", "1"),
	)
	p.resp3()
	p.run(
		c("ZRANDMEMBER", "z", "5", "WITHSCORES"),
		c("ZRANDMEMBER", "nokey"),
	)
	// Random replies: compare shapes and membership only.
	for _, k := range []string{"z", "big"} {
		if k == "big" {
			args := []string{"ZADD", "big"}
			for i := 0; i < 200; i++ {
				args = append(args, strconv.Itoa(i), "m"+strconv.Itoa(i))
			}
			p.do(args...)
		}
		for _, n := range []string{"1", "2", "-5", "50", "150"} {
			a, b := p.both("ZRANDMEMBER", k, n, "WITHSCORES")
			if a.Type != b.Type || len(a.Elems) != len(b.Elems) {
				t.Errorf("ZRANDMEMBER %s %s: %s vs %s", k, n, a, b)
			}
			if n[0] != '-' {
				seen := map[string]bool{}
				for _, e := range a.Elems {
					if len(e.Elems) != 2 {
						t.Fatalf("bad pair %s", e)
					}
					if seen[e.Elems[0].Str] {
						t.Errorf("duplicate member %s", e.Elems[0].Str)
					}
					seen[e.Elems[0].Str] = true
				}
			}
		}
		a, b := p.both("ZRANDMEMBER", k)
		if a.Type != b.Type {
			t.Errorf("ZRANDMEMBER %s: %s vs %s", k, a, b)
		}
	}
}

func TestZSetSetOps(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "a", "1", "x", "2", "y", "3", "z"),
		c("ZADD", "b", "10", "y", "20", "z", "30", "w"),
		c("SADD", "s", "x", "w", "v"),
		c("SADD", "is", "1", "2", "3"),
		c("ZADD", "n", "1", "1", "2", "2", "5", "5"),
		c("ZUNION", "2", "a", "b"),
		c("ZUNION", "2", "a", "b", "WITHSCORES"),
		c("ZUNION", "3", "a", "b", "s", "WITHSCORES"),
		c("ZUNION", "3", "a", "b", "nokey", "WITHSCORES", "AGGREGATE", "MIN"),
		c("ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"),
		c("ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX", "WITHSCORES"),
		c("ZUNION", "2", "a", "b", "aggregate", "sum", "weights", "-1", "1", "withscores"),
		c("ZINTER", "2", "a", "b", "WITHSCORES"),
		c("ZINTER", "2", "a", "s", "WITHSCORES"),
		c("ZINTER", "2", "n", "is", "WITHSCORES"),
		c("ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"),
		c("ZINTER", "2", "a", "a", "WITHSCORES"),
		c("ZINTER", "2", "a", "nokey", "WITHSCORES"),
		c("ZINTER", "3", "a", "b", "s", "WITHSCORES"),
		c("ZDIFF", "2", "a", "b", "WITHSCORES"),
		c("ZDIFF", "2", "b", "a"),
		c("ZDIFF", "2", "a", "a"),
		c("ZDIFF", "2", "s", "a", "WITHSCORES"),
		c("ZDIFF", "1", "a"),
		c("ZDIFF", "2", "nokey", "a"),
		c("ZINTERCARD", "2", "a", "b"),
		c("ZINTERCARD", "2", "a", "b", "LIMIT", "1"),
		c("ZINTERCARD", "2", "a", "b", "LIMIT", "0"),
		c("ZINTERCARD", "1", "a", "LIMIT", "2"),
		c("ZINTERCARD", "2", "a", "b", "LIMIT", "-1"),
		c("ZINTERCARD", "2", "a", "b", "LIMIT", "x"),
		c("ZINTERCARD", "2", "a", "b", "WITHSCORES"),
		c("ZINTERCARD", "0", "a"),
		c("ZINTERCARD", "3", "a", "b"),
		// Store forms.
		c("ZUNIONSTORE", "dst", "2", "a", "b"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("OBJECT", "ENCODING", "dst"),
		c("ZINTERSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("ZDIFFSTORE", "dst", "2", "a", "b"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("ZINTERSTORE", "dst", "2", "a", "nokey"),
		c("EXISTS", "dst"),
		c("ZUNIONSTORE", "a", "2", "a", "b"),
		c("ZRANGE", "a", "0", "-1", "WITHSCORES"),
		c("SET", "dst", "str"),
		c("EXPIRE", "dst", "100"),
		c("ZUNIONSTORE", "dst", "1", "b"),
		c("TTL", "dst"),
		c("TYPE", "dst"),
		// Errors.
		c("ZUNION", "0", "a"),
		c("ZUNIONSTORE", "d", "0", "a"),
		c("ZINTERSTORE", "d", "-1", "a"),
		c("ZUNION", "x", "a"),
		c("ZUNION", "3", "a", "b"),
		c("ZUNION", "2", "a", "b", "WEIGHTS", "1"),
		c("ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"),
		c("ZUNION", "2", "a", "b", "WEIGHTS", "1", "nan"),
		c("ZUNION", "2", "a", "b", "AGGREGATE", "AVG"),
		c("ZUNION", "2", "a", "b", "AGGREGATE"),
		c("ZUNION", "2", "a", "b", "FOO"),
		c("ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"),
		c("ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"),
		c("ZDIFF", "2", "a", "b", "AGGREGATE", "MIN"),
		c("SET", "str", "v"),
		c("ZUNION", "2", "a", "str"),
		c("ZUNION", "2", "a", "str", "FOO"),
		c("ZINTERCARD", "2", "a", "str"),
		c("ZUNIONSTORE", "str", "1", "a"),
		c("TYPE", "str"),
	)
	// Infinities, NaN rules in weights and sums.
	p.run(
		c("ZADD", "i1", "inf", "x", "-inf", "y", "1", "z"),
		c("ZADD", "i2", "-inf", "x", "inf", "y", "0", "z"),
		c("ZUNION", "2", "i1", "i2", "WITHSCORES"),
		c("ZINTER", "2", "i1", "i2", "WITHSCORES"),
		c("ZUNION", "2", "i1", "i2", "WEIGHTS", "0", "0", "WITHSCORES"),
		c("ZUNION", "2", "i1", "i2", "WEIGHTS", "0", "1", "WITHSCORES"),
		c("ZINTER", "2", "i1", "i2", "WEIGHTS", "0", "0", "WITHSCORES"),
		c("ZINTER", "2", "i1", "i2", "WEIGHTS", "inf", "-inf", "WITHSCORES"),
		c("ZINTER", "2", "i1", "i1", "WEIGHTS", "0", "1", "WITHSCORES"),
		c("ZINTER", "2", "i1", "i1", "WEIGHTS", "1", "0", "AGGREGATE", "MAX", "WITHSCORES"),
		c("ZUNION", "2", "i1", "i2", "AGGREGATE", "MIN", "WITHSCORES"),
		c("ZUNION", "2", "i1", "i2", "AGGREGATE", "MAX", "WEIGHTS", "-1", "-1", "WITHSCORES"),
		c("ZUNIONSTORE", "d", "2", "i1", "i2"),
		c("ZRANGE", "d", "0", "-1", "WITHSCORES"),
	)
	// Summation order: sets are processed from the smallest.
	p.run(
		c("ZADD", "f1", "0.1", "m", "0.7", "x", "0.2", "y"),
		c("ZADD", "f2", "0.2", "m"),
		c("ZADD", "f3", "0.3", "m", "1", "q"),
		c("ZUNION", "3", "f1", "f2", "f3", "WITHSCORES"),
		c("ZUNION", "3", "f3", "f2", "f1", "WITHSCORES"),
		c("ZINTER", "3", "f1", "f2", "f3", "WITHSCORES"),
		c("ZINTER", "3", "f3", "f1", "f2", "WEIGHTS", "3", "7", "0.1", "WITHSCORES"),
	)
	// Encoding of stored results.
	p.do("ZADD", "long", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	p.do("ZUNIONSTORE", "d2", "2", "long", "f1")
	p.do("OBJECT", "ENCODING", "d2")
	p.do("ZINTERSTORE", "d3", "2", "f1", "f3")
	p.do("OBJECT", "ENCODING", "d3")
	args := []string{"ZADD", "many"}
	for i := 0; i < 200; i++ {
		args = append(args, strconv.Itoa(i), "e"+strconv.Itoa(i))
	}
	p.do(args...)
	p.do("ZUNIONSTORE", "d4", "1", "many")
	p.do("OBJECT", "ENCODING", "d4")
	p.do("ZREMRANGEBYRANK", "many", "0", "150")
	p.do("OBJECT", "ENCODING", "many")
	p.do("ZUNIONSTORE", "d5", "1", "many")
	p.do("OBJECT", "ENCODING", "d5")
	p.do("ZDIFFSTORE", "d6", "2", "many", "nokey")
	p.do("OBJECT", "ENCODING", "d6")
	p.resp3()
	p.run(
		c("ZUNION", "2", "a", "b", "WITHSCORES"),
		c("ZINTER", "2", "a", "b"),
		c("ZDIFF", "2", "a", "b", "WITHSCORES"),
	)
}

func TestZSetRangeStore(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
		c("ZRANGESTORE", "dst", "src", "0", "-1"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("ZRANGESTORE", "dst", "src", "1", "3", "REV"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("ZRANGESTORE", "dst", "src", "(1", "4", "BYSCORE", "LIMIT", "1", "2"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("ZRANGESTORE", "dst", "src", "[e", "-", "BYLEX", "REV"),
		c("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
		c("ZRANGESTORE", "dst", "src", "5", "1"),
		c("EXISTS", "dst"),
		c("ZRANGESTORE", "dst", "src", "0", "-1"),
		c("ZRANGESTORE", "dst", "nokey", "0", "-1"),
		c("EXISTS", "dst"),
		c("ZRANGESTORE", "src", "src", "0", "1"),
		c("ZRANGE", "src", "0", "-1", "WITHSCORES"),
		c("ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES"),
		c("ZRANGESTORE", "dst", "src", "0", "-1", "LIMIT", "0", "1"),
		c("ZRANGESTORE", "dst", "src", "x", "1"),
		c("ZRANGESTORE", "dst", "src", "a", "b", "BYSCORE"),
		c("ZRANGESTORE", "dst", "src", "a", "b", "BYLEX"),
		c("SET", "str", "x"),
		c("ZRANGESTORE", "dst", "str", "0", "-1"),
		c("ZRANGESTORE", "str", "src", "0", "-1"),
		c("TYPE", "str"),
		c("SET", "ttl", "x", "EX", "100"),
		c("ZRANGESTORE", "ttl", "src", "0", "-1"),
		c("TTL", "ttl"),
	)
	args := []string{"ZADD", "big"}
	for i := 0; i < 200; i++ {
		args = append(args, strconv.Itoa(i), "e"+strconv.Itoa(i))
	}
	p.do(args...)
	p.do("ZRANGESTORE", "d1", "big", "0", "-1")
	p.do("OBJECT", "ENCODING", "d1")
	p.do("ZRANGESTORE", "d2", "big", "0", "9")
	p.do("OBJECT", "ENCODING", "d2")
}

func TestZSetEncodingTransitions(t *testing.T) {
	p := newPair(t)
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "4")
	p.do("CONFIG", "SET", "zset-max-listpack-value", "8")
	defer func() {
		p.do("CONFIG", "SET", "zset-max-listpack-entries", "128")
		p.do("CONFIG", "SET", "zset-max-listpack-value", "64")
	}()
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"),
		c("OBJECT", "ENCODING", "z"),
		c("ZADD", "z", "5", "e"),
		c("OBJECT", "ENCODING", "z"),
		c("ZREM", "z", "a", "b", "c"),
		c("OBJECT", "ENCODING", "z"),
		c("ZADD", "v", "1", "12345678"),
		c("OBJECT", "ENCODING", "v"),
		c("ZADD", "v", "1", "123456789"),
		c("OBJECT", "ENCODING", "v"),
		c("ZADD", "w", "1", "123456789"),
		c("OBJECT", "ENCODING", "w"),
		c("ZADD", "x", "XX", "1", "123456789"),
		c("ZADD", "y", "1", "a", "1", "123456789"),
		c("OBJECT", "ENCODING", "y"),
		c("ZUNIONSTORE", "u", "1", "z"),
		c("OBJECT", "ENCODING", "u"),
		c("ZUNIONSTORE", "u2", "1", "y"),
		c("OBJECT", "ENCODING", "u2"),
		c("ZRANGESTORE", "r", "z", "0", "-1"),
		c("OBJECT", "ENCODING", "r"),
		c("ZADD", "i", "INCR", "1", "a"),
		c("OBJECT", "ENCODING", "i"),
	)
	p.do("CONFIG", "SET", "zset-max-listpack-entries", "0")
	p.run(
		c("ZADD", "zero", "1", "a"),
		c("OBJECT", "ENCODING", "zero"),
		c("ZRANGESTORE", "r0", "zero", "0", "-1"),
		c("OBJECT", "ENCODING", "r0"),
	)
}

func TestZSetScan(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c", "1e17", "d", "-0", "e", "0.5", "f"),
		c("ZSCAN", "z", "0"),
		c("ZSCAN", "z", "0", "MATCH", "*"),
		c("ZSCAN", "z", "0", "MATCH", "[ab]"),
		c("ZSCAN", "z", "0", "COUNT", "1"),
		c("ZSCAN", "z", "0", "COUNT", "0"),
		c("ZSCAN", "z", "0", "COUNT", "x"),
		c("ZSCAN", "z", "0", "MATCH"),
		c("ZSCAN", "z", "0", "TYPE", "zset"),
		c("ZSCAN", "z", "0", "FOO", "bar"),
		c("ZSCAN", "z", "x"),
		c("ZSCAN", "z", "-1"),
		c("ZSCAN", "z", " 0"),
		c("ZSCAN", "z", "18446744073709551616"),
		c("ZSCAN", "z", "18446744073709551615"),
		c("ZSCAN", "z", ""),
		c("ZSCAN", "nokey", "0"),
		c("ZSCAN", "nokey", "x"),
		c("ZSCAN", "nokey", "0", "COUNT", "0"),
		c("SET", "str", "x"),
		c("ZSCAN", "str", "0"),
		c("ZSCAN", "str", "0", "COUNT", "0"),
	)
	// A skiplist set: collect everything through the cursor.
	args := []string{"ZADD", "big"}
	for i := 0; i < 300; i++ {
		args = append(args, strconv.Itoa(i%17), "m"+strconv.Itoa(i))
	}
	p.do(args...)
	for _, match := range []string{"*", "m1*"} {
		a := zscanAll(t, p, true, "big", match)
		b := zscanAll(t, p, false, "big", match)
		if len(a) != len(b) {
			t.Fatalf("ZSCAN collected %d vs %d", len(a), len(b))
		}
		for k, v := range b {
			if a[k] != v {
				t.Errorf("ZSCAN member %s: %q vs %q", k, a[k], v)
			}
		}
	}
}

// zscanCompare compares the member/score pairs ZSCAN returns for key.
func zscanCompare(t *testing.T, p *pair, key string) {
	t.Helper()
	a := zscanAll(t, p, true, key, "*")
	b := zscanAll(t, p, false, key, "*")
	if len(a) != len(b) {
		t.Errorf("ZSCAN %s collected %d vs %d", key, len(a), len(b))
	}
	for k, v := range b {
		if a[k] != v {
			t.Errorf("ZSCAN %s member %s: %q vs %q", key, k, a[k], v)
		}
	}
}

func zscanAll(t *testing.T, p *pair, redwing bool, key, match string) map[string]string {
	t.Helper()
	cl := p.rd
	if redwing {
		cl = p.rw
	}
	out := map[string]string{}
	cursor := "0"
	for i := 0; i < 1000; i++ {
		v, err := cl.Do("ZSCAN", key, cursor, "MATCH", match, "COUNT", "7")
		if err != nil {
			t.Fatal(err)
		}
		cursor = v.Elems[0].Str
		items := v.Elems[1].Elems
		for j := 0; j+1 < len(items); j += 2 {
			out[items[j].Str] = items[j+1].Str
		}
		if cursor == "0" {
			return out
		}
	}
	t.Fatal("ZSCAN did not terminate")
	return nil
}

func TestZSetArity(t *testing.T) {
	p := newPair(t)
	for _, cmd := range [][]string{
		{"ZADD", "z", "1"}, {"ZINCRBY", "z", "1"}, {"ZSCORE", "z"}, {"ZMSCORE", "z"}, {"ZCARD"}, {"ZCOUNT", "z", "1"},
		{"ZLEXCOUNT", "z", "-"}, {"ZRANGE", "z", "0"}, {"ZRANGESTORE", "d", "z", "0"}, {"ZRANGEBYSCORE", "z", "0"},
		{"ZREVRANGEBYSCORE", "z", "0"}, {"ZRANGEBYLEX", "z", "-"}, {"ZREVRANGEBYLEX", "z", "+"}, {"ZREVRANGE", "z", "0"},
		{"ZRANK", "z"}, {"ZREVRANK", "z"}, {"ZREM", "z"}, {"ZREMRANGEBYSCORE", "z", "0"}, {"ZREMRANGEBYRANK", "z", "0"},
		{"ZREMRANGEBYLEX", "z", "-"}, {"ZPOPMIN"}, {"ZPOPMAX"}, {"ZMPOP", "1", "z"}, {"BZPOPMIN", "z"}, {"BZPOPMAX", "z"},
		{"BZMPOP", "0", "1", "z"}, {"ZRANDMEMBER"}, {"ZUNION", "1"}, {"ZINTER", "1"}, {"ZDIFF", "1"}, {"ZUNIONSTORE", "d", "1"},
		{"ZINTERSTORE", "d", "1"}, {"ZDIFFSTORE", "d", "1"}, {"ZINTERCARD", "1"}, {"ZSCAN", "z"},
	} {
		p.do(cmd...)
	}
}

func TestZSetKeyspaceEvents(t *testing.T) {
	p := newPair(t)
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEAn")
	defer p.do("CONFIG", "SET", "notify-keyspace-events", "")
	sub := p.another()
	if v, _ := sub.rw.Do("PSUBSCRIBE", "__keyspace@0__:*"); v.Type == '-' {
		t.Skip("PSUBSCRIBE not available yet")
	}
	sub.rd.Do("PSUBSCRIBE", "__keyspace@0__:*")
	p.run(
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("ZADD", "z", "1", "a"),
		c("ZINCRBY", "z", "1", "a"),
		c("ZREM", "z", "a"),
		c("ZREMRANGEBYSCORE", "z", "0", "2"),
		c("ZADD", "z", "1", "a", "2", "b"),
		c("ZREMRANGEBYRANK", "z", "0", "0"),
		c("ZREMRANGEBYLEX", "z", "-", "+"),
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("ZPOPMIN", "z"),
		c("ZPOPMAX", "z", "5"),
		c("ZADD", "z", "1", "a", "2", "b", "3", "c"),
		c("ZUNIONSTORE", "u", "1", "z"),
		c("ZINTERSTORE", "u", "1", "z"),
		c("ZDIFFSTORE", "u", "1", "z"),
		c("ZRANGESTORE", "u", "z", "0", "0"),
		c("ZRANGESTORE", "u", "z", "5", "6"),
		c("ZMPOP", "1", "z", "MIN", "COUNT", "10"),
		c("ZADD", "z", "INCR", "1", "a"),
		c("BZPOPMAX", "z", "0"),
		c("PFADD", "h", "a"),
		c("PFADD", "h", "a"),
		c("PFCOUNT", "h"),
		c("PFMERGE", "h2", "h"),
		c("GEOADD", "g", "1", "1", "a", "2", "2", "b"),
		c("GEORADIUS", "g", "1", "1", "500", "km", "STORE", "gs"),
		c("GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "500", "km"),
		c("GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"),
		c("RPUSH", "l", "3", "1", "2"),
		c("SORT", "l", "STORE", "sl"),
		c("SORT", "l", "LIMIT", "5", "5", "STORE", "sl"),
	)
	n := 0
	for i := 0; i < 200; i++ {
		a, errA := sub.rw.ReadTimeout(200e6)
		b, errB := sub.rd.ReadTimeout(200e6)
		if errA != nil || errB != nil {
			if (errA == nil) != (errB == nil) {
				t.Errorf("event %d: %v vs %v (%s / %s)", i, errA, errB, a, b)
			}
			break
		}
		n++
		if string(a.Raw) != string(b.Raw) {
			t.Errorf("event %d\n redwing: %s\n   redis: %s", i, a, b)
		}
	}
	if n < 44 {
		t.Errorf("only %d events compared", n)
	}
}

func TestZSetWatch(t *testing.T) {
	p := newPair(t)
	q := p.another()
	for _, tc := range []struct {
		setup, touch []string
	}{
		{c("ZADD", "w", "1", "a"), c("ZADD", "w", "2", "a")},
		{c("ZADD", "w", "1", "a"), c("ZADD", "w", "1", "a")},
		{c("ZADD", "w", "1", "a"), c("ZADD", "w", "NX", "5", "a")},
		{c("ZADD", "w", "1", "a"), c("ZREM", "w", "nosuch")},
		{c("ZADD", "w", "1", "a"), c("ZREM", "w", "a")},
		{c("ZADD", "w", "1", "a"), c("ZINCRBY", "w", "0", "a")},
		{c("ZADD", "w", "1", "a"), c("ZREMRANGEBYSCORE", "w", "5", "6")},
		{c("ZADD", "w", "1", "a"), c("ZPOPMIN", "w", "0")},
		{c("ZADD", "w", "1", "a"), c("ZUNIONSTORE", "w", "1", "nokey")},
		{c("DEL", "w"), c("ZUNIONSTORE", "w", "1", "nokey")},
		{c("PFADD", "w", "a"), c("PFCOUNT", "w")},
		{c("PFADD", "w", "a"), c("PFADD", "w", "a")},
		{c("PFADD", "w", "a"), c("PFADD", "w", "b")},
		{c("GEOADD", "w", "1", "1", "a"), c("GEOADD", "w", "1", "1", "a")},
		{c("RPUSH", "src", "b", "a"), c("SORT", "src", "ALPHA", "STORE", "w")},
	} {
		p.do("DEL", "w")
		p.do(tc.setup...)
		p.do("WATCH", "w")
		q.do(tc.touch...)
		p.do("MULTI")
		p.do("PING")
		p.do("EXEC")
	}
}

func TestZSetBlockingServedByStores(t *testing.T) {
	p := newPair(t)
	p.do("ZADD", "src", "1", "a", "2", "b", "3", "c")
	for _, w := range [][]string{
		{"ZUNIONSTORE", "bk", "1", "src"},
		{"ZRANGESTORE", "bk", "src", "0", "1"},
		{"GEOADD", "bk", "1", "1", "x"},
		{"ZINCRBY", "bk", "5", "y"},
		{"ZADD", "bk", "INCR", "5", "y"},
	} {
		q := p.another()
		blkSend(q, "BZMPOP", "5", "1", "bk", "MAX", "COUNT", "2")
		blkWait(p, 1)
		p.do(w...)
		blkRead(q, w[0])
		p.do("ZRANGE", "bk", "0", "-1", "WITHSCORES")
		p.do("DEL", "bk")
	}
	// Two blocked clients are served in arrival order.
	q1, q2 := p.another(), p.another()
	blkSend(q1, "BZPOPMIN", "fifo", "5")
	blkWait(p, 1)
	blkSend(q2, "BZPOPMIN", "fifo", "5")
	blkWait(p, 2)
	p.do("ZADD", "fifo", "1", "a", "2", "b")
	blkRead(q1, "first waiter")
	blkRead(q2, "second waiter")
	// A MULTI that adds and removes serves nobody.
	blkSend(q1, "BZPOPMIN", "tx", "0.3")
	blkWait(p, 1)
	p.run(c("MULTI"), c("ZADD", "tx", "1", "a"), c("DEL", "tx"), c("EXEC"))
	blkRead(q1, "timed out after MULTI")
}

func TestZSetCopy(t *testing.T) {
	p := newPair(t)
	args := []string{"ZADD", "big"}
	for i := 0; i < 200; i++ {
		args = append(args, strconv.Itoa(i%13), "m"+strconv.Itoa(i))
	}
	p.do(args...)
	p.run(
		c("ZADD", "small", "1", "a", "2", "b", "-0", "c"),
		c("COPY", "small", "small2"),
		c("COPY", "big", "big2"),
		c("OBJECT", "ENCODING", "small2"),
		c("OBJECT", "ENCODING", "big2"),
		c("ZRANGE", "small2", "0", "-1", "WITHSCORES"),
		c("ZADD", "small2", "9", "z"),
		c("ZRANGE", "small", "0", "-1", "WITHSCORES"),
		c("ZREM", "big2", "m1", "m2"),
		c("ZCARD", "big"),
		c("ZCARD", "big2"),
		c("ZRANGE", "big2", "0", "20", "WITHSCORES"),
		c("PFADD", "h", "a", "b"),
		c("COPY", "h", "h2"),
		c("PFADD", "h2", "c"),
		c("PFCOUNT", "h"),
		c("PFCOUNT", "h2"),
	)
}
