package script

import (
	"math"
	"strconv"
	"unicode/utf8"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// cjson: the lua-cjson 2.1.0 module as bundled with Redis (encode, decode,
// cjson.null, the configuration functions), with its error texts and number
// formatting (%.14g).

type cjsonCfg struct {
	encodeMaxDepth   int
	decodeMaxDepth   int
	precision        int
	keepBuffer       bool
	encodeInvalidNum int // 0 off, 1 on, 2 "null"
	decodeInvalidNum bool
	sparseConvert    bool
	sparseRatio      int
	sparseSafe       int
}

func defaultCjsonCfg() *cjsonCfg {
	return &cjsonCfg{encodeMaxDepth: 1000, decodeMaxDepth: 1000, precision: 14, keepBuffer: true,
		decodeInvalidNum: true, sparseRatio: 2, sparseSafe: 10}
}

// cjsonNull is the value of cjson.null (a light userdata NULL in C).
var cjsonNull = &lua.LUserData{Value: nil}

func openCjson(L *lua.LState) *lua.LTable {
	return newCjson(L, defaultCjsonCfg())
}

func newCjson(L *lua.LState, cfg *cjsonCfg) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.ArgError(1, "expected 1 argument")
		}
		var buf []byte
		buf = cjsonEncode(L, cfg, buf, L.Get(1), 0)
		L.Push(lua.LString(buf))
		return 1
	}))
	t.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.ArgError(1, "expected 1 argument")
		}
		s := L.CheckString(1)
		d := jsonDecoder{L: L, cfg: cfg, s: s}
		v := d.decode()
		L.Push(v)
		return 1
	}))
	t.RawSetString("null", cjsonNull)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	t.RawSetString("new", L.NewFunction(func(L *lua.LState) int {
		L.Push(newCjson(L, defaultCjsonCfg()))
		return 1
	}))
	intOpt := func(name string, p *int, lo, hi int) {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			if L.GetTop() > 1 {
				L.ArgError(2, "found too many arguments")
			}
			if L.GetTop() == 1 && L.Get(1) != lua.LNil {
				n := L.CheckInt(1)
				if n < lo || n > hi {
					L.ArgError(1, "expected integer between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi))
				}
				*p = n
			}
			L.Push(lua.LNumber(*p))
			return 1
		}))
	}
	intOpt("encode_max_depth", &cfg.encodeMaxDepth, 1, math.MaxInt32)
	intOpt("decode_max_depth", &cfg.decodeMaxDepth, 1, math.MaxInt32)
	intOpt("encode_number_precision", &cfg.precision, 1, 14)
	t.RawSetString("encode_keep_buffer", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
			cfg.keepBuffer = cjsonBoolArg(L, 1)
		}
		L.Push(lua.LBool(cfg.keepBuffer))
		return 1
	}))
	t.RawSetString("encode_invalid_numbers", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
			if s, ok := L.Get(1).(lua.LString); ok && s == "null" {
				cfg.encodeInvalidNum = 2
			} else if cjsonBoolArg(L, 1) {
				cfg.encodeInvalidNum = 1
			} else {
				cfg.encodeInvalidNum = 0
			}
		}
		switch cfg.encodeInvalidNum {
		case 2:
			L.Push(lua.LString("null"))
		default:
			L.Push(lua.LBool(cfg.encodeInvalidNum == 1))
		}
		return 1
	}))
	t.RawSetString("decode_invalid_numbers", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
			cfg.decodeInvalidNum = cjsonBoolArg(L, 1)
		}
		L.Push(lua.LBool(cfg.decodeInvalidNum))
		return 1
	}))
	t.RawSetString("encode_sparse_array", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
			cfg.sparseConvert = cjsonBoolArg(L, 1)
		}
		if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
			cfg.sparseRatio = L.CheckInt(2)
		}
		if L.GetTop() >= 3 && L.Get(3) != lua.LNil {
			cfg.sparseSafe = L.CheckInt(3)
		}
		L.Push(lua.LBool(cfg.sparseConvert))
		L.Push(lua.LNumber(cfg.sparseRatio))
		L.Push(lua.LNumber(cfg.sparseSafe))
		return 3
	}))
	return t
}

