package diff

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

// eval sends EVAL script numkeys args... to both servers.
func (p *pair) eval(script string, numkeys string, args ...string) {
	p.t.Helper()
	p.do(append([]string{"EVAL", script, numkeys}, args...)...)
}

func TestScriptReturnConversions(t *testing.T) {
	p := newPair(t)
	for _, s := range []string{
		"return 1",
		"return -1",
		"return 3.99",
		"return -3.99",
		"return 0.5",
		"return 1e20",
		"return 2^63",
		"return -2^63",
		"return 0/0",
		"return 1/0",
		"return 'hello'",
		"return ''",
		"return true",
		"return false",
		"return nil",
		"return {}",
		"return {1,2,3}",
		"return {1,'two',3.7,{4,{5}}}",
		"return {1,nil,3}",
		"return {1,false,3}",
		"return {1,true,3}",
		"return {ok='fine'}",
		"return {ok='a\\r\\nb'}",
		"return {err='bad thing'}",
		"return {err='MYERR custom'}",
		"return {err=''}",
		"return {{err='nested'}, {ok='ok'}}",
		"return {double=3.5}",
		"return {double=0.1}",
		"return {double=1/0}",
		"return {big_number='1234567890123456789012345'}",
		"return {big_number='1\\r\\n2'}",
		"return {verbatim_string={format='txt', string='hello'}}",
		"return {map={a=1}}",
		"return {map={}}",
		"return {set={x=true}}",
		"return {set={}}",
		"return {ok=1}",
		"return {err=1}",
		"return {1, x=2}",
		"return {a=1}",
		"return function() end",
		"return redis.status_reply('PONG')",
		"return redis.error_reply('ERR my error')",
		"return redis.error_reply('my error')",
		"return redis.error_reply('-MY error')",
		"return redis.error_reply(1)",
		"return redis.status_reply(1)",
		"return redis.status_reply()",
		"return redis.sha1hex('')",
		"return redis.sha1hex('hello')",
		"return redis.sha1hex(123)",
	} {
		p.eval(s, "0")
	}
	p.resp3()
	for _, s := range []string{
		"return true",
		"return false",
		"return nil",
		"return {double=3.5}",
		"return {double=-0.25}",
		"return {big_number='123'}",
		"return {verbatim_string={format='txt', string='hi'}}",
		"return {map={a=1}}",
		"return {map={a={1,2}}}",
		"return {set={a=true}}",
		"return {1,{2,{3}}}",
		"redis.setresp(3) return true",
		"redis.setresp(3) return false",
		"redis.setresp(3) return {true,false}",
		"return {err='x'}",
	} {
		p.eval(s, "0")
	}
}

func TestScriptCallConversions(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SET", "str", "value"),
		c("RPUSH", "list", "a", "b", "c"),
		c("HSET", "hash", "f", "v"),
		c("SADD", "set", "m"),
		c("ZADD", "zset", "1.5", "a"),
	)
	for _, s := range []string{
		"return redis.call('get', 'str')",
		"return redis.call('get', 'nokey')",
		"return type(redis.call('get', 'nokey'))",
		"return tostring(redis.call('get', 'nokey'))",
		"return redis.call('set', 'x', 'y')",
		"return redis.call('set', 'x', 'y')['ok']",
		"return redis.call('lrange', 'list', 0, -1)",
		"return redis.call('hgetall', 'hash')",
		"return redis.call('smembers', 'set')",
		"return redis.call('zrange', 'zset', 0, -1, 'WITHSCORES')",
		"return redis.call('zscore', 'zset', 'a')",
		"return redis.call('incr', 'counter')",
		"return redis.call('exists', 'str', 'nokey')",
		"return redis.call('type', 'list')",
		"return redis.call('type', 'list').ok",
		"return redis.call('set', 'n', 12.5)",
		"return redis.call('get', 'n')",
		"return redis.call('set', 'n', 1e20)",
		"return redis.call('get', 'n')",
		"return redis.call('set', 'n', 0.1)",
		"return redis.call('get', 'n')",
		"return redis.pcall('incr', 'str')",
		"local r = redis.pcall('incr', 'str') return {r.err, tostring(r.ignore_error_stats_update)}",
		"local r = redis.pcall('lpush', 'str', 'x') return r['err']",
		"return redis.call('incr', 'str')",
		"return redis.call('lpush', 'str', 'x')",
		"return redis.call('GET', 'str')",
	} {
		p.eval(s, "0")
	}
	p.eval("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "k1", "k2", "a1", "a2")
	p.eval("return redis.call('get', KEYS[1])", "1", "str")
	p.eval("return ARGV", "0", "x", "y", "z")
	p.eval("KEYS[1] = 'changed' return KEYS[1]", "1", "k")
	// RESP3 replies seen by the script
	for _, s := range []string{
		"redis.setresp(3) return redis.call('hgetall', 'hash')",
		"redis.setresp(3) local r = redis.call('hgetall', 'hash') return r.map.f",
		"redis.setresp(3) return redis.call('zscore', 'zset', 'a')",
		"redis.setresp(3) local r = redis.call('zscore', 'zset', 'a') return tostring(r.double)",
		"redis.setresp(3) return redis.call('smembers', 'set')",
		"redis.setresp(3) local r = redis.call('smembers', 'set') return tostring(r.set.m)",
		"redis.setresp(3) return redis.call('get', 'nokey')",
		"redis.setresp(3) return type(redis.call('get', 'nokey'))",
		"redis.setresp(2) return redis.call('hgetall', 'hash')",
	} {
		p.eval(s, "0")
	}
	p.resp3()
	p.eval("redis.setresp(3) return redis.call('hgetall', 'hash')", "0")
	p.eval("redis.setresp(3) return redis.call('zscore', 'zset', 'a')", "0")
	p.eval("return redis.call('hgetall', 'hash')", "0")
}

