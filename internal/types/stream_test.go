package types

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// Property tests of the stream storage and the PEL against simple models.

type modelEntry struct {
	id StreamID
	fv [][]byte
}

func streamCollect(s *Stream, start, end StreamID, rev bool, count int) []modelEntry {
	var out []modelEntry
	s.Range(start, end, rev, func(e StreamEntry) bool {
		me := modelEntry{id: e.ID}
		e.Each(func(f, v []byte) {
			me.fv = append(me.fv, bytes.Clone(f), bytes.Clone(v))
		})
		if len(me.fv) != 2*e.Len() {
			panic("Len mismatch")
		}
		out = append(out, me)
		return count == 0 || len(out) < count
	})
	return out
}

func modelRange(m []modelEntry, start, end StreamID, rev bool, count int) []modelEntry {
	var out []modelEntry
	if !rev {
		for _, e := range m {
			if !e.id.Less(start) && !end.Less(e.id) {
				out = append(out, e)
				if count > 0 && len(out) == count {
					break
				}
			}
		}
		return out
	}
	for i := len(m) - 1; i >= 0; i-- {
		e := m[i]
		if !e.id.Less(start) && !end.Less(e.id) {
			out = append(out, e)
			if count > 0 && len(out) == count {
				break
			}
		}
	}
	return out
}

func sameEntries(a, b []modelEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].id != b[i].id || len(a[i].fv) != len(b[i].fv) {
			return false
		}
		for j := range a[i].fv {
			if !bytes.Equal(a[i].fv[j], b[i].fv[j]) {
				return false
			}
		}
	}
	return true
}

func TestStreamModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fieldSets := [][]string{{"a"}, {"a", "b"}, {"temp", "hum"}, {"1", "2", "3"}}
	for round := 0; round < 30; round++ {
		lim := StreamLimits{MaxBytes: int64(50 + rng.IntN(500)), MaxEntries: int64(rng.IntN(12))}
		s := NewStream()
		var model []modelEntry
		last := StreamID{}
		for op := 0; op < 600; op++ {
			switch r := rng.IntN(10); {
			case r < 6: // append
				id := last
				if rng.IntN(3) == 0 {
					id = StreamID{last.Ms + uint64(rng.IntN(3)), 0}
					if !last.Less(id) {
						id, _ = last.Incr()
					}
				} else {
					id, _ = last.Incr()
				}
				fs := fieldSets[rng.IntN(len(fieldSets))]
				var fv [][]byte
				for _, f := range fs {
					fv = append(fv, []byte(f), []byte(fmt.Sprint(rng.IntN(1000))))
				}
				if rng.IntN(20) == 0 {
					fv[len(fv)-1] = bytes.Repeat([]byte("x"), rng.IntN(300))
				}
				s.Append(id, fv, lim)
				model = append(model, modelEntry{id, fv})
				last = id
			case r < 8 && len(model) > 0: // delete
				i := rng.IntN(len(model))
				if n := s.Delete([]StreamID{model[i].id}); n != 1 {
					t.Fatalf("delete existing returned %d", n)
				}
				model = append(model[:i], model[i+1:]...)
				if n := s.Delete([]StreamID{{last.Ms + 5, 0}}); n != 0 {
					t.Fatal("delete missing")
				}
			case r < 9: // exact trim
				if rng.IntN(2) == 0 {
					maxlen := rng.IntN(len(model) + 2)
					want := 0
					if len(model) > maxlen {
						want = len(model) - maxlen
					}
					got := s.Trim(StreamTrim{Strategy: TrimMaxLen, MaxLen: int64(maxlen)})
					if got != int64(want) {
						t.Fatalf("trim maxlen %d: %d want %d", maxlen, got, want)
					}
					model = model[want:]
				} else if len(model) > 0 {
					min := model[rng.IntN(len(model))].id
					want := 0
					for want < len(model) && model[want].id.Less(min) {
						want++
					}
					got := s.Trim(StreamTrim{Strategy: TrimMinID, MinID: min})
					if got != int64(want) {
						t.Fatalf("trim minid %v: %d want %d", min, got, want)
					}
					model = model[want:]
				}
			default: // approximate trim never removes more than exact
				maxlen := rng.IntN(len(model) + 2)
				before := len(model)
				got := s.Trim(StreamTrim{Strategy: TrimMaxLen, MaxLen: int64(maxlen), Approx: true})
				if before-int(got) < maxlen && got > 0 {
					t.Fatalf("approx trim went below maxlen")
				}
				model = model[got:]
			}
			if s.Length() != uint64(len(model)) {
				t.Fatalf("length %d want %d", s.Length(), len(model))
			}
			if len(model) > 0 && s.FirstID() != model[0].id {
				t.Fatalf("first id %v want %v", s.FirstID(), model[0].id)
			}
			// Random ranges.
			for k := 0; k < 3; k++ {
				a := StreamID{uint64(rng.IntN(int(last.Ms) + 2)), uint64(rng.IntN(3))}
				b := StreamID{a.Ms + uint64(rng.IntN(4)), uint64(rng.IntN(5))}
				rev := rng.IntN(2) == 0
				cnt := rng.IntN(4)
				got := streamCollect(s, a, b, rev, cnt)
				want := modelRange(model, a, b, rev, cnt)
				if !sameEntries(got, want) {
					t.Fatalf("range %v %v rev=%v count=%d: got %d entries want %d", a, b, rev, cnt, len(got), len(want))
				}
			}
		}
		all := streamCollect(s, StreamID{}, StreamMaxID, false, 0)
		if !sameEntries(all, model) {
			t.Fatalf("full scan differs")
		}
		d := s.Dup().(*Stream)
		if !sameEntries(streamCollect(d, StreamID{}, StreamMaxID, true, 0), modelRange(model, StreamID{}, StreamMaxID, true, 0)) {
			t.Fatalf("dup differs")
		}
	}
}

