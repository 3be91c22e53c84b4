package script

import (
	"strings"

	lua "github.com/redwingdb/redwing/internal/lua"
	"github.com/redwingdb/redwing/internal/lua/parse"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/resp"
)

// Eval implements EVAL, EVALSHA, EVAL_RO and EVALSHA_RO. The caller holds
// the exclusive world lock.
func (h *Host) Eval(c *engine.Ctx, evalsha, ro bool) {
	argv := c.Argv
	if evalsha && len(argv[1]) != 40 {
		c.ErrString("NOSCRIPT No matching script. Please use EVAL.")
		return
	}
	numkeys, ok := resp.ParseInt(argv[2])
	if !ok {
		c.ErrString("ERR value is not an integer or out of range")
		return
	}
	if numkeys > int64(len(argv)-3) {
		c.ErrString("ERR Number of keys can't be greater than number of args")
		return
	}
	if numkeys < 0 {
		c.ErrString("ERR Number of keys can't be negative")
		return
	}
	sha := "" // empty: argv[1], a lower-case SHA, is the key as it is
	switch {
	case !evalsha:
		sha = sha1hex(string(argv[1]))
	case hasUpper(argv[1]):
		sha = strings.ToLower(string(argv[1]))
	}
	v := h.eval()
	h.mu.Lock()
	var s *evalScript
	if sha != "" {
		s = h.scripts[sha]
	} else {
		s = h.scripts[string(argv[1])] // no copy for the lookup
	}
	h.mu.Unlock()
	switch {
	case s != nil:
		sha = s.sha
	case sha == "":
		sha = string(argv[1])
	}
	if s == nil {
		if evalsha {
			c.ErrString("NOSCRIPT No matching script. Please use EVAL.")
			return
		}
		var msg string
		s, msg = h.createScript(sha, string(argv[1]))
		if s == nil {
			c.ErrString(msg)
			return
		}
	}
	if s.fn == nil {
		if _, msg := h.compile(s); msg != "" {
			c.ErrString(msg)
			return
		}
	}
	run, msg := c.E.BeginScript(c, sha, true, s.flags, ro)
	if run == nil {
		c.ErrString(msg)
		return
	}
	n := int(numkeys)
	v.call(c, run, s.fn, argv[3:3+n], argv[3+n:], true)
	run.End()
}

// createScript parses the shebang, compiles the body and caches it
// (luaCreateFunction). On failure it returns the error reply.
func (h *Host) createScript(sha, body string) (*evalScript, string) {
	flags := engine.ScriptEvalCompat
	code := body
	if strings.HasPrefix(body, "#!") {
		nl := strings.IndexByte(body, '\n')
		if nl < 0 {
			return nil, "ERR Invalid script shebang"
		}
		parts := strings.Fields(body[:nl])
		if len(parts) == 0 {
			return nil, "ERR Invalid engine in script shebang"
		}
		if parts[0] != "#!lua" {
			return nil, "ERR Unexpected engine in script shebang: " + parts[0]
		}
		flags = 0
		for _, p := range parts[1:] {
			if !strings.HasPrefix(p, "flags=") {
				return nil, "ERR Unknown lua shebang option: " + p
			}
			list := p[6:]
			if list == "" {
				continue
			}
			for _, f := range strings.Split(list, ",") {
				bit := scriptFlag(f, false)
				if bit == 0 {
					return nil, "ERR Unexpected flag in script shebang: " + f
				}
				flags |= bit
			}
		}
		code = body[nl:]
	}
	s := &evalScript{sha: sha, body: body, flags: flags}
	if _, msg := h.compileCode(s, code); msg != "" {
		return nil, msg
	}
	h.mu.Lock()
	h.scripts[sha] = s
	h.mu.Unlock()
	return s, ""
}

// scriptFlag returns the bit of a flag name (case-insensitive for functions).
func scriptFlag(name string, fold bool) int {
	for _, f := range engine.ScriptFlagNames {
		if f.Name == name || (fold && strings.EqualFold(f.Name, name)) {
			return f.Flag
		}
	}
	return 0
}

func (h *Host) compile(s *evalScript) (*lua.LFunction, string) {
	code := s.body
	if strings.HasPrefix(code, "#!") {
		code = code[strings.IndexByte(code, '\n'):]
	}
	return h.compileCode(s, code)
}

// compileCode compiles the script body as a chunk named "user_script" (as
// Redis 7.0's luaCreateFunction); the chunk is the script's function.
func (h *Host) compileCode(s *evalScript, code string) (*lua.LFunction, string) {
	v := h.eval()
	proto, err := compileChunk(code, "user_script")
	if err != "" {
		return nil, "ERR Error compiling script (new function): " + err
	}
	s.fn = v.L.NewFunctionFromProto(proto)
	return s.fn, ""
}

// compileChunk parses and compiles Lua source, translating syntax errors
// to Lua 5.1's texts.
func compileChunk(src, name string) (*lua.FunctionProto, string) {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, syntaxError(err, name, src)
	}
	proto, err := lua.Compile(chunk, name)
	if err == nil && !mentionsArg(src) {
		// The Lua 5.0 "arg" table of vararg chunks costs an allocation per
		// call; drop it when the code never names it.
		proto.IsVarArg &^= lua.VarArgNeedsArg
	}
	if err != nil {
		msg := err.Error()
		if ce, ok := err.(*lua.CompileError); ok {
			msg = name + ":" + itoa(ce.Line) + ": " + ce.Message
		}
		return nil, msg
	}
	return proto, ""
}