func TestScriptErrors(t *testing.T) {
	p := newPair(t)
	p.do("SET", "s", "x")
	for _, s := range []string{
		"return foo",
		"x = 1",
		"_G.x = 1",
		"string.x = 1",
		"redis.x = 1",
		"rawset(_G, 'x', 1)",
		"return undefinedfunc()",
		"return print",
		"return os",
		"return io",
		"return require",
		"return loadfile",
		"return dofile",
		"return debug",
		"return setfenv",
		"return getfenv",
		"return newproxy",
		"return module",
		"error('boom')",
		"error('boom', 0)",
		"error('boom', 2)",
		"error({err='MY boom'})",
		"error(nil)",
		"error(123)",
		"local function f() error('deep') end\nf()",
		"\n\nerror('line3')",
		"error('100% done %d %s')",
		"assert(false, '50% %s')",
		"assert(false)",
		"return coroutine.resume(coroutine.create(function() error('in %s coroutine') end))",
		"return string.rep('x', -1, 'y%')",
		"return redis.call('nosuch')",
		"return redis.call('get')",
		"return redis.call()",
		"return redis.pcall()",
		"return redis.call('set', 'a', {})",
		"return redis.pcall('set', 'a', {})",
		"return redis.pcall('nosuch')",
		"return redis.call('incr', 's')",
		"return redis.call('eval', 'return 1', 0)",
		"return redis.call('multi')",
		"return redis.call('config', 'nosuch')",
		"return redis.call('config')",
		"local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), type(e), e}",
		"local ok, e = pcall(error, {err='x'}) return {tostring(ok), type(e), e}",
		"local ok, e = pcall(error, 'x') return {tostring(ok), e}",
		"local ok, e = pcall(error) return {tostring(ok), tostring(e)}",
		"local ok, e = pcall(function() local t = nil; return t.x end) return {tostring(ok), e}",
		"local t = nil; return t.x",
		"local a = {} ; a.b()",
		"return 1 + nil",
		"return string.rep()",
		"redis.setresp(4)",
		"redis.setresp()",
		"return redis.sha1hex()",
		"return redis.log(1)",
		"return redis.log('x', 1)",
		"return redis.log(9, 1)",
		"return redis.log(redis.LOG_DEBUG, 'quiet')",
		"return redis.set_repl(99)",
		"return redis.set_repl()",
		"return redis.set_repl(redis.REPL_ALL)",
		"return redis.replicate_commands()",
		"return redis.breakpoint()",
		"return redis.debug('x')",
		"return )",
		"return 'unfinished",
		"local x = = 2",
		"return math.random(0)",
		"return cjson.decode('x')",
		"return cjson.decode('[1,2')",
		"return cjson.decode('{\"a\":1,}')",
		"return cjson.encode(function() end)",
		"return cjson.encode({1/0})",
		"return cjson.encode({[1]=1,[20]=5})",
		"return cjson.encode({[true]=1})",
		"return cmsgpack.pack()",
		"return cmsgpack.unpack('\\145')",
		"return struct.pack('z', 1)",
		"return struct.unpack('>I2', '\\1')",
		"return bit.band()",
		// Read-only globals and libraries (Redis 7's readonly tables).
		"string.x = nil",
		"redis.call = nil",
		"cjson.encode = 1",
		"_G.redis = redis",
		"_G['KEYS'] = {}",
		"table.insert(string, 1)",
		"table.insert(_G, 1)",
		"table.remove(string)",
		"table.sort(string)",
		"setmetatable(string, {})",
		"setmetatable(_G, {})",
		"rawset(redis, 'x', 1)",
		"return getmetatable(string) == nil",
		"return #string",
		"table.insert(KEYS, 'k') table.insert(ARGV, 'a') return {#KEYS, #ARGV}",
		"KEYS[1] = 'changed' return KEYS[1]",
		"return rawequal(_G, _G._G)",
		"return rawget(_G, 'nosuch') == nil",
		"return type(rawget(string, 'format'))",
		"local n = 0 for k in pairs(redis) do n = n + 1 end return n > 5",
		"local n = 0 for k in pairs(_G) do n = n + 1 end return n > 20",
		"local s = {} setmetatable(s, {__index = string}) return s.upper('x')",
	} {
		p.eval(s, "0")
	}
	p.do("EVAL", "return 1", "-1")
	p.do("EVAL", "return 1", "2", "a")
	p.do("EVAL", "return 1", "x")
	p.do("EVAL")
	p.do("EVAL", "return 1")
	p.do("EVALSHA", "abc", "0")
	p.do("EVALSHA", "0000000000000000000000000000000000000000", "0")
	p.do("EVALSHA", "0000000000000000000000000000000000000000", "x")
	p.do("EVALSHA", "abc", "x")
}