func TestStreamNodeSplitting(t *testing.T) {
	// Default limits: 100 entries per node.
	s := NewStream()
	lim := StreamLimits{MaxBytes: 4096, MaxEntries: 100}
	for i := 1; i <= 250; i++ {
		s.Append(StreamID{uint64(i), 1}, [][]byte{[]byte("f"), []byte("v")}, lim)
	}
	if s.RadixKeys() != 3 {
		t.Fatalf("radix keys %d", s.RadixKeys())
	}
	// Redis 7.0.15 with stream-node-max-bytes 100 and no entry limit packs
	// 8 such entries per node.
	s = NewStream()
	lim = StreamLimits{MaxBytes: 100, MaxEntries: 0}
	for i := 1; i <= 20000; i++ {
		s.Append(StreamID{uint64(i), 1}, [][]byte{[]byte("f"), []byte("v")}, lim)
	}
	if s.RadixKeys() != 2500 {
		t.Fatalf("radix keys %d, want 2500", s.RadixKeys())
	}
	// The approximate trim limit (10000 entries) stops at a node boundary.
	if got := s.Trim(StreamTrim{Strategy: TrimMaxLen, Approx: true, Limit: 10000}); got != 10000 {
		t.Fatalf("approx trim %d", got)
	}
}

func TestStreamRadixNodes(t *testing.T) {
	s := NewStream()
	if s.RadixNodes() != 1 {
		t.Fatal("empty")
	}
	lim := StreamLimits{MaxBytes: 4096, MaxEntries: 1}
	s.Append(StreamID{1, 1}, [][]byte{[]byte("a"), []byte("1")}, lim)
	if s.RadixNodes() != 2 {
		t.Fatalf("one key: %d", s.RadixNodes())
	}
	s.Append(StreamID{2, 1}, [][]byte{[]byte("a"), []byte("1")}, lim)
	// root compressed to byte 7, a branch, and per child a compressed
	// run plus a leaf.
	if s.RadixNodes() != 6 {
		t.Fatalf("two keys: %d", s.RadixNodes())
	}
	// Sequences checked against redis-server 7.0.15.
	for _, ms := range []uint64{3, 4, 5, 300, 70000} {
		s.Append(StreamID{ms, 1}, [][]byte{[]byte("a"), []byte("1")}, lim)
	}
	if s.RadixKeys() != 7 || s.RadixNodes() != 18 {
		t.Fatalf("seven keys: %d %d", s.RadixKeys(), s.RadixNodes())
	}
	s.Delete([]StreamID{{3, 1}})
	if s.RadixNodes() != 16 {
		t.Fatalf("after delete: %d", s.RadixNodes())
	}
	s.Delete([]StreamID{{70000, 1}, {300, 1}})
	if s.RadixKeys() != 4 || s.RadixNodes() != 10 {
		t.Fatalf("after deletes: %d %d", s.RadixKeys(), s.RadixNodes())
	}
}