// syntaxError converts a gopher-lua parse error to Lua 5.1's format
// ("user_script:1: unexpected symbol near ')'").
func syntaxError(err error, name, src string) string {
	pe, ok := err.(*parse.Error)
	if !ok {
		return name + ": " + err.Error()
	}
	line := pe.Pos.Line
	tok := pe.Token
	msg := pe.Message
	switch {
	case strings.Contains(msg, "unterminated string"):
		if line == parse.EOF {
			return name + ":" + itoa(strings.Count(src, "\n")+1) + ": unfinished string near '<eof>'"
		}
		return name + ":" + itoa(line) + ": unfinished string near '" + tok + "'"
	case pe.Pos.Line == parse.EOF:
		return name + ":" + itoa(strings.Count(src, "\n")+1) + ": 'end' expected near '<eof>'"
	default:
		return name + ":" + itoa(line) + ": unexpected symbol near '" + tok + "'"
	}
}

// call runs fn for the run (luaCallFunction) and writes the reply to c.
// eval sets KEYS and ARGV as globals; functions get them as arguments.
func (v *vm) call(c *engine.Ctx, run *engine.ScriptRun, fn *lua.LFunction, keys, args [][]byte, eval bool) {
	L := v.L
	v.run = run
	v.lastErr = errInfo{}
	if c.E.Cfg.Int("busy-reply-threshold") > 0 {
		run.SetKiller(v.ctx, v.ctx.arm())
		L.SetContext(v.ctx)
	}
	if v.kind == kindEval {
		// Nothing of a run outlives it (read-only globals and
		// libraries), so its local functions may reuse the closures of
		// the run before (lua.LState.NewClosureGeneration). FCALL's
		// libraries can keep state in their upvalues between calls.
		L.NewClosureGeneration()
	}
	kt := v.keysT.fill(L, keys)
	at := v.argvT.fill(L, args)
	L.SetTop(0)
	L.Push(fn)
	nargs := 0
	if eval {
		v.globals.RawSetString("KEYS", kt)
		v.globals.RawSetString("ARGV", at)
	} else {
		L.Push(kt)
		L.Push(at)
		nargs = 2
	}
	err := L.PCall(nargs, 1, v.errfn)
	if err != nil {
		info := v.lastErr
		if !info.hasMsg {
			info.msg = "ERR " + err.Error()
		}
		msg := info.msg
		if info.source != "" && info.line > 0 {
			msg += " script: " + run.Name + ", on " + info.source + ":" + itoa(info.line) + "."
		}
		if info.ignoreStats {
			c.ErrNoStats(msg)
		} else {
			c.ErrString(msg)
		}
	} else {
		ret := L.Get(-1)
		rw := replyWriter{w: c.W, scriptResp: run.Resp(), stats: c}
		rw.write(ret, 0)
	}
	L.SetTop(0)
	if L.Context() != nil {
		L.RemoveContext()
	}
	v.keysT.release()
	v.argvT.release()
	v.run = nil
}

// argTable is the KEYS or ARGV table of the runs of a VM, reused from one
// run to the next while the script left it as it was given (no metatable,
// nothing stored past its elements), which saves two allocations per run.
// A run cannot keep the table: the globals and libraries are read-only.
type argTable struct {
	t     *lua.LTable
	n     int  // elements set by fill
	clean bool // release found t as fill left it
}

func (a *argTable) fill(L *lua.LState, vals [][]byte) *lua.LTable {
	if a.t == nil || !a.clean || len(vals) < a.n {
		a.t = L.CreateTable(len(vals), 0)
	}
	a.n = len(vals)
	a.clean = false
	for i, s := range vals {
		// The same key names and arguments come again and again: keep the
		// string already there instead of converting (two allocations).
		if old, ok := a.t.RawGetInt(i + 1).(lua.LString); ok && string(old) == string(s) {
			continue
		}
		a.t.RawSetInt(i+1, lua.StringValue(s))
	}
	return a.t
}

func (a *argTable) release() {
	t := a.t
	if t == nil || t.Metatable != lua.LNil {
		return
	}
	var k lua.LValue = lua.LNil
	if a.n > 0 {
		k = lua.LNumber(a.n)
	}
	if next, _ := t.Next(k); next != lua.LNil {
		return
	}
	a.clean = true // changed elements do not matter: fill sets them all
}

// ScriptLoad implements SCRIPT LOAD.
func (h *Host) ScriptLoad(c *engine.Ctx) {
	body := string(c.Argv[2])
	sha := sha1hex(body)
	h.mu.Lock()
	s := h.scripts[sha]
	h.mu.Unlock()
	if s == nil {
		var msg string
		if s, msg = h.createScript(sha, body); s == nil {
			c.ErrString(msg)
			return
		}
	}
	c.W.BulkString(sha)
}

// ScriptExists implements SCRIPT EXISTS (SHA1s match case-insensitively).
func (h *Host) ScriptExists(c *engine.Ctx) {
	c.W.Array(len(c.Argv) - 2)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, a := range c.Argv[2:] {
		if h.scripts[strings.ToLower(string(a))] != nil {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// ScriptFlush implements SCRIPT FLUSH: the cache and the Lua state are reset.
func (h *Host) ScriptFlush() {
	h.mu.Lock()
	h.scripts = map[string]*evalScript{}
	old := h.evalVM
	h.evalVM = nil
	h.mu.Unlock()
	if old != nil {
		old.close()
	}
}

// mentionsArg reports whether src contains the identifier "arg".
func mentionsArg(src string) bool {
	for i := strings.Index(src, "arg"); i >= 0; {
		before := i == 0 || !isIdent(src[i-1])
		after := i+3 >= len(src) || !isIdent(src[i+3])
		if before && after {
			return true
		}
		j := strings.Index(src[i+3:], "arg")
		if j < 0 {
			break
		}
		i += 3 + j
	}
	return false
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func hasUpper(b []byte) bool {
	for _, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			return true
		}
	}
	return false
}
