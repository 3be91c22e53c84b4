// Package snapshot takes point-in-time consistent snapshots of the
// keyspace without fork and without stopping clients.
//
// Design. Begin takes the world lock exclusively for a moment: it records
// the database sizes and the function libraries, installs a write guard in
// the engine, runs the caller's at-start hook (the AOF switches to a new
// incremental file there) and releases the lock. From then on the keyspace
// is "logically frozen" at that instant T0:
//
//   - A writer's command calls the guard, with the command's locks held,
//     for every key it may write. If the key's shard has not been saved
//     yet and the key has no saved pre-image, the guard serialises the
//     key's current value (its T0 value: nothing wrote it since) into a
//     record kept aside, or records that the key did not exist at T0.
//   - The saver walks the shards one at a time, holding only that shard's
//     lock (with the world lock shared): for every key it writes the
//     pre-image if there is one, the current value otherwise (unchanged
//     since T0), plus pre-images of keys deleted since T0; then it marks
//     the shard saved and drops its pre-images. Writes to saved shards cost
//     nothing more.
//   - Commands that may change any key (FLUSHALL, FLUSHDB, SWAPDB, DEBUG)
//     run under the exclusive world lock; the guard then serialises every
//     shard not yet saved before they run.
//
// Memory cost: the serialised pre-images of keys written while their shard
// was still unsaved (each key at most once, in the compact RDB encoding),
// plus one shard's output buffer. Under a uniform write load the expected
// extra memory is about (fraction of keys written during the snapshot) x
// (half the dataset, as shards are saved progressively), and never more
// than one serialised copy of the data, compared with fork's copy of every
// touched 4 KiB page (often the whole dataset under random writes).
// Client pauses: Begin and End each hold the world lock for microseconds;
// a shard is locked while it is serialised (about 1/1024 of a database);
// a writer touching an unsaved key pays for serialising that one value.
//
// Keys that expire while the snapshot runs may be left out (Redis keeps
// them with their past TTL, and skips them when loading): equivalent for
// any loader.
package snapshot
