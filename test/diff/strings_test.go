package diff

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// needCommand skips the calling (sub)test when Redwing does not know cmd
// yet (another family not implemented): it sends the bare command, which
// either fails arity or is unknown, and has no effect.
func needCommand(p *pair, cmd string) {
	p.t.Helper()
	v, err := p.rw.Do(cmd)
	if err != nil {
		p.t.Fatalf("redwing %s: %v", cmd, err)
	}
	if v.Type == '-' && strings.HasPrefix(v.Str, "ERR unknown command") {
		p.t.Skipf("redwing does not implement %s yet", strings.ToUpper(cmd))
	}
}

// wrongTypeKey stores a list under key on both servers (skipping when
// LPUSH is not available yet).
func wrongTypeKey(p *pair, key string) {
	p.t.Helper()
	needCommand(p, "lpush")
	p.mustAgree("LPUSH", key, "x")
}

func TestStringsGetSet(t *testing.T) {
	p := newPair(t)
	p.run(
		c("GET", "nokey"),
		c("SET", "k", "v"),
		c("GET", "k"),
		c("SET", "k", ""),
		c("GET", "k"),
		c("SET", "k", "12345"),
		c("GET", "k"),
		c("SET", "k", strings.Repeat("x", 100)),
		c("GET", "k"),
		c("SET", "bin", "a\x00b\r\nc"),
		c("GET", "bin"),
		// Arity.
		c("GET"),
		c("GET", "a", "b"),
		c("SET", "k"),
		c("SET"),
		// NX / XX.
		c("SET", "nx", "1", "NX"),
		c("SET", "nx", "2", "NX"),
		c("GET", "nx"),
		c("SET", "xx", "1", "XX"),
		c("GET", "xx"),
		c("SET", "nx", "3", "xx"),
		c("GET", "nx"),
		c("SET", "nx", "4", "nx", "nx"),
		c("SET", "nx", "4", "XX", "XX"),
		c("SET", "k", "v", "NX", "XX"),
		c("SET", "k", "v", "XX", "NX"),
		// GET option.
		c("SET", "g", "new", "GET"),
		c("SET", "g", "newer", "GET"),
		c("SET", "g", "x", "get", "GET"),
		c("GET", "g"),
		c("SET", "g", "y", "NX", "GET"),
		c("GET", "g"),
		c("SET", "g2", "y", "XX", "GET"),
		c("EXISTS", "g2"),
		c("SET", "g3", "y", "NX", "GET"),
		c("GET", "g3"),
		c("SET", "g", "z", "XX", "GET"),
		// Syntax errors.
		c("SET", "k", "v", "FOO"),
		c("SET", "k", "v", "EX"),
		c("SET", "k", "v", "PX"),
		c("SET", "k", "v", "EXAT"),
		c("SET", "k", "v", "PXAT"),
		c("SET", "k", "v", "EX", "10", "PX", "100"),
		c("SET", "k", "v", "PX", "100", "EX", "10"),
		c("SET", "k", "v", "EX", "10", "EXAT", "100"),
		c("SET", "k", "v", "EXAT", "10", "PXAT", "100"),
		c("SET", "k", "v", "PXAT", "10", "EX", "100"),
		c("SET", "k", "v", "EX", "10", "KEEPTTL"),
		c("SET", "k", "v", "KEEPTTL", "EX", "10"),
		c("SET", "k", "v", "KEEPTTL", "PXAT", "10"),
		c("SET", "k", "v", "PERSIST"),
		c("SET", "k", "v", "NXX"),
		c("SET", "k", "v", "GETT"),
		c("SET", "k", "v", "EX", "10", "10"),
		// Invalid expire values.
		c("SET", "k", "v", "EX", "0"),
		c("SET", "k", "v", "EX", "-1"),
		c("SET", "k", "v", "PX", "0"),
		c("SET", "k", "v", "PX", "-100"),
		c("SET", "k", "v", "EXAT", "0"),
		c("SET", "k", "v", "PXAT", "-5"),
		c("SET", "k", "v", "EX", "abc"),
		c("SET", "k", "v", "EX", "1.5"),
		c("SET", "k", "v", "EX", " 1"),
		c("SET", "k", "v", "EX", "99999999999999999999"),
		c("SET", "k", "v", "EX", "9223372036854775"),
		c("SET", "k", "v", "EX", "9223372036854776"),
		c("SET", "k", "v", "EX", "9223372036854775807"),
		c("SET", "k", "v", "PX", "9223372036854775807"),
		c("SET", "k", "v", "EXAT", "9223372036854775"),
		c("SET", "k", "v", "EXAT", "9223372036854776"),
		c("SET", "k", "v", "PXAT", "9223372036854775807"),
		c("GET", "k"),
		// Error ordering: syntax before expire, expire before GET's type check.
		c("SET", "k", "v", "EX", "0", "FOO"),
		c("SET", "nokey2", "v", "EX", "0", "GET"),
		c("EXISTS", "nokey2"),
		// Expire options.
		c("SET", "e", "v", "EX", "100"),
		c("TTL", "e"),
		c("SET", "e", "v", "PX", "100000"),
		c("TTL", "e"),
		c("SET", "e", "v", "EXAT", "4102444800"),
		c("EXPIRETIME", "e"),
		c("SET", "e", "v", "PXAT", "4102444800123"),
		c("PEXPIRETIME", "e"),
		c("SET", "e", "v", "ex", "10", "ex", "20"),
		c("TTL", "e"),
		c("SET", "e", "w"),
		c("TTL", "e"),
		// KEEPTTL.
		c("SET", "kt", "v", "EX", "100"),
		c("SET", "kt", "v2", "KEEPTTL"),
		c("TTL", "kt"),
		c("GET", "kt"),
		c("SET", "kt", "v3", "keepttl", "GET"),
		c("TTL", "kt"),
		c("SET", "kt2", "v", "KEEPTTL"),
		c("TTL", "kt2"),
		c("SET", "kt", "v4"),
		c("TTL", "kt"),
		// Expire in the past.
		c("SET", "past", "v", "EXAT", "1"),
		c("GET", "past"),
		c("EXISTS", "past"),
		c("SET", "past", "v", "PXAT", "1000"),
		c("GET", "past"),
		c("SET", "past", "v", "PXAT", "1", "GET"),
		c("SET", "past", "v"),
		c("SET", "past", "w", "EXAT", "1", "GET"),
		c("GET", "past"),
		c("SET", "past2", "v", "EXAT", "1", "NX"),
		c("SET", "past2", "v", "NX"),
		c("GET", "past2"),
	)
}

