package commands

import "testing"

// Script effects are propagated as the commands the script ran, wrapped in
// MULTI/EXEC when there are several; a script inside EXEC joins the
// transaction; scripts that only read propagate nothing.
func TestScriptPropagation(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	x.sink.take()
	x.expect(c, ":1\r\n", "EVAL", "return redis.call('incr', KEYS[1])", "1", "n")
	if got := x.sink.take(); len(got) != 1 || got[0] != "incr n" {
		t.Fatalf("single write propagated %q", got)
	}
	x.expect(c, "+OK\r\n", "EVAL", "redis.call('set', 'a', '1') redis.call('get', 'a') return redis.call('set', 'b', '2')", "0")
	if got := x.sink.take(); len(got) != 1 || got[0] != "MULTI | set a 1 | set b 2 | EXEC" {
		t.Fatalf("script propagated %q", got)
	}
	x.expect(c, "$1\r\n1\r\n", "EVAL", "return redis.call('get', 'a')", "0")
	if got := x.sink.take(); len(got) != 0 {
		t.Fatalf("read-only script propagated %q", got)
	}
	x.expect(c, "$-1\r\n", "EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'c', '3')", "0")
	if got := x.sink.take(); len(got) != 0 {
		t.Fatalf("REPL_NONE script propagated %q", got)
	}
	sha := "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
	x.expect(c, "$40\r\n"+sha+"\r\n", "SCRIPT", "LOAD", "return 1")
	cnRun(x.e, c, "MULTI")
	cnRun(x.e, c, "EVAL", "redis.call('set', 'm1', 'x') redis.call('set', 'm2', 'y') return 1", "0")
	cnRun(x.e, c, "SET", "m3", "z")
	cnRun(x.e, c, "EVALSHA", sha, "0")
	x.expect(c, "*3\r\n:1\r\n+OK\r\n:1\r\n", "EXEC")
	if got := x.sink.take(); len(got) != 1 || got[0] != "MULTI | set m1 x | set m2 y | SET m3 z | EXEC" {
		t.Fatalf("EXEC with scripts propagated %q", got)
	}
	// FCALL propagates the same way.
	cnRun(x.e, c, "FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', function(k) redis.call('set', k[1], '5') return redis.call('incr', k[1]) end)")
	x.sink.take()
	x.expect(c, ":6\r\n", "FCALL", "f", "1", "fk")
	if got := x.sink.take(); len(got) != 1 || got[0] != "MULTI | set fk 5 | incr fk | EXEC" {
		t.Fatalf("FCALL propagated %q", got)
	}
}
