package script

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"time"

	lua "github.com/redwingdb/redwing/internal/lua"

	"github.com/redwingdb/redwing/internal/engine"
)

type vmKind int

const (
	kindEval vmKind = iota
	kindFunc
)

// vm is one prepared Lua state with Redis's environment. A vm is used by one
// goroutine at a time: scripts run under the exclusive world lock.
type vm struct {
	L    *lua.LState
	kind vmKind
	host *Host

	globals *lua.LTable // the real globals table
	envMeta *lua.LTable // function VM: env's metatable (__index swapped while loading a library)
	proxies map[*lua.LTable]*lua.LTable

	errfn    *lua.LFunction // error handler of the current call
	ctx      *runCtx        // polled by the VM: SCRIPT KILL, FUNCTION LOAD timeout
	keysT    argTable       // KEYS, or a function's keys argument
	argvT    argTable
	pcallErr *lua.LFunction // message handler of pcall: translates runtime errors
	nargs    int            // arguments of the last library function called
	lastErr  errInfo
	redisAPI *lua.LTable

	run    *engine.ScriptRun // the script being run, nil between runs
	inCall bool              // redis.call recursion guard

	// function VM only
	loadAPI *lua.LTable
	load    *library // library being built by FUNCTION LOAD

	argv   [][]byte // redis.call argument scratch (stackArgv)
	argBuf []byte
}

// runCtx is the context the VM polls between instructions: stopped by
// SCRIPT KILL / FUNCTION KILL, or by the FUNCTION LOAD timeout. A VM keeps
// one for all its runs (arm starts a run): a fresh context per run would
// cost a context and a channel per EVALSHA. A Lua coroutine derives a
// context from it; because runCtx implements AfterFunc, Go's context
// package registers a callback here instead of starting a goroutine that
// watches the channel, and arm drops the callbacks of the previous run
// (its coroutines are dead: a script cannot keep a value across runs).
type runCtx struct {
	done chan struct{} // replaced by arm once closed; read by the VM goroutine only

	mu     sync.Mutex
	gen    uint64 // the armed run
	closed bool
	afters []*ctxAfter
}

type ctxAfter struct{ f func() }

var errStopped = errors.New("script stopped")

func newRunCtx() *runCtx { return &runCtx{done: make(chan struct{})} }

// arm starts a run and returns its generation, for Kill.
func (c *runCtx) arm() uint64 {
	c.mu.Lock()
	if c.closed {
		c.done = make(chan struct{})
		c.closed = false
	}
	clear(c.afters)
	c.afters = c.afters[:0]
	c.gen++
	g := c.gen
	c.mu.Unlock()
	return g
}

// Kill stops run gen if it is still the armed one (engine.Killer).
func (c *runCtx) Kill(gen uint64) {
	c.mu.Lock()
	if c.closed || c.gen != gen {
		c.mu.Unlock()
		return
	}
	close(c.done)
	c.closed = true
	fns := c.afters
	c.afters = nil
	c.mu.Unlock()
	for _, a := range fns {
		if a != nil {
			a.f()
		}
	}
}

func (c *runCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *runCtx) Done() <-chan struct{}       { return c.done }
func (c *runCtx) Value(any) any               { return nil }
func (c *runCtx) Err() error {
	select {
	case <-c.done:
		return errStopped
	default:
		return nil
	}
}

// AfterFunc lets context.WithCancel children register for the stop.
func (c *runCtx) AfterFunc(f func()) func() bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	a := &ctxAfter{f: f}
	c.afters = append(c.afters, a)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, x := range c.afters {
			if x == a {
				c.afters[i] = nil
				return true
			}
		}
		return false
	}
}

var _ context.Context = (*runCtx)(nil)

// Globals that survive the sandboxing of the eval environment (Redis 7.0's
// allow lists minus what it removes after initialisation).
var evalGlobals = map[string]bool{
	"string": true, "cjson": true, "bit": true, "cmsgpack": true, "math": true, "table": true, "struct": true,
	"redis": true, "__redis__err__handler": true,
	"xpcall": true, "tostring": true, "setmetatable": true, "next": true, "assert": true, "tonumber": true,
	"rawequal": true, "collectgarbage": true, "getmetatable": true, "rawset": true, "pcall": true,
	"coroutine": true, "type": true, "_G": true, "select": true, "unpack": true, "gcinfo": true, "pairs": true,
	"rawget": true, "loadstring": true, "ipairs": true, "_VERSION": true, "load": true, "error": true,
}