func TestStringsSetWrongType(t *testing.T) {
	p := newPair(t)
	wrongTypeKey(p, "l")
	p.run(
		c("GET", "l"),
		c("SET", "l", "v", "GET"),
		c("TYPE", "l"),
		c("SET", "l", "v", "NX", "GET"),
		c("SET", "l", "v", "XX"),
		c("TYPE", "l"),
		c("SET", "l", "v"),
		c("GET", "l"),
	)
	wrongTypeKey(p, "l")
	p.run(
		c("GETEX", "l"),
		c("GETEX", "l", "EX", "10"),
		c("GETEX", "l", "EX", "0"),
		c("GETDEL", "l"),
		c("GETSET", "l", "v"),
		c("MGET", "l", "nokey"),
		c("APPEND", "l", "x"),
		c("STRLEN", "l"),
		c("GETRANGE", "l", "0", "-1"),
		c("SUBSTR", "l", "0", "-1"),
		c("GETRANGE", "l", "a", "-1"),
		c("SETRANGE", "l", "0", "x"),
		c("SETRANGE", "l", "0", ""),
		c("SETRANGE", "l", "-1", "x"),
		c("INCR", "l"),
		c("DECR", "l"),
		c("INCRBY", "l", "5"),
		c("INCRBY", "l", "x"),
		c("DECRBY", "l", "5"),
		c("INCRBYFLOAT", "l", "1.5"),
		c("INCRBYFLOAT", "l", "x"),
		c("SETNX", "l", "v"),
		c("MSETNX", "l", "v"),
		c("LCS", "l", "nokey"),
		c("LCS", "nokey", "l"),
		c("LCS", "l", "l", "LEN"),
		c("LCS", "l", "l", "FOO"),
		c("TYPE", "l"),
		c("MSET", "l", "v"),
		c("GET", "l"),
	)
	wrongTypeKey(p, "l")
	p.run(
		c("SETEX", "l", "100", "v"),
		c("GET", "l"),
		c("TTL", "l"),
	)
}

