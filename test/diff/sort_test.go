package diff

import (
	"strconv"
	"testing"
)

func TestSortLists(t *testing.T) {
	p := newPair(t)
	p.run(
		c("RPUSH", "l", "3", "1", "2", "10", "-5", "2.5", "1e2", "0x10", "-inf", "+inf"),
		c("SORT", "l"),
		c("SORT", "l", "DESC"),
		c("SORT", "l", "ALPHA"),
		c("SORT", "l", "ALPHA", "DESC"),
		c("SORT", "l", "LIMIT", "0", "3"),
		c("SORT", "l", "LIMIT", "2", "3", "DESC"),
		c("SORT", "l", "LIMIT", "-5", "3"),
		c("SORT", "l", "LIMIT", "5", "-1"),
		c("SORT", "l", "LIMIT", "100", "3"),
		c("SORT", "l", "LIMIT", "9", "100"),
		c("SORT", "l", "LIMIT", "0", "0"),
		c("SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"),
		c("SORT", "l", "LIMIT", "-9223372036854775808", "-9223372036854775808"),
		c("SORT", "l", "LIMIT", "3", "9223372036854775807"),
		c("SORT", "l", "BY", "nosort"),
		c("SORT", "l", "BY", "nosort", "DESC"),
		c("SORT", "l", "BY", "nosort", "LIMIT", "2", "3"),
		c("SORT", "l", "BY", "nosort", "LIMIT", "2", "3", "DESC"),
		c("SORT", "l", "BY", "nosort", "LIMIT", "8", "10", "DESC"),
		c("SORT", "l", "BY", "nosort", "LIMIT", "20", "10"),
		c("SORT_RO", "l"),
		c("SORT_RO", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"),
		c("SORT", "l", "GET", "#"),
		c("SORT", "l", "GET", "#", "GET", "nosuch_*"),
		c("SORT", "l", "BY", "nosort", "GET", "#", "GET", "#"),
		// Errors.
		c("RPUSH", "bad", "1", "x", "2"),
		c("SORT", "bad"),
		c("SORT", "bad", "ALPHA"),
		c("SORT", "bad", "BY", "nosort"),
		c("SORT", "bad", "LIMIT", "0", "1"),
		c("SORT", "l", "LIMIT", "x", "1"),
		c("SORT", "l", "LIMIT", "0"),
		c("SORT", "l", "FOO"),
		c("SORT", "l", "BY"),
		c("SORT", "l", "GET"),
		c("SORT", "l", "STORE"),
		c("SORT_RO", "l", "STORE", "dst"),
		c("SORT", "nokey"),
		c("SORT", "nokey", "STORE", "dst"),
		c("SORT", "nokey", "LIMIT", "0", "1"),
		c("SET", "str", "x"),
		c("SORT", "str"),
		c("SORT", "str", "FOO"),
		c("HSET", "h", "a", "1"),
		c("SORT", "h"),
		c("SORT"),
	)
	// Weights.
	p.run(
		c("RPUSH", "w", "a", "b", "c", "d", "e"),
		c("MSET", "w_a", "5", "w_b", "3", "w_c", "5", "w_d", "-1"),
		c("SORT", "w", "BY", "w_*"),
		c("SORT", "w", "BY", "w_*", "DESC"),
		c("SORT", "w", "BY", "w_*", "LIMIT", "1", "2"),
		c("SORT", "w", "BY", "w_*", "LIMIT", "1", "2", "DESC"),
		c("SORT", "w", "BY", "w_*", "ALPHA"),
		c("SORT", "w", "BY", "w_*", "ALPHA", "DESC"),
		c("SORT", "w", "BY", "w_*", "GET", "#", "GET", "w_*"),
		c("SORT", "w", "BY", "nosuch_*"),
		c("SORT", "w", "BY", "nosuch_*", "ALPHA"),
		c("SET", "w_e", "notanumber"),
		c("SORT", "w", "BY", "w_*"),
		c("SORT", "w", "BY", "w_*", "ALPHA"),
		c("DEL", "w_e"),
		c("HSET", "ha", "f", "2", "g", "x"),
		c("HSET", "hb", "f", "1"),
		c("HSET", "hc", "f", "3", "g", "y"),
		c("SORT", "w", "BY", "h*->f"),
		c("SORT", "w", "BY", "h*->f", "GET", "h*->g", "GET", "#", "GET", "h*->f"),
		c("SORT", "w", "BY", "h*->f", "DESC", "GET", "h*->nosuch"),
		c("SORT", "w", "BY", "h*->", "GET", "h*->"),
		c("SORT", "w", "GET", "w_*", "GET", "h*->f", "ALPHA"),
		c("SORT", "w", "BY", "w_*", "GET", "nostar"),
		c("SORT", "w", "BY", "w_*", "GET", "w_*->f"),
		c("SORT", "w", "BY", "ha->*"),
		// STORE.
		c("SORT", "w", "BY", "w_*", "STORE", "dst"),
		c("LRANGE", "dst", "0", "-1"),
		c("TYPE", "dst"),
		c("SORT", "w", "BY", "w_*", "GET", "w_*", "GET", "#", "STORE", "dst"),
		c("LRANGE", "dst", "0", "-1"),
		c("SORT", "w", "LIMIT", "10", "10", "STORE", "dst"),
		c("EXISTS", "dst"),
		c("SET", "dst", "x", "EX", "100"),
		c("SORT", "w", "ALPHA", "STORE", "dst"),
		c("TTL", "dst"),
		c("LRANGE", "dst", "0", "-1"),
		c("SORT", "w", "ALPHA", "STORE", "w"),
		c("LRANGE", "w", "0", "-1"),
	)
}

func TestSortSetsAndZsets(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SADD", "s", "5", "2", "9", "1", "7"),
		c("SORT", "s"),
		c("SORT", "s", "DESC", "LIMIT", "1", "2"),
		c("SORT", "s", "ALPHA"),
		c("SADD", "ss", "banana", "apple", "cherry", "Apple", "b"),
		c("SORT", "ss", "ALPHA"),
		c("SORT", "ss", "ALPHA", "DESC", "LIMIT", "0", "2"),
		c("SORT", "ss"),
		c("SORT", "ss", "BY", "nosort", "STORE", "dst"),
		c("LRANGE", "dst", "0", "-1"),
		c("SORT", "ss", "ALPHA", "STORE", "dst"),
		c("LRANGE", "dst", "0", "-1"),
		c("ZADD", "z", "3", "c", "1", "a", "2", "b", "4", "d"),
		c("OBJECT", "ENCODING", "z"),
		c("SORT", "z", "BY", "nosort"),
		c("OBJECT", "ENCODING", "z"),
		c("SORT", "z", "BY", "nosort", "DESC"),
		c("SORT", "z", "BY", "nosort", "LIMIT", "1", "2"),
		c("SORT", "z", "BY", "nosort", "LIMIT", "1", "2", "DESC"),
		c("SORT", "z", "ALPHA"),
		c("SORT", "z", "ALPHA", "DESC"),
		c("SORT", "z"),
		c("ZADD", "zn", "3", "30", "1", "10", "2", "20"),
		c("SORT", "zn"),
		c("SORT", "zn", "DESC"),
		c("SORT", "zn", "BY", "nosort", "GET", "#", "STORE", "zdst"),
		c("LRANGE", "zdst", "0", "-1"),
		c("ZADD", "zz", "1", "x"),
		c("SORT_RO", "zz"),
	)
	p.doSorted("SORT", "s", "BY", "nosort")
	p.doSorted("SORT", "ss", "BY", "nosort")
	p.doSorted("SORT_RO", "ss", "BY", "nosort", "GET", "#")
}

