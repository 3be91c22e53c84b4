package diff

import (
	"testing"
)

// Differential tests of the expiry commands (expire.go).

// approx requires both replies to be integers within tol of each other
// (PTTL and friends move with the clock between the two servers).
func (p *pair) approx(tol int64, args ...string) {
	p.t.Helper()
	a, b := p.both(args...)
	if a.Type != ':' || b.Type != ':' {
		if string(a.Raw) != string(b.Raw) {
			p.t.Errorf("%s\n redwing: %s\n   redis: %s", show(args), a, b)
		}
		return
	}
	d := a.Int - b.Int
	if d < 0 {
		d = -d
	}
	if d > tol {
		p.t.Errorf("%s (±%d)\n redwing: %s\n   redis: %s", show(args), tol, a, b)
	}
}

func TestExpireArity(t *testing.T) {
	p := newPair(t)
	for _, cmd := range []string{"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"} {
		p.do(cmd)
		p.do(cmd, "k")
	}
	for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"} {
		p.do(cmd)
		p.do(cmd, "a", "b")
	}
}

func TestExpireErrors(t *testing.T) {
	p := newPair(t)
	p.do("SET", "k", "v")
	for _, cmd := range []string{"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"} {
		for _, args := range [][]string{
			{"x"}, {""}, {"1.5"}, {" 1"}, {"1 "}, {"+1"}, {"01"}, {"0x10"},
			{"99999999999999999999"}, {"-99999999999999999999"},
			{"10", "FOO"}, {"10", "nx", "foo"}, {"x", "FOO"}, {"10", ""},
			{"10", "NX", "XX"}, {"10", "NX", "GT"}, {"10", "NX", "LT"},
			{"10", "GT", "LT"}, {"10", "lt", "gt"}, {"10", "XX", "GT", "LT"},
			{"10", "NX", "XX", "GT", "LT"}, {"x", "NX", "XX"}, {"x", "GT", "LT"},
			{"10", "XX", "NX"}, {"10", "GT", "NX"},
			// Overflow of the unit conversion or of the base time.
			{"9223372036854775807"}, {"-9223372036854775808"},
			{"9223372036854775"}, {"9223372036854776"}, {"-9223372036854776"},
			{"-9223372036854775"}, {"9223372036854775806"},
		} {
			p.do(append([]string{cmd, "k"}, args...)...)
			p.do(append([]string{cmd, "nosuch"}, args...)...)
			p.do("SET", "k", "v")
		}
	}
	p.do("expire", "k", "9223372036854775807")
	p.do("PExpire", "k", "9223372036854775807")
}

func TestExpireBasic(t *testing.T) {
	p := newPair(t)
	p.run(
		c("EXPIRE", "nosuch", "100"),
		c("PEXPIRE", "nosuch", "100"),
		c("EXPIREAT", "nosuch", "4000000000"),
		c("PEXPIREAT", "nosuch", "4000000000000"),
		c("TTL", "nosuch"),
		c("PTTL", "nosuch"),
		c("EXPIRETIME", "nosuch"),
		c("PEXPIRETIME", "nosuch"),
		c("PERSIST", "nosuch"),
		c("SET", "k", "v"),
		c("TTL", "k"),
		c("PTTL", "k"),
		c("EXPIRETIME", "k"),
		c("PEXPIRETIME", "k"),
		c("PERSIST", "k"),
		c("EXPIRE", "k", "100"),
		c("TTL", "k"),
	)
	p.approx(50, "PTTL", "k")
	p.approx(1, "EXPIRETIME", "k")
	p.approx(100, "PEXPIRETIME", "k")
	p.run(
		c("PEXPIRE", "k", "200000"),
		c("TTL", "k"),
		c("EXPIREAT", "k", "4000000000"),
		c("EXPIRETIME", "k"),
		c("PEXPIRETIME", "k"),
		c("PEXPIREAT", "k", "4000000000123"),
		c("PEXPIRETIME", "k"),
		c("EXPIRETIME", "k"),
		c("PEXPIREAT", "k", "4000000000500"),
		c("EXPIRETIME", "k"),
		c("PEXPIREAT", "k", "4000000000499"),
		c("EXPIRETIME", "k"),
		c("PERSIST", "k"),
		c("TTL", "k"),
		c("PERSIST", "k"),
		c("GET", "k"),
		// Huge but valid times.
		c("PEXPIREAT", "k", "9223372036854775807"),
		c("PEXPIRETIME", "k"),
		c("EXPIRETIME", "k"),
		c("EXPIREAT", "k", "9223372036854775"),
		c("PEXPIRETIME", "k"),
		c("EXPIRE", "k", "9223372036854"),
	)
	p.approx(1, "TTL", "k")
	p.approx(1000, "EXPIRETIME", "k")
	// Lower case and RESP3.
	p.run(c("expire", "k", "50"), c("ttl", "k"))
	p.resp3()
	p.run(c("TTL", "k"), c("TTL", "nosuch"), c("EXPIRE", "k", "10"), c("PERSIST", "k"))
}