func newVM(h *Host, kind vmKind) *vm {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    1024,
		RegistrySize:     1024,
		RegistryMaxSize:  1 << 22,
		RegistryGrowStep: 1024,
	})
	v := &vm{L: L, kind: kind, host: h, proxies: map[*lua.LTable]*lua.LTable{}}
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{"", lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	g := L.G.Global
	v.globals = g
	g.RawSetString("cjson", openCjson(L))
	g.RawSetString("struct", openStruct(L))
	g.RawSetString("cmsgpack", openCmsgpack(L))
	g.RawSetString("bit", openBit(L))

	// Redis's replacements and additions.
	g.RawSetString("pcall", L.NewFunction(v.luaPcall))
	g.RawSetString("error", L.NewFunction(luaError))
	g.RawSetString("tostring", L.NewFunction(luaTostring))
	g.RawSetString("tonumber", L.NewFunction(luaTonumber))
	g.RawSetString("gcinfo", L.NewFunction(luaGcinfo))
	g.RawSetString("next", L.NewFunction(v.luaNext))
	g.RawSetString("pairs", L.NewFunction(v.luaPairs))
	g.RawSetString("rawget", L.NewFunction(v.luaRawget))
	g.RawSetString("loadstring", L.NewFunction(v.luaLoadstring))
	if st, ok := g.RawGetString("string").(*lua.LTable); ok {
		st.RawSetString("format", L.NewFunction(luaStringFormat))
	}
	if m, ok := g.RawGetString("math").(*lua.LTable); ok {
		m.RawSetString("huge", lua.LNumber(math.Inf(1))) // HUGE_VAL; gopher-lua has MaxFloat64
		m.RawSetString("random", L.NewFunction(v.mathRandom))
		m.RawSetString("randomseed", L.NewFunction(v.mathRandomseed))
	}
	v.redisAPI = v.newRedisAPI(kind == kindEval)
	g.RawSetString("redis", v.redisAPI)
	if kind == kindEval {
		g.RawSetString("__redis__err__handler", L.NewFunction(func(L *lua.LState) int {
			L.Push(L.Get(1))
			return 1
		}))
	}
	// Drop everything that is not on the allow list.
	var drop []string
	g.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); !ok || !evalGlobals[string(s)] {
			drop = append(drop, k.String())
		}
	})
	for _, k := range drop {
		g.RawSetString(k, lua.LNil)
	}
	// Library functions record their argument count so that "got nil" can
	// become Lua 5.1's "got no value" for missing arguments.
	for _, name := range []string{"string", "math", "table", "coroutine", "cjson", "struct", "cmsgpack", "bit"} {
		if t, ok := g.RawGetString(name).(*lua.LTable); ok {
			v.wrapFuncs(t, name+".")
		}
	}
	v.wrapFuncs(g, "")
	// Library tables become read-only (the VM's LTable.Readonly, as Redis
	// 7's readonly tables: every write from a script raises "Attempt to
	// modify a readonly table").
	for _, name := range []string{"string", "math", "table", "coroutine", "cjson", "struct", "cmsgpack", "bit", "redis"} {
		if t, ok := g.RawGetString(name).(*lua.LTable); ok {
			t.Readonly = true
		}
	}
	// Missing globals raise Redis's error; the globals are read-only.
	gm := L.NewTable()
	gm.RawSetString("__index", L.NewFunction(nonexistentGlobal))
	g.Metatable = gm
	g.Readonly = true
	env := g
	if kind == kindFunc {
		// Loading a library swaps what the environment shows
		// (functions.go), so functions see the globals through a view.
		env = L.NewTable()
		env.Readonly = true
		v.envMeta = L.NewTable()
		v.envMeta.RawSetString("__index", g)
		env.Metatable = v.envMeta
		v.proxies[env] = g
	}
	g.RawSetString("_G", env)
	L.Env = env
	L.G.Global = env
	v.errfn = L.NewFunction(v.errHandler)
	v.ctx = newRunCtx()
	v.pcallErr = L.NewFunction(func(L *lua.LState) int {
		obj := L.Get(1)
		if s, ok := obj.(lua.LString); ok {
			obj = lua.LString(v.translateError(L, string(s)))
		}
		L.Push(obj)
		return 1
	})
	if kind == kindFunc {
		v.loadAPI = v.newLoadAPI()
	}
	return v
}

