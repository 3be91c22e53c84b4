package engine

import "github.com/redwingdb/redwing/internal/command"

// ExecTx runs the queued transaction of client c for EXEC, which is
// registered NoLock and calls it with no lock held.
//
// It first waits while CLIENT PAUSE WRITE holds back a transaction that
// contains writes (EXEC itself is not a write, so the dispatcher let it
// through). Under the exclusive world lock it then checks the watched
// keys: a watched key that expired since WATCH is removed now, which
// touches its watchers as an expiry does (WATCH itself removed the keys
// that were already expired, so only keys that were live when watched
// fail the transaction, as in Redis 7). If a watched key changed, ExecTx
// writes the null array and reports false; otherwise it runs the queue,
// writing the array of replies, and reports true. Either way it ends the
// transaction (MULTI state and watched keys) before releasing the lock,
// since CLIENT LIST reads that state from other goroutines.
func (e *Engine) ExecTx(c *Client, queue []QueuedCmd) bool {
	for _, q := range queue {
		if q.Cmd.Spec.Has(command.FlagWrite) || q.Cmd.Spec.Has(command.FlagMayReplicate) {
			e.waitPause(q.Cmd)
			break
		}
	}
	ks := e.KS
	ks.LockWorld()
	defer ks.UnlockWorld()
	defer e.endTxLocked(c)
	if e.Watching(c) {
		if !e.WatchDirty(c) {
			for _, wk := range e.WatchedKeys(c) {
				ks.DB(wk.DB).Lookup([]byte(wk.Key))
			}
		}
		if e.WatchDirty(c) {
			c.W.NullArray()
			return false
		}
	}
	e.execQueueLocked(c, queue)
	return true
}

// DiscardTx ends c's transaction (EXECABORT) from a NoLock handler.
func (e *Engine) DiscardTx(c *Client) {
	e.KS.LockWorld()
	e.endTxLocked(c)
	e.KS.UnlockWorld()
}

// endTxLocked leaves MULTI and forgets the watched keys. Handlers that run
// under the world lock may do the same directly; NoLock paths must hold
// the world lock exclusively, because other clients' CLIENT LIST reads
// c.Multi under it.
func (e *Engine) endTxLocked(c *Client) {
	c.Multi = nil
	e.unwatchAll(c)
}