func TestStringsSetNXEX(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SETNX", "k", "1"),
		c("SETNX", "k", "2"),
		c("GET", "k"),
		c("SETNX", "k"),
		c("SETNX", "k", "1", "2"),
		c("SETEX", "e", "100", "v"),
		c("GET", "e"),
		c("TTL", "e"),
		c("SETEX", "e", "0", "v"),
		c("SETEX", "e", "-10", "v"),
		c("SETEX", "e", "abc", "v"),
		c("SETEX", "e", "9223372036854775807", "v"),
		c("SETEX", "e", "9223372036854775", "v"),
		c("SETEX", "e", "922337203685477", "v"),
		c("TTL", "e"),
		c("SETEX", "e", "100"),
		c("SETEX", "e", "100", "v", "x"),
		c("PSETEX", "p", "100000", "v"),
		c("GET", "p"),
		c("TTL", "p"),
		c("PSETEX", "p", "0", "v"),
		c("PSETEX", "p", "-1", "v"),
		c("PSETEX", "p", "1.5", "v"),
		c("PSETEX", "p", "9223372036854775807", "v"),
		c("PSETEX", "p", "100"),
		// SETEX replaces an existing TTL-less value.
		c("SET", "s", "old"),
		c("SETEX", "s", "50", "new"),
		c("GET", "s"),
		c("TTL", "s"),
		c("SETNX", "s", "x"),
		c("TTL", "s"),
	)
}

func TestStringsGetEx(t *testing.T) {
	p := newPair(t)
	p.run(
		c("GETEX", "nokey"),
		c("GETEX", "nokey", "EX", "-1"),
		c("GETEX", "nokey", "EX", "abc"),
		c("GETEX", "nokey", "FOO"),
		c("GETEX"),
		c("SET", "k", "v"),
		c("GETEX", "k"),
		c("TTL", "k"),
		c("GETEX", "k", "EX", "100"),
		c("TTL", "k"),
		c("GETEX", "k", "PX", "200000"),
		c("TTL", "k"),
		c("GETEX", "k", "EXAT", "4102444800"),
		c("EXPIRETIME", "k"),
		c("GETEX", "k", "PXAT", "4102444800555"),
		c("PEXPIRETIME", "k"),
		c("GETEX", "k", "PERSIST"),
		c("TTL", "k"),
		c("GETEX", "k", "PERSIST"),
		c("GETEX", "k", "persist", "persist"),
		c("GETEX", "k", "ex", "10", "ex", "20"),
		c("TTL", "k"),
		// Errors.
		c("GETEX", "k", "EX"),
		c("GETEX", "k", "EX", "0"),
		c("GETEX", "k", "EX", "-5"),
		c("GETEX", "k", "PX", "0"),
		c("GETEX", "k", "EXAT", "0"),
		c("GETEX", "k", "PXAT", "-1"),
		c("GETEX", "k", "EX", "abc"),
		c("GETEX", "k", "EX", "9223372036854775807"),
		c("GETEX", "k", "PX", "9223372036854775807"),
		c("GETEX", "k", "EX", "10", "PX", "100"),
		c("GETEX", "k", "EX", "10", "PERSIST"),
		c("GETEX", "k", "PERSIST", "EX", "10"),
		c("GETEX", "k", "PERSIST", "PXAT", "10"),
		c("GETEX", "k", "KEEPTTL"),
		c("GETEX", "k", "NX"),
		c("GETEX", "k", "XX"),
		c("GETEX", "k", "GET"),
		c("GETEX", "k", "EX", "0", "FOO"),
		c("TTL", "k"),
		// Absolute time in the past deletes the key.
		c("GETEX", "k", "EXAT", "1"),
		c("EXISTS", "k"),
		c("SET", "k", "v"),
		c("GETEX", "k", "PXAT", "1"),
		c("GET", "k"),
		c("SET", "k", "v"),
		c("GETEX", "k", "PXAT", "9223372036854775807"),
		c("PEXPIRETIME", "k"),
	)
}

