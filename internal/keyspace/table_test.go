package keyspace

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"unsafe"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/testkit"
)

type tblObj struct{ n int }

func (tblObj) Type() string     { return "list" }
func (tblObj) Encoding() string { return "quicklist" }

// tblPacked is a Packer: packed as 'p' then its data, unless longer than
// tblPackMax (then boxed). Views alias the entry's bytes.
type tblPacked struct{ data []byte }

const tblPackMax = 300

func (*tblPacked) Type() string     { return "hash" }
func (*tblPacked) Encoding() string { return "listpack" }
func (o *tblPacked) PackedLen() int {
	if len(o.data) > tblPackMax {
		return -1
	}
	return 1 + len(o.data)
}
func (o *tblPacked) PackTo(dst []byte) { dst[0] = 'p'; copy(dst[1:], o.data) }

func init() {
	SetUnpacker(func(b []byte) Object {
		if b[0] != 'p' {
			panic("not a packed test object")
		}
		return &tblPacked{data: b[1:]}
	})
}

type tblModel struct {
	str    string
	obj    int // >0: an object with n == obj
	packed *string
	expire int64
}

// TestTableAgainstModel drives one database (few shards in use, so that
// tables grow, shrink and reuse entries) with random writes, overwrites,
// TTL changes and deletions, and checks every key, the counters and
// iteration against a map.
func TestTableAgainstModel(t *testing.T) {
	runTableModel(t, 3000, 50, 200_000, 0)
}

// TestArenaAgainstModel is the same with larger values (some above the
// arena's record limit) and enough keys per shard that arenas compact,
// inline and from MaintainArenas, checking the arenas' bookkeeping.
func TestArenaAgainstModel(t *testing.T) {
	before := arenaCompactions.Load()
	runTableModel(t, 60_000, 700, 400_000, 5_000)
	if n := arenaCompactions.Load() - before; n < 100 {
		t.Fatalf("only %d arena compactions: the test does not exercise them", n)
	}
}

func runTableModel(t *testing.T, keySpace, maxVal, steps, maintainEvery int) {
	ks := New(1, clock.NewFake(1_700_000_000_000))
	db := ks.DB(0)
	model := map[string]tblModel{}
	r := rand.New(rand.NewPCG(7, 11))
	keyOf := func() string {
		// Sizes from empty to long keys; a small space so keys are reused.
		n := r.IntN(keySpace)
		if n%97 == 0 {
			return ""
		}
		return "k" + strconv.Itoa(n) + string(make([]byte, n%40))
	}
	cursor := 0
	for step := 0; step < steps; step++ {
		if maintainEvery > 0 && step%maintainEvery == 0 {
			ks.MaintainArenas(&cursor, NumShards/4)
			checkArenas(t, db)
		}
		k := keyOf()
		kb := []byte(k)
		switch op := r.IntN(10); {
		case op < 4: // string write, sometimes growing in place
			v := strconv.Itoa(step) + string(make([]byte, r.IntN(maxVal)))
			var exp int64
			if r.IntN(3) == 0 {
				exp = 4_000_000_000_000 + int64(step)
			}
			e := StrEntryTTL([]byte(v), exp)
			if r.IntN(4) == 0 {
				e = RawStrEntry([]byte(v))
				e.Expire = exp
			}
			db.Set(kb, e)
			model[k] = tblModel{str: v, expire: exp}
		case op < 5: // object write
			if r.IntN(2) == 0 {
				db.Set(kb, ObjEntry(tblObj{step + 1}))
				model[k] = tblModel{obj: step + 1}
				break
			}
			d := strconv.Itoa(step) + string(make([]byte, r.IntN(maxVal)))
			db.Set(kb, ObjEntry(&tblPacked{data: []byte(d)}))
			model[k] = tblModel{packed: &d}
		case op < 6: // a packable object changed through its view, then stored
			e := db.Lookup(kb)
			if e == nil {
				break
			}
			o, ok := e.Obj().(*tblPacked)
			if !ok {
				break
			}
			m := model[k]
			switch r.IntN(3) {
			case 0: // edit in place (the view aliases the entry's bytes)
				for i := range o.data {
					o.data[i]++
				}
				d := string(o.data)
				m.packed = &d
			case 1: // shrink
				o.data = o.data[:len(o.data)/2]
				d := string(o.data)
				m.packed = &d
			default: // grow, sometimes past tblPackMax (boxed)
				o.data = append(o.data, strconv.Itoa(step)+string(make([]byte, r.IntN(maxVal)))...)
				d := string(o.data)
				m.packed = &d
			}
			db.Store(kb, e, o)
			model[k] = m
		case op < 7:
			ok := db.Delete(kb)
			_, want := model[k]
			if ok != want {
				t.Fatalf("step %d: Delete(%q) = %v, want %v", step, k, ok, want)
			}
			delete(model, k)
		case op < 8: // TTL change
			e := db.Lookup(kb)
			m, ok := model[k]
			if (e != nil) != ok {
				t.Fatalf("step %d: Lookup(%q) found=%v, model %v", step, k, e != nil, ok)
			}
			if ok {
				var exp int64
				if r.IntN(2) == 0 {
					exp = 5_000_000_000_000 + int64(step)
				}
				db.SetExpire(kb, e, exp)
				m.expire = exp
				model[k] = m
			}
		case op < 9: // append in place
			e := db.Lookup(kb)
			if e != nil && e.Obj() == nil {
				add := strconv.Itoa(step)
				if len(e.Str())+len(add) <= cap(e.Str()) {
					db.SetStr(kb, e, append(e.Str(), add...))
				} else {
					db.SetStr(kb, e, append(append([]byte(nil), e.Str()...), add...))
				}
				m := model[k]
				m.str += add
				model[k] = m
			}
		default:
			e := db.Peek(kb)
			checkEntry(t, step, k, e, model)
		}
		if step%20_000 == 0 {
			testkit.CollectAndScribble()
			checkAll(t, db, model)
		}
	}
	checkAll(t, db, model)
	checkArenas(t, db)
	for k := range model {
		db.Delete([]byte(k))
	}
	if db.Size() != 0 || db.Expires() != 0 {
		t.Fatalf("emptied: Size %d Expires %d", db.Size(), db.Expires())
	}
	for i := range db.shards {
		if sh := &db.shards[i]; sh.t.chunks != nil || sh.t.idx.slots != nil {
			t.Fatalf("shard %d keeps its table after its last key went", i)
		}
	}
}

