package script

import (
	"strconv"
	"strings"

	lua "github.com/redwingdb/redwing/internal/lua"
)

// errInfo is what Redis's error handler extracts from a failed script:
// the message (with its code) and where it was raised.
type errInfo struct {
	msg         string
	source      string
	line        int
	ignoreStats bool
	hasMsg      bool
}

// errHandler runs on top of the failed call's stack (the PCall message
// handler). It records the message and the position of the innermost Lua
// function, as Redis's __redis__err__handler does (level 2, or 3 when level 2
// is a C function).
func (v *vm) errHandler(L *lua.LState) int {
	obj := L.Get(1)
	info := errInfo{}
	// level 0 is this handler, 1 the function that raised the error.
	for level := 1; level <= 2; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, nil); err != nil {
			break
		}
		if dbg.What == "G" {
			continue
		}
		info.source = dbg.Source
		info.line = dbg.CurrentLine
		break
	}
	if info.source != "" && info.source[0] != '@' {
		info.source = "@" + info.source
	}
	killed := v.run != nil && v.run.WasKilled()
	switch {
	case killed:
		info.msg, info.hasMsg = "ERR Script killed by user with SCRIPT KILL...", true
	case v.load != nil && v.load.timedOut:
		info.msg, info.hasMsg = "ERR FUNCTION LOAD timeout", true
	default:
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := t.RawGetString("err").(lua.LString); ok {
				info.msg, info.hasMsg = string(s), true
			} else if n, ok := t.RawGetString("err").(lua.LNumber); ok {
				info.msg, info.hasMsg = luaNumberString(float64(n)), true
			}
			if b, ok := t.RawGetString("ignore_error_stats_update").(lua.LBool); ok {
				info.ignoreStats = bool(b)
			}
		} else {
			info.msg, info.hasMsg = "ERR "+v.translateError(L, errString(obj)), true
		}
	}
	v.lastErr = info
	L.Push(obj)
	return 1
}

func errString(obj lua.LValue) string {
	switch x := obj.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return luaNumberString(float64(x))
	case *lua.LNilType:
		return "nil"
	case lua.LBool:
		if x {
			return "true"
		}
		return "false"
	}
	return obj.String()
}

// translateError rewrites gopher-lua's runtime error texts into Lua 5.1's,
// naming the variable involved where the bytecode tells it.
func (v *vm) translateError(L *lua.LState, msg string) string {
	pos, body := splitPos(msg)
	switch {
	case strings.HasPrefix(body, "attempt to index a non-table object("):
		// "attempt to index a non-table object(nil) with key 'x'"
		typ := between(body, "object(", ")")
		body = typeErr("index", describe(L, "index"), typeName(typ))
	case body == "attempt to call a non-function object" || strings.HasPrefix(body, "attempt to call a non-function object"):
		body = typeErr("call", describe(L, "call"), calleeType(L))
	case strings.HasPrefix(body, "cannot perform ") && strings.Contains(body, " operation between "):
		op := between(body, "cannot perform ", " operation")
		if op == "concat" {
			body = typeErr("concatenate", describe(L, "arith"), badOperandType(body, true))
		} else {
			body = typeErr("perform arithmetic on", describe(L, "arith"), badOperandType(body, false))
		}
	case strings.HasPrefix(body, "attempt to compare "):
		// gopher-lua: "attempt to compare string with number"
		rest := strings.TrimPrefix(body, "attempt to compare ")
		a, b, ok := strings.Cut(rest, " with ")
		if ok {
			if a == b {
				body = "attempt to compare two " + a + " values"
			} else {
				body = "attempt to compare " + a + " with " + b
			}
		}
	case body == "__len undefined":
		body = typeErr("get length of", describe(L, "len"), lenType(L))
	case strings.HasPrefix(body, "bad argument #"):
		// gopher-lua omits the quotes around the function name.
		num, rest, ok := strings.Cut(strings.TrimPrefix(body, "bad argument #"), " to ")
		if ok {
			name, tail, ok2 := strings.Cut(rest, " (")
			if ok2 && !strings.HasPrefix(name, "'") {
				name = "'" + name + "'"
			}
			if ok2 {
				if strings.HasSuffix(tail, ", got nil)") {
					if n, err := strconv.Atoi(num); err == nil && n > v.nargs {
						tail = strings.TrimSuffix(tail, ", got nil)") + ", got no value)"
					}
				}
				body = "bad argument #" + num + " to " + name + " (" + tail
			}
		}
	}
	return pos + body
}