func TestExpirePast(t *testing.T) {
	p := newPair(t)
	for _, args := range [][]string{
		{"EXPIRE", "k", "-1"},
		{"EXPIRE", "k", "0"},
		{"EXPIRE", "k", "-9223372036854775"},
		{"PEXPIRE", "k", "0"},
		{"PEXPIRE", "k", "-1"},
		{"PEXPIRE", "k", "-9223372036854775808"},
		{"EXPIREAT", "k", "0"},
		{"EXPIREAT", "k", "1"},
		{"EXPIREAT", "k", "-100"},
		{"PEXPIREAT", "k", "1"},
		{"PEXPIREAT", "k", "-9223372036854775808"},
		{"EXPIRE", "k", "-1", "XX"},
		{"EXPIRE", "k", "-1", "NX"},
		{"EXPIRE", "k", "-1", "LT"},
		{"EXPIRE", "k", "-1", "GT"},
	} {
		p.do("SET", "k", "v")
		p.do(args...)
		p.do("EXISTS", "k")
		p.do("TTL", "k")
	}
	// A volatile key: GT into the past fails, LT succeeds.
	p.run(
		c("SET", "k", "v", "EX", "1000"),
		c("EXPIREAT", "k", "1", "GT"),
		c("EXISTS", "k"),
		c("EXPIREAT", "k", "1", "LT"),
		c("EXISTS", "k"),
		c("SET", "k", "v", "EX", "1000"),
		c("PEXPIRE", "k", "-5", "XX"),
		c("EXISTS", "k"),
		c("DBSIZE"),
	)
}

func TestExpireConditions(t *testing.T) {
	p := newPair(t)
	p.run(
		// Persistent key.
		c("SET", "k", "v"),
		c("EXPIREAT", "k", "4000000000", "XX"),
		c("EXPIREAT", "k", "4000000000", "GT"),
		c("EXPIREAT", "k", "4000000000", "XX", "LT"),
		c("TTL", "k"),
		c("EXPIREAT", "k", "4000000000", "NX"),
		c("EXPIRETIME", "k"),
		c("EXPIREAT", "k", "4000000001", "NX"),
		c("EXPIREAT", "k", "4000000001", "NX", "NX"),
		c("EXPIRETIME", "k"),
		// Volatile key.
		c("EXPIREAT", "k", "4000000001", "XX"),
		c("EXPIRETIME", "k"),
		c("EXPIREAT", "k", "4000000001", "GT"),
		c("EXPIREAT", "k", "4000000000", "GT"),
		c("EXPIREAT", "k", "4000000002", "GT"),
		c("EXPIRETIME", "k"),
		c("EXPIREAT", "k", "4000000002", "LT"),
		c("EXPIREAT", "k", "4000000003", "LT"),
		c("EXPIREAT", "k", "4000000001", "LT"),
		c("EXPIRETIME", "k"),
		c("EXPIREAT", "k", "4000000005", "XX", "GT"),
		c("EXPIREAT", "k", "4000000004", "XX", "LT"),
		c("EXPIREAT", "k", "4000000004", "gt", "xx"),
		c("EXPIRETIME", "k"),
		c("PEXPIREAT", "k", "4000000004001", "GT"),
		c("PEXPIRETIME", "k"),
		c("PEXPIREAT", "k", "4000000004001", "LT"),
		c("PEXPIREAT", "k", "4000000004000", "Lt"),
		c("PEXPIRETIME", "k"),
		// LT on a persistent key always passes.
		c("PERSIST", "k"),
		c("EXPIREAT", "k", "4000000000", "LT"),
		c("EXPIRETIME", "k"),
		c("PERSIST", "k"),
		c("EXPIRE", "k", "100", "lt"),
		c("TTL", "k"),
		c("EXPIRE", "k", "200", "GT"),
		c("TTL", "k"),
		c("PEXPIRE", "k", "100000", "LT"),
		c("TTL", "k"),
		c("EXPIRE", "nosuch", "100", "NX"),
		c("EXPIRE", "nosuch", "100", "XX"),
	)
}

func TestExpireOverwrite(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "k", "v", "EX", "100"),
		c("SET", "k", "w"),
		c("TTL", "k"),
		c("SET", "k", "v", "EX", "100"),
		c("APPEND", "k", "x"),
		c("TTL", "k"),
		c("INCR", "n"),
		c("EXPIRE", "n", "100"),
		c("INCR", "n"),
		c("TTL", "n"),
		c("DEL", "k"),
		c("TTL", "k"),
	)
}

func TestExpireMultiDB(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "k", "0"),
		c("SELECT", "1"),
		c("SET", "k", "1"),
		c("EXPIRE", "k", "100"),
		c("TTL", "k"),
		c("SELECT", "0"),
		c("TTL", "k"),
		c("EXPIRE", "k", "-1"),
		c("SELECT", "1"),
		c("GET", "k"),
		c("SELECT", "0"),
		c("GET", "k"),
	)
}

// TestExpireReal waits for a short TTL to pass.
func TestExpireReal(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "a", "v"),
		c("PEXPIRE", "a", "100"),
		c("SET", "b", "v", "PX", "100"),
		c("SET", "c", "v"),
		c("PEXPIRE", "c", "100"),
		c("PERSIST", "c"),
		c("SET", "d", "v"),
		c("PEXPIRE", "d", "100"),
	)
	sleepMs(250)
	p.run(
		c("GET", "a"),
		c("TTL", "a"),
		c("PTTL", "b"),
		c("EXISTS", "b"),
		c("GET", "c"),
		c("TTL", "c"),
		c("PERSIST", "d"),
		c("EXPIRE", "d", "100"),
		c("KEYS", "*"),
		c("RANDOMKEY"),
	)
	p.doSortedDepth(2, "SCAN", "0")
}