func TestStringsGetDelGetSet(t *testing.T) {
	p := newPair(t)
	p.run(
		c("GETDEL", "nokey"),
		c("SET", "k", "v"),
		c("GETDEL", "k"),
		c("GETDEL", "k"),
		c("EXISTS", "k"),
		c("GETDEL"),
		c("GETDEL", "a", "b"),
		c("SET", "k", "v", "EX", "100"),
		c("GETDEL", "k"),
		c("TTL", "k"),
		c("GETSET", "gs", "1"),
		c("GETSET", "gs", "2"),
		c("GET", "gs"),
		c("SET", "gs", "v", "EX", "100"),
		c("GETSET", "gs", "w"),
		c("TTL", "gs"),
		c("GETSET", "gs"),
		c("GETSET", "gs", "a", "b"),
	)
}

func TestStringsMGetMSet(t *testing.T) {
	p := newPair(t)
	p.run(
		c("MSET", "a", "1", "b", "2", "c", "3"),
		c("MGET", "a", "b", "c", "d"),
		c("MGET", "d"),
		c("MGET"),
		c("MSET"),
		c("MSET", "a"),
		c("MSET", "a", "1", "b"),
		c("MSET", "a", "x", "a", "y"),
		c("GET", "a"),
		c("SET", "t", "v", "EX", "100"),
		c("MSET", "t", "w"),
		c("TTL", "t"),
		c("MSETNX", "n1", "1", "n2", "2"),
		c("MGET", "n1", "n2"),
		c("MSETNX", "n2", "x", "n3", "3"),
		c("MGET", "n2", "n3"),
		c("MSETNX", "n4", "1", "n4", "2"),
		c("GET", "n4"),
		c("MSETNX"),
		c("MSETNX", "a"),
		c("MSETNX", "x", "1", "y"),
		c("MSET", "empty", ""),
		c("MGET", "empty", "a", "empty"),
	)
	// Many keys (several shards).
	args := []string{"MSET"}
	get := []string{"MGET"}
	for i := 0; i < 50; i++ {
		args = append(args, "key:"+strconv.Itoa(i), strconv.Itoa(i*i))
		get = append(get, "key:"+strconv.Itoa(i), "missing:"+strconv.Itoa(i))
	}
	p.do(args...)
	p.do(get...)
}

func TestStringsAppendStrlen(t *testing.T) {
	p := newPair(t)
	p.run(
		c("APPEND", "k", "hello"),
		c("APPEND", "k", " world"),
		c("GET", "k"),
		c("STRLEN", "k"),
		c("APPEND", "k", ""),
		c("STRLEN", "nokey"),
		c("APPEND", "e", ""),
		c("EXISTS", "e"),
		c("GET", "e"),
		c("STRLEN", "e"),
		c("SET", "n", "123"),
		c("APPEND", "n", "456"),
		c("GET", "n"),
		c("INCR", "n"),
		c("APPEND", "n", "x"),
		c("GET", "n"),
		c("SET", "t", "v", "EX", "100"),
		c("APPEND", "t", "w"),
		c("TTL", "t"),
		c("APPEND", "k"),
		c("APPEND"),
		c("STRLEN"),
		c("STRLEN", "a", "b"),
	)
	for i := 0; i < 20; i++ {
		p.do("APPEND", "grow", strings.Repeat(string(rune('a'+i)), i*7))
	}
	p.do("GET", "grow")
	p.do("STRLEN", "grow")
}

func TestStringsGetRange(t *testing.T) {
	p := newPair(t)
	p.do("SET", "k", "Hello World")
	p.do("SET", "n", "1234567")
	p.do("SET", "empty", "")
	idx := []string{"0", "1", "3", "5", "10", "11", "12", "100", "-1", "-2", "-5", "-11", "-12", "-100",
		"9223372036854775807", "-9223372036854775808"}
	for _, key := range []string{"k", "n", "empty", "nokey"} {
		for _, s := range idx {
			for _, e := range idx {
				p.do("GETRANGE", key, s, e)
			}
		}
	}
	p.run(
		c("SUBSTR", "k", "0", "4"),
		c("SUBSTR", "k", "-5", "-1"),
		c("GETRANGE", "k", "a", "1"),
		c("GETRANGE", "k", "0", "b"),
		c("GETRANGE", "nokey", "a", "1"),
		c("GETRANGE", "k", "0", "9223372036854775808"),
		c("GETRANGE", "k", "0"),
		c("GETRANGE", "k", "0", "1", "2"),
		c("SUBSTR", "k", "0"),
	)
}

