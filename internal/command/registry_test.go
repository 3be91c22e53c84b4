package command

import (
	"sort"
	"testing"
)

func TestLookup(t *testing.T) {
	for _, name := range []string{"get", "GET", "Get", "zunionstore", "ZUNIONSTORE", "client", "CLIENT"} {
		s := Lookup(name)
		if s == nil {
			t.Fatalf("Lookup(%q) = nil", name)
		}
		if LookupBytes([]byte(name)) != s {
			t.Fatalf("LookupBytes(%q) differs", name)
		}
	}
	for _, name := range []string{"", "nosuch", "client|list", "GETX", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if s := Lookup(name); s != nil {
			t.Errorf("Lookup(%q) = %s", name, s.Name)
		}
		if s := LookupBytes([]byte(name)); s != nil {
			t.Errorf("LookupBytes(%q) = %s", name, s.Name)
		}
	}
	c := Lookup("client")
	if !c.IsContainer() || Lookup("get").IsContainer() {
		t.Fatal("IsContainer wrong")
	}
	if c.Sub("LIST") == nil || c.SubBytes([]byte("List")) != c.Sub("list") || c.SubBytes([]byte("nosuch")) != nil {
		t.Fatal("Sub/SubBytes wrong")
	}
}

func TestAll(t *testing.T) {
	all := All()
	if len(all) < 200 {
		t.Fatalf("only %d commands", len(all))
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Name < all[j].Name }) {
		t.Fatal("All is not sorted")
	}
	for _, s := range all {
		if Lookup(s.Name) != s {
			t.Fatalf("Lookup(%q) does not return the spec", s.Name)
		}
		if !sort.SliceIsSorted(s.Subs, func(i, j int) bool { return s.Subs[i].Name < s.Subs[j].Name }) {
			t.Fatalf("%s: subcommands not sorted", s.Name)
		}
		for _, sub := range s.Subs {
			if sub.IsContainer() {
				t.Fatalf("%s: nested container", sub.Name)
			}
			if len(sub.Name) <= len(s.Name)+1 || sub.Name[:len(s.Name)+1] != s.Name+"|" {
				t.Fatalf("%s: bad subcommand name %q", s.Name, sub.Name)
			}
		}
	}
}

func TestEverySpecHasSummary(t *testing.T) {
	seen := map[string]bool{}
	var check func(s *Spec)
	check = func(s *Spec) {
		seen[s.Name] = true
		if s.Summary == "" {
			t.Errorf("%s: no summary", s.Name)
		}
		for _, sub := range s.Subs {
			check(sub)
		}
	}
	for _, s := range All() {
		check(s)
	}
	for name := range summaries {
		if !seen[name] {
			t.Errorf("summary for unknown command %q", name)
		}
	}
}

func TestCategoryConstants(t *testing.T) {
	consts := []Category{
		CatKeyspace, CatRead, CatWrite, CatSet, CatSortedSet, CatList, CatHash,
		CatString, CatBitmap, CatHyperLogLog, CatGeo, CatStream, CatPubsub,
		CatAdmin, CatFast, CatSlow, CatBlocking, CatDangerous, CatConnection,
		CatTransaction, CatScripting,
	}
	if len(consts) != len(CategoryNames) {
		t.Fatalf("%d constants, %d names", len(consts), len(CategoryNames))
	}
	for i, c := range consts {
		got, ok := ParseCategory(CategoryNames[i])
		if !ok || got != c {
			t.Errorf("category %s: constant %b, parsed %b", CategoryNames[i], c, got)
		}
	}
}

var sinkSpec *Spec

func BenchmarkLookup(b *testing.B) {
	names := []string{"get", "SET", "zunionstore", "HGetAll", "client"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkSpec = Lookup(names[i%len(names)])
	}
}

func BenchmarkLookupBytes(b *testing.B) {
	names := [][]byte{[]byte("get"), []byte("SET"), []byte("zunionstore"), []byte("HGetAll"), []byte("client")}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkSpec = LookupBytes(names[i%len(names)])
	}
}

var sinkKeys []int

func BenchmarkAppendKeys(b *testing.B) {
	argv := splitArgs("SET k v")
	argv2 := splitArgs("MSET a 1 b 2")
	set, mset := Lookup("set"), Lookup("mset")
	buf := make([]int, 0, 8)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			sinkKeys, _ = AppendKeys(buf[:0], set, argv)
		} else {
			sinkKeys, _ = AppendKeys(buf[:0], mset, argv2)
		}
	}
}
