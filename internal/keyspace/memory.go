package keyspace

// Memory accounting: the used_memory figure maxmemory is compared with.
//
// Redis asks its allocator how many bytes are allocated. A Go program can
// ask the runtime how many heap bytes the last garbage collection found
// live (/gc/heap/live:bytes), but between collections the heap holds
// garbage as well, so the runtime's figure either lags (live bytes) or
// overstates (heap objects, up to twice the live heap with GOGC=100). An
// evictor driven by either would hold too much or evict too much.
//
// Redwing combines both: the live heap measured at the end of the last
// collection, plus an estimate of what the keyspace allocated and dropped
// since then. Every insertion, overwrite and removal of a key adjusts a
// process-wide counter by the key's heap cost (its key-and-value or box
// allocation rounded to the Go allocator's size classes, plus any growth
// of its shard's chunks and indexes); a finalizer that runs after every collection records the live
// heap and the counter's value at that point. So
//
//	used = live heap at the last GC + (estimate now - estimate at that GC)
//
// Only the delta since the last collection relies on the estimate, and the
// next collection corrects whatever it got wrong. A boxed collection that
// grows or shrinks in place (LPUSH, HSET, SREM...) is re-costed when the
// write reports it (DB.Modified) while a maxmemory limit is set, and its
// entry keeps the cost it was last counted at, which is what its removal
// takes back: counting a removal at the collection's current size while
// its growth went uncounted once took a million-element list's DEL to a
// used_memory of 0. The record is made by a finalizer after the collection
// ends; keys stored between the two are counted as if the collection had
// found them live, so on a machine too loaded to run the finalizer at once
// used_memory undercounts them until the next collection. Reading
// the figure costs three atomic loads, cheap enough for every command when
// maxmemory is set. The figure is process-wide, as Go's heap is.

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// gcSnap is the heap state recorded after a collection.
type gcSnap struct {
	live  int64  // heap bytes the collection found live, less the arenas' dead bytes
	heap  int64  // the same as the runtime counts it (what its goal is based on)
	estAt int64  // memEst when it was recorded
	cycle uint64 // completed collections at that point
}

var (
	memEst   atomic.Int64 // running estimate of keyspace heap bytes (all keyspaces; only deltas matter)
	gcState  atomic.Pointer[gcSnap]
	gcWatch  sync.Once
	gcCycles atomic.Int64
)

var gcSamples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/gc/cycles/total:gc-cycles"},
}

// gcSentinel is garbage on purpose: its finalizer runs after each collection
// and re-arms itself. It holds a pointer so that it is not a tiny allocation
// (whose finalizers may never run).
type gcSentinel struct {
	p *int
	_ [8]byte
}

func armGCWatch() {
	s := &gcSentinel{}
	runtime.SetFinalizer(s, func(*gcSentinel) {
		recordGC()
		armGCWatch()
	})
}

// recordGC records the live heap and the keyspace estimate. It runs on the
// finalizer goroutine (one at a time) and once at start.
func recordGC() {
	est := memEst.Load()
	metrics.Read(gcSamples)
	heap := int64(0)
	if gcSamples[0].Value.Kind() == metrics.KindUint64 {
		heap = int64(gcSamples[0].Value.Uint64())
	}
	if heap == 0 && gcSamples[1].Value.Kind() == metrics.KindUint64 {
		// No collection yet: all heap objects are the best figure.
		heap = int64(gcSamples[1].Value.Uint64())
	}
	live := heap - arenaDead.Load() // freed in the estimate's view (arena.go)
	var cycle uint64
	if gcSamples[2].Value.Kind() == metrics.KindUint64 {
		cycle = gcSamples[2].Value.Uint64()
	}
	gcState.Store(&gcSnap{live: live, heap: heap, estAt: est, cycle: cycle})
	gcCycles.Add(1)
	if gcFloor.managed.Load() {
		applyGCFloor(heap)
	}
	if goLimit.managed.Load() {
		goLimit.Lock()
		applyGoLimitLocked(live)
		goLimit.Unlock()
	}
}

func startGCWatch() {
	gcWatch.Do(func() {
		recordGC()
		armGCWatch()
	})
}

// UsedMemory returns the bytes Redwing counts as used (INFO used_memory,
// the figure compared with maxmemory): the live heap at the last garbage
// collection plus the keyspace's estimated growth since.
func UsedMemory() uint64 {
	s := gcState.Load()
	if s == nil {
		startGCWatch()
		s = gcState.Load()
	}
	u := s.live + memEst.Load() - s.estAt
	if u < 0 {
		return 0
	}
	return uint64(u)
}

// GCCycles counts the collections the accounting has observed (tests).
func GCCycles() int64 { return gcCycles.Load() }

