package script

import (
	"crypto/sha1"
	"encoding/hex"
	"log"
	"strconv"

	lua "github.com/redwingdb/redwing/internal/lua"

	"github.com/redwingdb/redwing/internal/engine"
)

// Log levels of redis.log (Redis's LL_*).
const (
	llDebug = iota
	llVerbose
	llNotice
	llWarning
)

// redisVersionNum encodes engine.RedisVersion as Redis's REDIS_VERSION_NUM
// (0x00MMmmpp).
func redisVersionNum() float64 {
	parts := [3]int{}
	i := 0
	for _, c := range engine.RedisVersion {
		if c == '.' {
			i++
			if i > 2 {
				break
			}
			continue
		}
		if c >= '0' && c <= '9' {
			parts[i] = parts[i]*10 + int(c-'0')
		}
	}
	return float64(parts[0]<<16 | parts[1]<<8 | parts[2])
}

// newRedisAPI builds the redis table. eval adds the EVAL-only helpers
// (breakpoint, debug, replicate_commands).
func (v *vm) newRedisAPI(eval bool) *lua.LTable {
	L := v.L
	t := L.NewTable()
	set := func(name string, fn lua.LGFunction) { t.RawSetString(name, L.NewFunction(fn)) }
	set("call", func(L *lua.LState) int { return v.redisCall(L, true) })
	set("pcall", func(L *lua.LState) int { return v.redisCall(L, false) })
	registerLog(L, t)
	registerVersion(t)
	set("setresp", v.redisSetResp)
	set("sha1hex", redisSha1hex)
	set("error_reply", redisErrorReply)
	set("status_reply", redisStatusReply)
	set("set_repl", v.redisSetRepl)
	t.RawSetString("REPL_NONE", lua.LNumber(engine.ReplNone))
	t.RawSetString("REPL_AOF", lua.LNumber(engine.ReplAOF))
	t.RawSetString("REPL_SLAVE", lua.LNumber(engine.ReplSlave))
	t.RawSetString("REPL_REPLICA", lua.LNumber(engine.ReplSlave))
	t.RawSetString("REPL_ALL", lua.LNumber(engine.ReplAll))
	set("acl_check_cmd", v.redisACLCheckCmd)
	if eval {
		set("breakpoint", func(L *lua.LState) int { L.Push(lua.LFalse); return 1 })
		set("debug", func(L *lua.LState) int { return 0 })
		set("replicate_commands", func(L *lua.LState) int { L.Push(lua.LTrue); return 1 })
	}
	return t
}

func registerLog(L *lua.LState, t *lua.LTable) {
	t.RawSetString("log", L.NewFunction(redisLog))
	t.RawSetString("LOG_DEBUG", lua.LNumber(llDebug))
	t.RawSetString("LOG_VERBOSE", lua.LNumber(llVerbose))
	t.RawSetString("LOG_NOTICE", lua.LNumber(llNotice))
	t.RawSetString("LOG_WARNING", lua.LNumber(llWarning))
}

func registerVersion(t *lua.LTable) {
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(redisVersionNum()))
	t.RawSetString("REDIS_VERSION", lua.LString(engine.RedisVersion))
}

// raise raises Redis's error table {err="ERR msg"} (luaPushError + lua_error).
func raise(L *lua.LState, msg string) {
	L.Error(errorTable(L, msg, false), 0)
}

// argv converts the arguments on the stack for redis.call; on failure it
// returns the error message.
func (v *vm) stackArgv(L *lua.LState) ([][]byte, string) {
	args := L.Args()
	if len(args) == 0 {
		return nil, "Please specify at least one argument for this redis lib call"
	}
	// The arguments are copied into scratch space the VM reuses: a command
	// copies what it keeps, as it does with a connection's query buffer.
	argv, buf := v.argv[:0], v.argBuf[:0]
	for _, arg := range args {
		start := len(buf)
		switch x := arg.(type) {
		case lua.LString:
			buf = append(buf, x...)
		case lua.LNumber:
			buf = appendG17(buf, float64(x))
		default:
			return nil, "Lua redis lib command arguments must be strings or integers"
		}
		argv = append(argv, buf[start:len(buf):len(buf)])
	}
	if cap(buf) <= 1<<20 {
		v.argv, v.argBuf = argv, buf
	} else {
		v.argv, v.argBuf = nil, nil
	}
	return argv, ""
}