// checkPins checks that every stored entry whose value the collector must
// see (a box, a record of its own) is pinned (table.pin).
func checkPins(t *testing.T, db *DB) {
	t.Helper()
	for i := range db.shards {
		tb := &db.shards[i].t
		tb.each(func(ei uint32, e *Entry) bool {
			p := heapRef(e)
			var pinned unsafe.Pointer
			if c, off := chunkOf(ei); int(c) < len(tb.pins) && tb.pins[c] != nil {
				pinned = tb.pins[c][off]
			}
			if p != pinned {
				t.Fatalf("shard %d: entry %d (%q) points at %p, pinned %p", i, ei, e.key(), p, pinned)
			}
			return true
		})
	}
}

// checkArenas checks that every arena record lies in a page of its shard's
// arena (compaction moved them all) and that the dead count never exceeds
// what is not live, and that entries are pinned (checkPins).
func checkArenas(t *testing.T, db *DB) {
	t.Helper()
	checkPins(t, db)
	for i := range db.shards {
		sh := &db.shards[i]
		a := &sh.t.a
		live := int64(0)
		sh.t.each(func(_ uint32, e *Entry) bool {
			n := recordSize(e)
			if n == 0 {
				return true
			}
			live += n
			p := uintptr(e.p)
			in := false
			for _, pg := range a.pages {
				b := uintptr(unsafe.Pointer(unsafe.SliceData(pg)))
				in = in || p >= b && p+uintptr(n) <= b+uintptr(len(pg))
			}
			if !in {
				t.Fatalf("shard %d: record of %q is outside its arena", i, e.key())
			}
			return true
		})
		if a.dead < 0 || live > a.used-a.dead {
			t.Fatalf("shard %d: %d live record bytes, arena used %d dead %d", i, live, a.used, a.dead)
		}
	}
	if d := db.ks.arenaDead.Load(); d < 0 {
		t.Fatalf("keyspace dead arena bytes %d", d)
	}
}

