package diff

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestExploreRandom is an opt-in bug hunt (REDWING_EXPLORE=<seed text>,
// REDWING_EXPLORE_RESP3=1 for RESP3): 20000 random commands of many
// families with edge-case arguments on five keys, logging every reply that
// differs and every key whose type, TTL or string value diverged after a
// reply that agreed (with the last commands that led there). It is not a
// pass/fail test: known differences (orders from hash tables, 7.2
// encodings, OBJECT ENCODING of integral INCRBYFLOAT results) show up in
// its log. It found Redwing expiring keys one millisecond early.
func TestExploreRandom(t *testing.T) {
	if os.Getenv("REDWING_EXPLORE") == "" {
		t.Skip("REDWING_EXPLORE not set")
	}
	p := newPair(t)
	if os.Getenv("REDWING_EXPLORE_RESP3") != "" {
		p.resp3()
	}
	rng := newXsRand(uint64(len(os.Getenv("REDWING_EXPLORE"))) + 12345)
	keys := []string{"a", "b", "c", "{t}x", "{t}y"}
	nums := []string{"0", "1", "-1", "2", "3", "10", "-10", "100", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", "-0", "+1", " 1", "1e3", "inf", "-inf", "+inf", "nan", "abc", "", "0x10", "007", "4294967296"}
	vals := []string{"x", "y", "z", "", "1", "2", "10", "hello world", strings.Repeat("v", 70)}
	pick := func(s []string) string { return s[rng.n(len(s))] }
	cmds := [][]string{
		{"SET", "K", "V"}, {"GET", "K"}, {"GETRANGE", "K", "N", "N"}, {"SETRANGE", "K", "N", "V"}, {"APPEND", "K", "V"},
		{"INCRBY", "K", "N"}, {"INCRBYFLOAT", "K", "N"}, {"DECRBY", "K", "N"}, {"STRLEN", "K"}, {"GETEX", "K", "EX", "N"}, {"GETDEL", "K"},
		{"SETEX", "K", "N", "V"}, {"PSETEX", "K", "N", "V"}, {"SET", "K", "V", "EX", "N"}, {"SET", "K", "V", "PX", "N", "NX"}, {"SET", "K", "V", "KEEPTTL", "GET"},
		{"LPUSH", "K", "V", "V"}, {"RPUSH", "K", "V"}, {"LRANGE", "K", "N", "N"}, {"LINDEX", "K", "N"}, {"LSET", "K", "N", "V"}, {"LREM", "K", "N", "V"},
		{"LTRIM", "K", "N", "N"}, {"LPOS", "K", "V", "RANK", "N"}, {"LPOS", "K", "V", "COUNT", "N", "MAXLEN", "N"}, {"LPOP", "K", "N"}, {"RPOP", "K", "N"},
		{"LINSERT", "K", "BEFORE", "V", "V"}, {"LMOVE", "K", "K", "LEFT", "RIGHT"}, {"LMPOP", "N", "K", "LEFT", "COUNT", "N"},
		{"SADD", "K", "V", "V"}, {"SREM", "K", "V"}, {"SMEMBERS", "K"}, {"SCARD", "K"}, {"SINTERCARD", "N", "K", "K", "LIMIT", "N"},
		{"SMOVE", "K", "K", "V"}, {"SINTERSTORE", "K", "K", "K"}, {"SDIFF", "K", "K"}, {"SMISMEMBER", "K", "V", "V"},
		{"HSET", "K", "V", "V"}, {"HGET", "K", "V"}, {"HINCRBY", "K", "V", "N"}, {"HINCRBYFLOAT", "K", "V", "N"}, {"HRANDFIELD", "K", "N"}, {"HDEL", "K", "V"},
		{"ZADD", "K", "N", "V"}, {"ZADD", "K", "NX", "CH", "N", "V"}, {"ZADD", "K", "GT", "INCR", "N", "V"}, {"ZADD", "K", "XX", "LT", "N", "V", "N", "V"},
		{"ZRANGE", "K", "N", "N", "WITHSCORES"}, {"ZRANGE", "K", "N", "N", "BYSCORE", "LIMIT", "N", "N"}, {"ZRANGE", "K", "N", "N", "REV"},
		{"ZRANGEBYSCORE", "K", "N", "N"}, {"ZREVRANGEBYSCORE", "K", "N", "N", "WITHSCORES", "LIMIT", "N", "N"}, {"ZRANGEBYLEX", "K", "-", "+", "LIMIT", "N", "N"},
		{"ZINCRBY", "K", "N", "V"}, {"ZSCORE", "K", "V"}, {"ZRANK", "K", "V"}, {"ZREVRANK", "K", "V"}, {"ZCOUNT", "K", "N", "N"}, {"ZREMRANGEBYRANK", "K", "N", "N"},
		{"ZREMRANGEBYSCORE", "K", "N", "N"}, {"ZPOPMIN", "K", "N"}, {"ZPOPMAX", "K"}, {"ZMPOP", "N", "K", "MIN", "COUNT", "N"}, {"ZRANDMEMBER", "K", "N"},
		{"ZUNIONSTORE", "K", "N", "K", "K", "WEIGHTS", "N", "N"}, {"ZINTER", "N", "K", "K", "AGGREGATE", "MAX", "WITHSCORES"}, {"ZDIFF", "N", "K", "K"},
		{"ZMSCORE", "K", "V", "V"}, {"ZLEXCOUNT", "K", "-", "+"}, {"ZINTERCARD", "N", "K", "K"},
		{"EXPIRE", "K", "N"}, {"PEXPIRE", "K", "N", "NX"}, {"EXPIRE", "K", "N", "GT"}, {"TTL", "K"}, {"PERSIST", "K"}, {"EXPIRETIME", "K"},
		{"TYPE", "K"}, {"EXISTS", "K", "K"}, {"DEL", "K"}, {"RENAME", "K", "K"}, {"RENAMENX", "K", "K"}, {"COPY", "K", "K", "REPLACE"}, {"OBJECT", "ENCODING", "K"},
		{"SORT", "K"}, {"SORT", "K", "ALPHA", "LIMIT", "N", "N", "DESC"}, {"SORT_RO", "K", "BY", "nosort"},
		{"BITCOUNT", "K", "N", "N"}, {"BITPOS", "K", "N", "N", "N", "BIT"}, {"SETBIT", "K", "N", "N"}, {"GETBIT", "K", "N"}, {"BITFIELD", "K", "INCRBY", "i5", "N", "N"},
		{"PFADD", "K", "V"}, {"PFCOUNT", "K"}, {"LCS", "K", "K"}, {"LCS", "K", "K", "IDX", "MINMATCHLEN", "N", "WITHMATCHLEN"},
		{"XADD", "K", "N", "V", "V"}, {"XLEN", "K"}, {"XRANGE", "K", "-", "+", "COUNT", "N"}, {"XTRIM", "K", "MAXLEN", "N"}, {"XDEL", "K", "N"},
		{"GEOADD", "K", "N", "N", "V"}, {"GEODIST", "K", "V", "V"}, {"GEOSEARCH", "K", "FROMLONLAT", "N", "N", "BYRADIUS", "N", "km", "ASC", "COUNT", "N"},
		{"GEOPOS", "K", "V", "V"}, {"GEOHASH", "K", "V"}, {"GEORADIUS", "K", "N", "N", "N", "m", "WITHDIST", "COUNT", "N"}, {"GEOSEARCHSTORE", "K", "K", "FROMMEMBER", "V", "BYBOX", "N", "N", "km", "STOREDIST"},
		{"GETRANGE", "K", "N", "N"}, {"SETRANGE", "K", "N", ""}, {"MSETNX", "K", "V", "K", "V"}, {"MGET", "K", "K"}, {"GETSET", "K", "V"}, {"SETNX", "K", "V"}, {"DECR", "K"}, {"INCR", "K"},
		{"BITOP", "AND", "K", "K", "K"}, {"BITOP", "NOT", "K", "K"}, {"BITFIELD", "K", "SET", "u8", "N", "N", "GET", "i16", "N"}, {"BITFIELD_RO", "K", "GET", "u4", "N"}, {"BITFIELD", "K", "OVERFLOW", "FAIL", "INCRBY", "u2", "N", "N"},
		{"SINTER", "K", "K"}, {"SUNIONSTORE", "K", "K", "K"}, {"SDIFFSTORE", "K", "K", "K"}, {"SISMEMBER", "K", "V"}, {"SRANDMEMBER", "K"},
		{"ZRANGESTORE", "K", "K", "N", "N", "BYSCORE", "REV", "LIMIT", "N", "N"}, {"ZUNION", "N", "K", "K", "WITHSCORES"}, {"ZINTERSTORE", "K", "N", "K", "K", "AGGREGATE", "MIN"},
		{"ZREMRANGEBYLEX", "K", "[V", "(V"}, {"ZRANGE", "K", "[V", "(V", "BYLEX"}, {"ZRANGE", "K", "(N", "N", "BYSCORE"}, {"ZCOUNT", "K", "(N", "(N"}, {"ZADD", "K", "INCR", "N", "V"},
		{"LPUSHX", "K", "V"}, {"RPUSHX", "K", "V"}, {"RPOPLPUSH", "K", "K"}, {"LMPOP", "N", "K", "K", "RIGHT"}, {"LINSERT", "K", "AFTER", "V", "V"}, {"LPOS", "K", "V", "RANK", "N", "COUNT", "N"},
		{"HSETNX", "K", "V", "V"}, {"HMGET", "K", "V", "V"}, {"HGETALL", "K"}, {"HKEYS", "K"}, {"HVALS", "K"}, {"HLEN", "K"}, {"HSTRLEN", "K", "V"}, {"HEXISTS", "K", "V"}, {"HSCAN", "K", "N", "COUNT", "N"},
		{"PFMERGE", "K", "K"}, {"PFADD", "K"}, {"SORT", "K", "LIMIT", "N", "N", "STORE", "K"}, {"SORT", "K", "ALPHA", "STORE", "K"},
		{"XGROUP", "CREATE", "K", "g", "N", "MKSTREAM"}, {"XREADGROUP", "GROUP", "g", "c", "COUNT", "N", "STREAMS", "K", ">"}, {"XACK", "K", "g", "N"}, {"XPENDING", "K", "g"},
		{"XPENDING", "K", "g", "-", "+", "N"}, {"XCLAIM", "K", "g", "c2", "0", "N"}, {"XAUTOCLAIM", "K", "g", "c2", "0", "N", "COUNT", "N"}, {"XINFO", "GROUPS", "K"}, {"XSETID", "K", "N"},
		{"XREVRANGE", "K", "+", "-", "COUNT", "N"}, {"XADD", "K", "MAXLEN", "~", "N", "*", "V", "V"}, {"XREAD", "COUNT", "N", "STREAMS", "K", "N"},
		{"EVAL", "return redis.call('get', KEYS[1])", "1", "K"}, {"EVAL", "return {redis.call('type', KEYS[1]), tonumber(ARGV[1])}", "1", "K", "N"},
		{"EVAL", "return redis.pcall('incrby', KEYS[1], ARGV[1])", "1", "K", "N"}, {"EVAL", "return cjson.encode({ARGV[1], tonumber(ARGV[1])})", "0", "N"},
		{"OBJECT", "FREQ", "K"}, {"TOUCH", "K", "K"}, {"UNLINK", "K"}, {"DUMP", "K"}, {"PEXPIRETIME", "K"}, {"EXPIREAT", "K", "N", "XX"},
	}
	mismatches := 0
	var hist []string
	for op := 0; op < 20000 && mismatches < 40; op++ {
		tmpl := cmds[rng.n(len(cmds))]
		ms := false // a millisecond TTL: small values race with the round trips
		for _, a := range tmpl {
			ms = ms || a == "PX" || a == "PSETEX" || a == "PEXPIRE"
		}
		args := make([]string, len(tmpl))
		for i, a := range tmpl {
			switch a {
			case "K":
				args[i] = pick(keys)
			case "N":
				args[i] = pick(nums)
				if ms {
					if n, err := strconv.Atoi(args[i]); err == nil && n > 0 && n < 1000 {
						args[i] = "100000"
					}
				}
			case "V":
				args[i] = pick(vals)
			default:
				args[i] = a
			}
		}
		hist = append(hist, show(args))
		if len(hist) > 12 {
			hist = hist[1:]
		}
		a, b := p.both(args...)
		if string(a.Raw) != string(b.Raw) {
			// Orders Redis derives from its hash tables are not compared.
			if args[0] == "SMEMBERS" || args[0] == "SDIFF" || args[0] == "HRANDFIELD" || args[0] == "SRANDMEMBER" || args[0] == "SINTER" ||
				args[0] == "XADD" || args[0] == "XAUTOCLAIM" && strings.Contains(show(args), "*") || args[0] == "ZRANDMEMBER" || args[0] == "SORT" || args[0] == "SORT_RO" ||
				(args[0] == "OBJECT" && (strings.Contains(string(a.Raw), "listpack") && strings.Contains(string(b.Raw), "quicklist") || strings.Contains(string(b.Raw), "hashtable"))) {
				continue
			}
			mismatches++
			t.Logf("op %d %s\n redwing: %.200q\n   redis: %.200q\n history: %s", op, show(args), a.Raw, b.Raw, strings.Join(hist, " | "))
			// resync the key state
			for _, k := range keys {
				p.both("DEL", k)
			}
		}
		// State check: a divergence whose reply agreed.
		for _, k := range keys {
			ta, tb := p.both("TYPE", k)
			xa, xb := p.both("TTL", k)
			ea, eb := p.both("DUMP", k)
			if string(ta.Raw) != string(tb.Raw) || (xa.Int > 0) != (xb.Int > 0) || (xa.Int < 0 && xa.Int != xb.Int) || (string(ta.Raw) == "+string\r\n" && string(ea.Raw) != string(eb.Raw)) {
				mismatches++
				t.Logf("history: %s", strings.Join(hist, " | "))
				t.Logf("op %d %s left %s diverging: type %s/%s ttl %d/%d dump %.80q / %.80q", op, show(args), k, ta.Raw, tb.Raw, xa.Int, xb.Int, ea.Raw, eb.Raw)
				for _, k := range keys {
					p.both("DEL", k)
				}
				break
			}
		}
		if op%2000 == 0 {
			for _, k := range keys {
				p.both("DEL", k)
			}
		}
	}
}