func TestStreamIDs(t *testing.T) {
	if id, ok := StreamMaxID.Incr(); ok || !id.IsZero() {
		t.Fatal("incr max")
	}
	if id, ok := (StreamID{}).Decr(); ok || id != StreamMaxID {
		t.Fatal("decr zero")
	}
	if id, _ := (StreamID{1, ^uint64(0)}).Incr(); id != (StreamID{2, 0}) {
		t.Fatal("incr carry")
	}
	s := NewStream()
	if id, st := s.NextID(100, StreamID{}, false, false); st != StreamIDOK || id != (StreamID{100, 0}) {
		t.Fatal("auto")
	}
	s.Append(StreamID{100, 5}, [][]byte{[]byte("a"), []byte("b")}, StreamLimits{})
	if id, st := s.NextID(50, StreamID{}, false, false); st != StreamIDOK || id != (StreamID{100, 6}) {
		t.Fatal("clock behind")
	}
	if id, st := s.NextID(0, StreamID{100, 0}, true, false); st != StreamIDOK || id != (StreamID{100, 6}) {
		t.Fatal("ms-*")
	}
	if _, st := s.NextID(0, StreamID{99, 0}, true, false); st != StreamIDTooSmall {
		t.Fatal("ms-* in the past")
	}
	if _, st := s.NextID(0, StreamID{100, 5}, true, true); st != StreamIDTooSmall {
		t.Fatal("equal id")
	}
	s.Append(StreamID{100, ^uint64(0)}, [][]byte{[]byte("a"), []byte("b")}, StreamLimits{})
	if _, st := s.NextID(0, StreamID{100, 0}, true, false); st != StreamIDSeqExhausted {
		t.Fatal("exhausted sequence")
	}
}

func TestPELModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var p PEL
	model := map[StreamID]*StreamNACK{}
	for op := 0; op < 20000; op++ {
		id := StreamID{uint64(rng.IntN(3000)), uint64(rng.IntN(2))}
		if op < 5000 {
			id = StreamID{uint64(op), 0} // appends
		}
		switch rng.IntN(3) {
		case 0, 1:
			n := &StreamNACK{DeliveryCount: int64(op)}
			_, exists := model[id]
			if p.Insert(id, n) == exists {
				t.Fatalf("insert %v: exists=%v", id, exists)
			}
			if !exists {
				model[id] = n
			}
		default:
			got := p.Delete(id)
			if got != model[id] {
				t.Fatalf("delete %v", id)
			}
			delete(model, id)
		}
		if p.Len() != len(model) {
			t.Fatalf("len %d want %d", p.Len(), len(model))
		}
	}
	var ids []StreamID
	for id := range model {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].Less(ids[j]) })
	it := p.Seek(StreamID{})
	for _, want := range ids {
		id, n, ok := it.Next()
		if !ok || id != want || n != model[want] {
			t.Fatalf("iteration: got %v want %v", id, want)
		}
		if p.Get(want) != model[want] {
			t.Fatal("get")
		}
	}
	if _, _, ok := it.Next(); ok {
		t.Fatal("extra element")
	}
	// Seek to the middle.
	if len(ids) > 10 {
		it = p.Seek(ids[10])
		if id, _, _ := it.Next(); id != ids[10] {
			t.Fatal("seek")
		}
	}
}
