package engine

import "runtime/debug"

// runProc runs the handler of ctx's command. A panic in a handler is a
// bug, and it must not take the server down with every other client: it
// is logged with its stack, the command's partial reply is replaced by an
// error, its effects are not propagated, and the caller goes on to release
// the command's locks as usual. (Redis aborts with a crash report; a
// store that many clients share is better kept serving.)
func (e *Engine) runProc(ctx *Ctx) {
	mark := len(ctx.W.Buf)
	defer func() {
		if r := recover(); r != nil {
			e.commandPanicked(ctx, mark, r)
		}
	}()
	ctx.Cmd.Proc(ctx)
}

func (e *Engine) commandPanicked(ctx *Ctx, mark int, r any) {
	name := ctx.Cmd.Spec.Name
	e.logf("BUG: the '%s' command panicked: %v (the server goes on; please report this)\n%s", name, r, debug.Stack())
	if mark <= len(ctx.W.Buf) {
		ctx.W.Buf = ctx.W.Buf[:mark]
	}
	ctx.dirty = 0
	ctx.rewritten = false
	ctx.effects = ctx.effects[:0]
	ctx.ErrString("ERR internal error while executing '" + name + "', see the server log")
}
