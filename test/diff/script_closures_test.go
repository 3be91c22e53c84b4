package diff

import "testing"

// Base-library functions implemented as Go closures keep their upvalues
// after sandboxing: ipairs returns its iterator from an upvalue (BullMQ's
// scripts iterate with ipairs; a lost upvalue made every call fail with
// "attempt to call global 'ipairs' (a nil value)").
func TestScriptClosureUpvalues(t *testing.T) {
	p := newPair(t)
	p.do("EVAL", "local t = {} for i, v in ipairs({'a', 'b', 'c'}) do t[#t+1] = i .. v end return t", "0")
	p.do("EVAL", "local f, s, i = ipairs({7}) return {type(f), type(s), i}", "0")
	p.do("EVAL", "local n = 0 for k, v in pairs({x = 1, y = 2}) do n = n + v end return n", "0")
	p.do("EVAL", "local co = coroutine.wrap(function(a) coroutine.yield(a + 1) end) return co(1)", "0")
	p.do("EVAL", "local r = {} for i, k in ipairs(KEYS) do r[i] = k .. ARGV[i] end return r", "2", "k1", "k2", "a", "b")
	p.do("FUNCTION", "LOAD", "REPLACE", "#!lua name=iplib\nredis.register_function('ipf', function(keys, args) local n = 0 for _, v in ipairs(args) do n = n + tonumber(v) end return n end)")
	p.do("FCALL", "ipf", "0", "1", "2", "3")
	p.do("FUNCTION", "DELETE", "iplib")
}