func checkEntry(t *testing.T, step int, k string, e *Entry, model map[string]tblModel) {
	t.Helper()
	m, ok := model[k]
	if (e != nil) != ok {
		t.Fatalf("step %d: %q found=%v, model %v", step, k, e != nil, ok)
	}
	if !ok {
		return
	}
	if e.key() != k {
		t.Fatalf("step %d: entry of %q has key %q", step, k, e.key())
	}
	switch {
	case m.packed != nil:
		o, _ := e.Obj().(*tblPacked)
		if o == nil || string(o.data) != *m.packed || e.Str() != nil {
			t.Fatalf("step %d: %q holds %v, want packed %q", step, k, e.Obj(), *m.packed)
		}
		if e.packed() != (len(*m.packed) <= tblPackMax) {
			t.Fatalf("step %d: %q packed=%v with %d bytes", step, k, e.packed(), len(*m.packed))
		}
	case m.obj > 0:
		if o, _ := e.Obj().(tblObj); o.n != m.obj {
			t.Fatalf("step %d: %q holds %v, want object %d", step, k, e.Obj(), m.obj)
		}
	case e.Obj() != nil || string(e.Str()) != m.str:
		t.Fatalf("step %d: %q = %q, want %q", step, k, e.Str(), m.str)
	}
	if e.Expire != m.expire {
		t.Fatalf("step %d: %q expires %d, want %d", step, k, e.Expire, m.expire)
	}
}

func checkAll(t *testing.T, db *DB, model map[string]tblModel) {
	t.Helper()
	keys, vol := expCount(db)
	wantVol := 0
	for k, m := range model {
		checkEntry(t, -1, k, db.Peek([]byte(k)), model)
		if m.expire != 0 {
			wantVol++
		}
	}
	if keys != int64(len(model)) || db.Size() != keys || vol != int64(wantVol) || db.Expires() != vol {
		t.Fatalf("%d keys (Size %d), %d volatile (Expires %d); model %d, %d", keys, db.Size(), vol, db.Expires(), len(model), wantVol)
	}
	seen := map[string]bool{}
	db.ForEachShard(0, false, func(_ int, m ShardKeys) bool {
		m.Range(func(k string, _ *Entry) bool {
			if seen[k] {
				t.Fatalf("iteration shows %q twice", k)
			}
			seen[k] = true
			if !m.Has(k) {
				t.Fatalf("Has(%q) false for an iterated key", k)
			}
			return true
		})
		return true
	})
	if len(seen) != len(model) {
		t.Fatalf("iteration shows %d keys, model has %d", len(seen), len(model))
	}
}

// TestChunkOf checks that chunkOf numbers entries through chunks of the
// sizes chunkSize gives, without gaps or overlaps.
func TestChunkOf(t *testing.T) {
	c, off := uint32(0), uint32(0)
	for i := uint32(0); i < 100_000; i++ {
		gc, goff := chunkOf(i)
		if gc != c || goff != off {
			t.Fatalf("chunkOf(%d) = %d, %d, want %d, %d", i, gc, goff, c, off)
		}
		if off++; int(off) == chunkSize(int(c)) {
			c, off = c+1, 0
		}
	}
	if chunkSize(0) != firstChunkLen || chunkSize(smallChunks) != chunkLen {
		t.Fatalf("chunk sizes %d, %d", chunkSize(0), chunkSize(smallChunks))
	}
}

// TestFewObjectsForTheCollector fills one shard's table with 100k small
// strings and counts the heap objects it is made of. A full collection
// marks each of them (a cache miss apiece): at 10M keys, 94k objects took
// about 10 ms of mark time, during which the collector's workers compete
// with the server and its clients for the cores; 43k take 2-4 ms.
func TestFewObjectsForTheCollector(t *testing.T) {
	ks := New(1, clock.NewFake(1_700_000_000_000))
	db := ks.DB(0)
	tb := &db.shards[0].t
	const n = 100_000
	for i := 0; i < n; i++ {
		k := strconv.AppendInt([]byte("key:"), int64(i), 10)
		v := StrEntry([]byte("0123456789abcdef"))
		tb.add(uint32(i)*2654435761, bind(&tb.a, k, &v))
	}
	objects := len(tb.chunks) + len(tb.a.pages) + 3 // slices of chunks, pages and the index
	// 32-byte records in 32 KiB pages and 32-byte entries in chunks of
	// 1024: about 200 objects, 70 more for the growth from small sizes.
	if objects > 300 {
		t.Fatalf("%d keys in %d chunks and %d arena pages: %d objects for the collector to mark, want at most 300",
			n, len(tb.chunks), len(tb.a.pages), objects)
	}
}