// redisCall implements redis.call (raise) and redis.pcall.
func (v *vm) redisCall(L *lua.LState, raiseErr bool) int {
	run := v.run
	if run == nil {
		raise(L, "redis.call/pcall can only be called inside a script invocation")
	}
	argv, msg := v.stackArgv(L)
	L.SetTop(0)
	if argv == nil {
		t := errorTable(L, msg, false)
		if raiseErr {
			L.Error(t, 0)
		}
		L.Push(t)
		return 1
	}
	if v.inCall {
		L.Push(errorTable(L, "luaRedisGenericCommand() recursive call detected. Are you doing funny stuff with Lua debug hooks?", false))
		return 1
	}
	v.inCall = true
	reply, gateErr := run.Call(argv)
	v.inCall = false
	if gateErr != "" {
		t := errorTable(L, gateErr, true)
		if raiseErr {
			L.Error(t, 0)
		}
		L.Push(t)
		return 1
	}
	val, n := replyToLua(L, reply)
	if n <= 0 {
		val = errorTable(L, "ERR unexpected reply", true)
	}
	if raiseErr && len(reply) > 0 && reply[0] == '-' {
		L.Error(val, 0)
	}
	L.Push(val)
	return 1
}

func (v *vm) redisSetResp(L *lua.LState) int {
	if v.run == nil {
		raise(L, "redis.setresp can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		raise(L, "redis.setresp() requires one argument.")
	}
	n := int(luaToInt64(float64(L.ToNumber(1))))
	if n != 2 && n != 3 {
		raise(L, "RESP version must be 2 or 3.")
	}
	v.run.SetResp(n)
	return 0
}

func (v *vm) redisSetRepl(L *lua.LState) int {
	if v.run == nil {
		raise(L, "redis.set_repl can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		raise(L, "redis.set_repl() requires two arguments.")
	}
	flags := int(luaToInt64(float64(L.ToNumber(-1))))
	if flags&^(engine.ReplAOF|engine.ReplSlave) != 0 {
		raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	v.run.SetRepl(flags)
	return 0
}

func (v *vm) redisACLCheckCmd(L *lua.LState) int {
	if v.run == nil {
		raise(L, "redis.acl_check_cmd can only be called inside a script invocation")
	}
	argv, msg := v.stackArgv(L)
	if argv == nil {
		raise(L, msg)
	}
	if !v.host.commandExists(argv) {
		raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LTrue)
	return 1
}

func redisSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		raise(L, "wrong number of arguments")
	}
	s := ""
	switch x := L.Get(1).(type) {
	case lua.LString:
		s = string(x)
	case lua.LNumber:
		s = luaNumberString(float64(x))
	}
	L.Push(lua.LString(sha1hex(s)))
	return 1
}

func sha1hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func redisErrorReply(L *lua.LState) int {
	s, ok := L.Get(-1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments", false))
		return 1
	}
	msg := string(s)
	if len(msg) == 0 || msg[0] != '-' {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg, false))
	return 1
}

func redisStatusReply(L *lua.LState) int {
	s, ok := L.Get(-1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments", false))
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// Logger receives redis.log output; the server may replace it.
var Logger = log.Default()

func redisLog(L *lua.LState) int {
	argc := L.GetTop()
	if argc < 2 {
		raise(L, "redis.log() requires two arguments or more.")
	}
	if _, ok := L.Get(1).(lua.LNumber); !ok {
		if s, ok := L.Get(1).(lua.LString); !ok || !isNumeric(string(s)) {
			raise(L, "First argument must be a number (log level).")
		}
	}
	level := int(luaToInt64(float64(L.ToNumber(1))))
	if level < llDebug || level > llWarning {
		raise(L, "Invalid debug level.")
	}
	if level < llNotice {
		return 0
	}
	var msg []byte
	for j := 2; j <= argc; j++ {
		var s string
		switch x := L.Get(j).(type) {
		case lua.LString:
			s = string(x)
		case lua.LNumber:
			s = luaNumberString(float64(x))
		default:
			continue
		}
		if j != 2 {
			msg = append(msg, ' ')
		}
		msg = append(msg, s...)
	}
	if Logger != nil {
		Logger.Print(string(msg))
	}
	return 0
}

func isNumeric(s string) bool {
	_, err := strconv.ParseFloat(trimSpace(s), 64)
	return err == nil
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