// typeErr is luaG_typeerror's text.
func typeErr(op, name, typ string) string {
	if name == "" {
		return "attempt to " + op + " a " + typ + " value"
	}
	return "attempt to " + op + " " + name + "(a " + typ + " value)"
}

// splitPos splits "source:line: message" into its position prefix and body.
func splitPos(msg string) (string, string) {
	if i := strings.Index(msg, ": "); i > 0 {
		head := msg[:i]
		if j := strings.LastIndexByte(head, ':'); j > 0 {
			ok := j+1 < len(head)
			for _, c := range head[j+1:] {
				if c < '0' || c > '9' {
					ok = false
				}
			}
			if ok {
				return msg[:i+2], msg[i+2:]
			}
		}
	}
	return "", msg
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return s
	}
	return s[:j]
}

func typeName(t string) string {
	switch t {
	case "nil", "boolean", "number", "string", "table", "function", "userdata", "thread":
		return t
	}
	if strings.HasPrefix(t, "table") {
		return "table"
	}
	if strings.HasPrefix(t, "function") {
		return "function"
	}
	if t == "true" || t == "false" {
		return "boolean"
	}
	if t == "" {
		return "nil"
	}
	return "nil"
}

// badOperandType picks the offending operand type of a gopher-lua
// "cannot perform X operation between A and B" message (Lua 5.1 reports the
// second operand when the first one is convertible).
func badOperandType(msg string, concat bool) string {
	rest := between(msg, " between ", "\x00")
	a, b, _ := strings.Cut(rest, " and ")
	ok := func(t string) bool {
		if concat {
			return t == "string" || t == "number"
		}
		return t == "number"
	}
	if !ok(b) {
		return b
	}
	return a
}

// describe names the value involved in the failing instruction of the
// innermost Lua frame ("local 't' ", "global 'x' ", "field 'f' ", ...), as
// Lua 5.1's getobjname, or "" when unknown.
func describe(L *lua.LState, kind string) string {
	fr := luaFrame(L, kind)
	if fr == nil {
		return ""
	}
	proto := fr.proto
	pc := fr.pc
	if pc < 0 || pc >= len(proto.Code) {
		return ""
	}
	inst := proto.Code[pc]
	op := int(inst >> 26)
	a := int(inst>>18) & 0xff
	b := int(inst & 0x1ff)
	c := int(inst>>9) & 0x1ff
	reg := -1
	switch kind {
	case "index":
		switch op {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
			reg = b
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			reg = a
		}
	case "call":
		if op == lua.OP_CALL || op == lua.OP_TAILCALL {
			reg = a
		}
	case "arith":
		switch op {
		case lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW:
			// the offending operand: Lua reports the second if the first is a number
			if c < 256 && !isNumberReg(L, fr, b) {
				reg = b
			} else if c < 256 {
				reg = c
			} else if b < 256 {
				reg = b
			}
		case lua.OP_UNM:
			reg = b
		case lua.OP_CONCAT:
			for r := b; r <= c; r++ {
				if !isStringOrNumberReg(L, fr, r) {
					reg = r
					break
				}
			}
		}
	case "len":
		if op == lua.OP_LEN {
			reg = b
		}
	}
	if reg < 0 || reg >= 256 {
		return ""
	}
	return objName(proto, pc, reg)
}

type luaFrameInfo struct {
	proto *lua.FunctionProto
	pc    int
	base  int
}

// luaFrame finds the innermost Lua frame below the handler.
func luaFrame(L *lua.LState, kind string) *luaFrameInfo {
	for level := 1; level <= 3; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return nil
		}
		fn, err := L.GetInfo("fSl", dbg, nil)
		if err != nil {
			return nil
		}
		f, ok := fn.(*lua.LFunction)
		if !ok || f.IsG || f.Proto == nil {
			continue
		}
		// locate the pc from the current line: gopher-lua does not expose it,
		// use the last instruction on that line that could fail.
		pc := pcForLine(f.Proto, dbg.CurrentLine, kind)
		if pc < 0 {
			return nil
		}
		return &luaFrameInfo{proto: f.Proto, pc: pc}
	}
	return nil
}