// TestOAIndexDeleteKeepsProbes fills a small index with colliding tags and
// deletes in random order: every remaining value stays reachable from its
// home slot (backward-shift deletion).
func TestOAIndexDeleteKeepsProbes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 200; round++ {
		var x oaIndex
		vals := map[uint32]uint32{} // value -> tag
		for i := uint32(1); i <= uint32(5+r.IntN(200)); i++ {
			tag := uint32(r.IntN(16)) | uint32(r.IntN(4))<<28 // crowd a few homes, wrap the end
			x.insert(uint64(tag)<<32 | uint64(i))
			vals[i] = tag
		}
		for v, tag := range vals {
			slot := x.slotOf(tag, v)
			if slot < 0 {
				t.Fatalf("round %d: value %d unreachable", round, v)
			}
			x.deleteAt(slot)
			delete(vals, v)
			for w, tg := range vals {
				if x.slotOf(tg, w) < 0 {
					t.Fatalf("round %d: value %d lost after deleting %d", round, w, v)
				}
			}
		}
		if x.n != 0 || x.slots != nil {
			t.Fatalf("round %d: %d left", round, x.n)
		}
	}
}

// TestStoredEntryEditsGoThroughDB checks that the Entry methods that would
// point a stored entry at an unpinned allocation refuse to, and that
// DB.SetStr does the same edit.
func TestStoredEntryEditsGoThroughDB(t *testing.T) {
	ks := New(1, clock.NewFake(1_700_000_000_000))
	db := ks.DB(0)
	e := db.Set([]byte("k"), StrEntry([]byte("v")))
	for name, edit := range map[string]func(){
		"SetStr": func() { e.SetStr(make([]byte, 1000)) },
		"SetObj": func() { e.SetObj(tblObj{1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Entry.%s on a stored entry did not panic", name)
				}
			}()
			edit()
		}()
	}
	db.SetStr([]byte("k"), e, append(make([]byte, 0, 1000), "grown"...))
	if got := string(db.Peek([]byte("k")).Str()); got != "grown" {
		t.Fatalf("after DB.SetStr: %q", got)
	}
	checkPins(t, db)
}

// TestRampPagesCompacted: a large arena that grew through small pages is
// compacted into full-size ones, as keys are added (DB.Set's reclaim) or by
// the cron's check, once, with every record intact.
func TestRampPagesCompacted(t *testing.T) {
	const n = 20_000
	key := func(i int) []byte { return strconv.AppendInt([]byte("key:"), int64(i), 10) }
	val := func(i int) []byte { return strconv.AppendInt([]byte("value-"), int64(i)*7, 10) }
	for _, onInsert := range []bool{true, false} {
		ks := New(1, clock.NewFake(1_700_000_000_000))
		tb := &ks.DB(0).shards[0].t
		for i := 0; i < n; i++ {
			if onInsert {
				tb.reclaim()
			}
			v := StrEntry(val(i))
			tb.add(uint32(i)*2654435761, bind(&tb.a, key(i), &v))
		}
		before, live := len(tb.a.pages), tb.liveBytes()
		if compacted := tb.maintain(); compacted == onInsert {
			t.Fatalf("onInsert %v: the cron's check compacted: %v (%d pages, %d live bytes)", onInsert, compacted, before, live)
		}
		// The last page of a compaction is sized to what was left, and
		// pages added since are full-size.
		want := int(live/arenaMaxPage) + 2
		if got := len(tb.a.pages); got > want {
			t.Fatalf("onInsert %v: %d pages (%d before the cron's check), want at most %d", onInsert, got, before, want)
		}
		for i := 0; i < n; i++ {
			_, ei := tb.find(uint32(i)*2654435761, key(i))
			if got := tb.at(ei).Str(); string(got) != string(val(i)) {
				t.Fatalf("onInsert %v: key %d: %q after compaction, want %q", onInsert, i, got, val(i))
			}
		}
		if tb.maintain() {
			t.Fatalf("onInsert %v: a compacted arena was compacted again", onInsert)
		}
	}
}
