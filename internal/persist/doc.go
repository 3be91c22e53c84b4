// Package persist runs Redwing's durability: loading at start-up, RDB
// snapshots (SAVE, BGSAVE, save points, SHUTDOWN), the multi-part AOF
// (appendonly, appendfsync, BGREWRITEAOF, automatic rewrites) and the
// reply barrier of appendfsync. The byte formats live in the rdb and aof
// subpackages, the fork-less snapshot in snapshot.
//
// Wiring (internal/server/persistence.go): the server creates a Manager
// in New and calls Load before it listens (the AOF when appendonly is yes,
// else dir/dbfilename); a cron goroutine calls Cron every 100 ms (save
// points, scheduled BGSAVE / BGREWRITEAOF, auto-aof-rewrite-*); every
// flush of replies first calls WaitDurable; SHUTDOWN and SIGTERM call
// Shutdown; Serve calls Close when it returns. The engine reaches the
// Manager through engine.Persister (SAVE, BGSAVE, BGREWRITEAOF, and Info
// for INFO's Persistence section).
//
// Jobs. One snapshot runs at a time (the engine has one write guard), as
// Redis has one child: BGSAVE during a rewrite answers "Another child
// process is active" (or is scheduled), BGREWRITEAOF during a BGSAVE is
// scheduled, SAVE waits for a running rewrite.
//
// Lock order. Starting a snapshot takes the engine's world lock
// exclusively, so the Manager never waits for the world lock while holding
// its own mutex (INFO reads the Manager under the shared world lock).
// Snapshot start hooks, which run under the world lock, may take the
// Manager's mutex. Handlers that hold engine locks (CONFIG SET appendonly,
// SHUTDOWN) hand their work to another goroutine.
//
// Differences from Redis, on purpose or for now:
//
//   - RDB files are version 11 (Redis 7.2); REDWING_RDB_VERSION=10 writes
//     Redis 7.0's format for older servers and tools. DUMP payloads are
//     version 10.
//   - SAVE does not stop other clients (the snapshot is fork-less).
//   - SHUTDOWN runs under the shared world lock, where no snapshot can
//     start, so its save runs on another goroutine after the command
//     returned: if the save fails, the server logs it and keeps running
//     but the client gets no error reply (Redis replies "Errors trying to
//     SHUTDOWN"). Registering SHUTDOWN with engine.NoLock would remove
//     this difference.
//   - Hash field TTLs (Redis 7.4) have no RDB 10/11 encoding: RDB files
//     and RDB-preamble AOF bases keep the fields without their TTLs
//     (command-format AOF bases keep them as HPEXPIREAT).
//   - rdb-del-sync-files, rdb-key-save-delay, no-appendfsync-on-rewrite
//     and aof-rewrite-incremental-fsync are accepted and ignored.
package persist
