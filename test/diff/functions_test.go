package diff

import "testing"

const libF1 = "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)"

func TestFunctionLoadAndCall(t *testing.T) {
	p := newPair(t)
	p.do("FUNCTION", "FLUSH")
	p.do("FUNCTION", "LOAD", libF1)
	p.do("FCALL", "f1", "1", "k", "a")
	p.do("FCALL_RO", "f1", "1", "k", "a")
	p.do("FCALL", "F1", "0")
	p.do("FCALL", "nosuch", "0")
	p.do("FCALL", "f1", "x")
	p.do("FCALL", "f1", "-1")
	p.do("FCALL", "f1", "5")
	p.do("FCALL", "f1")
	for _, code := range []string{
		libF1,
		"#!lua name=lib10\nredis.register_function('f1', function() return 1 end)",
		"#!lua name=lib10",
		"#!lua name=lib10\n",
		"#!lua name=lib10\nredis.register_function('f-1', function() return 1 end)",
		"#!lua\nredis.register_function('f10', function() return 1 end)",
		"#!lua name=a name=b\nx",
		"#!lua name=a foo=b\nx",
		"#!js name=a\nx",
		"lua name=a\nx",
		"#!lua name=a",
		"#!lua name=a-b\nx",
		"#!lua name=\"quoted\"\nredis.register_function('fq', function() return 'q' end)",
		"#!lua name=lib2\nlocal x = string.format('%d', 1)\nredis.register_function('f2', function(keys, args) return x end)",
		"#!lua name=lib3\nredis.call('ping')",
		"#!lua name=lib5\nfoo = 1",
		"#!lua name=lib6\nreturn bar",
		"#!lua name=lib7\nlocal t = {} for k,v in pairs(redis) do end",
		"#!lua name=lib8\nredis.register_function()",
		"#!lua name=lib8\nredis.register_function('a')",
		"#!lua name=lib8\nredis.register_function(1, 2)",
		"#!lua name=lib8\nredis.register_function('x', 'y')",
		"#!lua name=lib8\nredis.register_function('x')",
		"#!lua name=lib8\nredis.register_function({function_name='x'})",
		"#!lua name=lib8\nredis.register_function({callback=function() end})",
		"#!lua name=lib8\nredis.register_function({function_name='x', callback=function() end, flags={'bad'}})",
		"#!lua name=lib8\nredis.register_function({function_name='x', callback=function() end, flags='no-writes'})",
		"#!lua name=lib8\nredis.register_function({function_name='x', callback='y'})",
		"#!lua name=lib8\nredis.register_function({function_name={}, callback=function() end})",
		"#!lua name=lib8\nredis.register_function({function_name='x', callback=function() end, extra=1})",
		"#!lua name=lib8\nredis.register_function('x', function() end) redis.register_function('x', function() end)",
		"#!lua name=lib8\nreturn )",
		"#!lua name=lib8\nerror('load failed')",
		"#!lua name=lib8\nerror({err='MYERR load'})",
		"#!lua name=lib9\nredis.register_function{function_name='f9', callback=function() return 1 end, flags={'no-writes'}, description='desc'}",
		"#!lua name=lib11\nredis.register_function('f11', function() error('boom') end)\nredis.register_function('f12', function(keys, args) return redis.call('set', keys[1], args[1]) end)\nredis.register_function{function_name='f13', callback=function(keys) return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}\nredis.register_function('f14', function() return redis.register_function('x', function() end) end)\nredis.register_function('f15', function() local t = {} for k,v in pairs(redis) do table.insert(t,k) end table.sort(t) return t end)\nredis.register_function('f16', function() return {KEYS, ARGV} end)",
	} {
		p.do("FUNCTION", "LOAD", code)
	}
	p.do("FCALL", "f2", "0")
	p.do("FCALL", "fq", "0")
	p.do("FCALL", "f9", "0")
	p.do("FCALL", "f11", "0")
	p.do("FCALL", "f12", "1", "fk", "fv")
	p.do("GET", "fk")
	p.do("FCALL_RO", "f12", "1", "fk", "fv")
	p.do("FCALL", "f13", "1", "fk")
	p.do("FCALL_RO", "f9", "0")
	p.do("FCALL", "f14", "0")
	p.do("FCALL", "f15", "0")
	p.do("FCALL", "f16", "0")
	p.do("FUNCTION", "LOAD", "foo", libF1)
	p.do("FUNCTION", "LOAD", "replace")
	p.do("FUNCTION", "LOAD", "REPLACE", "#!lua name=lib9\nredis.register_function('f9', function() return 2 end)")
	p.do("FCALL", "f9", "0")
	p.do("FUNCTION", "LOAD", "REPLACE", "#!lua name=lib9\nredis.register_function('f1', function() return 2 end)")
	p.do("FCALL", "f9", "0")
	p.doSortedDepth(5, "FUNCTION", "LIST")
	p.do("FUNCTION", "LIST", "LIBRARYNAME", "lib9")
	p.do("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib9")
	p.do("FUNCTION", "LIST", "libraryname", "LIB1", "withcode")
	p.do("FUNCTION", "LIST", "LIBRARYNAME", "nomatch*")
	p.do("FUNCTION", "LIST", "LIBRARYNAME")
	p.do("FUNCTION", "LIST", "WITHCODE", "WITHCODE")
	p.do("FUNCTION", "LIST", "bad")
	p.do("FUNCTION", "STATS")
	p.do("FUNCTION", "DELETE", "nosuch")
	p.do("FUNCTION", "DELETE", "lib1")
	p.do("FCALL", "f1", "0")
	p.do("FUNCTION", "DELETE")
	p.do("FUNCTION", "KILL")
	p.do("FUNCTION", "HELP")
	p.do("FUNCTION", "NOSUCH")
	p.do("FUNCTION", "FLUSH", "bad")
	p.do("FUNCTION", "FLUSH", "SYNC", "x")
	p.do("FUNCTION", "FLUSH", "ASYNC")
	p.do("FUNCTION", "LIST")
	p.do("FUNCTION", "STATS")
	p.resp3()
	p.do("FUNCTION", "LOAD", "#!lua name=lib9\nredis.register_function{function_name='f9', callback=function() return {double=1.5} end, flags={'no-writes', 'allow-oom'}, description='desc'}")
	p.do("FUNCTION", "LIST")
	p.do("FUNCTION", "STATS")
	p.do("FCALL", "f9", "0")
	p.do("FUNCTION", "FLUSH")
}

