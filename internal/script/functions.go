package script

import (
	"github.com/redwingdb/redwing/internal/config"

	"encoding/binary"
	"github.com/redwingdb/redwing/internal/lzf"
	"sort"
	"strings"
	"time"

	lua "github.com/redwingdb/redwing/internal/lua"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/resp"
)

// library is one FUNCTION LOAD library.
type library struct {
	name     string
	code     string
	funcs    map[string]*function
	order    []string // registration order
	timedOut bool
}

// function is one registered function.
type function struct {
	name  string
	desc  *string
	flags int
	fn    *lua.LFunction
	lib   *library
}

const (
	rdbOpcodeFunctionPreGA = 246
	rdbOpcodeFunction2     = 245
	rdbVersion             = 10
	functionLoadTimeout    = 500 * time.Millisecond
)

const errLibName = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// newLoadAPI builds the globals visible while a library loads: only the
// redis table with register_function, log and the version fields.
func (v *vm) newLoadAPI() *lua.LTable {
	L := v.L
	errMeta := L.NewTable()
	errMeta.RawSetString("__index", L.NewFunction(nonexistentGlobal))
	r := L.NewTable()
	r.RawSetString("register_function", L.NewFunction(v.registerFunction))
	registerLog(L, r)
	registerVersion(r)
	r.Metatable = errMeta
	g := L.NewTable()
	r.Readonly = true
	g.RawSetString("redis", r)
	g.Metatable = errMeta
	return g
}

// parseLibMeta extracts engine, name and body from the "#!<engine> name=<n>"
// header (functionExtractLibMetaData).
func parseLibMeta(code string) (engineName, name, body, errMsg string) {
	if !strings.HasPrefix(code, "#!") {
		return "", "", "", "Missing library metadata"
	}
	nl := strings.IndexByte(code, '\n')
	if nl < 0 {
		return "", "", "", "Invalid library metadata"
	}
	parts, err := config.SplitArgs(code[:nl])
	if err != nil || len(parts) == 0 {
		return "", "", "", "Invalid library metadata"
	}
	engineName = parts[0][2:]
	hasName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if hasName {
				return "", "", "", "Invalid metadata value, name argument was given multiple times"
			}
			name, hasName = p[5:], true
			continue
		}
		return "", "", "", "Invalid metadata value given: " + p
	}
	if !hasName {
		return "", "", "", "Library name was not given"
	}
	return engineName, name, code[nl:], ""
}

// buildLibrary compiles and runs library code, collecting its functions
// (luaEngineCreate). timeout 0 means none.
func (h *Host) buildLibrary(code string, timeout time.Duration) (*library, string) {
	engineName, name, body, msg := parseLibMeta(code)
	if msg != "" {
		return nil, msg
	}
	if !validName(name) {
		return nil, errLibName
	}
	if !strings.EqualFold(engineName, "lua") {
		return nil, "Engine '" + engineName + "' not found"
	}
	lib := &library{name: name, code: code, funcs: map[string]*function{}}
	v := h.fvm()
	L := v.L
	proto, cerr := compileChunk(body, "user_function")
	if cerr != "" {
		return nil, "Error compiling function: " + cerr
	}
	fn := L.NewFunctionFromProto(proto)
	v.envMeta.RawSetString("__index", v.loadAPI)
	v.load = lib
	var timer *time.Timer
	if timeout > 0 {
		gen := v.ctx.arm()
		L.SetContext(v.ctx)
		timer = time.AfterFunc(timeout, func() {
			lib.timedOut = true
			v.ctx.Kill(gen)
		})
	}
	L.SetTop(0)
	L.Push(fn)
	err := L.PCall(0, 0, nil)
	if timer != nil {
		timer.Stop()
		L.RemoveContext()
	}
	v.load = nil
	v.envMeta.RawSetString("__index", v.globals)
	L.SetTop(0)
	if err != nil {
		var m string
		if lib.timedOut {
			m = "ERR FUNCTION LOAD timeout"
		} else if ae, ok := err.(*lua.ApiError); ok {
			if t, ok := ae.Object.(*lua.LTable); ok {
				if s, ok := t.RawGetString("err").(lua.LString); ok {
					m = string(s)
				}
			} else {
				m = "ERR " + v.translateError(L, errString(ae.Object))
			}
		} else {
			m = "ERR " + err.Error()
		}
		return nil, "Error registering functions: " + m
	}
	if len(lib.funcs) == 0 {
		return nil, "No functions registered"
	}
	return lib, ""
}

