package engine

// Script execution support: the API a Lua script (EVAL, FCALL) uses to run
// Redis commands, the state of the running script, and the BUSY gate.
//
// Design. A script runs on its caller's goroutine under the exclusive world
// lock (EVAL/FCALL are registered Exclusive, EXEC takes the lock too), so it
// may touch any key, including keys it did not declare. Commands it runs go
// through ScriptRun.Call: the gate checks of Redis's scriptCall (unknown
// command, arity, noscript, writes from read-only scripts), then the handler
// runs with no locks of its own (the world lock already excludes everybody)
// and writes its reply into the script client's buffer, which the Lua side
// converts. Write effects of the commands are collected and handed to the
// caller's Ctx when the script ends, wrapped in MULTI/EXEC when there is more
// than one (inside EXEC the transaction wraps them).
//
// Busy scripts. Other clients reach the gate while the script holds the world
// lock. Exec checks one global atomic (scriptsRunning) before anything else;
// when a script runs, the gate waits until the script ends or until
// busy-reply-threshold has passed since it started. Past the threshold,
// commands flagged allow-busy (SCRIPT KILL, FUNCTION KILL/STATS, SHUTDOWN,
// MULTI, AUTH, HELLO ...) run at once without the world lock, and all others
// get Redis's BUSY error. SCRIPT KILL closes the run's kill channel, which the
// Lua VM polls between instructions. A client that passed the gate just
// before a script started waits for the world lock until the script ends.

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/errs"
)

// Script flags (shebang flags of EVAL scripts and function flags), in the
// order Redis lists them.
const (
	ScriptNoWrites = 1 << iota
	ScriptAllowOOM
	ScriptAllowStale
	ScriptNoCluster
	ScriptAllowCrossSlot
	// ScriptEvalCompat marks an EVAL script without shebang (Redis's
	// backwards-compatibility mode: flags are not enforced).
	ScriptEvalCompat
)

// ScriptFlagNames maps flag bits to their names in Redis's order.
var ScriptFlagNames = []struct {
	Flag int
	Name string
}{
	{ScriptNoWrites, "no-writes"},
	{ScriptAllowOOM, "allow-oom"},
	{ScriptAllowStale, "allow-stale"},
	{ScriptNoCluster, "no-cluster"},
	{ScriptAllowCrossSlot, "allow-cross-slot-keys"},
}

// Replication flags of redis.set_repl.
const (
	ReplNone  = 0
	ReplAOF   = 1
	ReplSlave = 2
	ReplAll   = 3
)

// Error texts of the script machinery.
const (
	ErrSlowEval   = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	ErrSlowScript = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	ErrNotBusy    = "NOTBUSY No scripts in execution right now."
	ErrUnkillable = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	ErrROScript   = "ERR Can not execute a script with write flag using *_ro command."
)

// scriptsRunning counts scripts running in any engine of the process: the
// hot path of Exec reads only this.
var scriptsRunning atomic.Int32

// scriptsPending counts script commands (and transactions holding one)
// that run or wait for the world lock: between taking the lock and
// BeginScript no run is visible yet, and a command arriving then must not
// block on the world lock behind a script that may never end (it waits for
// the run to appear, then gets BUSY like any other).
var scriptsPending atomic.Int32

func isScriptCommand(name string) bool {
	switch name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return false
}

// scriptBusy reports whether the script gate must look at this command.
func scriptBusy() bool { return scriptsRunning.Load() != 0 || scriptsPending.Load() != 0 }

// awaitRun returns the running script of st, waiting while a script
// command holds the world lock but has not started its run yet.
func awaitRun(st *scriptState) *ScriptRun {
	r := st.cur.Load()
	for i := 0; r == nil && scriptsPending.Load() != 0; i++ {
		if i < 50 {
			runtime.Gosched()
		} else {
			time.Sleep(100 * time.Microsecond)
		}
		r = st.cur.Load()
	}
	return r
}

// scriptState is an engine's script state (Engine.scriptSt).
type scriptState struct {
	cur    atomic.Pointer[ScriptRun]
	client *Client // the fake client scripts run commands with
	// names caches the commands scripts call by the bytes of their names
	// (direct-mapped, see ScriptRun.lookup); scripts run one at a time.
	names [16]nameCache
}