func TestFunctionDumpRestore(t *testing.T) {
	p := newPair(t)
	p.do("FUNCTION", "FLUSH")
	p.do("FUNCTION", "DUMP")
	p.do("FUNCTION", "LOAD", "#!lua name=lib4\nredis.register_function('f4', function(keys, args) return redis.register_function('x', function() end) end)")
	dump := p.do("FUNCTION", "DUMP")
	p.do("FUNCTION", "FLUSH")
	p.do("FUNCTION", "LOAD", "#!lua name=short\nredis.register_function('s', function() return 1 end)")
	short := p.do("FUNCTION", "DUMP")
	p.do("FUNCTION", "RESTORE", dump.Str)
	p.do("FCALL", "f4", "0")
	p.do("FUNCTION", "RESTORE", dump.Str)
	p.do("FUNCTION", "RESTORE", dump.Str, "APPEND")
	p.do("FUNCTION", "RESTORE", dump.Str, "REPLACE")
	p.do("FUNCTION", "RESTORE", short.Str, "FLUSH")
	p.do("FUNCTION", "LIST")
	p.do("FUNCTION", "RESTORE", "xx")
	p.do("FUNCTION", "RESTORE", "xx", "bad")
	p.do("FUNCTION", "RESTORE", dump.Str, "FLUSH", "x")
	p.do("FUNCTION", "RESTORE", dump.Str[:len(dump.Str)-1]+"x")
	p.do("FUNCTION", "RESTORE")
	p.do("FUNCTION", "FLUSH")
	p.do("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f4', function() return 1 end)")
	p.do("FUNCTION", "RESTORE", dump.Str)
	p.do("FUNCTION", "RESTORE", dump.Str, "REPLACE")
	p.do("FUNCTION", "FLUSH")
}