func TestStringsSetRange(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SETRANGE", "k", "0", "Hello"),
		c("GET", "k"),
		c("SETRANGE", "k", "6", "World"),
		c("GET", "k"),
		c("SETRANGE", "k", "2", "XY"),
		c("GET", "k"),
		c("SETRANGE", "k", "0", ""),
		c("SETRANGE", "k", "100", ""),
		c("STRLEN", "k"),
		c("SETRANGE", "nokey", "5", ""),
		c("EXISTS", "nokey"),
		c("SETRANGE", "pad", "10", "x"),
		c("GET", "pad"),
		c("SETRANGE", "k", "-1", "x"),
		c("SETRANGE", "k", "abc", "x"),
		c("SETRANGE", "k", "1.5", "x"),
		c("SETRANGE", "nokey", "-1", ""),
		// Size limits (512MB).
		c("SETRANGE", "big", "536870912", "x"),
		c("SETRANGE", "big", "536870911", "xy"),
		c("SETRANGE", "big", "9223372036854775807", "x"),
		c("SETRANGE", "k", "536870912", "x"),
		c("SETRANGE", "k", "9223372036854775807", "xyz"),
		c("SETRANGE", "k", "9223372036854775807", ""),
		c("EXISTS", "big"),
		c("SET", "n", "1234"),
		c("SETRANGE", "n", "1", "9"),
		c("GET", "n"),
		c("INCR", "n"),
		c("SET", "t", "abc", "EX", "100"),
		c("SETRANGE", "t", "1", "Z"),
		c("TTL", "t"),
		c("GET", "t"),
		c("SETRANGE", "k", "0"),
		c("SETRANGE", "k", "0", "a", "b"),
	)
}

func TestStringsIncrDecr(t *testing.T) {
	p := newPair(t)
	p.run(
		c("INCR", "n"),
		c("INCR", "n"),
		c("DECR", "n"),
		c("DECR", "m"),
		c("INCRBY", "n", "100"),
		c("INCRBY", "n", "-300"),
		c("DECRBY", "n", "-5"),
		c("DECRBY", "n", "5"),
		c("GET", "n"),
		c("INCRBY", "n", "abc"),
		c("INCRBY", "n", "1.5"),
		c("INCRBY", "n", ""),
		c("INCRBY", "n", "99999999999999999999"),
		c("DECRBY", "n", "x"),
		c("DECRBY", "n", "-9223372036854775808"),
		c("DECRBY", "x", "-9223372036854775808"),
		c("INCRBY", "x", "-9223372036854775808"),
		c("GET", "x"),
		c("DECR", "x"),
		c("GET", "x"),
		c("SET", "max", "9223372036854775807"),
		c("INCR", "max"),
		c("INCRBY", "max", "1"),
		c("INCRBY", "max", "0"),
		c("DECR", "max"),
		c("INCRBY", "max", "-9223372036854775807"),
		c("GET", "max"),
		c("SET", "min", "-9223372036854775808"),
		c("DECR", "min"),
		c("DECRBY", "min", "1"),
		c("INCRBY", "min", "-1"),
		c("INCR", "min"),
		c("GET", "min"),
		c("SET", "s", "abc"),
		c("INCR", "s"),
		c("SET", "s", " 1"),
		c("INCR", "s"),
		c("SET", "s", "1 "),
		c("INCR", "s"),
		c("SET", "s", "+1"),
		c("INCR", "s"),
		c("SET", "s", "01"),
		c("INCR", "s"),
		c("SET", "s", "-0"),
		c("INCR", "s"),
		c("SET", "s", ""),
		c("INCR", "s"),
		c("SET", "s", "1.0"),
		c("INCR", "s"),
		c("SET", "s", "9223372036854775808"),
		c("INCR", "s"),
		c("SET", "s", "-10"),
		c("INCR", "s"),
		c("SET", "t", "5", "EX", "100"),
		c("INCR", "t"),
		c("TTL", "t"),
		c("INCRBY", "t", "10"),
		c("TTL", "t"),
		c("INCR"),
		c("INCR", "a", "b"),
		c("INCRBY", "a"),
		c("DECRBY", "a", "1", "2"),
		c("SET", "z", "0"),
		c("INCRBY", "z", "9223372036854775807"),
		c("INCRBY", "z", "1"),
	)
}