func cjsonBoolArg(L *lua.LState, n int) bool {
	switch x := L.Get(n).(type) {
	case lua.LBool:
		return bool(x)
	case lua.LString:
		switch x {
		case "on":
			return true
		case "off":
			return false
		}
	}
	L.ArgError(n, "invalid option '"+L.Get(n).String()+"'")
	return false
}

var jsonEscapes = func() (t [256]string) {
	for i := 0; i < 32; i++ {
		t[i] = "\\u00" + string("0123456789abcdef"[i>>4]) + string("0123456789abcdef"[i&15])
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = "\\b", "\\t", "\\n", "\\f", "\\r"
	t['"'], t['\\'], t['/'] = "\\\"", "\\\\", "\\/"
	t[127] = "\\u007f"
	return
}()

func cjsonAppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		if e := jsonEscapes[s[i]]; e != "" {
			buf = append(buf, e...)
		} else {
			buf = append(buf, s[i])
		}
	}
	return append(buf, '"')
}

func cjsonAppendNumber(L *lua.LState, cfg *cjsonCfg, buf []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		switch cfg.encodeInvalidNum {
		case 0:
			L.RaiseError("Cannot serialise number: must not be NaN or Inf")
		case 2:
			return append(buf, "null"...)
		}
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e14 && cfg.precision == 14 {
		if f == 0 && math.Signbit(f) {
			return append(buf, "-0"...)
		}
		return strconv.AppendInt(buf, int64(f), 10)
	}
	return formatG(buf, f, cfg.precision)
}

func cjsonEncode(L *lua.LState, cfg *cjsonCfg, buf []byte, v lua.LValue, depth int) []byte {
	switch x := v.(type) {
	case lua.LString:
		return cjsonAppendString(buf, string(x))
	case lua.LNumber:
		return cjsonAppendNumber(L, cfg, buf, float64(x))
	case lua.LBool:
		if x {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case *lua.LNilType:
		return append(buf, "null"...)
	case *lua.LUserData:
		if x == cjsonNull {
			return append(buf, "null"...)
		}
		L.RaiseError("Cannot serialise userdata: type not supported")
	case *lua.LTable:
		depth++
		if depth > cfg.encodeMaxDepth {
			L.RaiseError("Cannot serialise, excessive nesting (%d)", depth)
		}
		n := cjsonArrayLen(L, cfg, x)
		if n > 0 {
			buf = append(buf, '[')
			for i := 1; i <= n; i++ {
				if i > 1 {
					buf = append(buf, ',')
				}
				buf = cjsonEncode(L, cfg, buf, x.RawGetInt(i), depth)
			}
			return append(buf, ']')
		}
		buf = append(buf, '{')
		first := true
		k, val := x.Next(lua.LNil)
		for k != lua.LNil {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			switch kk := k.(type) {
			case lua.LString:
				buf = cjsonAppendString(buf, string(kk))
			case lua.LNumber:
				buf = append(buf, '"')
				buf = cjsonAppendNumber(L, cfg, buf, float64(kk))
				buf = append(buf, '"')
			default:
				L.RaiseError("Cannot serialise %s: table key must be a number or string", k.Type().String())
			}
			buf = append(buf, ':')
			buf = cjsonEncode(L, cfg, buf, val, depth)
			k, val = x.Next(k)
		}
		return append(buf, '}')
	default:
		L.RaiseError("Cannot serialise %s: type not supported", v.Type().String())
	}
	return buf
}

// cjsonArrayLen returns the array length of t, 0 for an object (or an
// empty table), raising the sparse-array error as lua-cjson.
func cjsonArrayLen(L *lua.LState, cfg *cjsonCfg, t *lua.LTable) int {
	max, items := 0, 0
	isArray := true
	k, _ := t.Next(lua.LNil)
	for k != lua.LNil {
		n, ok := k.(lua.LNumber)
		if !ok || float64(n) != math.Floor(float64(n)) || n < 1 {
			isArray = false
			break
		}
		if int(n) > max {
			max = int(n)
		}
		items++
		k, _ = t.Next(k)
	}
	if !isArray {
		return 0
	}
	if cfg.sparseRatio > 0 && max > items*cfg.sparseRatio && max > cfg.sparseSafe {
		if !cfg.sparseConvert {
			L.RaiseError("Cannot serialise table: excessively sparse array")
		}
		return 0
	}
	return max
}

// ---------------------------------------------------------------------------
// decoding

type jsonTok int

const (
	tObjBegin jsonTok = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokNames = []string{"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER",
	"T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"}

type jsonToken struct {
	typ   jsonTok
	index int
	str   string
	num   float64
	b     bool
	err   string
}

type jsonDecoder struct {
	L     *lua.LState
	cfg   *cjsonCfg
	s     string
	pos   int
	depth int
}

func (d *jsonDecoder) decode() lua.LValue {
	tok := d.next()
	v := d.value(tok)
	tok = d.next()
	if tok.typ != tEnd {
		d.fail("the end", tok)
	}
	return v
}

func (d *jsonDecoder) fail(exp string, tok jsonToken) {
	found := jsonTokNames[tok.typ]
	if tok.typ == tError {
		found = tok.err
	}
	d.L.RaiseError("Expected %s but found %s at character %d", exp, found, tok.index+1)
}

func (d *jsonDecoder) value(tok jsonToken) lua.LValue {
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.b)
	case tNull:
		return cjsonNull
	case tObjBegin:
		return d.object()
	case tArrBegin:
		return d.array()
	}
	d.fail("value", tok)
	return lua.LNil
}

