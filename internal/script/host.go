package script

import (
	"strings"
	"sync"

	lua "github.com/redwingdb/redwing/internal/lua"

	"github.com/redwingdb/redwing/internal/engine"
)

// Host is the scripting state of one engine: the EVAL script cache and its
// Lua state, the function libraries and theirs, and the PRNG scripts share.
//
// Concurrency: everything that runs Lua (EVAL*, FCALL*, SCRIPT LOAD, FUNCTION
// LOAD/RESTORE) runs under the exclusive world lock, so a Lua state is used
// by one goroutine at a time. mu guards the maps for the commands that read
// them without the world lock (FUNCTION STATS during a busy script).
type Host struct {
	e *engine.Engine

	mu      sync.Mutex
	scripts map[string]*evalScript // lower-case SHA1 -> script
	evalVM  *vm
	funcVM  *vm
	libs    map[string]*library
	funcs   map[string]*function

	rng rand48
}

// evalScript is one cached EVAL script.
type evalScript struct {
	sha   string
	body  string
	flags int
	fn    *lua.LFunction
}

var hosts sync.Map // *engine.Engine -> *Host

// For returns the scripting host of e.
func For(e *engine.Engine) *Host {
	if h, ok := hosts.Load(e); ok {
		return h.(*Host)
	}
	h := &Host{e: e, scripts: map[string]*evalScript{}, libs: map[string]*library{}, funcs: map[string]*function{}}
	h.rng.seed(0)
	h.rng.x = rand48Init
	v, _ := hosts.LoadOrStore(e, h)
	return v.(*Host)
}

func (h *Host) eval() *vm {
	if h.evalVM == nil {
		h.evalVM = newVM(h, kindEval)
	}
	return h.evalVM
}

func (h *Host) fvm() *vm {
	if h.funcVM == nil {
		h.funcVM = newVM(h, kindFunc)
	}
	return h.funcVM
}

// commandExists reports whether argv names a command Redwing runs.
func (h *Host) commandExists(argv [][]byte) bool {
	cmd := h.e.Lookup(argv[0])
	if cmd == nil {
		return false
	}
	if cmd.Subs != nil && len(argv) >= 2 {
		return cmd.Subs[strings.ToLower(string(argv[1]))] != nil
	}
	return true
}

// NumScripts returns the number of cached EVAL scripts (INFO).
func (h *Host) NumScripts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.scripts)
}

// NumFunctions returns the number of libraries and functions (INFO).
func (h *Host) NumFunctions() (libs, funcs int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.libs), len(h.funcs)
}