// registerFunction is redis.register_function (only during FUNCTION LOAD).
func (v *vm) registerFunction(L *lua.LState) int {
	lib := v.load
	if lib == nil {
		raise(L, "redis.register_function can only be called on FUNCTION LOAD command")
	}
	argc := L.GetTop()
	if argc < 1 || argc > 2 {
		raise(L, "wrong number of arguments to redis.register_function")
	}
	var (
		name     string
		hasName  bool
		desc     *string
		callback *lua.LFunction
		flags    int
	)
	if argc == 1 {
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		var errMsg string
		t.ForEach(func(k, val lua.LValue) {
			if errMsg != "" {
				return
			}
			key, ok := luaStringish(k)
			if !ok {
				errMsg = "named argument key given to redis.register_function is not a string"
				return
			}
			switch strings.ToLower(key) {
			case "function_name":
				s, ok := luaStringish(val)
				if !ok {
					errMsg = "function_name argument given to redis.register_function must be a string"
					return
				}
				name, hasName = s, true
			case "description":
				s, ok := luaStringish(val)
				if !ok {
					errMsg = "description argument given to redis.register_function must be a string"
					return
				}
				desc = &s
			case "callback":
				f, ok := val.(*lua.LFunction)
				if !ok {
					errMsg = "callback argument given to redis.register_function must be a function"
					return
				}
				callback = f
			case "flags":
				ft, ok := val.(*lua.LTable)
				if !ok {
					errMsg = "flags argument to redis.register_function must be a table representing function flags"
					return
				}
				for i := 1; ; i++ {
					fv := ft.RawGetInt(i)
					if fv == lua.LNil {
						break
					}
					s, ok := luaStringish(fv)
					bit := 0
					if ok {
						bit = scriptFlag(s, true)
					}
					if bit == 0 {
						errMsg = "unknown flag given"
						return
					}
					flags |= bit
				}
			default:
				errMsg = "unknown argument given to redis.register_function"
			}
		})
		if errMsg != "" {
			raise(L, errMsg)
		}
		if !hasName {
			raise(L, "redis.register_function must get a function name argument")
		}
		if callback == nil {
			raise(L, "redis.register_function must get a callback argument")
		}
	} else {
		s, ok := luaStringish(L.Get(1))
		if !ok {
			raise(L, "first argument to redis.register_function must be a string")
		}
		name = s
		f, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			raise(L, "second argument to redis.register_function must be a function")
		}
		callback = f
	}
	if !validName(name) {
		raise(L, errLibName)
	}
	if lib.funcs[name] != nil {
		raise(L, "Function already exists in the library")
	}
	lib.funcs[name] = &function{name: name, desc: desc, flags: flags, fn: callback, lib: lib}
	lib.order = append(lib.order, name)
	return 0
}

func luaStringish(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return luaNumberString(float64(x)), true
	}
	return "", false
}

// link adds lib and its functions to the registry (caller holds h.mu).
func (h *Host) linkLocked(lib *library) {
	h.libs[lib.name] = lib
	for _, f := range lib.funcs {
		h.funcs[strings.ToLower(f.name)] = f
	}
}

func (h *Host) unlinkLocked(lib *library) {
	delete(h.libs, lib.name)
	for _, f := range lib.funcs {
		delete(h.funcs, strings.ToLower(f.name))
	}
}