// SyncGC collects garbage and waits until the accounting has recorded a
// collection that started after the call, so that UsedMemory is the live
// heap (tests, benchmarks). It gives up after about two seconds.
func SyncGC() {
	startGCWatch()
	cyc := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	runtime.GC()
	metrics.Read(cyc)
	want := cyc[0].Value.Uint64()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if s := gcState.Load(); s != nil && s.cycle >= want {
			return
		}
		time.Sleep(time.Millisecond)
		if s := gcState.Load(); s == nil || s.cycle < want {
			runtime.GC() // the sentinel may be waiting for a later cycle
			metrics.Read(cyc)
			want = cyc[0].Value.Uint64()
		}
	}
}

// EstimatedBytes is the running keyspace estimate (tests compare its
// change with the heap's).
func EstimatedBytes() int64 { return memEst.Load() }

var boxCost = int64(allocSize(int(unsafe.Sizeof(objBox{}))))

// sizeClasses are the Go allocator's small size classes (runtime/sizeclasses.go).
var sizeClasses = [...]uint16{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
	1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
	6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
	19072, 20480, 21760, 24576, 27264, 28672, 32768,
}

// allocSize returns the bytes the Go allocator uses for an n-byte object.
func allocSize(n int) int {
	switch {
	case n <= 0:
		return 0
	case n < 16:
		// Pointer-free objects below 16 bytes share 16-byte tiny blocks.
		return (n + 7) &^ 7
	case n > 32768:
		return (n + 8191) &^ 8191
	}
	// Binary search over the classes.
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if int(sizeClasses[mid]) < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return int(sizeClasses[lo])
}

// lener is implemented by collection values.
type lener interface{ Len() int }

// objectCost estimates the heap bytes of a non-string value from its
// length: a per-element cost a little under what the live heap shows for
// elements of about ten bytes (a compact listpack element 6-25 bytes, a
// set member in a hash table about 90, a hash field 100, a sorted-set
// member 150), so that the estimate errs low and the next collection,
// which measures, raises it; an estimate that erred high would refuse
// writes (noeviction) or evict keys before the limit was reached.
func objectCost(o Object) int64 {
	l, ok := o.(lener)
	if !ok {
		return 256
	}
	per := int64(48)
	switch o.Encoding() {
	case "listpack", "quicklist", "intset":
		per = 8
	case "hashtable":
		per = 64
		if o.Type() == "hash" {
			per = 72
		}
	case "skiplist":
		per = 112
	case "stream":
		per = 32
	}
	return 64 + per*int64(l.Len())
}

// costUnits and unitsCost keep a boxed object's accounted cost in its
// entry's vlen, in 8-byte units (up to 32 GiB).
func costUnits(n int64) uint32 { return uint32(min(max(n, 0)/8, math.MaxUint32)) }

func unitsCost(u uint32) int64 { return int64(u) * 8 }

// accountInPlace re-costs key's boxed collection after a write changed it
// in place, and records the difference.
func (db *DB) accountInPlace(key []byte) {
	sh, tag := db.locate(key)
	slot, ei := sh.t.find(tag, key)
	if slot < 0 {
		return
	}
	e := sh.t.at(ei)
	if e.klen&(flagObj|flagPack) != flagObj {
		return
	}
	now := costUnits(objectCost((*objBox)(e.p).obj))
	if now != e.vlen {
		db.addMem(unitsCost(now) - unitsCost(e.vlen))
		e.vlen = now
	}
}

// keyCost estimates the heap bytes of a stored entry's own allocations
// (the table's chunks, indexes and arena are counted by footprint). A
// boxed object counts at the cost its entry records.
func keyCost(e *Entry) int64 {
	if e.klen&(flagObj|flagPack) == flagObj {
		if e.vcap == boxInline {
			return boxCost + unitsCost(e.vlen)
		}
		return boxCost + int64(allocSize(int(e.klen&klenMask))) + unitsCost(e.vlen)
	}
	if e.klen&flagArena != 0 {
		return 0 // in its arena's pages (table.footprint)
	}
	return int64(allocSize(int(e.klen&klenMask + e.vcap)))
}

// addMem records a change of db's estimated size.
func (db *DB) addMem(d int64) {
	if d != 0 {
		db.mem.Add(d)
		memEst.Add(d)
	}
}

// dropMem removes db's whole estimate (FLUSHDB / FLUSHALL).
func (db *DB) dropMem() {
	if n := db.mem.Swap(0); n > 0 {
		memEst.Add(-n)
		if n >= flushGCThreshold {
			collectSoon()
		}
	}
}

// flushGCThreshold is the size of a flushed database above which a
// collection is started at once, so that used memory (and the heap) drop
// promptly instead of at the next collection the allocation rate brings,
// which an idle server may not reach for minutes; the estimate knows the
// keys' own cost, the collection finds the rest (garbage
// marked live).
const flushGCThreshold = 1 << 20

var gcPending atomic.Bool

