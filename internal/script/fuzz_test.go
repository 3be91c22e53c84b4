package script

import (
	"regexp"
	"strconv"
	"testing"

	lua "github.com/redwingdb/redwing/internal/lua"

	"github.com/redwingdb/redwing/internal/resp"
)

// FuzzLuaConversion feeds arbitrary RESP replies through the reply -> Lua
// conversion and back to RESP (both protocols): it must never panic.
func FuzzLuaConversion(f *testing.F) {
	for _, s := range []string{
		"+OK\r\n", "-ERR bad\r\n", "-NOSPACE\r\n", ":42\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*-1\r\n",
		"*2\r\n:1\r\n*1\r\n$1\r\nx\r\n", "%1\r\n$1\r\na\r\n:1\r\n", "~2\r\n$1\r\na\r\n$1\r\nb\r\n",
		"_\r\n", "#t\r\n", "#f\r\n", ",3.5\r\n", ",inf\r\n", ",nan\r\n", "(123456789012345678901\r\n",
		"=8\r\ntxt:abcd\r\n", "|1\r\n$1\r\nk\r\n$1\r\nv\r\n:5\r\n", ">2\r\n$1\r\na\r\n:1\r\n",
		"*3\r\n:1\r\n", "$10\r\nab\r\n", "%1\r\n_\r\n:1\r\n",
	} {
		f.Add([]byte(s))
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n := replyToLua(L, b)
		if n <= 0 {
			return
		}
		for _, proto := range []int{2, 3} {
			for _, sresp := range []int{2, 3} {
				w := resp.Writer{Proto: proto}
				rw := replyWriter{w: &w, scriptResp: sresp}
				rw.write(v, 0)
				if len(w.Buf) == 0 {
					t.Fatalf("empty reply for %q", b)
				}
				// what we wrote must parse back
				if _, m := replyToLua(L, w.Buf); m != len(w.Buf) {
					t.Fatalf("reply %q (from %q) does not parse back: %d", w.Buf, b, m)
				}
			}
		}
	})
}

// FuzzLuaStr2d: tonumber's string conversion never panics, and on plain
// decimal numbers agrees with strconv.
func FuzzLuaStr2d(f *testing.F) {
	for _, s := range []string{"1", "1e3", " -0.5 ", "0x1p4", "inf", "nan(1)", "1e", "0x", "9223372036854775808", "\t1\v"} {
		f.Add(s)
	}
	plain := regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$`)
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := luaStr2d(s)
		if plain.MatchString(s) {
			want, err := strconv.ParseFloat(s, 64)
			if !ok || (err == nil && v != want) {
				t.Fatalf("luaStr2d(%q) = %v, %v; strconv says %v", s, v, ok, want)
			}
		}
		for b := 2; b <= 36; b += 7 {
			luaStrtoul(s, b)
		}
	})
}
