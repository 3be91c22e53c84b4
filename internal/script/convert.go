package script

import (
	"bytes"
	"math"
	"strconv"

	lua "github.com/redwingdb/redwing/internal/lua"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/resp"
)

// maxReplyDepth bounds the nesting of Lua tables converted to a reply (Redis
// stops at the Lua stack limit with "reached lua stack limit").
const maxReplyDepth = 1000

// ---------------------------------------------------------------------------
// RESP reply -> Lua (redis.call results), as Redis's redisProtocolToLuaType.

// replyToLua converts the RESP reply in buf to a Lua value. It returns the
// value and the number of bytes consumed; a malformed or truncated reply
// yields nil and n <= 0 (never a panic: replies come from our own handlers,
// but the fuzz target feeds arbitrary bytes).
func replyToLua(L *lua.LState, buf []byte) (lua.LValue, int) {
	return parseReply(L, buf, 0, true)
}

// parseReply parses one RESP value at buf[pos:]. When build is false the
// value is skipped (attributes). It returns the value and the position after it,
// or -1 on malformed input.
// boxedInts are small integers as Lua values, made once: boxing a number
// allocates, and most integer replies (counts, flags, lengths) are small.
var boxedInts = func() (t [1024]lua.LValue) {
	for i := range t {
		t[i] = lua.LNumber(i)
	}
	return t
}()

func luaInt(n int64) lua.LValue {
	if uint64(n) < uint64(len(boxedInts)) {
		return boxedInts[n]
	}
	return lua.LNumber(float64(n))
}

