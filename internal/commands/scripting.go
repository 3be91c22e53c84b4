package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/script"
)

// Scripts and functions run under the exclusive world lock: they may touch
// keys they did not declare (BullMQ does), and their effects must appear
// atomic. See engine/script_call.go and package script.
func init() {
	engine.Register("eval", cmdEval, engine.Exclusive)
	engine.Register("evalsha", cmdEvalSha, engine.Exclusive)
	engine.Register("eval_ro", cmdEvalRo, engine.Exclusive)
	engine.Register("evalsha_ro", cmdEvalShaRo, engine.Exclusive)
	engine.Register("script|load", cmdScriptLoad, engine.Exclusive)
	engine.Register("script|exists", cmdScriptExists, engine.Exclusive)
	engine.Register("script|flush", cmdScriptFlush, engine.Exclusive)
	engine.Register("script|kill", cmdScriptKill)
	engine.Register("script|debug", cmdScriptDebug)
	engine.Register("script|help", cmdScriptHelp)
}

// EVAL script numkeys [key ...] [arg ...]
func cmdEval(c *engine.Ctx) { script.For(c.E).Eval(c, false, false) }

// EVALSHA sha1 numkeys [key ...] [arg ...]
func cmdEvalSha(c *engine.Ctx) { script.For(c.E).Eval(c, true, false) }

// EVAL_RO script numkeys [key ...] [arg ...]
func cmdEvalRo(c *engine.Ctx) { script.For(c.E).Eval(c, false, true) }

// EVALSHA_RO sha1 numkeys [key ...] [arg ...]
func cmdEvalShaRo(c *engine.Ctx) { script.For(c.E).Eval(c, true, true) }

// SCRIPT LOAD script
func cmdScriptLoad(c *engine.Ctx) { script.For(c.E).ScriptLoad(c) }

// SCRIPT EXISTS sha1 [sha1 ...]
func cmdScriptExists(c *engine.Ctx) { script.For(c.E).ScriptExists(c) }

// SCRIPT FLUSH [ASYNC|SYNC]
func cmdScriptFlush(c *engine.Ctx) {
	if len(c.Argv) > 3 || (len(c.Argv) == 3 && !eqFold(c.Argv[2], "SYNC") && !eqFold(c.Argv[2], "ASYNC")) {
		c.ErrString("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
		return
	}
	script.For(c.E).ScriptFlush()
	c.W.OK()
}

// SCRIPT KILL
func cmdScriptKill(c *engine.Ctx) {
	if msg := c.E.KillScript(true); msg != "" {
		c.ErrString(msg)
		return
	}
	c.W.OK()
}

// SCRIPT DEBUG YES|SYNC|NO
//
// The Lua debugger (LDB) is not implemented: NO is accepted, YES and SYNC
// are refused.
func cmdScriptDebug(c *engine.Ctx) {
	switch {
	case eqFold(c.Argv[2], "NO"):
		c.W.OK()
	case eqFold(c.Argv[2], "YES"), eqFold(c.Argv[2], "SYNC"):
		c.ErrString("ERR SCRIPT DEBUG is not supported by this server")
	default:
		c.ErrString("ERR Use SCRIPT DEBUG YES/SYNC/NO")
	}
}

// SCRIPT HELP
func cmdScriptHelp(c *engine.Ctx) {
	lines := []string{
		"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"DEBUG (YES|SYNC|NO)",
		"    Set the debug mode for subsequent scripts executed.",
		"EXISTS <sha1> [<sha1> ...]",
		"    Return information about the existence of the scripts in the script cache.",
		"FLUSH [ASYNC|SYNC]",
		"    Flush the Lua scripts cache. Very dangerous on replicas.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the scripts cache.",
		"    * SYNC: Synchronously flush the scripts cache.",
		"KILL",
		"    Kill the currently executing Lua script.",
		"LOAD <script>",
		"    Load a script into the scripts cache without executing it.",
		"HELP",
		"    Prints this help.",
	}
	c.W.Array(len(lines))
	for _, l := range lines {
		c.W.Simple(l)
	}
}