func TestScriptShebangAndReadOnly(t *testing.T) {
	p := newPair(t)
	for _, s := range []string{
		"#!lua\nreturn 1",
		"#!lua flags=no-writes\nreturn redis.call('set','a','b')",
		"#!lua flags=no-writes\nreturn redis.call('get','a')",
		"#!lua flags=bad\nreturn 1",
		"#!lua foo=bar\nreturn 1",
		"#!py\nreturn 1",
		"#!\nreturn 1",
		"#!lua  flags=no-writes,allow-oom\nreturn 1",
		"#!lua flags=\nreturn 1",
		"#!lua name=x\nreturn 1",
		"#!lua flags=allow-stale,no-cluster\nreturn 1",
		"#!lua flags=allow-cross-slot-keys\nreturn 1",
		"#!lua",
		"#!lua\nreturn redis.call('incr','shebang')",
	} {
		p.eval(s, "0")
	}
	p.do("EVAL_RO", "return redis.call('set','a','b')", "0")
	p.do("EVAL_RO", "return redis.call('get','a')", "0")
	p.do("EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0")
	p.do("EVAL_RO", "#!lua\nreturn redis.call('get','a')", "0")
	p.do("EVAL_RO", "return redis.pcall('del','a')", "0")
	sha := p.do("SCRIPT", "LOAD", "return redis.call('set','ro','1')").Str
	p.do("EVALSHA_RO", sha, "0")
	p.do("EVALSHA", sha, "0")
	p.do("GET", "ro")
}

func TestScriptCommands(t *testing.T) {
	p := newPair(t)
	p.do("SCRIPT", "FLUSH")
	sha := p.do("SCRIPT", "LOAD", "return ARGV[1]").Str
	p.do("SCRIPT", "EXISTS", sha, strings.ToUpper(sha), "0000000000000000000000000000000000000000")
	p.do("EVALSHA", sha, "0", "hello")
	p.do("EVALSHA", strings.ToUpper(sha), "0", "upper")
	p.do("SCRIPT", "LOAD", "return )")
	p.do("SCRIPT", "LOAD", "#!lua flags=bad\nreturn 1")
	p.do("SCRIPT", "LOAD")
	p.do("SCRIPT", "LOAD", "a", "b")
	p.do("SCRIPT", "EXISTS")
	p.do("SCRIPT", "FLUSH", "SYNC")
	p.do("SCRIPT", "EXISTS", sha)
	p.do("EVALSHA", sha, "0")
	p.do("SCRIPT", "FLUSH", "ASYNC")
	p.do("SCRIPT", "FLUSH", "bad")
	p.do("SCRIPT", "FLUSH", "SYNC", "x")
	p.do("SCRIPT", "KILL")
	p.do("SCRIPT", "KILL", "x")
	p.do("SCRIPT", "HELP")
	p.do("SCRIPT", "NOSUCH")
	p.do("SCRIPT")
	p.do("SCRIPT", "DEBUG", "maybe")
	p.do("SCRIPT", "DEBUG", "no")
	// EVAL caches the script
	p.do("EVAL", "return 'cached'", "0")
	p.do("SCRIPT", "EXISTS", "8a5b5e3d8c9e2c7a34b1a6a2d8d9e2a0b6a3e1f0")
	p.do("EVALSHA", sha1hexTest("return 'cached'"), "0")
}