func parseReply(L *lua.LState, buf []byte, pos int, build bool) (lua.LValue, int) {
	if pos >= len(buf) {
		return lua.LNil, -1
	}
	typ := buf[pos]
	nl := bytes.IndexByte(buf[pos:], '\n')
	if nl < 2 || buf[pos+nl-1] != '\r' {
		return lua.LNil, -1
	}
	line := buf[pos+1 : pos+nl-1]
	next := pos + nl + 1
	switch typ {
	case '+':
		if !build {
			return lua.LNil, next
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("ok", lua.LString(line))
		return t, next
	case '-':
		if !build {
			return lua.LNil, next
		}
		return errorTable(L, "-"+string(line), true), next
	case ':':
		n, ok := resp.ParseInt(line)
		if !ok {
			return lua.LNil, -1
		}
		return luaInt(n), next
	case '$', '=':
		n, ok := resp.ParseInt(line)
		if !ok {
			return lua.LNil, -1
		}
		if n < 0 {
			if typ == '=' {
				return lua.LNil, -1
			}
			return lua.LFalse, next
		}
		if int64(len(buf)-next) < n+2 {
			return lua.LNil, -1
		}
		s := buf[next : next+int(n)]
		end := next + int(n) + 2
		if !build {
			return lua.LNil, end
		}
		if typ == '=' {
			if len(s) < 4 {
				return lua.LNil, -1
			}
			t := L.CreateTable(0, 1)
			v := L.CreateTable(0, 2)
			v.RawSetString("string", lua.LString(s[4:]))
			v.RawSetString("format", lua.LString(s[:3]))
			t.RawSetString("verbatim_string", v)
			return t, end
		}
		return lua.StringValue(s), end
	case '*', '~', '%', '>', '|':
		n, ok := resp.ParseInt(line)
		if !ok {
			return lua.LNil, -1
		}
		if n < 0 {
			if typ == '*' {
				return lua.LFalse, next
			}
			return lua.LNil, -1
		}
		if n > int64(len(buf)) { // cannot hold that many elements
			return lua.LNil, -1
		}
		switch typ {
		case '|': // attribute: skip it, then the value it annotates
			p := next
			for i := int64(0); i < 2*n; i++ {
				if _, p = parseReply(L, buf, p, false); p < 0 {
					return lua.LNil, -1
				}
			}
			return parseReply(L, buf, p, build)
		case '%':
			var inner *lua.LTable
			if build {
				inner = L.CreateTable(0, int(min(n, 1024)))
			}
			p := next
			for i := int64(0); i < n; i++ {
				var k, v lua.LValue
				if k, p = parseReply(L, buf, p, build); p < 0 {
					return lua.LNil, -1
				}
				if v, p = parseReply(L, buf, p, build); p < 0 {
					return lua.LNil, -1
				}
				if build && k != lua.LNil {
					if f, ok := k.(lua.LNumber); ok && math.IsNaN(float64(f)) {
						continue
					}
					inner.RawSet(k, v)
				}
			}
			if !build {
				return lua.LNil, p
			}
			t := L.CreateTable(0, 1)
			t.RawSetString("map", inner)
			return t, p
		case '~':
			var inner *lua.LTable
			if build {
				inner = L.CreateTable(0, int(min(n, 1024)))
			}
			p := next
			for i := int64(0); i < n; i++ {
				var k lua.LValue
				if k, p = parseReply(L, buf, p, build); p < 0 {
					return lua.LNil, -1
				}
				if build && k != lua.LNil {
					if f, ok := k.(lua.LNumber); ok && math.IsNaN(float64(f)) {
						continue
					}
					inner.RawSet(k, lua.LTrue)
				}
			}
			if !build {
				return lua.LNil, p
			}
			t := L.CreateTable(0, 1)
			t.RawSetString("set", inner)
			return t, p
		default: // array, push
			var t *lua.LTable
			if build {
				t = L.CreateTable(int(min(n, 1024)), 0)
			}
			p := next
			for i := int64(0); i < n; i++ {
				var v lua.LValue
				if v, p = parseReply(L, buf, p, build); p < 0 {
					return lua.LNil, -1
				}
				if build {
					t.RawSetInt(int(i+1), v)
				}
			}
			if !build {
				return lua.LNil, p
			}
			return t, p
		}
	case '_':
		return lua.LNil, next
	case '#':
		if len(line) != 1 || (line[0] != 't' && line[0] != 'f') {
			return lua.LNil, -1
		}
		return lua.LBool(line[0] == 't'), next
	case ',':
		d, ok := parseRespDouble(line)
		if !ok {
			return lua.LNil, -1
		}
		if !build {
			return lua.LNil, next
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("double", lua.LNumber(d))
		return t, next
	case '(':
		if !build {
			return lua.LNil, next
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("big_number", lua.LString(line))
		return t, next
	}
	return lua.LNil, -1
}

func parseRespDouble(b []byte) (float64, bool) {
	switch string(b) {
	case "inf", "+inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	case "nan", "-nan":
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// errorTable builds Redis's error table {err="CODE msg"} from an error
// buffer in either "-CODE msg" or "msg" form (luaPushErrorBuff). ignoreStats
// adds the ignore_error_stats_update field, set for errors that commands
// already counted.
func errorTable(L *lua.LState, buf string, ignoreStats bool) *lua.LTable {
	t := L.CreateTable(0, 2)
	t.RawSetString("err", lua.LString(errorText(buf)))
	if ignoreStats {
		t.RawSetString("ignore_error_stats_update", lua.LTrue)
	}
	return t
}

// errorText normalises an error buffer as luaPushErrorBuff does.
func errorText(buf string) string {
	var code, msg string
	if len(buf) > 0 && buf[0] == '-' {
		sp := -1
		for i := 0; i < len(buf); i++ {
			if buf[i] == ' ' {
				sp = i
				break
			}
		}
		if sp < 0 {
			msg, code = buf[1:], "ERR"
		} else {
			code, msg = buf[1:sp], buf[sp+1:]
		}
	} else {
		msg, code = buf, "ERR"
	}
	msg = trimCRLF(msg)
	return code + " " + msg
}

// trimCRLF removes leading and trailing '\r' and '\n' (sdstrim "\r\n").
func trimCRLF(s string) string {
	for len(s) > 0 && (s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == '\r' || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	return s
}

// ---------------------------------------------------------------------------
// Lua -> RESP reply (script results), as Redis's luaReplyToRedisReply.

// replyWriter writes a Lua value as the script's reply. scriptResp is the
// protocol selected by redis.setresp (it decides how booleans convert).
type replyWriter struct {
	w          *resp.Writer
	scriptResp int
	// stats, when set, counts the error replies written (but those that
	// asked not to be counted).
	stats *engine.Ctx
}

func (rw *replyWriter) write(v lua.LValue, depth int) {
	w := rw.w
	switch x := v.(type) {
	case lua.LString:
		w.BulkString(string(x))
	case lua.LBool:
		if rw.scriptResp == 2 {
			if x {
				w.Int(1)
			} else {
				w.Null()
			}
		} else {
			w.Bool(bool(x))
		}
	case lua.LNumber:
		w.Int(luaToInt64(float64(x)))
	case *lua.LTable:
		if depth > maxReplyDepth {
			rw.err("ERR reached lua stack limit", false)
			return
		}
		rw.writeTable(x, depth)
	default:
		w.Null()
	}
}

func (rw *replyWriter) err(msg string, ignore bool) {
	rw.w.Error(msg)
	if rw.stats != nil && !ignore {
		rw.stats.CountErrorOnly(msg)
	}
}

func (rw *replyWriter) writeTable(t *lua.LTable, depth int) {
	w := rw.w
	if e, ok := t.RawGetString("err").(lua.LString); ok {
		ignore := false
		if b, ok := t.RawGetString("ignore_error_stats_update").(lua.LBool); ok {
			ignore = bool(b)
		}
		rw.err(string(e), ignore)
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.Simple(mapCRLF(string(s)))
		return
	}
	if d, ok := t.RawGetString("double").(lua.LNumber); ok {
		w.Double(float64(d))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		w.BigNumber(mapCRLF(string(s)))
		return
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		f, ok1 := vt.RawGetString("format").(lua.LString)
		s, ok2 := vt.RawGetString("string").(lua.LString)
		if ok1 && ok2 {
			format := string(f)
			if len(format) > 3 {
				format = format[:3]
			}
			for len(format) < 3 {
				format += "\x00"
			}
			w.Verbatim(format, string(s))
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		mark := w.DeferLen()
		n := 0
		k, v := m.Next(lua.LNil)
		for k != lua.LNil {
			rw.write(k, depth+1)
			rw.write(v, depth+1)
			n++
			k, v = m.Next(k)
		}
		w.SetDeferred(mark, '%', n)
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		mark := w.DeferLen()
		n := 0
		k, _ := s.Next(lua.LNil)
		for k != lua.LNil {
			rw.write(k, depth+1)
			n++
			k, _ = s.Next(k)
		}
		w.SetDeferred(mark, '~', n)
		return
	}
	n := 0
	for {
		v := t.RawGetInt(n + 1)
		if v == lua.LNil {
			break
		}
		n++
	}
	w.Array(n)
	for i := 1; i <= n; i++ {
		rw.write(t.RawGetInt(i), depth+1)
	}
}

// mapCRLF replaces '\r' and '\n' with spaces (sdsmapchars).
func mapCRLF(s string) string {
	if !containsCRLF(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c == '\r' || c == '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

func containsCRLF(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			return true
		}
	}
	return false
}

// luaToInt64 converts a Lua number as C's (long long) cast does on x86-64:
// truncation toward zero, and INT64_MIN for NaN and out-of-range values.
func luaToInt64(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// ---------------------------------------------------------------------------
// Lua arguments -> command argv (luaArgsToRedisArgv).

// appendG17 appends a number as printf("%.17g") formats it.
func appendG17(dst []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e17 {
		if f == 0 && math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return resp.FormatDouble(dst, f)
}