func (d *jsonDecoder) enter() {
	d.depth++
	if d.depth > d.cfg.decodeMaxDepth {
		d.L.RaiseError("Found too many nested data structures (%d) at character %d", d.depth, d.pos)
	}
}

func (d *jsonDecoder) object() lua.LValue {
	d.enter()
	t := d.L.NewTable()
	tok := d.next()
	if tok.typ == tObjEnd {
		d.depth--
		return t
	}
	for {
		if tok.typ != tString {
			d.fail("object key string", tok)
		}
		key := tok.str
		tok = d.next()
		if tok.typ != tColon {
			d.fail("colon", tok)
		}
		v := d.value(d.next())
		t.RawSetString(key, v)
		tok = d.next()
		if tok.typ == tObjEnd {
			d.depth--
			return t
		}
		if tok.typ != tComma {
			d.fail("comma or object end", tok)
		}
		tok = d.next()
	}
}

func (d *jsonDecoder) array() lua.LValue {
	d.enter()
	t := d.L.NewTable()
	tok := d.next()
	if tok.typ == tArrEnd {
		d.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, d.value(tok))
		tok = d.next()
		if tok.typ == tArrEnd {
			d.depth--
			return t
		}
		if tok.typ != tComma {
			d.fail("comma or array end", tok)
		}
		tok = d.next()
	}
}