func TestStringsIncrByFloat(t *testing.T) {
	p := newPair(t)
	p.run(
		c("INCRBYFLOAT", "f", "10.5"),
		c("INCRBYFLOAT", "f", "0.1"),
		c("INCRBYFLOAT", "f", "-5"),
		c("INCRBYFLOAT", "f", "1e3"),
		c("INCRBYFLOAT", "f", "1.5E-3"),
		c("INCRBYFLOAT", "f", "-1005.6015"),
		c("GET", "f"),
		c("SET", "g", "3.0"),
		c("INCRBYFLOAT", "g", "1.1"),
		c("SET", "g", "5.0e3"),
		c("INCRBYFLOAT", "g", "2.0e2"),
		c("SET", "g", "17179869184"),
		c("INCRBYFLOAT", "g", "1.5"),
		c("SET", "g", "1"),
		c("INCRBYFLOAT", "g", "0.3333333333333333333333"),
		c("INCRBYFLOAT", "g", "0.3333333333333333333333"),
		c("INCRBYFLOAT", "g", "0.3333333333333333333333"),
		c("SET", "g", "10"),
		c("INCRBYFLOAT", "g", "-10"),
		c("INCRBYFLOAT", "g", "-0.0"),
		c("INCRBYFLOAT", "g", "-1e-30"),
		c("INCRBYFLOAT", "g", "1e-17"),
		c("INCRBYFLOAT", "g", "5e-18"),
		c("INCRBYFLOAT", "g", "0x10"),
		c("INCRBYFLOAT", "g", "0x1p-2"),
		c("INCRBYFLOAT", "g", "0X.8"),
		c("INCRBYFLOAT", "g", "0x1.8P1"),
		c("INCRBYFLOAT", "g", "1."),
		c("INCRBYFLOAT", "g", ".5"),
		c("INCRBYFLOAT", "g", "+2"),
		c("INCRBYFLOAT", "g", "00000.25"),
		c("INCRBYFLOAT", "g", "1e4000"),
		c("INCRBYFLOAT", "g", "-1e4000"),
		c("INCRBYFLOAT", "g", "1e4932"),
		c("INCRBYFLOAT", "g", "1e4932"),
		c("INCRBYFLOAT", "g", "-1e4932"),
		c("INCRBYFLOAT", "g", "1e-4940"),
		c("INCRBYFLOAT", "g", "1e-5000"),
		c("INCRBYFLOAT", "g", "1e5000"),
		c("INCRBYFLOAT", "g", "123456789012345678901234567890"),
		c("INCRBYFLOAT", "g", "1.23456789012345678901234567890"),
		c("GET", "g"),
		// Invalid increments.
		c("INCRBYFLOAT", "g", "abc"),
		c("INCRBYFLOAT", "g", ""),
		c("INCRBYFLOAT", "g", " 1"),
		c("INCRBYFLOAT", "g", "1 "),
		c("INCRBYFLOAT", "g", "1e"),
		c("INCRBYFLOAT", "g", "1e+"),
		c("INCRBYFLOAT", "g", "e5"),
		c("INCRBYFLOAT", "g", "."),
		c("INCRBYFLOAT", "g", "-"),
		c("INCRBYFLOAT", "g", "0x"),
		c("INCRBYFLOAT", "g", "0x1p"),
		c("INCRBYFLOAT", "g", "0xg"),
		c("INCRBYFLOAT", "g", "1_000"),
		c("INCRBYFLOAT", "g", "nan"),
		c("INCRBYFLOAT", "g", "-nan"),
		c("INCRBYFLOAT", "g", "NaN"),
		c("INCRBYFLOAT", "g", "inf"),
		c("INCRBYFLOAT", "g", "-inf"),
		c("INCRBYFLOAT", "g", "+Infinity"),
		c("INCRBYFLOAT", "g", "infinit"),
		c("INCRBYFLOAT", "g", "1\x00garbage"),
		c("INCRBYFLOAT", "g", "\x00"),
		c("INCRBYFLOAT", "g", strings.Repeat("1", 5119)),
		c("INCRBYFLOAT", "g", strings.Repeat("1", 5120)),
		c("GET", "g"),
		// Invalid stored values.
		c("SET", "bad", "abc"),
		c("INCRBYFLOAT", "bad", "1"),
		c("SET", "bad", "inf"),
		c("INCRBYFLOAT", "bad", "1"),
		c("INCRBYFLOAT", "bad", "x"),
		c("SET", "bad", " 1"),
		c("INCRBYFLOAT", "bad", "1"),
		c("SET", "bad", "1e5000"),
		c("INCRBYFLOAT", "bad", "1"),
		c("SET", "bad", "0e5000"),
		c("INCRBYFLOAT", "bad", "1"),
		c("SET", "bad", ""),
		c("INCRBYFLOAT", "bad", "1"),
		// Rounding at the 17th decimal (ties to even) and tiny values.
		c("SET", "r", "0"),
		c("INCRBYFLOAT", "r", "5.1e-18"),
		c("INCRBYFLOAT", "r", "-6e-18"),
		c("INCRBYFLOAT", "r", "0x1p-18"),
		c("INCRBYFLOAT", "r", "0x7p-18"),
		c("INCRBYFLOAT", "r", "0x1p-57"),
		c("INCRBYFLOAT", "r", "1e-4950"),
		c("SET", "r", "0.1"),
		c("INCRBYFLOAT", "r", "0.2"),
		c("SET", "r", "1e17"),
		c("INCRBYFLOAT", "r", "0.5"),
		c("SET", "r", "1e19"),
		c("INCRBYFLOAT", "r", "1"),
		c("INCRBYFLOAT", "r", "0x1.fffffffffffffffep16383"),
		// TTL kept.
		c("SET", "t", "1.5", "EX", "100"),
		c("INCRBYFLOAT", "t", "1"),
		c("TTL", "t"),
		c("INCRBYFLOAT", "t"),
		c("INCRBYFLOAT"),
		c("INCRBYFLOAT", "t", "1", "2"),
	)
}