func (e *Engine) scripts() *scriptState {
	if st := e.scriptSt.Load(); st != nil {
		return st
	}
	e.scriptSt.CompareAndSwap(nil, &scriptState{})
	return e.scriptSt.Load()
}

// ScriptRun is one running script (Redis's scriptRunCtx).
type ScriptRun struct {
	e      *Engine
	outer  *Ctx
	Caller *Client
	client *Client
	// Name is the script's SHA1 (EVAL) or the function name (FCALL).
	Name string
	// Eval is true for EVAL scripts, false for functions.
	Eval     bool
	readOnly bool
	allowOOM bool
	oomStart bool // over maxmemory when the script started (oom.go)
	repl     int
	start    int64 // nanotime

	writeDirty atomic.Bool
	killed     atomic.Bool
	ended      atomic.Bool
	mu         sync.Mutex
	killer     Killer
	killGen    uint64
	done       chan struct{} // made on demand (awaitEnd), closed by End
	effects    []Effect
	names      *[16]nameCache
}

// Killer stops the VM running a script (SCRIPT KILL); gen names the run.
type Killer interface{ Kill(gen uint64) }

// BeginScript prepares a script run for the command in ctx (Redis's
// scriptPrepareForRun). flags are the script's Script* flags; ro is true for
// EVAL_RO, EVALSHA_RO and FCALL_RO. On failure it returns the error reply
// text and no run.
func (e *Engine) BeginScript(ctx *Ctx, name string, eval bool, flags int, ro bool) (*ScriptRun, string) {
	if flags&ScriptEvalCompat == 0 {
		if flags&ScriptNoWrites == 0 && ro {
			return nil, ErrROScript
		}
	}
	st := e.scripts()
	sc := st.client
	if sc == nil {
		sc = &Client{ID: 0, FD: -1, Authed: true, Created: time.Now()}
		st.client = sc
	}
	sc.DB = ctx.C.DB
	sc.Proto = 2
	sc.W.Proto = 2
	sc.W.Buf = sc.W.Buf[:0]
	sc.User = ctx.C.User
	sc.Multi = nil
	r := &ScriptRun{
		e: e, outer: ctx, Caller: ctx.C, client: sc, Name: name, Eval: eval,
		repl: ReplAll, start: clock.Mono(), names: &st.names,
	}
	if ro || (flags&ScriptEvalCompat == 0 && flags&ScriptNoWrites != 0) {
		r.readOnly = true
	}
	if flags&ScriptEvalCompat == 0 && flags&ScriptAllowOOM != 0 {
		r.allowOOM = true
	}
	if e.KS.MaxMemory() != 0 && e.scriptOOMAtStart() { // oom.go
		// A script with flags that may write is a denyoom command (Redis's
		// evalGetCommandFlags): the gate's error.
		if flags&ScriptEvalCompat == 0 && !r.allowOOM && flags&ScriptNoWrites == 0 {
			return nil, string(errs.OOM)
		}
		r.oomStart = true
	}
	st.cur.Store(r)
	scriptsRunning.Add(1)
	return r, ""
}

// End finishes the run: the collected write effects become the caller's
// effects (wrapped in MULTI/EXEC when more than one, unless the caller runs
// inside EXEC, whose transaction already wraps them).
func (r *ScriptRun) End() {
	st := r.e.scripts()
	st.cur.Store(nil)
	scriptsRunning.Add(-1)
	r.mu.Lock()
	r.ended.Store(true)
	if r.done != nil {
		close(r.done)
	}
	r.mu.Unlock()
	if len(r.client.W.Buf) > 64*1024 {
		r.client.W.Buf = nil
	}
	out := r.outer
	out.rewritten = true // a script is never propagated itself: its effects are
	if len(r.effects) == 0 {
		return
	}
	if len(r.effects) > 1 && !out.inMulti {
		out.effects = append(out.effects, Effect{DB: r.effects[0].DB, Argv: [][]byte{[]byte("MULTI")}})
		out.effects = append(out.effects, r.effects...)
		out.effects = append(out.effects, Effect{DB: r.effects[len(r.effects)-1].DB, Argv: [][]byte{[]byte("EXEC")}})
	} else {
		out.effects = append(out.effects, r.effects...)
	}
	r.effects = nil
}