// FunctionLoad implements FUNCTION LOAD [REPLACE] code.
func (h *Host) FunctionLoad(c *engine.Ctx) {
	argv := c.Argv
	replace := false
	pos := 2
	for pos < len(argv)-1 {
		a := argv[pos]
		pos++
		if strings.EqualFold(string(a), "replace") {
			replace = true
			continue
		}
		c.ErrString("ERR Unknown option given: " + string(a))
		return
	}
	if pos >= len(argv) {
		c.ErrString("ERR Function code is missing")
		return
	}
	name, msg := h.load(string(argv[pos]), replace, functionLoadTimeout)
	if msg != "" {
		c.ErrString("ERR " + msg)
		return
	}
	c.Dirty()
	c.W.BulkString(name)
}

// load creates a library and links it (functionsCreateWithLibraryCtx).
func (h *Host) load(code string, replace bool, timeout time.Duration) (string, string) {
	// Metadata errors come before running any Lua.
	eng, name, _, msg := parseLibMeta(code)
	if msg != "" {
		return "", msg
	}
	if !validName(name) {
		return "", errLibName
	}
	if !strings.EqualFold(eng, "lua") {
		return "", "Engine '" + eng + "' not found"
	}
	h.mu.Lock()
	old := h.libs[name]
	h.mu.Unlock()
	if old != nil && !replace {
		return "", "Library '" + name + "' already exists"
	}
	lib, msg := h.buildLibrary(code, timeout)
	if msg != "" {
		return "", msg
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if old != nil {
		h.unlinkLocked(old)
	}
	for _, fname := range lib.order {
		if h.funcs[strings.ToLower(fname)] != nil {
			if old != nil {
				h.linkLocked(old)
			}
			return "", "Function " + fname + " already exists"
		}
	}
	h.linkLocked(lib)
	return lib.name, ""
}

// FCall implements FCALL and FCALL_RO. The caller holds the exclusive world
// lock.
func (h *Host) FCall(c *engine.Ctx, ro bool) {
	argv := c.Argv
	h.mu.Lock()
	f := h.funcs[strings.ToLower(string(argv[1]))]
	h.mu.Unlock()
	if f == nil {
		c.ErrString("ERR Function not found")
		return
	}
	numkeys, ok := resp.ParseInt(argv[2])
	if !ok {
		c.ErrString("ERR Bad number of keys provided")
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
	run, msg := c.E.BeginScript(c, f.name, false, f.flags, ro)
	if run == nil {
		c.ErrString(msg)
		return
	}
	n := int(numkeys)
	h.fvm().call(c, run, f.fn, argv[3:3+n], argv[3+n:], false)
	run.End()
}

// FunctionList implements FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].
func (h *Host) FunctionList(c *engine.Ctx) {
	argv := c.Argv
	withCode := false
	var pattern []byte
	hasPattern := false
	for i := 2; i < len(argv); i++ {
		a := argv[i]
		if !withCode && strings.EqualFold(string(a), "withcode") {
			withCode = true
			continue
		}
		if !hasPattern && strings.EqualFold(string(a), "libraryname") {
			if i >= len(argv)-1 {
				c.ErrString("ERR library name argument was not given")
				return
			}
			i++
			pattern, hasPattern = argv[i], true
			continue
		}
		c.ErrString("ERR Unknown argument " + string(a))
		return
	}
	h.mu.Lock()
	libs := make([]*library, 0, len(h.libs))
	for _, l := range h.libs {
		if hasPattern && !globMatch(pattern, []byte(l.name), true) {
			continue
		}
		libs = append(libs, l)
	}
	h.mu.Unlock()
	sort.Slice(libs, func(i, j int) bool { return libs[i].name < libs[j].name })
	w := c.W
	w.Array(len(libs))
	for _, l := range libs {
		if withCode {
			w.Map(4)
		} else {
			w.Map(3)
		}
		w.BulkString("library_name")
		w.BulkString(l.name)
		w.BulkString("engine")
		w.BulkString("LUA")
		w.BulkString("functions")
		w.Array(len(l.order))
		for _, fname := range l.order {
			f := l.funcs[fname]
			w.Map(3)
			w.BulkString("name")
			w.BulkString(f.name)
			w.BulkString("description")
			if f.desc != nil {
				w.BulkString(*f.desc)
			} else {
				w.Null()
			}
			w.BulkString("flags")
			n := 0
			for _, fl := range engine.ScriptFlagNames {
				if f.flags&fl.Flag != 0 {
					n++
				}
			}
			w.Set(n)
			for _, fl := range engine.ScriptFlagNames {
				if f.flags&fl.Flag != 0 {
					w.Simple(fl.Name)
				}
			}
		}
		if withCode {
			w.BulkString("library_code")
			w.BulkString(l.code)
		}
	}
}

// FunctionDelete implements FUNCTION DELETE.
func (h *Host) FunctionDelete(c *engine.Ctx) {
	h.mu.Lock()
	l := h.libs[string(c.Argv[2])]
	if l != nil {
		h.unlinkLocked(l)
	}
	h.mu.Unlock()
	if l == nil {
		c.ErrString("ERR Library not found")
		return
	}
	c.Dirty()
	c.W.OK()
}

// FunctionFlush deletes all libraries (FUNCTION FLUSH).
func (h *Host) FunctionFlush() {
	h.mu.Lock()
	h.libs = map[string]*library{}
	h.funcs = map[string]*function{}
	old := h.funcVM
	h.funcVM = nil
	h.mu.Unlock()
	if old != nil {
		old.close()
	}
}

// FunctionStats implements FUNCTION STATS.
func (h *Host) FunctionStats(c *engine.Ctx) {
	if r := c.E.RunningScript(); r != nil && r.Eval {
		c.ErrString(engine.ErrSlowEval)
		return
	}
	w := c.W
	w.Map(2)
	w.BulkString("running_script")
	if r := c.E.RunningScript(); r == nil {
		w.Null()
	} else {
		w.Map(3)
		w.BulkString("name")
		w.BulkString(r.Name)
		w.BulkString("command")
		av := r.Argv()
		w.Array(len(av))
		for _, a := range av {
			w.Bulk(a)
		}
		w.BulkString("duration_ms")
		w.Int(r.Elapsed().Milliseconds())
	}
	libs, funcs := h.NumFunctions()
	w.BulkString("engines")
	w.Map(1)
	w.BulkString("LUA")
	w.Map(2)
	w.BulkString("libraries_count")
	w.Int(int64(libs))
	w.BulkString("functions_count")
	w.Int(int64(funcs))
}

// FunctionDump implements FUNCTION DUMP: the libraries in RDB format
// (RDB_OPCODE_FUNCTION2 + code string each), then the RDB version and a
// CRC64, as DUMP payloads.
func (h *Host) FunctionDump(c *engine.Ctx) {
	compress := c.E.Cfg.Bool("rdbcompression")
	h.mu.Lock()
	libs := make([]*library, 0, len(h.libs))
	for _, l := range h.libs {
		libs = append(libs, l)
	}
	h.mu.Unlock()
	sort.Slice(libs, func(i, j int) bool { return libs[i].name < libs[j].name })
	var p []byte
	for _, l := range libs {
		p = append(p, rdbOpcodeFunction2)
		p = rdbAppendString(p, []byte(l.code), compress)
	}
	p = append(p, rdbVersion&0xff, rdbVersion>>8)
	p = binary.LittleEndian.AppendUint64(p, crc64(0, p))
	c.W.Bulk(p)
}

// FunctionRestore implements FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE].
func (h *Host) FunctionRestore(c *engine.Ctx) {
	argv := c.Argv
	if len(argv) > 4 {
		c.ErrString("ERR unknown subcommand or wrong number of arguments for '" + trunc128(string(argv[1])) + "'. Try FUNCTION HELP.")
		return
	}
	policy := "append"
	if len(argv) == 4 {
		switch strings.ToLower(string(argv[3])) {
		case "append", "replace", "flush":
			policy = strings.ToLower(string(argv[3]))
		default:
			c.ErrString("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
			return
		}
	}
	data := argv[2]
	if !verifyDumpPayload(data) {
		c.ErrString("ERR DUMP payload version or checksum are wrong")
		return
	}
	var codes []string
	pos := 0
	for len(data)-pos > 10 {
		typ := data[pos]
		pos++
		if typ == rdbOpcodeFunctionPreGA {
			c.ErrString("ERR Pre-GA function format not supported")
			return
		}
		if typ != rdbOpcodeFunction2 {
			c.ErrString("ERR given type is not a function")
			return
		}
		s, n, ok := rdbReadString(data[:len(data)-10], pos)
		if !ok {
			c.ErrString("ERR failed loading the given functions payload")
			return
		}
		pos = n
		codes = append(codes, string(s))
	}
	// Build all libraries first, then join them with the current ones.
	built := map[string]*library{}
	var order []*library
	for _, code := range codes {
		lib, msg := h.buildLibrary(code, 0)
		if msg != "" {
			c.ErrString("ERR " + msg)
			return
		}
		if built[lib.name] != nil {
			c.ErrString("ERR Library '" + lib.name + "' already exists")
			return
		}
		for _, o := range order {
			for fname := range lib.funcs {
				if hasFold(o.funcs, fname) {
					c.ErrString("ERR Function " + fname + " already exists")
					return
				}
			}
		}
		built[lib.name] = lib
		order = append(order, lib)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if policy == "flush" {
		h.libs = map[string]*library{}
		h.funcs = map[string]*function{}
		for _, l := range order {
			h.linkLocked(l)
		}
		c.Dirty()
		c.W.OK()
		return
	}
	var replaced []*library
	for _, l := range order {
		if old := h.libs[l.name]; old != nil {
			if policy != "replace" {
				for _, r := range replaced {
					h.linkLocked(r)
				}
				c.ErrString("ERR Library " + l.name + " already exists")
				return
			}
			h.unlinkLocked(old)
			replaced = append(replaced, old)
		}
	}
	for _, l := range order {
		for _, fname := range l.order {
			if h.funcs[strings.ToLower(fname)] != nil {
				for _, r := range replaced {
					h.linkLocked(r)
				}
				c.ErrString("ERR Function " + fname + " already exists")
				return
			}
		}
	}
	for _, l := range order {
		h.linkLocked(l)
	}
	c.Dirty()
	c.W.OK()
}

func trunc128(s string) string {
	if len(s) > 128 {
		return s[:128]
	}
	return s
}

// verifyDumpPayload checks the RDB version and CRC64 footer.
func verifyDumpPayload(p []byte) bool {
	if len(p) < 10 {
		return false
	}
	footer := p[len(p)-10:]
	ver := int(footer[0]) | int(footer[1])<<8
	if ver > rdbVersion {
		return false
	}
	return crc64(0, p[:len(p)-8]) == binary.LittleEndian.Uint64(footer[2:])
}

// rdbAppendString is rdbSaveRawString: LZF-compressed when that saves
// space (strings over 20 bytes, rdbcompression yes).
func rdbAppendString(p, s []byte, compress bool) []byte {
	if compress && len(s) > 20 {
		var z lzf.Compressor
		if out := z.Compress(s, len(s)-4); out != nil {
			p = append(p, 0xC3)
			p = rdbAppendLen(p, uint64(len(out)))
			p = rdbAppendLen(p, uint64(len(s)))
			return append(p, out...)
		}
	}
	p = rdbAppendLen(p, uint64(len(s)))
	return append(p, s...)
}

func rdbAppendLen(p []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(p, byte(n))
	case n < 1<<14:
		return append(p, byte(n>>8)|0x40, byte(n))
	case n <= 0xffffffff:
		p = append(p, 0x80)
		return binary.BigEndian.AppendUint32(p, uint32(n))
	default:
		p = append(p, 0x81)
		return binary.BigEndian.AppendUint64(p, n)
	}
}

// rdbReadLen reads an RDB length; enc reports an encoded-string marker.
func rdbReadLen(p []byte, pos int) (n uint64, enc bool, next int, ok bool) {
	if pos >= len(p) {
		return 0, false, 0, false
	}
	b := p[pos]
	switch b >> 6 {
	case 0:
		return uint64(b & 0x3f), false, pos + 1, true
	case 1:
		if pos+2 > len(p) {
			return 0, false, 0, false
		}
		return uint64(b&0x3f)<<8 | uint64(p[pos+1]), false, pos + 2, true
	case 2:
		switch b {
		case 0x80:
			if pos+5 > len(p) {
				return 0, false, 0, false
			}
			return uint64(binary.BigEndian.Uint32(p[pos+1:])), false, pos + 5, true
		case 0x81:
			if pos+9 > len(p) {
				return 0, false, 0, false
			}
			return binary.BigEndian.Uint64(p[pos+1:]), false, pos + 9, true
		}
		return 0, false, 0, false
	default:
		return uint64(b & 0x3f), true, pos + 1, true
	}
}

// rdbReadString reads an RDB string (raw, integer-encoded or LZF).
func rdbReadString(p []byte, pos int) ([]byte, int, bool) {
	n, enc, pos, ok := rdbReadLen(p, pos)
	if !ok {
		return nil, 0, false
	}
	if enc {
		switch n {
		case 0, 1, 2: // 8, 16, 32-bit integers
			size := 1 << n
			if pos+size > len(p) {
				return nil, 0, false
			}
			var v int64
			switch size {
			case 1:
				v = int64(int8(p[pos]))
			case 2:
				v = int64(int16(binary.LittleEndian.Uint16(p[pos:])))
			case 4:
				v = int64(int32(binary.LittleEndian.Uint32(p[pos:])))
			}
			return []byte(itoa64(v)), pos + size, true
		case 3:
			clen, _, pos2, ok := rdbReadLen(p, pos)
			if !ok {
				return nil, 0, false
			}
			ulen, _, pos3, ok := rdbReadLen(p, pos2)
			if !ok || uint64(len(p)-pos3) < clen || ulen > 1<<30 {
				return nil, 0, false
			}
			out := make([]byte, ulen)
			if !lzf.Decompress(p[pos3:pos3+int(clen)], out) {
				return nil, 0, false
			}
			return out, pos3 + int(clen), true
		}
		return nil, 0, false
	}
	if uint64(len(p)-pos) < n {
		return nil, 0, false
	}
	return p[pos : pos+int(n)], pos + int(n), true
}

func itoa64(v int64) string {
	if v < 0 {
		return "-" + itoa64u(uint64(-v))
	}
	return itoa64u(uint64(v))
}

func itoa64u(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

func hasFold(m map[string]*function, name string) bool {
	for k := range m {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// FunctionCodes returns the code of every library, for persistence (RDB
// RDB_OPCODE_FUNCTION2 records, AOF). Order: by library name.
func (h *Host) FunctionCodes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.libs))
	for _, l := range h.libs {
		out = append(out, l.code)
	}
	sort.Strings(out)
	return out
}

// LoadFunctionCode loads one library while loading persisted data (no load
// timeout, as Redis does for its master/AOF/RDB). The caller holds the
// exclusive world lock or runs before the server accepts clients.
func (h *Host) LoadFunctionCode(code string, replace bool) error {
	if _, msg := h.load(code, replace, 0); msg != "" {
		return errorString(msg)
	}
	return nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
