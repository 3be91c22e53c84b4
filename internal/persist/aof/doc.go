// Package aof implements Redis 7's multi-part append-only file: the
// manifest, the effect sink with group commit, the loader, and the
// command-format base writer.
//
// # Directory layout (appenddirname, default "appendonlydir")
//
//	appendonly.aof.<seq>.base.rdb   base: an RDB snapshot (aof-use-rdb-preamble
//	                                yes), or .base.aof: commands rebuilding it
//	appendonly.aof.<seq>.incr.aof   incremental files, appended in order
//	appendonly.aof.manifest         the list of files
//
// The manifest has one line per file, base first, then history, then
// incremental files in increasing sequence:
//
//	file appendonly.aof.2.base.rdb seq 2 type b
//	file appendonly.aof.2.incr.aof seq 2 type i
//
// Types: b base, h history (left by a rewrite, deleted unless
// aof-disable-auto-gc), i incremental. Names needing quotes are written
// with C escapes in double quotes; "#" lines are comments; unknown keys
// are ignored. The manifest is replaced atomically (temp-<name>, fsync,
// rename, directory fsync). An old single appendonly.aof in dir is moved
// into the directory as the base on start, as Redis 7 does.
//
// # Incremental file format
//
// RESP arrays of bulk strings, one per write effect as the engine
// propagates it (relative expiries already absolute: SET ... PXAT,
// PEXPIREAT), with "SELECT <db>" whenever the database changes (and
// before the first command of every new incr file); transactions and
// scripts as MULTI ... EXEC; expired keys as DEL. With
// aof-timestamp-enabled, "#TS:<unix seconds>\r\n" annotation lines are
// written when the second changes; loaders skip "#" lines.
//
// # Durability (Sink)
//
// Write formats effects into a buffer under the writing command's locks.
// Before a connection sends replies it waits for everything appended so
// far: one waiter writes the whole buffer with one write(2) (and one
// fdatasync(2) under appendfsync always) for every waiter at once (group
// commit). Before taking the lead a waiter yields once, so that the other
// runnable connections append first and one write covers them all, as
// Redis writes once per event-loop iteration. So under always a reply is
// sent only after its write is on disk, and under everysec/no only after
// it is in the file (a process crash loses nothing acknowledged);
// everysec fsyncs once a second on another goroutine, and while that
// fsync runs (at most two seconds) writes are postponed and replies do
// not wait, exactly as Redis postpones them (write(2) would block behind
// the fsync). A failed write under always calls Fatal (the server exits,
// as Redis); otherwise the data stays buffered and is retried.
//
// # Loading
//
// Files are replayed in manifest order through the engine with a fake
// client (database 0 at the start of each file). An RDB base (or an old
// RDB-preamble AOF) is loaded by the RDB loader first. A command cut short
// at the end of the last file, or a MULTI without EXEC there, is removed
// by truncating the file (aof-load-truncated yes, with log lines);
// otherwise, and for any malformed data elsewhere, loading fails with a
// LoadError naming the file and the byte offset, and the server refuses
// to start.
//
// # Rewrite
//
// A rewrite takes a fork-less snapshot (internal/persist/snapshot); at the
// snapshot's instant, under the world lock, the sink switches to a new
// incr file which is added to the manifest. The base is written to a
// temporary file; when it is complete it is renamed and the manifest
// becomes: new base, the new incr file; the old files become history and
// are deleted. A crash at any point leaves a manifest describing a
// complete, consistent chain.
package aof