func TestScriptSandboxAndLibs(t *testing.T) {
	p := newPair(t)
	for _, s := range []string{
		"return _VERSION",
		"return redis.REDIS_VERSION_NUM > 0",
		"return type(redis.REDIS_VERSION)",
		"local t = {} for k,v in pairs(_G) do table.insert(t,k) end table.sort(t) return t",
		"local t = {} for k,v in pairs(redis) do table.insert(t,k) end table.sort(t) return t",
		"return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL, redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}",
		"return rawget(_G, 'redis') ~= nil",
		"return type(string.format)",
		"return string.format('%d-%s', 3, 'x')",
		"return tostring(1e15) .. ' ' .. tostring(0.1) .. ' ' .. tostring(2^53) .. ' ' .. tostring(1/3)",
		"return tostring(-0) .. tostring(100)",
		"return tonumber('0x10')",
		"return string.rep('ab', 3)",
		"return table.concat({1,2,3}, ',')",
		"return select('#', 1, 2, 3)",
		"return {unpack({1,2,3})}",
		"return type(coroutine.create(function() end))",
		"return loadstring('return 7')()",
		"local ok, e = pcall(loadstring('x = 1')) return e",
		"math.randomseed(7) return {math.random(100), math.random(1, 5), math.floor(math.random() * 1000)}",
		"return math.random(10)",
		"return math.random(5, 7)",
		// cjson
		"return cjson.encode({1,2,'a',{x=1}})",
		"return cjson.encode({a=1.5})",
		"return cjson.encode({b=0.1})",
		"return cjson.encode({c=1e100})",
		"return cjson.encode({d=-0})",
		"return cjson.encode({[1]=1,[3]=3})",
		"return cjson.encode({[1]=1,[2]=2,[4]=4})",
		"return cjson.encode({})",
		"return cjson.encode('a\"b\\\\c/\\1\\127')",
		"return cjson.encode(1/3)",
		"return cjson.encode(123456789012345678)",
		"return cjson.encode({true,false,cjson.null})",
		"return cjson.encode(nil)",
		"return cjson.encode({[1.5]=1})",
		"return cjson.encode({a={b={}}})",
		"return cjson.decode('[1,2,null,{\"a\":true}]')[3] == cjson.null",
		"return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":null}]}'))",
		"return cjson.decode('{\"a\":\"\\\\u00e9\\\\n\\\\t\"}').a",
		"return cjson.decode('\"\\\\ud83d\\\\ude00\"')",
		"return cjson.decode('  [ 1 , 2 ]  ')",
		"return cjson.decode('1e2')",
		"return cjson.decode('-0.5') * 10",
		"return cjson.decode('true')",
		"return type(cjson.decode('null'))",
		"return cjson.decode('nan') ~= cjson.decode('nan')",
		"return type(cjson.decode('0x10'))",
		"return cjson.decode('[1,2] x')",
		"return cjson.decode('\"abc')",
		"return cjson.decode('\"\\\\q\"')",
		"return cjson.decode('')",
		"return cjson.decode('[')",
		"return cjson.decode('{\"a\" 1}')",
		"return {cjson.encode_keep_buffer(), cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision()}",
		"return {cjson._NAME, cjson._VERSION}",
		// cmsgpack
		"return cmsgpack.pack({1,2,3})",
		"return cmsgpack.pack({a=1})",
		"return cmsgpack.pack(1.5, -1, 300, -300, 70000, 2^40, 'x', true, false, nil)",
		"return cmsgpack.pack(-2^40, 2^64, -33, -129, -32769, 128, 65536, 0.1)",
		"return cmsgpack.pack(string.rep('x', 40), string.rep('y', 300))",
		"return cmsgpack.pack({})",
		"return cmsgpack.pack({{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}})",
		"return {cmsgpack.unpack(cmsgpack.pack(1,'a',{1,2}))}",
		"return cmsgpack.unpack(cmsgpack.pack({a={b={1,2,'c'}}})).a.b[3]",
		"return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}",
		"return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}",
		"return {cmsgpack.unpack('\\204\\200\\205\\1\\0\\210\\255\\255\\255\\255')}",
		"return {cmsgpack._NAME, cmsgpack._VERSION}",
		// bit
		"return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4)}",
		"return {bit.tohex(255), bit.tohex(-1, -4), bit.tohex(0x1234, 2), bit.tobit(2^32 + 5), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)}",
		"return bit.tobit(1.5) .. ' ' .. bit.tobit(2.5)",
		// struct
		"return struct.pack('>I2', 258)",
		"return struct.pack('<i4', -2)",
		"return struct.pack('>bBhHlL', -1, 255, -2, 65535, -3, 4)",
		"return struct.pack('s', 'abc')",
		"return struct.pack('c5', 'hello world')",
		"return struct.pack('>d', 1.5)",
		"return struct.pack('<f', 0.5)",
		"return struct.pack('!4 b i', 1, 2)",
		"return {struct.unpack('>I2', '\\1\\2')}",
		"return {struct.unpack('<i2', '\\254\\255')}",
		"return {struct.unpack('s', 'ab\\0cd')}",
		"return {struct.unpack('b c0', '\\3abc')}",
		"return {struct.unpack('>I2', '\\0\\1\\0\\2', 3)}",
		"return struct.size('>iI2')",
		"return struct.size('!8 b d')",
		"return struct.size('s')",
		"return {struct.unpack('>d', struct.pack('>d', 3.25))}",
	} {
		p.eval(s, "0")
	}
}