// real returns the globals behind the function VM's environment view (or t
// itself).
func (v *vm) real(t *lua.LTable) *lua.LTable {
	if r, ok := v.proxies[t]; ok {
		return r
	}
	return t
}

func (v *vm) close() { v.L.Close() }

func nonexistentGlobal(L *lua.LState) int {
	k := L.Get(2)
	name := ""
	switch x := k.(type) {
	case lua.LString:
		name = string(x)
	case lua.LNumber:
		name = luaNumberString(float64(x))
	default:
		L.RaiseError("Second argument to luaProtectedTableError must be a string or number")
	}
	L.RaiseError("Script attempted to access nonexistent global variable '%s'", name)
	return 0
}

// ---------------------------------------------------------------------------
// Base library replacements.

// luaError is Lua 5.1's error(): string and number messages get the
// position of the given level.
func luaError(L *lua.LState) int {
	obj := L.Get(1)
	level := L.OptInt(2, 1)
	switch x := obj.(type) {
	case lua.LString, lua.LNumber:
		msg := lua.LVAsString(x)
		if n, ok := x.(lua.LNumber); ok {
			msg = luaNumberString(float64(n))
		}
		if level > 0 {
			msg = where(L, level) + msg
		}
		L.Error(lua.LString(msg), 0)
	default:
		L.Error(obj, 0)
	}
	return 0
}

// where is luaL_where: "source:line: " of the function at level, or "" for
// Go functions.
func where(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, nil); err != nil {
		return ""
	}
	if dbg.CurrentLine <= 0 || dbg.What == "G" {
		return ""
	}
	src := dbg.Source
	if len(src) > 0 && src[0] == '@' {
		src = src[1:]
	}
	return src + ":" + itoa(dbg.CurrentLine) + ": "
}

// luaPcall is Redis's pcall: an error table with an "err" string field is
// replaced by that string.
func (v *vm) luaPcall(L *lua.LState) int {
	top := L.GetTop()
	if top == 0 {
		L.ArgError(1, "value expected")
	}
	fn := L.Get(1)
	base := L.GetTop() - top
	err := L.PCall(top-1, lua.MultRet, v.pcallErr)
	if err != nil {
		obj := lua.LValue(lua.LString(err.Error()))
		if ae, ok := err.(*lua.ApiError); ok {
			obj = ae.Object
		}
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := t.RawGetString("err").(lua.LString); ok {
				obj = s
			}
		}
		if f, ok := fn.(*lua.LFunction); ok && f.IsG {
			// Called by pcall itself (pcall(cjson.decode, s)), a library
			// function's error has no position in Lua: luaL_where finds
			// pcall, a C function, at level 1.
			// Nor a name: Lua's "bad argument #1 to '?'".
			if s, ok := obj.(lua.LString); ok {
				obj = lua.LString(strings.Replace(stripChunkPosition(string(s)), " to '(anonymous)' (", " to '?' (", 1))
			}
		}
		L.SetTop(base)
		L.Push(lua.LFalse)
		L.Push(obj)
		return 2
	}
	n := L.GetTop() - base
	L.Insert(lua.LTrue, base+1)
	return n + 1
}

// stripChunkPosition removes a leading "user_script:12: " (or
// "user_function:12: ") from an error message.
func stripChunkPosition(msg string) string {
	for _, chunk := range []string{"user_script:", "user_function:"} {
		if !strings.HasPrefix(msg, chunk) {
			continue
		}
		i := len(chunk)
		j := i
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		if j > i && strings.HasPrefix(msg[j:], ": ") {
			return msg[j+2:]
		}
	}
	return msg
}

// luaTostring formats numbers as Lua 5.1 does ("%.14g").
func luaTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(luaNumberString(float64(n))))
		return 1
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

func luaGcinfo(L *lua.LState) int {
	L.Push(lua.LNumber(64))
	return 1
}

func (v *vm) luaNext(L *lua.LState) int {
	t := v.real(L.CheckTable(1))
	L.SetTop(2)
	k, val := t.Next(L.Get(2))
	if k == lua.LNil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(k)
	L.Push(val)
	return 2
}