func TestSortLarge(t *testing.T) {
	p := newPair(t)
	args := []string{"RPUSH", "big"}
	margs := []string{"MSET"}
	for i := 0; i < 300; i++ {
		v := strconv.Itoa((i * 7919) % 1000)
		args = append(args, v)
		margs = append(margs, "wt_"+v, strconv.Itoa((i*31)%97))
	}
	p.do(args...)
	p.do(margs...)
	p.do("SORT", "big")
	p.do("SORT", "big", "DESC", "LIMIT", "10", "20")
	p.do("SORT", "big", "BY", "wt_*")
	p.do("SORT", "big", "BY", "wt_*", "LIMIT", "50", "30")
	p.do("SORT", "big", "BY", "wt_*", "LIMIT", "50", "30", "DESC", "GET", "#", "GET", "wt_*")
	p.do("SORT", "big", "BY", "wt_*", "ALPHA", "LIMIT", "5", "10")
	p.do("SORT", "big", "ALPHA", "LIMIT", "5", "10")
	p.do("SORT", "big", "BY", "wt_*", "STORE", "out")
	p.do("LRANGE", "out", "0", "-1")
	// OBJECT ENCODING of the stored list is not compared: Redis 7.0 lists
	// are always quicklists, Redwing's small lists are listpacks (7.2).
}
