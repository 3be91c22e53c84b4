package engine

import (
	"strings"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// keyBuf is per-call scratch for key indexes and shard indexes.
type keyBuf struct {
	keys   [16]int
	shards [16]int
}

// Exec runs one parsed request for client c, writing the reply to c.W.
// It applies Redis's processCommand checks in order.
func (e *Engine) Exec(c *Client, argv [][]byte) {
	if len(argv) == 0 {
		return
	}
	e.Stats.Commands.Add(1)
	w := &c.W
	mark := w.Len()
	replyMode := c.ReplyMode
	skip := c.skipNext
	c.skipNext = false
	e.exec(c, argv)
	e.ServeReady() // wake clients blocked on keys this unit made ready (blocking.go)
	// CLIENT REPLY OFF|SKIP drop what the command wrote (but not the
	// reply of CLIENT REPLY ON itself, which switched the mode back).
	if (replyMode == ReplyOff && c.ReplyMode == ReplyOff) || skip {
		w.Buf = w.Buf[:mark]
	}
	e.afterExecAsync(c, argv) // tracking messages, protocol mirror, CLIENT CACHING reset (pubsub_hooks.go)
	e.afterExec(c, skip)      // MONITOR: activation and reply routing (monitor.go)
}

func (e *Engine) exec(c *Client, argv [][]byte) {
	if isSecurityAttack(argv[0]) { // POST / Host: (conn_state.go)
		e.securityWarning(c)
		return
	}
	c.gateCmd = nil
	cmd, errMsg := e.resolve(c, argv)
	if errMsg != "" {
		if cmd != nil { // wrong arity: Redis counts it against the command
			cmd.Stats.Rejected.Add(1)
		}
		e.rejectArgv(c, argv, errMsg)
		return
	}
	c.gateCmd = cmd // reset before the command runs, and by the next exec
	spec := cmd.Spec
	if !c.Authed && !spec.Has(command.FlagNoAuth) && e.authRequired() {
		e.rejectArgv(c, argv, string(errs.NoAuth))
		return
	}
	if c.Multi != nil && spec.Has(command.FlagNoMulti) {
		e.rejectArgv(c, argv, "ERR Command not allowed inside a transaction")
		return
	}
	// ACL (acl_gate.go): one pointer load and a bool for unrestricted users.
	if u := c.User; u != nil && !u.Unrestricted() && e.aclGate(c, cmd, argv) {
		return
	}
	// Maxmemory (oom.go): one atomic load when no limit is set.
	if e.KS.MaxMemory() != 0 && e.oomGate(c, cmd, argv) {
		return
	}
	// RESP2 subscribed mode (pubsub_hooks.go).
	if c.ps.Load() != nil && e.pubsubGate(c, argv, spec) {
		return
	}
	// Start-up loading (loading.go): one atomic load once loaded.
	if e.loading.Load() && e.loadingGate(c, argv, spec) {
		return
	}
	// Busy script (script_call.go): one atomic load when no script runs.
	if scriptBusy() && e.scriptGate(c, cmd, argv) {
		return
	}
	c.gateCmd = nil
	if c.Multi != nil && !isTxControl(spec.Name) {
		c.Multi.Queue = append(c.Multi.Queue, QueuedCmd{Cmd: cmd, Argv: copyArgv(argv)})
		c.Multi.noteQueued(argv) // CLIENT LIST multi= / multi-mem= (client.go)
		c.lastCmd.Store(&spec.Name)
		c.W.Simple("QUEUED")
		return
	}
	e.call(c, cmd, argv)
}

func isTxControl(name string) bool {
	switch name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

func copyArgv(argv [][]byte) [][]byte {
	n := 0
	for _, a := range argv {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	out := make([][]byte, len(argv))
	for i, a := range argv {
		buf = append(buf, a...)
		out[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	return out
}

// reject writes a gate error; inside MULTI it also dooms the transaction.
func (e *Engine) reject(c *Client, msg string) {
	if c.gateCmd != nil {
		c.gateCmd.Stats.Rejected.Add(1)
	}
	if c.Multi != nil {
		c.Multi.Aborted = true
	}
	e.Stats.CountError(msg)
	c.W.Error(msg)
}

// resolve finds the command (or subcommand) and checks arity.
func (e *Engine) resolve(c *Client, argv [][]byte) (*Command, string) {
	cmd := c.lastName.get(argv[0])
	if cmd == nil {
		if cmd = lookup(e.table, argv[0]); cmd == nil {
			return nil, unknownCommand(argv)
		}
		c.lastName.set(argv[0], cmd)
	}
	if cmd.Subs != nil && len(argv) >= 2 {
		sub := lookup(cmd.Subs, argv[1]) // same allocation-free lowering as command names
		if sub == nil {
			return nil, "ERR unknown subcommand '" + trunc(cString(argv[1]), 128) + "'. Try " + strings.ToUpper(cString(argv[0])) + " HELP."
		}
		cmd = sub
	}
	if cmd.Proc == nil {
		return nil, "ERR wrong number of arguments for '" + cmd.Spec.Name + "' command"
	}
	if !cmd.Spec.CheckArity(len(argv)) {
		return cmd, "ERR wrong number of arguments for '" + cmd.Spec.Name + "' command"
	}
	return cmd, ""
}

// nameCache remembers the last command name a client sent, byte for byte,
// and its command: pipelines and most applications repeat one command, and
// the table lookup (lowering, hashing) is a tenth of a small command's
// dispatch. The table does not change once clients are served
// (rename-command applies at start).
type nameCache struct {
	name [15]byte
	n    uint8
	cmd  *Command
}

func (nc *nameCache) get(name []byte) *Command {
	if int(nc.n) == len(name) && string(nc.name[:nc.n]) == string(name) {
		return nc.cmd
	}
	return nil
}

func (nc *nameCache) set(name []byte, cmd *Command) {
	if len(name) <= len(nc.name) {
		nc.n = uint8(copy(nc.name[:], name))
		nc.cmd = cmd
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func unknownCommand(argv [][]byte) string {
	var args strings.Builder
	for i := 1; i < len(argv) && args.Len() < 128; i++ {
		n := 128 - args.Len() // Redis: '%.*s' with 128-sdslen(args)
		args.WriteByte('\'')
		args.WriteString(trunc(cString(argv[i]), n))
		args.WriteString("' ")
	}
	return "ERR unknown command '" + trunc(cString(argv[0]), 128) + "', with args beginning with: " + args.String()
}

// cString is b as C's %s prints it: up to the first NUL byte.
func cString(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// call executes a resolved command with its locks.
func (e *Engine) call(c *Client, cmd *Command, argv [][]byte) {
	e.waitPause(cmd)
	// The client's own Ctx is reused: a client runs one command at a time,
	// and a Ctx passed to a handler would otherwise escape to the heap.
	ctx := &c.ctx
	*ctx = Ctx{E: e, C: c, Cmd: cmd, Argv: argv, W: &c.W}
	ks := e.KS
	start := clock.Mono()
	if cmd.NoLock { // options.go: EXEC
		ctx.DB = ks.DB(c.DB)
		e.beginCall(c, c.DB, nil, false) // pub/sub and tracking seams (pubsub_hooks.go)
		e.runProc(ctx)
		e.endCall(ctx, nil, false)
		e.account(ctx, start)
		return
	}
	if cmd.Exclusive {
		if cmd.Script {
			scriptsPending.Add(1) // until the run is over (script_call.go)
		}
		ks.LockWorld()
		ctx.Exclusive = true
		ctx.DB = ks.DB(c.DB)
		if guardsActive.Load() != 0 { // snapshot copy-on-write (persist_hooks.go)
			e.guardCmd(ctx.DB, cmd, argv)
		}
		e.beginCall(c, c.DB, nil, true)
		e.runProc(ctx)
		e.endCall(ctx, nil, true)
		e.finish(ctx)
		ks.UnlockWorld()
		if cmd.Script {
			scriptsPending.Add(-1)
		}
	} else {
		ks.RLockWorld()
		ctx.DB = ks.DB(c.DB)
		if cmd.SelfLocking {
			e.beginCall(c, c.DB, nil, false)
			e.runProc(ctx)
			e.endCall(ctx, nil, false)
			e.finish(ctx)
		} else {
			kb := &c.keyBuf
			keys, err := command.AppendKeys(kb.keys[:0], cmd.Spec, argv)
			if err != nil {
				// The handler will reject the arguments; run it alone so
				// that whatever it reads is consistent.
				ks.RUnlockWorld()
				ks.LockWorld()
				ctx.Exclusive = true
				e.beginCall(c, c.DB, nil, true)
				e.runProc(ctx)
				e.endCall(ctx, nil, true)
				e.finish(ctx)
				ks.UnlockWorld()
				e.account(ctx, start)
				return
			}
			shards := kb.shards[:0]
			for _, k := range keys {
				shards = append(shards, ks.ShardOf(argv[k]))
			}
			shards = sortShards(shards)
			db := ctx.DB
			db.LockShards(shards)
			if guardsActive.Load() != 0 { // snapshot copy-on-write (persist_hooks.go)
				e.guardCmd(db, cmd, argv)
			}
			e.beginCall(c, db.ID, shards, false)
			if c.NoTouch && cmd.Spec.Name != "touch" {
				e.runNoTouch(ctx, keys)
			} else {
				e.runProc(ctx)
			}
			e.endCall(ctx, keys, false)
			e.finish(ctx)
			db.UnlockShards(shards)
		}
		ks.RUnlockWorld()
	}
	e.account(ctx, start)
}

// runNoTouch runs a command for a CLIENT NO-TOUCH client: the access
// stamps of the keys it names are restored afterwards, so its lookups do
// not count as accesses (OBJECT IDLETIME, eviction).
func (e *Engine) runNoTouch(ctx *Ctx, keys []int) {
	type saved struct {
		ent    *keyspace.Entry
		key    []byte
		access uint32
	}
	var buf [16]saved
	stamps := buf[:0]
	for _, k := range keys {
		if ent := ctx.DB.Peek(ctx.Argv[k]); ent != nil {
			stamps = append(stamps, saved{ent, ctx.Argv[k], ent.Access})
		}
	}
	e.runProc(ctx)
	for _, s := range stamps {
		// Only if the key still has that entry: a freed entry is reused.
		if ctx.DB.Peek(s.key) == s.ent {
			s.ent.Access = s.access
		}
	}
}

func sortShards(s []int) []int {
	// insertion sort + dedupe: key counts are small
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// finish propagates the command's effects while its locks are held.
func (e *Engine) finish(ctx *Ctx) {
	if ctx.inMulti {
		return
	}
	if !e.hasSinks.Load() {
		return
	}
	if ctx.rewritten {
		if len(ctx.effects) > 0 {
			e.emit(ctx.effects)
		}
		return
	}
	if ctx.dirty > 0 {
		// Sinks copy what they keep (EffectSink), so argv goes as it is.
		b := &ctx.C.oneEffect
		b[0] = Effect{DB: ctx.DB.ID, Argv: ctx.Argv}
		e.emit(b[:])
		b[0] = Effect{}
	}
}

func (e *Engine) account(ctx *Ctx, start int64) {
	st := &ctx.Cmd.Stats
	st.Calls.Add(1)
	dur := time.Duration(clock.Mono() - start)
	st.Usec.Add(dur.Microseconds())
	ctx.C.LastActive.Store(e.KS.CoarseNowMs())
	if ctx.failed {
		st.Failed.Add(1)
	}
	ctx.C.lastCmd.Store(&ctx.Cmd.Spec.Name)
	// Latency histograms, latency monitor, slow log, MONITOR (latency.go).
	e.afterCall(ctx, dur)
}

// ExecMulti runs a queued transaction atomically. It is called by EXEC
// with no locks held.
func (e *Engine) ExecMulti(c *Client, queue []QueuedCmd) {
	for _, q := range queue {
		if q.Cmd.Script { // BullMQ: EVALSHA inside MULTI (script_call.go)
			scriptsPending.Add(1)
			defer scriptsPending.Add(-1)
			break
		}
	}
	ks := e.KS
	ks.LockWorld()
	defer ks.UnlockWorld()
	e.execQueueLocked(c, queue)
}

// execQueueLocked runs a queued transaction; the world lock is held
// exclusively (ExecMulti, ExecTx).
func (e *Engine) execQueueLocked(c *Client, queue []QueuedCmd) {
	ks := e.KS
	c.W.Array(len(queue))
	var effects []Effect
	wrote := false
	e.queueWorld(c, true) // pub/sub: the client holds the world (pubsub_hooks.go)
	defer e.queueWorld(c, false)
	for _, q := range queue {
		// ACL rules may have changed since queueing (acl_gate.go).
		if u := c.User; u != nil && !u.Unrestricted() && e.aclExecDenied(c, q) {
			continue
		}
		ctx := Ctx{E: e, C: c, Cmd: q.Cmd, Argv: q.Argv, W: &c.W, DB: ks.DB(c.DB), Exclusive: true, inMulti: true}
		start := clock.Mono()
		if guardsActive.Load() != 0 { // snapshot copy-on-write (persist_hooks.go)
			e.guardCmd(ctx.DB, q.Cmd, q.Argv)
		}
		e.runProc(&ctx)
		e.endQueued(&ctx)
		e.account(&ctx, start)
		if e.hasSinks.Load() {
			if ctx.rewritten {
				effects = append(effects, ctx.effects...)
			} else if ctx.dirty > 0 {
				effects = append(effects, Effect{DB: ctx.DB.ID, Argv: q.Argv}) // copied when queued
			}
		}
		if ctx.dirty > 0 {
			wrote = true
		}
	}
	if wrote && len(effects) > 0 {
		db := effects[0].DB
		batch := make([]Effect, 0, len(effects)+2)
		batch = append(batch, Effect{DB: db, Argv: [][]byte{[]byte("MULTI")}})
		batch = append(batch, effects...)
		batch = append(batch, Effect{DB: effects[len(effects)-1].DB, Argv: [][]byte{[]byte("EXEC")}})
		e.emit(batch)
	}
}

// PauseActive reports whether a CLIENT PAUSE may be in effect: commands
// may then wait in Exec.
func (e *Engine) PauseActive() bool { return e.paused.Load() }

// waitPause blocks while CLIENT PAUSE applies to cmd.
func (e *Engine) waitPause(cmd *Command) {
	if !e.paused.Load() {
		return
	}
	e.pauseMu.Lock()
	for e.pauseUntil != 0 {
		now := time.Now().UnixMilli()
		if now >= e.pauseUntil {
			e.pauseUntil = 0
			e.paused.Store(false)
			break
		}
		if !e.pauseAll && !cmd.Spec.Has(command.FlagWrite) && !cmd.Spec.Has(command.FlagMayReplicate) {
			break
		}
		until := e.pauseUntil
		e.pauseMu.Unlock()
		t := time.NewTimer(time.Duration(until-now) * time.Millisecond)
		done := make(chan struct{})
		go func() {
			select {
			case <-t.C:
				e.pauseMu.Lock()
				e.pauseCond.Broadcast()
				e.pauseMu.Unlock()
			case <-done:
			}
		}()
		e.pauseMu.Lock()
		if e.pauseUntil != 0 && time.Now().UnixMilli() < e.pauseUntil {
			e.pauseCond.Wait()
		}
		close(done)
		t.Stop()
	}
	e.pauseMu.Unlock()
}

// Pause implements CLIENT PAUSE: all=false pauses only writes.
func (e *Engine) Pause(until int64, all bool) {
	e.pauseMu.Lock()
	e.pauseUntil = until
	e.pauseAll = all
	e.paused.Store(true)
	e.pauseMu.Unlock()
}

// Unpause implements CLIENT UNPAUSE.
func (e *Engine) Unpause() {
	e.pauseMu.Lock()
	e.pauseUntil = 0
	e.paused.Store(false)
	e.pauseCond.Broadcast()
	e.pauseMu.Unlock()
}
