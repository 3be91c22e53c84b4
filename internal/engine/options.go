package engine

// NoLock makes the engine call the handler with no lock held at all: not
// the world lock and no shard locks. Such a handler must not touch the
// keyspace itself; it calls engine functions that lock for themselves.
// EXEC is the user: ExecTx takes the world lock exclusively, which a
// handler holding the shared world lock (SelfLocking) could never do.
func NoLock(cmd *Command) { cmd.NoLock = true }
