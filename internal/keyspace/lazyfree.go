package keyspace

// Lazy freeing (Redis's lazyfree.c). Redis hands large values to a
// background thread so that freeing them does not stall the event loop.
// In Go a value is freed by the garbage collector once nothing refers to
// it, concurrently with the program: dropping the reference is the whole
// cost on the command path, for UNLINK as for DEL and for FLUSHALL ASYNC
// as for FLUSHALL (each shard table of a flushed database is dropped whole;
// nothing walks the keys). A background goroutine that cleared large
// collections would only add work, so there is none, and nothing is ever
// pending: lazyfree_pending_objects is 0 and lazyfreed_objects counts, as
// Redis does, the values it would have freed in the background (those
// whose free effort exceeds LAZYFREE_THRESHOLD, and every key of a
// database flushed asynchronously). Used memory (memory.go) drops at once.

// lazyfreeThreshold is Redis's LAZYFREE_THRESHOLD.
const lazyfreeThreshold = 64

// effortCounter is implemented by values that know how many allocations
// freeing them takes (Redis's lazyfreeGetFreeEffort).
type effortCounter interface{ FreeEffort() int }

type noder interface{ Nodes() int }

// freeEffort approximates lazyfreeGetFreeEffort: elements of hash-table and
// skiplist encodings, quicklist nodes, stream nodes; 1 for compact
// encodings and strings.
func freeEffort(e *Entry) int {
	o := e.Obj()
	if o == nil {
		return 1
	}
	if f, ok := o.(effortCounter); ok {
		return f.FreeEffort()
	}
	l, ok := o.(lener)
	if !ok {
		return 1
	}
	switch o.Type() {
	case "list":
		if n, ok := o.(noder); ok && o.Encoding() == "quicklist" {
			return n.Nodes()
		}
		return 1
	case "set", "hash":
		if o.Encoding() == "hashtable" {
			return l.Len()
		}
	case "zset":
		if o.Encoding() == "skiplist" {
			return l.Len()
		}
	case "stream":
		// One rax node per stream-node-max-entries (100) entries.
		return l.Len()/100 + 1
	}
	return 1
}

// lazyFree records that e was released the way Redis's freeObjAsync
// releases a value.
func (ks *Keyspace) lazyFree(e *Entry) {
	if freeEffort(e) > lazyfreeThreshold {
		ks.mem.lazyfreed.Add(1)
	}
}

// LazyfreedObjects returns INFO's lazyfreed_objects.
func (ks *Keyspace) LazyfreedObjects() int64 { return ks.mem.lazyfreed.Load() }

// LazyfreePendingObjects returns INFO's lazyfree_pending_objects: always 0,
// see above.
func (ks *Keyspace) LazyfreePendingObjects() int64 { return 0 }

// Unlink is Delete for UNLINK and for deletions under lazyfree-lazy-*:
// the value is released the way Redis's dbAsyncDelete releases it.
func (db *DB) Unlink(key []byte) bool {
	e, ok := db.remove(key)
	if !ok {
		return false
	}
	db.ks.lazyFree(&e)
	return true
}

// LazyUserDel reports whether lazyfree-lazy-user-del is on (DEL behaves as
// UNLINK).
func (ks *Keyspace) LazyUserDel() bool { return ks.mem.lazy.Load()&lazyUserDel != 0 }

// LazyUserFlush reports whether lazyfree-lazy-user-flush is on (FLUSHALL
// and FLUSHDB without a mode flush asynchronously).
func (ks *Keyspace) LazyUserFlush() bool { return ks.mem.lazy.Load()&lazyUserFlush != 0 }

// LazyServerDel reports whether lazyfree-lazy-server-del is on.
func (ks *Keyspace) LazyServerDel() bool { return ks.mem.lazy.Load()&lazyServerDel != 0 }

// FlushAsync is Flush for FLUSHDB ASYNC / FLUSHALL ASYNC: the keys count as
// lazily freed objects, as Redis's emptyDbAsync counts them. The world lock
// must be held exclusively.
func (db *DB) FlushAsync() {
	n := db.keys.Load()
	db.Flush()
	db.ks.mem.lazyfreed.Add(n)
}