func (d *jsonDecoder) next() jsonToken {
	s := d.s
	for d.pos < len(s) && (s[d.pos] == ' ' || s[d.pos] == '\t' || s[d.pos] == '\n' || s[d.pos] == '\r') {
		d.pos++
	}
	tok := jsonToken{index: d.pos}
	if d.pos >= len(s) || s[d.pos] == 0 {
		tok.typ = tEnd
		return tok
	}
	c := s[d.pos]
	switch c {
	case '{':
		tok.typ = tObjBegin
	case '}':
		tok.typ = tObjEnd
	case '[':
		tok.typ = tArrBegin
	case ']':
		tok.typ = tArrEnd
	case ',':
		tok.typ = tComma
	case ':':
		tok.typ = tColon
	case '"':
		return d.stringTok()
	default:
		if c == '-' || c >= '0' && c <= '9' {
			if !d.cfg.decodeInvalidNum && d.invalidNumber() {
				tok.typ, tok.err = tError, "invalid number"
				return tok
			}
			return d.numberTok()
		}
		rest := s[d.pos:]
		switch {
		case hasPrefix(rest, "true"):
			tok.typ, tok.b = tBoolean, true
			d.pos += 4
			return tok
		case hasPrefix(rest, "false"):
			tok.typ, tok.b = tBoolean, false
			d.pos += 5
			return tok
		case hasPrefix(rest, "null"):
			tok.typ = tNull
			d.pos += 4
			return tok
		}
		if d.cfg.decodeInvalidNum && d.invalidNumber() {
			return d.numberTok()
		}
		tok.typ, tok.err = tError, "invalid token"
		return tok
	}
	d.pos++
	return tok
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// invalidNumber is json_is_invalid_number: a leading '+', hex, leading
// zeros, inf, nan.
func (d *jsonDecoder) invalidNumber() bool {
	p := d.s[d.pos:]
	if len(p) > 0 && p[0] == '+' {
		return true
	}
	if len(p) > 0 && p[0] == '-' {
		p = p[1:]
	}
	if len(p) > 0 && p[0] == '0' {
		if len(p) < 2 {
			return false
		}
		c := p[1]
		if c == 'x' || c == 'X' || c >= '0' && c <= '9' {
			return true
		}
		return false
	}
	if len(p) > 0 && p[0] <= '9' {
		return false
	}
	if len(p) >= 3 && (lowerByte(p[0]) == 'i' && lowerByte(p[1]) == 'n' && lowerByte(p[2]) == 'f' ||
		lowerByte(p[0]) == 'n' && lowerByte(p[1]) == 'a' && lowerByte(p[2]) == 'n') {
		return true
	}
	return false
}

// numberTok parses a number as strtod does (longest valid prefix).
func (d *jsonDecoder) numberTok() jsonToken {
	tok := jsonToken{index: d.pos}
	f, n := cStrtod(d.s[d.pos:])
	if n == 0 {
		tok.typ, tok.err = tError, "invalid number"
		return tok
	}
	d.pos += n
	tok.typ, tok.num = tNumber, f
	return tok
}

func (d *jsonDecoder) stringTok() jsonToken {
	tok := jsonToken{index: d.pos}
	s := d.s
	d.pos++ // skip quote
	var out []byte
	for {
		if d.pos >= len(s) || s[d.pos] == 0 {
			tok.typ, tok.err, tok.index = tError, "unexpected end of string", d.pos
			return tok
		}
		c := s[d.pos]
		if c == '"' {
			d.pos++
			break
		}
		if c != '\\' {
			out = append(out, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(s) {
			tok.typ, tok.err, tok.index = tError, "unexpected end of string", d.pos
			return tok
		}
		e := s[d.pos+1]
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := d.unicodeEscape()
			if n == 0 {
				tok.typ, tok.err, tok.index = tError, "invalid unicode escape code", d.pos
				return tok
			}
			out = utf8.AppendRune(out, r)
			d.pos += n
			continue
		default:
			tok.typ, tok.err, tok.index = tError, "invalid escape code", d.pos
			return tok
		}
		d.pos += 2
	}
	tok.typ, tok.str = tString, string(out)
	return tok
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		if !isHex(s[i]) {
			return 0, false
		}
		r = r<<4 | rune(hexVal(s[i]))
	}
	return r, true
}

// unicodeEscape decodes \uXXXX (with surrogate pairs) at d.pos.
func (d *jsonDecoder) unicodeEscape() (rune, int) {
	s := d.s[d.pos:]
	r, ok := hex4(s[2:])
	if !ok {
		return 0, 0
	}
	if r >= 0xDC00 && r <= 0xDFFF {
		return 0, 0
	}
	if r >= 0xD800 && r <= 0xDBFF {
		if len(s) < 12 || s[6] != '\\' || s[7] != 'u' {
			return 0, 0
		}
		lo, ok := hex4(s[8:])
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return 0, 0
		}
		return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12
	}
	return r, 6
}
