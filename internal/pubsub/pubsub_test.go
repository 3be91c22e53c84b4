package pubsub

import (
	"fmt"
	"reflect"
	"testing"
)

func TestRegistryChannelsAndPatterns(t *testing.T) {
	var r Registry[int]
	if !r.Empty() {
		t.Fatal("new registry not empty")
	}
	r.Lock()
	r.AddLocked(Channel, "a", 1)
	r.AddLocked(Channel, "a", 2)
	r.AddLocked(Channel, "b", 1)
	r.AddLocked(Pattern, "a*", 1)
	r.AddLocked(Pattern, "a*", 3)
	r.AddLocked(Pattern, "?", 2)
	r.AddLocked(Shard, "s", 4)
	r.Unlock()
	if got := r.NumSub(Channel, []byte("a")); got != 2 {
		t.Errorf("NumSub a = %d", got)
	}
	if got := r.NumSub(Shard, []byte("a")); got != 0 {
		t.Errorf("shard NumSub a = %d", got)
	}
	if got := r.Count(Pattern); got != 2 {
		t.Errorf("distinct patterns = %d", got)
	}
	if got := r.Names(Channel, nil); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Names = %v", got)
	}
	if got := r.Names(Channel, []byte("b*")); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("Names b* = %v", got)
	}
	if got := r.Names(Shard, nil); !reflect.DeepEqual(got, []string{"s"}) {
		t.Errorf("shard Names = %v", got)
	}
	r.RLock()
	var matched []string
	for _, p := range r.PatternsLocked() {
		if Match(p.Pattern, []byte("ab")) {
			matched = append(matched, fmt.Sprint(string(p.Pattern), " ", p.Subs))
		}
	}
	r.RUnlock()
	if !reflect.DeepEqual(matched, []string{"a* [1 3]"}) {
		t.Errorf("patterns matching ab: %v", matched)
	}
	r.Lock()
	r.RemoveLocked(Pattern, "a*", 1)
	r.RemoveLocked(Pattern, "a*", 3)
	r.RemoveLocked(Pattern, "nosuch", 3)
	r.RemoveLocked(Channel, "a", 1)
	r.RemoveLocked(Channel, "a", 9)
	r.Unlock()
	if got := r.Count(Pattern); got != 1 {
		t.Errorf("patterns after removal = %d", got)
	}
	if got := r.NumSub(Channel, []byte("a")); got != 1 {
		t.Errorf("NumSub a after removal = %d", got)
	}
	r.Lock()
	r.RemoveLocked(Channel, "a", 2)
	r.RemoveLocked(Channel, "b", 1)
	r.RemoveLocked(Pattern, "?", 2)
	r.RemoveLocked(Shard, "s", 4)
	r.Unlock()
	if !r.Empty() || r.Count(Channel) != 0 || r.Count(Shard) != 0 {
		t.Errorf("registry not empty: %d channels %d shard", r.Count(Channel), r.Count(Shard))
	}
}

func TestSetOrderAndCompaction(t *testing.T) {
	var s Set
	for i := 0; i < 100; i++ {
		if !s.Add(fmt.Sprint(i)) {
			t.Fatalf("Add %d not new", i)
		}
	}
	if s.Add("5") {
		t.Error("duplicate Add reported new")
	}
	for i := 0; i < 100; i += 3 {
		if !s.Remove([]byte(fmt.Sprint(i))) {
			t.Fatalf("Remove %d", i)
		}
	}
	if s.Remove([]byte("0")) {
		t.Error("second Remove reported present")
	}
	var want []string
	for i := 0; i < 100; i++ {
		if i%3 != 0 {
			want = append(want, fmt.Sprint(i))
		}
	}
	if got := s.Names(); !reflect.DeepEqual(got, want) || s.Len() != len(want) {
		t.Fatalf("Names = %v (len %d)", got, s.Len())
	}
	for _, n := range want[:50] {
		s.Remove([]byte(n))
	}
	if got := s.Names(); !reflect.DeepEqual(got, want[50:]) || !s.Has([]byte(want[60])) || s.Has([]byte(want[0])) {
		t.Fatalf("after compaction: %v", got)
	}
	for _, n := range want[50:] {
		s.Remove([]byte(n))
	}
	if s.Len() != 0 || len(s.Names()) != 0 {
		t.Fatal("not empty")
	}
	s.Add("again")
	if got := s.Names(); !reflect.DeepEqual(got, []string{"again"}) {
		t.Fatalf("reuse: %v", got)
	}
}

func TestAppendMessage(t *testing.T) {
	got := string(AppendMessage(nil, 2, KindMessage, nil, []byte("ch"), []byte("hi")))
	if got != "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n" {
		t.Errorf("RESP2 message %q", got)
	}
	got = string(AppendMessage(nil, 3, KindPMessage, []byte("c*"), []byte("ch"), []byte("")))
	if got != ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$0\r\n\r\n" {
		t.Errorf("RESP3 pmessage %q", got)
	}
}