func TestScriptWritesAndMulti(t *testing.T) {
	p := newPair(t)
	// a script touching a key it did not declare
	p.do("SET", "undeclared", "42")
	p.eval("return redis.call('get', 'undecl' .. 'ared')", "0")
	p.eval("redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', 'other') return redis.call('get', KEYS[1])", "1", "k", "v")
	p.do("GET", "other")
	p.eval("redis.call('select', 1) redis.call('set', 'in1', 'x') return redis.call('get', 'in1')", "0")
	p.do("GET", "in1")
	p.do("SELECT", "1")
	p.do("GET", "in1")
	p.do("SELECT", "0")
	// EVALSHA inside MULTI (BullMQ)
	sha := p.do("SCRIPT", "LOAD", "return redis.call('incrby', KEYS[1], ARGV[1])").Str
	p.do("MULTI")
	p.do("EVALSHA", sha, "1", "cnt", "5")
	p.do("EVAL", "return redis.call('get', KEYS[1])", "1", "cnt")
	p.do("EVALSHA", "0000000000000000000000000000000000000000", "0")
	p.do("EVAL", "return redis.call('nosuch')", "0")
	p.do("EXEC")
	p.do("GET", "cnt")
	// error inside a script after a write: the write stays
	p.eval("redis.call('set', 'partial', '1') error('stop')", "0")
	p.do("GET", "partial")
	// WATCH sees script writes
	q := p.another()
	p.do("WATCH", "w")
	q.eval("return redis.call('set', 'w', '1')", "0")
	p.do("MULTI")
	p.do("GET", "w")
	p.do("EXEC")
}

// KEYS and ARGV are fresh in every run, whatever the previous run did to
// them (Redwing reuses the tables of untouched runs).
func TestScriptKeysArgvFreshEachRun(t *testing.T) {
	p := newPair(t)
	count := "return {#KEYS, #ARGV, tostring(KEYS[3]), tostring(ARGV[2]), tostring(KEYS.x), tostring(getmetatable(KEYS))}"
	sha := p.do("SCRIPT", "LOAD", count).Str
	for _, s := range []string{
		"KEYS[3] = 'extra' return #KEYS",
		"ARGV[2] = 'extra' return #ARGV",
		"KEYS.x = 1 return 1",
		"setmetatable(KEYS, {__index = function() return 'meta' end}) return KEYS[9]",
		"table.remove(KEYS, 1) return #KEYS",
		"KEYS[1] = nil return #KEYS",
		"ARGV[1] = 'changed' return ARGV[1]",
	} {
		p.eval(s, "2", "k1", "k2", "a1")
		p.do("EVALSHA", sha, "2", "k1", "k2", "a1")
		p.do("EVALSHA", sha, "1", "k1")
		p.do("EVALSHA", sha, "3", "k1", "k2", "k3", "a1", "a2")
	}
}