func (v *vm) luaPairs(L *lua.LState) int {
	t := L.CheckTable(1)
	L.Push(v.L.GetGlobal("next"))
	L.Push(t)
	L.Push(lua.LNil)
	return 3
}

func (v *vm) luaRawget(L *lua.LState) int {
	t := v.real(L.CheckTable(1))
	L.Push(t.RawGet(L.CheckAny(2)))
	return 1
}

func itoa(n int) string {
	if n >= 0 && n < 10 {
		return string(rune('0' + n))
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// luaLoadstring is loadstring with Lua 5.1's chunk names ([string "..."]).
func (v *vm) luaLoadstring(L *lua.LState) int {
	src := L.CheckString(1)
	name := L.OptString(2, src)
	proto, msg := compileChunk(src, chunkID(name))
	if msg != "" {
		L.Push(lua.LNil)
		L.Push(lua.LString(msg))
		return 2
	}
	L.Push(L.NewFunctionFromProto(proto))
	return 1
}

// chunkID is luaO_chunkid with LUA_IDSIZE 60.
func chunkID(source string) string {
	const idsize = 60
	if len(source) > 0 && source[0] == '=' {
		s := source[1:]
		if len(s) > idsize-1 {
			s = s[:idsize-1]
		}
		return s
	}
	if len(source) > 0 && source[0] == '@' {
		s := source[1:]
		if len(s) > idsize-1 {
			s = "..." + s[len(s)-(idsize-1-3):]
		}
		return s
	}
	l := len(source)
	max := idsize - 17
	if l > max {
		l = max
	}
	for i := 0; i < l; i++ {
		if source[i] == '\n' {
			l = i
			break
		}
	}
	out := "[string \"" + source[:l]
	if l < len(source) {
		out += "..."
	}
	return out + "\"]"
}

// wrapFuncs wraps the Go functions of t to record their argument count.
func (v *vm) wrapFuncs(t *lua.LTable, prefix string) {
	type kv struct {
		k string
		f *lua.LFunction
	}
	var fns []kv
	t.ForEach(func(k, val lua.LValue) {
		ks, ok1 := k.(lua.LString)
		f, ok2 := val.(*lua.LFunction)
		if ok1 && ok2 && f.IsG {
			fns = append(fns, kv{string(ks), f})
		}
	})
	for _, x := range fns {
		switch x.k {
		case "pcall", "xpcall", "error":
			continue
		}
		orig := x.f.GFunction
		numeric, all := numericArgs[prefix+x.k], prefix+x.k == "string.char"
		minTop := 0
		if prefix+x.k == "table.insert" {
			minTop = 3 // table.insert(t, v): the value stays as it is
		}
		w := v.L.NewFunction(func(L *lua.LState) int {
			v.nargs = L.GetTop()
			if (numeric != nil || all) && v.nargs >= minTop {
				coerceNumericArgs(L, numeric, all)
			}
			return orig(L)
		})
		// Keep the original's upvalues: Go closures such as ipairs read
		// theirs (ipairs returns its iterator from upvalue 1).
		w.Upvalues = x.f.Upvalues
		t.RawSetString(x.k, w)
	}
}

// numericArgs are the integer parameters of gopher-lua library functions
// that do not accept numeric strings where Lua 5.1's luaL_checkint does
// (string.sub(s, "2") works in Redis).
var numericArgs = map[string][]int{
	"string.sub": {2, 3}, "string.rep": {2}, "string.byte": {2, 3}, "string.find": {3}, "string.gsub": {4},
	"table.insert": {2}, "table.remove": {2}, "table.concat": {3, 4}, "math.ldexp": {2},
	"select": {1}, "unpack": {2, 3},
}

// coerceNumericArgs replaces numeric strings at the positions given (or
// at every position) by their numbers, as Lua 5.1's lua_tointeger reads
// them; other values are left for the function to reject.
func coerceNumericArgs(L *lua.LState, positions []int, all bool) {
	top := L.GetTop()
	conv := func(i int) {
		if s, ok := L.Get(i).(lua.LString); ok {
			if n, ok := luaStr2d(string(s)); ok {
				L.Replace(i, lua.LNumber(n))
			}
		}
	}
	if all {
		for i := 1; i <= top; i++ {
			conv(i)
		}
		return
	}
	for _, i := range positions {
		if i <= top {
			conv(i)
		}
	}
}