// TestStringsIncrByFloatRandom compares long double arithmetic and
// formatting on many random operands.
func TestStringsIncrByFloatRandom(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewSource(7))
	randNum := func() string {
		switch r.Intn(6) {
		case 0:
			return strconv.FormatFloat(r.NormFloat64()*1e6, 'f', r.Intn(12), 64)
		case 1:
			return strconv.FormatFloat(r.Float64(), 'g', r.Intn(20)+1, 64)
		case 2:
			return fmt.Sprintf("%de%d", r.Intn(100000)-50000, r.Intn(80)-40)
		case 3:
			return fmt.Sprintf("%d.%d", r.Intn(1000)-500, r.Intn(1000000))
		case 4:
			return fmt.Sprintf("0.%0*d", r.Intn(25)+1, r.Intn(1000))
		default:
			return strconv.Itoa(r.Intn(2000000) - 1000000)
		}
	}
	for i := 0; i < 40; i++ {
		key := "f" + strconv.Itoa(i)
		p.do("SET", key, randNum())
		for j := 0; j < 8; j++ {
			p.do("INCRBYFLOAT", key, randNum())
		}
	}
}

func TestStringsLCS(t *testing.T) {
	p := newPair(t)
	p.run(
		c("MSET", "k1", "ohmytext", "k2", "mynewtext"),
		c("LCS", "k1", "k2"),
		c("LCS", "k1", "k2", "LEN"),
		c("LCS", "k1", "k2", "IDX"),
		c("LCS", "k1", "k2", "IDX", "WITHMATCHLEN"),
		c("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4"),
		c("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
		c("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "-4", "WITHMATCHLEN"),
		c("LCS", "k1", "k2", "idx", "minmatchlen", "2", "withmatchlen"),
		c("LCS", "k1", "k2", "WITHMATCHLEN"),
		c("LCS", "k1", "k2", "MINMATCHLEN", "3"),
		c("LCS", "k1", "k2", "LEN", "WITHMATCHLEN"),
		c("LCS", "k1", "k2", "IDX", "LEN"),
		c("LCS", "k1", "k2", "LEN", "IDX"),
		c("LCS", "k1", "k2", "MINMATCHLEN"),
		c("LCS", "k1", "k2", "MINMATCHLEN", "x"),
		c("LCS", "k1", "k2", "FOO"),
		c("LCS", "k1", "k2", "LEN", "LEN"),
		c("LCS", "k1", "nokey"),
		c("LCS", "nokey", "k2", "IDX"),
		c("LCS", "nokey", "nokey2", "LEN"),
		c("LCS", "nokey", "nokey2", "IDX", "WITHMATCHLEN"),
		c("LCS", "k1", "k1", "IDX", "WITHMATCHLEN"),
		c("LCS", "k1"),
		c("LCS"),
		c("MSET", "a", "ABCBDAB", "b", "BDCABA"),
		c("LCS", "a", "b"),
		c("LCS", "a", "b", "IDX", "WITHMATCHLEN"),
		c("LCS", "b", "a", "IDX", "WITHMATCHLEN"),
	)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 60; i++ {
		a := randString(r, r.Intn(40), "abc")
		b := randString(r, r.Intn(40), "abcd")
		p.do("MSET", "x", a, "y", b)
		p.do("LCS", "x", "y")
		p.do("LCS", "x", "y", "LEN")
		p.do("LCS", "x", "y", "IDX", "MINMATCHLEN", strconv.Itoa(r.Intn(4)), "WITHMATCHLEN")
		p.do("LCS", "x", "y", "IDX")
	}
}

func TestStringsLCSResp3(t *testing.T) {
	p := newPair(t)
	needCommand(p, "hello")
	p.resp3()
	p.run(
		c("MSET", "k1", "ohmytext", "k2", "mynewtext"),
		c("LCS", "k1", "k2"),
		c("LCS", "k1", "k2", "LEN"),
		c("LCS", "k1", "k2", "IDX"),
		c("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
		c("LCS", "nokey", "nokey2", "IDX"),
	)
}

func TestStringsResp3(t *testing.T) {
	p := newPair(t)
	needCommand(p, "hello")
	p.resp3()
	p.run(
		c("GET", "nokey"),
		c("SET", "k", "v"),
		c("GET", "k"),
		c("SET", "k", "v", "NX"),
		c("SET", "x", "v", "XX"),
		c("SET", "k", "w", "GET"),
		c("SET", "n", "w", "GET"),
		c("MGET", "k", "nokey", "n"),
		c("GETEX", "nokey"),
		c("GETDEL", "nokey"),
		c("GETSET", "nokey2", "v"),
		c("INCRBYFLOAT", "f", "1.5"),
		c("GETRANGE", "nokey", "0", "1"),
		c("SETNX", "k", "v"),
		c("MSETNX", "k", "v"),
	)
}

func TestStringsTTLExpiry(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "a", "v", "PX", "100"),
		c("PSETEX", "b", "100", "v"),
		c("SET", "c", "v", "EX", "100"),
		c("GETEX", "c", "PX", "100"),
		c("SET", "d", "v", "PX", "100"),
		c("SET", "d", "v2", "KEEPTTL"),
		c("SET", "e", "v", "PX", "100"),
		c("GETEX", "e", "PERSIST"),
		c("SET", "f", "1", "PX", "100"),
		c("INCR", "f"),
		c("APPEND", "f", "0"),
	)
	sleepMs(250)
	p.run(
		c("GET", "a"),
		c("GET", "b"),
		c("GET", "c"),
		c("GET", "d"),
		c("GET", "e"),
		c("TTL", "e"),
		c("GET", "f"),
		c("INCR", "a"),
		c("TTL", "a"),
		c("APPEND", "b", "x"),
		c("SETRANGE", "c", "1", "x"),
		c("GET", "c"),
		c("STRLEN", "d"),
	)
}

// TestStringsMulti runs string commands in a transaction (shared locking path).
func TestStringsMulti(t *testing.T) {
	p := newPair(t)
	needCommand(p, "exec")
	p.run(
		c("MULTI"),
		c("SET", "a", "1"),
		c("INCR", "a"),
		c("SET", "b", "x", "EX", "100", "GET"),
		c("MSET", "c", "1", "d"),
		c("GETEX", "a", "PXAT", "1"),
		c("LCS", "a", "b"),
		c("EXEC"),
		c("MGET", "a", "b", "c", "d"),
	)
}

func randString(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}