// SetKiller tells the run how to stop its VM; a kill that came first
// stops it at once.
func (r *ScriptRun) SetKiller(k Killer, gen uint64) {
	r.mu.Lock()
	r.killer, r.killGen = k, gen
	killed := r.killed.Load()
	r.mu.Unlock()
	if killed {
		k.Kill(gen)
	}
}

// WasKilled reports whether the run was killed.
func (r *ScriptRun) WasKilled() bool { return r.killed.Load() }

func (r *ScriptRun) doKill() {
	r.mu.Lock()
	r.killed.Store(true)
	k, gen := r.killer, r.killGen
	r.mu.Unlock()
	if k != nil {
		k.Kill(gen)
	}
}

// awaitEnd returns a channel closed when the run ends. Most runs end with
// nobody waiting, so the channel is made only when asked for.
func (r *ScriptRun) awaitEnd() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done == nil {
		r.done = make(chan struct{})
		if r.ended.Load() {
			close(r.done)
		}
	}
	return r.done
}

// SetResp sets the protocol of replies the script receives (redis.setresp).
func (r *ScriptRun) SetResp(n int) {
	r.client.Proto = n
	r.client.W.Proto = n
}

// Resp returns the protocol set by redis.setresp (2 by default).
func (r *ScriptRun) Resp() int { return r.client.Proto }

// SetRepl sets the propagation flags (redis.set_repl).
func (r *ScriptRun) SetRepl(flags int) { r.repl = flags }

// Elapsed returns how long the run has been running.
func (r *ScriptRun) Elapsed() time.Duration { return time.Duration(clock.Mono() - r.start) }

// lookup finds the command a script calls. A script calls a handful of
// commands over and over (BullMQ's, a dozen), each looked up in the table
// by lowering and hashing its name; the cache remembers one name per slot,
// by its length and first and last letters.
func (r *ScriptRun) lookup(name []byte) *Command {
	if len(name) == 0 {
		return lookup(r.e.table, name)
	}
	slot := &r.names[(len(name)+int(name[0]|0x20)+3*int(name[len(name)-1]|0x20))&15]
	if cmd := slot.get(name); cmd != nil {
		return cmd
	}
	cmd := lookup(r.e.table, name)
	if cmd != nil {
		slot.set(name, cmd)
	}
	return cmd
}

// Argv returns the arguments of the command that started the script.
func (r *ScriptRun) Argv() [][]byte { return r.outer.Argv }

// Call runs one command for the script (Redis's scriptCall). On success it
// returns the raw RESP reply (valid until the next Call); when a gate check
// rejects the command it returns the error text (without code when the
// error has none, as Redis's luaPushError adds "ERR").
func (r *ScriptRun) Call(argv [][]byte) ([]byte, string) {
	e := r.e
	cmd := r.lookup(argv[0])
	if cmd == nil {
		return nil, "Unknown Redis command called from script"
	}
	if cmd.Subs != nil && len(argv) >= 2 {
		sub := cmd.Subs[strings.ToLower(string(argv[1]))]
		if sub == nil {
			return nil, "Unknown Redis command called from script"
		}
		cmd = sub
	}
	spec := cmd.Spec
	if !spec.CheckArity(len(argv)) {
		return nil, "Wrong number of args calling Redis command from script"
	}
	if cmd.Proc == nil {
		return nil, "Unknown Redis command called from script"
	}
	if spec.Has(command.FlagNoScript) {
		return nil, "This Redis command is not allowed from script"
	}
	if msg := r.scriptACL(spec, argv); msg != "" { // acl_gate.go
		return nil, msg
	}
	if spec.Has(command.FlagWrite) && r.readOnly {
		return nil, "Write commands are not allowed from read-only scripts."
	}
	// Redis's scriptVerifyOOM: no growing write while over maxmemory, unless
	// the script already wrote (it cannot stop half-way).
	if r.oomStart && !r.allowOOM && !r.writeDirty.Load() && spec.Has(command.FlagDenyOOM) {
		return nil, "-" + string(errs.OOM)
	}
	if spec.Has(command.FlagWrite) {
		r.writeDirty.Store(true)
	}
	sc := r.client
	sc.W.Buf = sc.W.Buf[:0]
	// The script client's own Ctx is reused (scripts run one at a time),
	// as call() reuses each connection's.
	ctx := &sc.ctx
	*ctx = Ctx{E: e, C: sc, Cmd: cmd, Argv: argv, W: &sc.W, DB: e.KS.DB(sc.DB), Exclusive: true, inMulti: true}
	start := clock.Mono()
	e.Stats.Commands.Add(1)
	if guardsActive.Load() != 0 { // snapshot copy-on-write (persist_hooks.go)
		e.guardCmd(ctx.DB, cmd, argv)
	}
	e.runProc(ctx)
	e.account(ctx, start)
	if ctx.dirty > 0 {
		r.outer.dirty += ctx.dirty
	}
	if r.repl != ReplNone && e.hasSinks.Load() {
		if ctx.rewritten {
			r.effects = append(r.effects, ctx.effects...)
		} else if ctx.dirty > 0 {
			r.effects = append(r.effects, Effect{DB: ctx.DB.ID, Argv: copyArgv(argv)})
		}
	}
	return sc.W.Buf, ""
}

