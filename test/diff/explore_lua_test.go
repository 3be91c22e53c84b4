package diff

import (
	"os"
	"strings"
	"testing"
)

// TestExploreLua is an opt-in bug hunt (REDWING_EXPLORE=<seed text>) on the
// Lua environment: random library calls and arithmetic with edge-case
// arguments, their results returned through tostring (so that numbers are
// compared exactly), logging every reply that differs.
func TestExploreLua(t *testing.T) {
	if os.Getenv("REDWING_EXPLORE") == "" {
		t.Skip("REDWING_EXPLORE not set")
	}
	p := newPair(t)
	rng := newXsRand(uint64(len(os.Getenv("REDWING_EXPLORE"))) + 777)
	args := []string{"0", "1", "-1", "3", "10", "-7", "2.5", "-0", "1e3", "0x1F", "255", "65", "1e308", "-1e308", "4294967296", "9007199254740993",
		"abc", "", "hello world", "a,b,c", "%d", "[1,2,{\"a\":null}]", "{\"k\":[true,false,1.5]}", "\"str\"", "[]", "{}", "nan", "inf", "  7  ", "A-Z"}
	exprs := []string{
		"string.format('%d', A)", "string.format('%5.2f', A)", "string.format('%s|%s', A, B)", "string.format('%x', A)", "string.format('%g', A)",
		"string.format('%q', A)", "string.format('%10s', A)", "string.format('%-5d|', A)", "string.format('%e', A)", "string.format('%i', A)", "string.format('%c', A)",
		"string.format('%o', A)", "string.format('%X', A)", "string.format('%.3s', A)", "string.format('%+d', A)", "string.format('%05.1f', A)",
		"string.sub(A, B)", "string.sub(A, B, C)", "string.rep(A, B)", "string.byte(A, B)", "string.char(A)", "string.len(A)", "string.upper(A)", "string.reverse(A)",
		"string.find(A, B)", "string.find(A, B, 1, true)", "string.match(A, '%a+')", "string.gsub(A, B, C)", "string.gsub(A, '%s', '_')", "string.match(A, '(%d+)')",
		"math.floor(A)", "math.ceil(A)", "math.abs(A)", "math.fmod(A, B)", "math.modf(A)", "math.sqrt(A)", "math.pow(A, B)", "math.log(A)", "math.log10(A)", "math.exp(A)",
		"math.max(A, B)", "math.min(A, B, C)", "math.frexp(A)", "math.ldexp(A, B)", "math.floor(A / B)", "math.huge", "-math.huge", "math.pi",
		"A + B", "A - B", "A * B", "A / B", "A % B", "A ^ B", "-A", "A .. B", "A == B", "A < B", "#A", "A + 0", "tonumber(A) + 0",
		"table.concat({A, B, C}, ',')", "table.concat({A, B}, A)", "select('#', A, B)", "select(2, A, B, C)", "unpack({A, B, C})",
		"cjson.encode(cjson.decode(A))", "cjson.decode(A)", "cjson.encode({A, tonumber(B)})", "cjson.encode({[A] = B})",
		"cmsgpack.unpack(cmsgpack.pack(A, tonumber(B), {C}))", "string.len(cmsgpack.pack(tonumber(A)))", "cmsgpack.pack(tonumber(A))",
		"bit.band(A, B)", "bit.bor(A, B)", "bit.bxor(A, B)", "bit.lshift(A, B)", "bit.rshift(A, B)", "bit.arshift(A, B)", "bit.tohex(A)", "bit.bnot(A)", "bit.tobit(A)",
		"struct.unpack('>i', struct.pack('>i', A))", "struct.pack('<h', A)", "redis.sha1hex(A)", "type(A)", "tostring(tonumber(A))", "tostring(1/0)", "tostring(0/0)",
		"tostring(2^53)", "tostring(2^63)", "tostring(1/3)", "tostring(-0)", "tostring(A * 1)", "math.floor(tonumber(A) or 0)", "string.format('%d', 2^31)",
	}
	mismatches := 0
	for op := 0; op < 6000 && mismatches < 60; op++ {
		e := exprs[rng.n(len(exprs))]
		e = strings.NewReplacer("A", "ARGV[1]", "B", "ARGV[2]", "C", "ARGV[3]").Replace(e)
		body := "local r = {pcall(function() return " + e + " end)} for i = 1, #r do r[i] = type(r[i]) .. ':' .. tostring(r[i]) end return r"
		argv := []string{"EVAL", body, "0", args[rng.n(len(args))], args[rng.n(len(args))], args[rng.n(len(args))]}
		a, b := p.both(argv...)
		if string(a.Raw) != string(b.Raw) {
			mismatches++
			t.Logf("%s [%q %q %q]\n redwing: %.300q\n   redis: %.300q", e, argv[3], argv[4], argv[5], a.Raw, b.Raw)
		}
	}
}