// pcForLine returns the pc of the instruction on line that can raise the
// kind of error being translated; gopher-lua does not expose the frame's
// pc, so this is the first candidate instruction on the line.
func pcForLine(p *lua.FunctionProto, line int, kind string) int {
	for pc, l := range p.DbgSourcePositions {
		if l != line {
			continue
		}
		op := int(p.Code[pc] >> 26)
		ok := false
		switch kind {
		case "index":
			ok = op == lua.OP_GETTABLE || op == lua.OP_GETTABLEKS || op == lua.OP_SELF || op == lua.OP_SETTABLE || op == lua.OP_SETTABLEKS
		case "call":
			ok = op == lua.OP_CALL || op == lua.OP_TAILCALL
		case "arith":
			ok = op == lua.OP_ADD || op == lua.OP_SUB || op == lua.OP_MUL || op == lua.OP_DIV || op == lua.OP_MOD ||
				op == lua.OP_POW || op == lua.OP_UNM || op == lua.OP_CONCAT
		case "len":
			ok = op == lua.OP_LEN
		}
		if ok {
			return pc
		}
	}
	return -1
}

func isNumberReg(L *lua.LState, fr *luaFrameInfo, r int) bool { return false }

func isStringOrNumberReg(L *lua.LState, fr *luaFrameInfo, r int) bool { return false }

// objName is Lua 5.1's getobjname over gopher-lua bytecode.
func objName(p *lua.FunctionProto, lastpc, reg int) string {
	if name := localName(p, reg, lastpc); name != "" {
		return "local '" + name + "' "
	}
	// symbolic execution: find the last instruction before lastpc that set reg
	setpc := -1
	for pc := 0; pc < lastpc; pc++ {
		inst := p.Code[pc]
		op := int(inst >> 26)
		a := int(inst>>18) & 0xff
		b := int(inst & 0x1ff)
		switch op {
		case lua.OP_LOADNIL:
			if a <= reg && reg <= b {
				setpc = pc
			}
		case lua.OP_JMP, lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST, lua.OP_FORLOOP, lua.OP_FORPREP,
			lua.OP_SETGLOBAL, lua.OP_SETUPVAL, lua.OP_SETTABLE, lua.OP_SETTABLEKS, lua.OP_CLOSE, lua.OP_RETURN:
		case lua.OP_TFORLOOP:
			if reg >= a+2 {
				setpc = pc
			}
		case lua.OP_CALL, lua.OP_TAILCALL:
			if reg >= a {
				setpc = pc
			}
		case lua.OP_SELF:
			if reg == a || reg == a+1 {
				setpc = pc
			}
		default:
			if a == reg {
				setpc = pc
			}
		}
	}
	if setpc < 0 {
		return ""
	}
	inst := p.Code[setpc]
	op := int(inst >> 26)
	a := int(inst>>18) & 0xff
	b := int(inst & 0x1ff)
	c := int(inst>>9) & 0x1ff
	bx := int(inst & 0x3ffff)
	switch op {
	case lua.OP_GETGLOBAL:
		if bx < len(p.Constants) {
			return "global '" + lua.LVAsString(p.Constants[bx]) + "' "
		}
	case lua.OP_MOVE:
		if b < a {
			return objName(p, setpc, b)
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
		if c >= 256 && c-256 < len(p.Constants) {
			if s, ok := p.Constants[c-256].(lua.LString); ok {
				return "field '" + string(s) + "' "
			}
		}
	case lua.OP_GETUPVAL:
		if b < len(p.DbgUpvalues) {
			return "upvalue '" + p.DbgUpvalues[b] + "' "
		}
	case lua.OP_SELF:
		if c >= 256 && c-256 < len(p.Constants) {
			if s, ok := p.Constants[c-256].(lua.LString); ok {
				return "method '" + string(s) + "' "
			}
		}
	}
	return ""
}

// localName returns the name of the local variable in register reg at pc.
func localName(p *lua.FunctionProto, reg, pc int) string {
	n := 0
	for _, lv := range p.DbgLocals {
		if lv.StartPc > pc {
			break
		}
		if pc < lv.EndPc {
			if n == reg {
				if strings.HasPrefix(lv.Name, "(") {
					return ""
				}
				return lv.Name
			}
			n++
		}
	}
	return ""
}

func calleeType(L *lua.LState) string { return "nil" }

func lenType(L *lua.LState) string { return "nil" }