// collectSoon runs a garbage collection in the background (one at a time).
func collectSoon() {
	if !gcPending.CompareAndSwap(false, true) {
		return
	}
	go func() {
		runtime.GC()
		gcPending.Store(false)
	}()
}

// goLimit is the Go soft memory limit Redwing manages for maxmemory.
var goLimit struct {
	sync.Mutex
	orig    int64 // the limit before Redwing changed it (GOMEMLIMIT or none)
	saved   bool
	base    int64 // MemoryLimitFor(maxmemory); 0: not managing
	managed atomic.Bool
}

// SetGoMemoryLimit ties the process's Go soft memory limit to maxmemory
// (MemoryLimitFor), or restores the original limit when maxmemory is 0. An
// explicit GOMEMLIMIT below it wins. While set, every collection raises the
// limit to at least 1.5 times the live heap, so that a dataset above
// maxmemory (noeviction) does not make the collector run back to back.
func SetGoMemoryLimit(maxmemory uint64) {
	goLimit.Lock()
	defer goLimit.Unlock()
	if !goLimit.saved {
		if maxmemory == 0 {
			return
		}
		goLimit.orig = debug.SetMemoryLimit(-1)
		goLimit.saved = true
	}
	goLimit.base = MemoryLimitFor(maxmemory)
	goLimit.managed.Store(goLimit.base != 0)
	live := int64(0)
	if s := gcState.Load(); s != nil {
		live = s.live
	}
	applyGoLimitLocked(live)
}

func applyGoLimitLocked(live int64) {
	if goLimit.base == 0 {
		debug.SetMemoryLimit(goLimit.orig)
		return
	}
	lim := goLimit.base
	if floor := live + live/2; floor > lim {
		lim = floor
	}
	if goLimit.orig < lim {
		lim = goLimit.orig
	}
	debug.SetMemoryLimit(lim)
}

// GCHeadroomFloor is the least garbage the collector lets the heap gather
// between cycles. Go's default goal (GOGC=100) is twice the live heap, so a
// small dataset, such as a job queue's few megabytes, is collected every few
// megabytes allocated: BullMQ's scripts allocate tens of kilobytes per job
// (Lua tables, closures, strings), which made about fifty collections a
// second. In alternated BullMQ runs a floor of 32 MB cut the server's CPU
// per job by about 5% (16 MB: no gain; 64 MB: the same as 32, with more
// memory). Past a live heap of this size the default applies unchanged, so
// large datasets (and the memory per key) are unaffected, and the maxmemory
// limit still wins.
const GCHeadroomFloor = 32 << 20

var gcFloor struct {
	managed atomic.Bool
	mu      sync.Mutex
	percent int // last GOGC set
}

// ManageGCFloor keeps the collector's goal at least GCHeadroomFloor above
// the live heap, by raising GOGC while the live heap is small. It leaves
// GOGC alone if the process chose its own (the GOGC variable, or a host
// program that embeds Redwing and called SetGCPercent).
func ManageGCFloor() {
	if os.Getenv("GOGC") != "" || gcFloor.managed.Load() {
		return
	}
	cur := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(cur)
	if cur[0].Value.Kind() != metrics.KindUint64 || cur[0].Value.Uint64() != 100 {
		return
	}
	if !gcFloor.managed.CompareAndSwap(false, true) {
		return // another server in this process got there first
	}
	gcFloor.mu.Lock()
	gcFloor.percent = 100
	gcFloor.mu.Unlock()
	startGCWatch()
	applyGCFloor(gcState.Load().heap)
}

// gcPercentFor is the GOGC that puts the goal at least GCHeadroomFloor above
// a live heap of live bytes, never below Go's default, rounded up to a step
// of 50 so that a live heap wavering by a few bytes does not reset it at
// every cycle.
func gcPercentFor(live int64) int {
	if live >= GCHeadroomFloor {
		return 100
	}
	if live < GCHeadroomFloor/64 {
		live = GCHeadroomFloor / 64
	}
	p := int((GCHeadroomFloor*100 + live - 1) / live)
	return (p + 49) / 50 * 50
}

func applyGCFloor(live int64) {
	gcFloor.mu.Lock()
	defer gcFloor.mu.Unlock()
	if p := gcPercentFor(live); p != gcFloor.percent {
		gcFloor.percent = p
		debug.SetGCPercent(p)
	}
}

// MemoryLimitFor returns the Go soft memory limit (runtime/debug's
// SetMemoryLimit) to pair with maxmemory: the limit plus headroom for the
// garbage between collections and the runtime's own memory, so that the
// collector runs more often as the heap nears maxmemory instead of the
// process growing. 0 means no limit.
func MemoryLimitFor(maxmemory uint64) int64 {
	if maxmemory == 0 {
		return 0
	}
	lim := maxmemory + maxmemory/2 + 32<<20
	if lim < maxmemory || lim > 1<<62 { // overflow
		return 0
	}
	return int64(lim)
}