// RunningScript returns the script running in this engine, or nil.
func (e *Engine) RunningScript() *ScriptRun {
	if scriptsRunning.Load() == 0 {
		return nil
	}
	return e.scripts().cur.Load()
}

// KillScript implements SCRIPT KILL (eval true) and FUNCTION KILL. It
// returns "" when the script was told to stop, else the error reply.
func (e *Engine) KillScript(eval bool) string {
	r := e.RunningScript()
	if r == nil {
		return ErrNotBusy
	}
	if r.writeDirty.Load() {
		return ErrUnkillable
	}
	if eval && !r.Eval {
		return ErrSlowScript
	}
	if !eval && r.Eval {
		return ErrSlowEval
	}
	r.doKill()
	return ""
}

// ScriptTimedOut reports whether a script has been running for longer than
// busy-reply-threshold (Redis's scriptIsTimedout); eval tells its kind.
func (e *Engine) ScriptTimedOut() (busy bool, eval bool) {
	r := e.RunningScript()
	if r == nil {
		return false, false
	}
	th := e.Cfg.Int("busy-reply-threshold")
	if th <= 0 || r.Elapsed() < time.Duration(th)*time.Millisecond || r.ended.Load() {
		return false, r.Eval
	}
	return true, r.Eval
}

// ErrNoStats writes an error reply that was already counted in the error
// statistics (an error a command inside a script returned, re-raised by the
// script).
func (c *Ctx) ErrNoStats(msg string) {
	c.failed = true
	c.W.Error(msg)
}

// CountErrorOnly counts an error reply in the statistics without writing it.
func (c *Ctx) CountErrorOnly(msg string) { c.E.Stats.CountError(msg) }

// scriptGate runs for every command while some script runs in the process.
// It returns true when it handled the command (BUSY error, or an allow-busy
// command run at once).
func (e *Engine) scriptGate(c *Client, cmd *Command, argv [][]byte) bool {
	st := e.scripts()
	r := awaitRun(st)
	if r == nil || r.Caller == c {
		return false
	}
	th := e.Cfg.Int("busy-reply-threshold")
	if th <= 0 {
		return false
	}
	if rem := time.Duration(th)*time.Millisecond - r.Elapsed(); rem > 0 {
		t := time.NewTimer(rem)
		select {
		case <-r.awaitEnd():
			t.Stop()
			return false
		case <-t.C:
		}
	}
	if r.ended.Load() {
		return false
	}
	spec := cmd.Spec
	busyMsg := ErrSlowScript
	if r.Eval {
		busyMsg = ErrSlowEval
	}
	if !spec.Has(command.FlagAllowBusy) {
		e.reject(c, busyMsg)
		return true
	}
	switch spec.Name {
	case "watch":
		// WATCH reads the keyspace: wait for the world lock.
		return false
	case "shutdown":
		nosave := false
		for _, a := range argv[1:] {
			if strings.EqualFold(string(a), "nosave") {
				nosave = true
			}
		}
		if !nosave {
			e.Stats.CountError(busyMsg)
			c.W.Error(busyMsg)
			return true
		}
		r.doKill()
	}
	if c.Multi != nil && !isTxControl(spec.Name) {
		return false
	}
	ctx := Ctx{E: e, C: c, Cmd: cmd, Argv: argv, W: &c.W, DB: e.KS.DB(c.DB)}
	start := clock.Mono()
	e.runProc(&ctx)
	e.account(&ctx, start)
	return true
}
