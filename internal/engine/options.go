package engine

// NoLock makes the engine call the handler with no lock held at all: not
// the world lock and no shard locks. Such a handler must not touch the
// keyspace itself; it calls engine functions that lock for themselves.
// EXEC is the user: ExecTx takes the world lock exclusively, which a
// handler holding the shared world lock (SelfLocking) could never do.
//
// NoLock is recorded as Exclusive together with SelfLocking, a combination
// with no other meaning, so that Command needs no further field; call()
// tests it before the Exclusive path.
func NoLock(cmd *Command) {
	cmd.Exclusive = true
	cmd.SelfLocking = true
}

// IsNoLock reports whether cmd was registered with NoLock.
func (cmd *Command) IsNoLock() bool { return cmd.Exclusive && cmd.SelfLocking }
