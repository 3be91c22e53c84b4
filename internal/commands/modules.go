package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
)

// MODULE answers as a Redis server with no module loaded: Redwing loads no
// Redis modules (their native JSON, TimeSeries, Bloom and Search commands
// are to be built in). LOAD, LOADEX and UNLOAD are protected by
// enable-module-command as in Redis; allowed, they fail as Redis does for
// a library that cannot be loaded or a module that is not there.

func init() {
	engine.Register("module|list", cmdModuleList)
	engine.Register("module|help", cmdModuleHelp)
	engine.Register("module|load", cmdModuleLoad)
	engine.Register("module|loadex", cmdModuleLoad)
	engine.Register("module|unload", cmdModuleUnload)
}

func cmdModuleList(c *engine.Ctx) { c.W.Array(0) }

func cmdModuleHelp(c *engine.Ctx) {
	adminHelp(c,
		"LIST",
		"    Return a list of loaded modules.",
		"LOAD <path> [<arg> ...]",
		"    Load a module library from <path>, passing to it any optional arguments.",
		"LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
		"    Load a module library from <path>, while passing it module configurations and optional arguments.",
		"UNLOAD <name>",
		"    Unload a module.")
}

func cmdModuleLoad(c *engine.Ctx) {
	if !protectedAllowed(c, "enable-module-command") {
		protectedError(c, "MODULE", "enable-module-command")
		return
	}
	c.E.Logf("Module %s failed to load: Redwing does not load Redis modules", c.Argv[2])
	c.ErrString("ERR Error loading the extension. Please check the server logs.")
}

func cmdModuleUnload(c *engine.Ctx) {
	if !protectedAllowed(c, "enable-module-command") {
		protectedError(c, "MODULE", "enable-module-command")
		return
	}
	c.ErrString("ERR Error unloading module: no such module with that name")
}
