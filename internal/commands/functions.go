package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/script"
)

func init() {
	engine.Register("fcall", cmdFcall, engine.Exclusive)
	engine.Register("fcall_ro", cmdFcallRo, engine.Exclusive)
	engine.Register("function|load", cmdFunctionLoad, engine.Exclusive)
	engine.Register("function|list", cmdFunctionList, engine.Exclusive)
	engine.Register("function|delete", cmdFunctionDelete, engine.Exclusive)
	engine.Register("function|flush", cmdFunctionFlush, engine.Exclusive)
	engine.Register("function|dump", cmdFunctionDump, engine.Exclusive)
	engine.Register("function|restore", cmdFunctionRestore, engine.Exclusive)
	engine.Register("function|stats", cmdFunctionStats)
	engine.Register("function|kill", cmdFunctionKill)
	engine.Register("function|help", cmdFunctionHelp)
}

// FCALL function numkeys [key ...] [arg ...]
func cmdFcall(c *engine.Ctx) { script.For(c.E).FCall(c, false) }

// FCALL_RO function numkeys [key ...] [arg ...]
func cmdFcallRo(c *engine.Ctx) { script.For(c.E).FCall(c, true) }

// FUNCTION LOAD [REPLACE] function-code
func cmdFunctionLoad(c *engine.Ctx) { script.For(c.E).FunctionLoad(c) }

// FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
func cmdFunctionList(c *engine.Ctx) { script.For(c.E).FunctionList(c) }

// FUNCTION DELETE library-name
func cmdFunctionDelete(c *engine.Ctx) { script.For(c.E).FunctionDelete(c) }

// FUNCTION FLUSH [ASYNC|SYNC]
func cmdFunctionFlush(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		c.ErrString("ERR unknown subcommand or wrong number of arguments for '" + string(c.Argv[1]) + "'. Try FUNCTION HELP.")
		return
	}
	if len(c.Argv) == 3 && !eqFold(c.Argv[2], "SYNC") && !eqFold(c.Argv[2], "ASYNC") {
		c.ErrString("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
		return
	}
	script.For(c.E).FunctionFlush()
	c.Dirty()
	c.W.OK()
}

// FUNCTION DUMP
func cmdFunctionDump(c *engine.Ctx) { script.For(c.E).FunctionDump(c) }

// FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE]
func cmdFunctionRestore(c *engine.Ctx) { script.For(c.E).FunctionRestore(c) }

// FUNCTION STATS
func cmdFunctionStats(c *engine.Ctx) { script.For(c.E).FunctionStats(c) }

// FUNCTION KILL
func cmdFunctionKill(c *engine.Ctx) {
	if msg := c.E.KillScript(false); msg != "" {
		c.ErrString(msg)
		return
	}
	c.W.OK()
}

// FUNCTION HELP
func cmdFunctionHelp(c *engine.Ctx) {
	lines := []string{
		"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"LOAD [REPLACE] <FUNCTION CODE>",
		"    Create a new library with the given library name and code.",
		"DELETE <LIBRARY NAME>",
		"    Delete the given library.",
		"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
		"    Return general information on all the libraries:",
		"    * Library name",
		"    * The engine used to run the Library",
		"    * Library description",
		"    * Functions list",
		"    * Library code (if WITHCODE is given)",
		"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
		"STATS",
		"    Return information about the current function running:",
		"    * Function name",
		"    * Command used to run the function",
		"    * Duration in MS that the function is running",
		"    If no function is running, return nil",
		"    In addition, returns a list of available engines.",
		"KILL",
		"    Kill the current running function.",
		"FLUSH [ASYNC|SYNC]",
		"    Delete all the libraries.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the libraries.",
		"    * SYNC: Synchronously flush the libraries.",
		"DUMP",
		"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
		"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
		"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
		"    control how to handle existing libraries (default APPEND):",
		"    * FLUSH: delete all existing libraries.",
		"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
		"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
		"      libraries with the new libraries (notice that even on this option there is a chance of failure",
		"      in case of functions name collision with another library).",
		"HELP",
		"    Prints this help.",
	}
	c.W.Array(len(lines))
	for _, l := range lines {
		c.W.Simple(l)
	}
}