func TestScriptBullMQLike(t *testing.T) {
	p := newPair(t)
	add := `
local jobId = redis.call("INCR", KEYS[1])
local opts = cmsgpack.unpack(ARGV[2])
local data = cjson.decode(ARGV[1])
local key = KEYS[2] .. jobId
redis.call("HSET", key, "name", data.name, "data", ARGV[1], "opts", cjson.encode(opts), "timestamp", opts.timestamp, "attempts", opts.attempts or 0)
if opts.delay and opts.delay > 0 then
  redis.call("ZADD", KEYS[4], opts.timestamp + opts.delay, jobId)
else
  redis.call("LPUSH", KEYS[3], jobId)
end
redis.call("RPUSH", KEYS[5], "added:" .. jobId)
return jobId .. ""
`
	packed := `return cmsgpack.pack({attempts=3, delay=0, timestamp=1700000000000, backoff={type='exponential', delay=1000}, nested={a={b={c={1,2,3}}}}})`
	// Map key order of cmsgpack.pack follows the Lua table's iteration
	// order, which differs between the VMs: pack once, send the same bytes.
	a, err := p.rw.Do("EVAL", packed, "0")
	if err != nil {
		t.Fatal(err)
	}
	opts := a.Str
	p.eval("return cmsgpack.pack({timestamp=1700000000000})", "0")
	p.eval("return cmsgpack.pack({nested={a={b={c={1,2,3}}}}})", "0")
	p.do("EVAL", "local o = cmsgpack.unpack(ARGV[1]) return {o.attempts, o.delay, o.timestamp, o.backoff.type, o.backoff.delay, o.nested.a.b.c[3]}", "0", opts)
	for i := 0; i < 3; i++ {
		p.do("EVAL", add, "5", "q:id", "q:job:", "q:wait", "q:delayed", "q:events", `{"name":"job","x":[1,2,{"y":null}]}`, opts)
	}
	p.do("LRANGE", "q:wait", "0", "-1")
	p.do("HGET", "q:job:1", "name")
	p.do("HGET", "q:job:1", "timestamp")
	p.do("HGET", "q:job:2", "attempts")
	p.do("LRANGE", "q:events", "0", "-1")
	move := `
local jobId = redis.call("RPOPLPUSH", KEYS[1], KEYS[2])
if jobId then
  redis.call("HSET", KEYS[3] .. jobId, "processedOn", ARGV[1])
  local rawData = redis.call("HGETALL", KEYS[3] .. jobId)
  return {jobId, #rawData}
end
return nil
`
	p.do("EVAL", move, "3", "q:wait", "q:active", "q:job:", "1700000000001")
	p.do("LRANGE", "q:active", "0", "-1")
	p.do("EVAL", "return cjson.decode(redis.call('HGET', KEYS[1], 'opts')).backoff.type", "1", "q:job:1")
}

func TestScriptBusyAndKill(t *testing.T) {
	p := newPair(t)
	q := p.another()
	p.do("CONFIG", "SET", "busy-reply-threshold", "100")
	defer p.do("CONFIG", "SET", "busy-reply-threshold", "5000")
	for _, tc := range []struct {
		script string
		kill   []string
	}{
		{"local i = 0 while true do i = i + 1 end", []string{"SCRIPT", "KILL"}},
		{"while true do pcall(function() while true do end end) end", []string{"SCRIPT", "KILL"}},
	} {
		if err := p.rw.Send(encodeCmd("EVAL", tc.script, "0")); err != nil {
			t.Fatal(err)
		}
		if err := p.rd.Send(encodeCmd("EVAL", tc.script, "0")); err != nil {
			t.Fatal(err)
		}
		waitBusy(t, q) // past busy-reply-threshold on both (no fixed sleep: loaded machines)
		q.do("PING")
		q.do("GET", "x")
		q.do("FUNCTION", "STATS")
		q.do("FUNCTION", "KILL")
		q.do(tc.kill...)
		a, errA := p.rw.ReadTimeout(2 * time.Second)
		b, errB := p.rd.ReadTimeout(2 * time.Second)
		if errA != nil || errB != nil || string(a.Raw) != string(b.Raw) {
			t.Errorf("killed script reply\n redwing: %s (%v)\n   redis: %s (%v)", a, errA, b, errB)
		}
		q.do("PING")
	}
	// a script that wrote cannot be killed
	p.do("FUNCTION", "FLUSH")
	p.do("FUNCTION", "LOAD", "#!lua name=busy\nredis.register_function('spin', function(keys, args) local t = redis.call('time') local s = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) while true do local n = redis.call('time') if tonumber(n[1]) * 1000 + math.floor(tonumber(n[2]) / 1000) - s > tonumber(args[1]) then break end end if args[2] then redis.call('set', 'busyw', '1') end return 'done' end)")
	if err := p.rw.Send(encodeCmd("FCALL", "spin", "0", "1500")); err != nil {
		t.Fatal(err)
	}
	if err := p.rd.Send(encodeCmd("FCALL", "spin", "0", "1500")); err != nil {
		t.Fatal(err)
	}
	waitBusy(t, q)
	q.do("PING")
	q.do("SCRIPT", "KILL")
	q.doType("FUNCTION", "STATS")
	a, errA := p.rw.ReadTimeout(4 * time.Second)
	b, errB := p.rd.ReadTimeout(4 * time.Second)
	if errA != nil || errB != nil || string(a.Raw) != string(b.Raw) {
		t.Errorf("fcall reply\n redwing: %s (%v)\n   redis: %s (%v)", a, errA, b, errB)
	}
	q.do("FUNCTION", "KILL")
	p.do("FUNCTION", "FLUSH")
}

// waitBusy polls both servers of q with PING until each answers -BUSY
// (a script has run past busy-reply-threshold).
func waitBusy(t *testing.T, q *pair) {
	t.Helper()
	for name, c := range map[string]*testkit.Client{"redwing": q.rw, "redis": q.rd} {
		deadline := time.Now().Add(5 * time.Second)
		for {
			v, err := c.Do("PING")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if v.Type == '-' && strings.HasPrefix(v.Str, "BUSY") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no script became busy: %v", name, v)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func encodeCmd(args ...string) []byte {
	var b strings.Builder
	b.WriteString("*" + itoaTest(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + itoaTest(len(a)) + "\r\n" + a + "\r\n")
	}
	return []byte(b.String())
}

func itoaTest(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func sha1hexTest(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestScriptTonumber: Lua 5.1's tonumber (C's strtod and strtoul), which
// gopher-lua's differs from; the results go through cjson and the
// number-to-integer reply conversion.
func TestScriptTonumber(t *testing.T) {
	p := newPair(t)
	for _, s := range []string{
		"1", "1e3", "1E+2", "-1e-2", "1.5", ".5", "5.", "-0", "+7", " 12 ", "\t3\n", "12abc", "abc", "", " ", "1e", "1e+",
		"0x10", "0X1F", "0x", "0x1p4", "0x.8", "-0x10", "9223372036854775808", "18446744073709551616", "1e400", "-1e400", "1e-400",
		"inf", "-inf", "+inf", "Infinity", "nan", "-nan", "NAN", "nan(123)", "infinit", "1_000", "0b101", "0o17", "1 2", "--1",
	} {
		p.eval("local n = tonumber(ARGV[1]) if n == nil then return 'nil' end if n ~= n then return 'nan' end return {n, tostring(n)}", "0", s)
		p.eval("local n = tonumber(ARGV[1]) if n == nil or n ~= n or n == math.huge or n == -math.huge then return 'special' end return cjson.encode(n)", "0", s)
	}
	for _, c := range [][2]string{
		{"ff", "16"}, {"FF", "16"}, {"0xff", "16"}, {"777", "8"}, {"z", "36"}, {"102", "2"}, {" 101 ", "2"}, {"-1", "10"}, {"-1", "16"},
		{"", "16"}, {"1.5", "16"}, {"10", "1"}, {"10", "37"}, {"zz", "35"}, {"ffffffffffffffffff", "16"},
	} {
		p.eval("local n = tonumber(ARGV[1], tonumber(ARGV[2])) if n == nil then return 'nil' end return tostring(n)", "0", c[0], c[1])
	}
	p.eval("return {tostring(math.huge), tostring(-math.huge), tostring(math.huge == 1/0), tostring(math.huge > 1e308)}", "0")
	p.eval("return tonumber(12)", "0")
	p.eval("return tonumber({})", "0")
	p.eval("return tonumber()", "0")
	p.eval("return tonumber(10, 16)", "0")
	p.eval("return tonumber({}, 16)", "0")
}

// TestScriptStringFormat: string.format item by item as C's sprintf, with
// numeric strings accepted where numbers are expected (luaL_checknumber).
func TestScriptStringFormat(t *testing.T) {
	p := newPair(t)
	vals := []string{"0", "1", "-1", "42", "2.5", "-2.5", "1e3", "0x1F", "255", "65", "1e308", "-0", "9007199254740993", "1e20", "123456789", "0.000012345",
		"nan", "inf", "-inf", "abc", "", "  7  ", "3.14159265358979"}
	formats := []string{"%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%u", "%x", "%X", "%#x", "%o", "%#o", "%c", "%5.2f", "%f", "%.0f", "%#.0f",
		"%e", "%.3E", "%g", "%G", "%.3g", "%#g", "%10.4g", "%-10g|", "%+.2e", "%s", "%10s", "%-10s|", "%.2s", "%q", "%%", "%5.1s|"}
	for _, f := range formats {
		for _, v := range vals {
			p.eval("local ok, r = pcall(function() return string.format(ARGV[1], ARGV[2]) end) return {tostring(ok), r}", "0", f, v)
			if n, err := strconv.ParseFloat(v, 64); err == nil && !strings.Contains(v, "x") {
				_ = n
				p.eval("local ok, r = pcall(function() return string.format(ARGV[1], tonumber(ARGV[2])) end) return {tostring(ok), r}", "0", f, v)
			}
		}
	}
	for _, s := range []string{
		"return string.format('%d %s %q', 1, 'a', 'b\"\\n\\0c')",
		"return string.format('%5', 1)", "return string.format('%y', 1)", "return string.format('%d')", "return string.format('%s', nil)",
		"return string.format('%s', {})", "return string.format('%d', {})", "return string.format('%123d', 1)", "return string.format('%------d', 1)",
		"return string.format('%.123f', 1)", "return string.format('x%')", "return ('%d-%s'):format(7, 'x')", "return string.format('%s', string.rep('a', 150))",
		"return string.format('%.3s', string.rep('a', 150))", "return string.format(12)",
	} {
		p.eval("local ok, r = pcall(function() "+s+" end) return {tostring(ok), r}", "0")
	}
}

// TestScriptNumericStringArgs: library functions take numeric strings
// where they expect integers, as Lua 5.1's luaL_checkint does.
func TestScriptNumericStringArgs(t *testing.T) {
	p := newPair(t)
	for _, s := range []string{
		"return string.sub('hello', '2', '4')", "return string.sub('hello', ' 2 ')", "return string.sub('hello', '2.9')", "return string.sub('hello', 'x')",
		"return string.rep('ab', '3')", "return {string.byte('abc', '1', '3')}", "return string.char('72', '105')", "return string.char('x')",
		"return {string.find('a.b', '.', '2', true)}", "return {string.gsub('aaa', 'a', 'b', '2')}", "return select('2', 'a', 'b', 'c')",
		"return select('#', 1, 2)", "return {unpack({1, 2, 3}, '2', '3')}", "return math.ldexp(3, '2')",
		"local t = {1, 2} table.insert(t, '1', 'x') return t", "local t = {1, 2} table.insert(t, '5') return t",
		"local t = {1, 2, 3} table.remove(t, '1') return t", "return table.concat({'a', 'b', 'c'}, ',', '2', '3')",
		"return string.sub('hello', '1e0', '0x2')",
	} {
		p.eval("local ok, r = pcall(function() "+s+" end) if ok then return r end return {'err', r}", "0")
	}
}

// TestScriptPcallOfLibraryFunction: a library function called by pcall
// itself raises errors without position or name, as luaL_where and
// luaL_argerror find pcall (a C function) above it.
func TestScriptPcallOfLibraryFunction(t *testing.T) {
	p := newPair(t)
	for _, s := range []string{
		"pcall(cjson.decode, '[1,]')", "pcall(cjson.encode, 0/0)", "pcall(string.rep)", "pcall(error, 'boom')",
		"pcall(string.format, '%d', 'x')", "pcall(cmsgpack.unpack)", "pcall(tonumber)", "pcall(string.sub)",
		"pcall(function() return cjson.decode('[1,]') end)", "pcall(function() return string.rep() end)",
	} {
		p.eval("local ok, e = "+s+" return {tostring(ok), e}", "0")
	}
}

// TestScriptCjsonNumbers: cjson.decode reads numbers as lua-cjson does
// with decode_invalid_numbers on (strtod, so '+1', '00', hex, inf and nan
// are read; '.5' is an invalid token).
func TestScriptCjsonNumbers(t *testing.T) {
	p := newPair(t)
	for _, j := range []string{"+1", "00", "-0", "0x10", "-0x10", "1.", "1e2", "1E-2", "Infinity", "-Infinity", "NaN", "nan", "inf", ".5", "-", "+", "1e", "[+1, 00, 1.]", "[.5]", "[-]", "0x1p3"} {
		p.eval("local ok, v = pcall(cjson.decode, ARGV[1]) if not ok then return {'err', v} end if type(v) == 'number' then return tostring(v) end return cjson.encode(v)", "0", j)
	}
}
