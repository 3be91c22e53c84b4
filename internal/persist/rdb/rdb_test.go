package rdb

import (
	"bytes"
	"fmt"
	"github.com/redwingdb/redwing/internal/lzf"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

func TestCRC64(t *testing.T) {
	// Redis's crc64 test vector.
	if got := CRC64(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("%x", got)
	}
	long := bytes.Repeat([]byte("abcdefghij"), 1000)
	var c uint64
	for _, b := range long { // byte at a time must equal sliced
		c = CRC64(c, []byte{b})
	}
	if c != CRC64(0, long) {
		t.Fatal("slicing-by-8 disagrees")
	}
}

func TestLZFRoundTrip(t *testing.T) {
	var z lzf.Compressor
	for _, s := range []string{
		strings.Repeat("a", 100),
		strings.Repeat("hello world ", 50),
		"abcdefghijklmnopqrstuvwxyz0123456789",
		strings.Repeat("xyz", 10000),
	} {
		c := z.Compress([]byte(s), len(s)-4)
		if c == nil {
			continue
		}
		out := make([]byte, len(s))
		if !lzf.Decompress(c, out) || string(out) != s {
			t.Fatalf("round trip failed for %q", s[:10])
		}
	}
	// Incompressible input does not fit.
	if c := z.Compress([]byte("abcdefghijklmnopqrstuvwxyz"), 22); c != nil {
		t.Fatal("compressed random text")
	}
}

func TestListpackBytes(t *testing.T) {
	var b lpBuilder
	b.reset(nil)
	b.append([]byte("a"))
	b.append([]byte("127"))
	b.append([]byte("-1"))
	b.append([]byte("1000"))
	b.append([]byte("0123")) // not canonical: a string
	lp := b.finish()
	want := []byte{
		0, 0, 0, 0, 5, 0,
		0x81, 'a', 2, // string "a"
		127, 1, // 7-bit uint
		0xDF, 0xFF, 2, // 13-bit -1
		0xC3, 0xE8, 2, // 13-bit 1000
		0x84, '0', '1', '2', '3', 5,
		0xFF,
	}
	want[0] = byte(len(want))
	if !bytes.Equal(lp, want) {
		t.Fatalf("got  % x\nwant % x", lp, want)
	}
	it, err := newLpIter(lp)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		v, done, err := it.next()
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		got = append(got, string(v))
	}
	if strings.Join(got, ",") != "a,127,-1,1000,0123" {
		t.Fatal(got)
	}
	// Every integer width round-trips.
	for _, v := range []int64{0, 127, 128, -4096, 4095, -32768, 32767, -8388608, 8388607, math.MinInt32, math.MaxInt32, math.MinInt64, math.MaxInt64} {
		b.reset(nil)
		b.appendInt(v)
		it, _ := newLpIter(b.finish())
		_, iv, isInt, _, err := it.nextRaw()
		if err != nil || !isInt || iv != v {
			t.Fatalf("%d: %d %v %v", v, iv, isInt, err)
		}
	}
	// Long strings use the 12- and 32-bit length forms.
	for _, n := range []int{63, 64, 4095, 4096, 70000} {
		s := bytes.Repeat([]byte("x"), n)
		b.reset(nil)
		b.append(s)
		lp := b.finish()
		if lpEntrySize(s) != len(lp)-7 {
			t.Fatalf("lpEntrySize(%d) = %d, encoded %d", n, lpEntrySize(s), len(lp)-7)
		}
		it, _ := newLpIter(lp)
		v, _, err := it.next()
		if err != nil || !bytes.Equal(v, s) {
			t.Fatalf("len %d: %v", n, err)
		}
	}
}

func TestStringEncodings(t *testing.T) {
	e := NewEncoder(Options{Compress: true})
	for _, tc := range []struct {
		in   string
		want []byte
	}{
		{"12", []byte{0xC0, 12}},
		{"-129", []byte{0xC1, 0x7F, 0xFF}},
		{"100000", []byte{0xC2, 0xA0, 0x86, 0x01, 0x00}},
		{"012", []byte{3, '0', '1', '2'}},
		{"99999999999", append([]byte{11}, "99999999999"...)},
	} {
		if got := e.AppendString(nil, []byte(tc.in)); !bytes.Equal(got, tc.want) {
			t.Errorf("%q: % x want % x", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("abc", 100)
	enc := e.AppendString(nil, []byte(long))
	if enc[0] != 0xC3 {
		t.Fatal("long repetitive string not compressed")
	}
	d := &decoder{src: newBytesSource(enc)}
	s, err := d.readString()
	if err != nil || string(s) != long {
		t.Fatal(err)
	}
}

// describe renders an entry's value and encoding for comparisons.
func describe(ent *keyspace.Entry) string {
	var parts []string
	switch o := ent.Obj().(type) {
	case nil:
		return "string:" + string(ent.Str())
	case *types.List:
		o.ForEach(func(v []byte) bool { parts = append(parts, string(v)); return true })
		return "list/" + o.Encoding() + ":" + strings.Join(parts, ",")
	case *types.Set:
		o.ForEach(func(v []byte) bool { parts = append(parts, string(v)); return true })
		sort.Strings(parts)
		return "set/" + o.Encoding() + ":" + strings.Join(parts, ",")
	case *types.ZSet:
		o.ForEach(func(m []byte, sc float64) bool {
			parts = append(parts, string(m)+"="+strconv.FormatFloat(sc, 'g', -1, 64))
			return true
		})
		return "zset/" + o.Encoding() + ":" + strings.Join(parts, ",")
	case *types.Hash:
		o.ForEach(func(f, v []byte) bool { parts = append(parts, string(f)+"="+string(v)); return true })
		sort.Strings(parts)
		return "hash/" + o.Encoding() + ":" + strings.Join(parts, ",")
	case *types.Stream:
		o.Range(types.StreamID{}, types.StreamMaxID, false, func(e types.StreamEntry) bool {
			s := e.ID.String()
			e.Each(func(f, v []byte) { s += " " + string(f) + "=" + string(v) })
			parts = append(parts, s)
			return true
		})
		for _, g := range o.Groups() {
			s := fmt.Sprintf("group %s last=%s read=%d pel=%d", g.Name, g.LastID, g.EntriesRead, g.PEL.Len())
			for _, c := range g.Consumers() {
				s += fmt.Sprintf(" [%s seen=%d pel=%d]", c.Name, c.SeenTime, c.PEL.Len())
			}
			parts = append(parts, s)
		}
		return fmt.Sprintf("stream len=%d last=%s first=%s maxdel=%s added=%d: %s", o.Len(), o.LastID(), o.FirstID(),
			o.MaxDeletedID(), o.EntriesAdded(), strings.Join(parts, "; "))
	}
	return "?"
}

func testValues() map[string]*keyspace.Entry {
	lim := DefaultLimits()
	vals := map[string]*keyspace.Entry{}
	vals["str"] = new(keyspace.StrEntry([]byte("hello")))
	vals["int"] = new(keyspace.StrEntry([]byte("-12345")))
	vals["bigint"] = new(keyspace.StrEntry([]byte("123456789012345")))
	vals["long"] = new(keyspace.StrEntryTTL(bytes.Repeat([]byte("xy"), 1000), 1<<42))
	vals["empty"] = new(keyspace.StrEntry([]byte{}))

	l := types.NewList()
	l.PushBack(lim.List, []byte("a"), []byte("1"), []byte("-70000"))
	vals["list-lp"] = new(keyspace.ObjEntry(l))
	ql := types.NewList()
	for i := 0; i < 2000; i++ {
		ql.PushBack(lim.List, []byte(fmt.Sprintf("element-%d-%s", i, strings.Repeat("z", i%50))))
	}
	vals["list-ql"] = new(keyspace.ObjEntry(ql))

	is := types.NewSet([]byte("1"), 4, lim.Set)
	for _, m := range []string{"1", "-5", "70000", "5000000000"} {
		is.Add([]byte(m), lim.Set)
	}
	vals["set-intset"] = new(keyspace.ObjEntry(is))
	ls := types.NewSet([]byte("a"), 3, lim.Set)
	for _, m := range []string{"a", "b", "12"} {
		ls.Add([]byte(m), lim.Set)
	}
	vals["set-lp"] = new(keyspace.ObjEntry(ls))
	hs := types.NewSet([]byte("m"), 300, lim.Set)
	for i := 0; i < 300; i++ {
		hs.Add([]byte(fmt.Sprintf("m%d", i)), lim.Set)
	}
	vals["set-ht"] = new(keyspace.ObjEntry(hs))

	z := types.NewZSet()
	for i, m := range []string{"a", "b", "c", "d"} {
		z.Add([]float64{1, 2.5, -3, 1e100}[i], []byte(m), 0, lim.ZSet)
	}
	vals["zset-lp"] = new(keyspace.ObjEntry(z))
	zs := types.NewZSet()
	for i := 0; i < 300; i++ {
		zs.Add(float64(i)/3, []byte(fmt.Sprintf("m%d", i)), 0, lim.ZSet)
	}
	zs.Add(math.Inf(-1), []byte("neginf"), 0, lim.ZSet)
	vals["zset-sl"] = new(keyspace.ObjEntry(zs))

	h := types.NewHash()
	h.Set([]byte("f"), []byte("v"), false, 128, 64)
	h.Set([]byte("n"), []byte("42"), false, 128, 64)
	vals["hash-lp"] = new(keyspace.ObjEntry(h))
	hh := types.NewHash()
	for i := 0; i < 200; i++ {
		hh.Set([]byte(fmt.Sprintf("f%d", i)), []byte(strings.Repeat("v", i)), false, 128, 64)
	}
	vals["hash-ht"] = new(keyspace.ObjEntry(hh))

	st := types.NewStream()
	slim := lim.Stream
	for i := 1; i <= 250; i++ {
		fv := [][]byte{[]byte("f"), []byte(strconv.Itoa(i)), []byte("g"), []byte("x")}
		if i%7 == 0 {
			fv = [][]byte{[]byte("other"), []byte("y")}
		}
		st.Append(types.StreamID{Ms: uint64(1000 + i), Seq: uint64(i % 3)}, fv, slim)
	}
	st.Delete([]types.StreamID{{Ms: 1005, Seq: 2}, {Ms: 1001, Seq: 1}})
	g := st.CreateGroup([]byte("grp"), types.StreamID{Ms: 1010, Seq: 1}, 10)
	c1 := g.CreateConsumer([]byte("alice"), 123456)
	g.CreateConsumer([]byte("bob"), 654321)
	for _, id := range []types.StreamID{{Ms: 1002, Seq: 2}, {Ms: 1003, Seq: 0}} {
		n := &types.StreamNACK{DeliveryTime: 99, DeliveryCount: 3, Consumer: c1}
		g.PEL.Insert(id, n)
		c1.PEL.Insert(id, n)
	}
	st.CreateGroup([]byte("empty-group"), types.StreamID{}, -1)
	vals["stream"] = new(keyspace.ObjEntry(st))
	vals["stream-empty"] = new(keyspace.ObjEntry(types.NewStream()))
	return vals
}

func TestValueRoundTrip(t *testing.T) {
	for _, ver := range []int{10, 11} {
		for _, compress := range []bool{false, true} {
			e := NewEncoder(Options{Version: ver, Compress: compress})
			for name, ent := range testValues() {
				p, err := e.Dump(nil, ent, 0)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !VerifyDump(p, false) {
					t.Fatalf("%s: bad footer", name)
				}
				got, err := Restore(p, DefaultLimits())
				if err != nil {
					t.Fatalf("v%d %s: %v", ver, name, err)
				}
				if describe(&got) != describe(ent) {
					t.Errorf("v%d %s:\n got %s\nwant %s", ver, name, describe(&got), describe(ent))
				}
				// Corrupting the checksum is detected.
				bad := append([]byte(nil), p...)
				bad[len(bad)-1] ^= 1
				if VerifyDump(bad, false) {
					t.Fatalf("%s: corrupt checksum accepted", name)
				}
				// Truncations never panic.
				for cut := 1; cut < len(p)-10; cut += 1 + len(p)/50 {
					q := append([]byte(nil), p[:cut]...)
					q = append(q, p[len(p)-10:]...)
					Restore(q, DefaultLimits())
				}
			}
		}
	}
}

func TestFileRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Options{Compress: true}, true)
	w.Header()
	w.Aux("redis-ver", "7.2.5")
	w.AuxInt("ctime", 1700000000)
	w.Function("#!lua name=lib\nredis.register_function('f', function() return 1 end)")
	vals := testValues()
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names)
	w.SelectDB(0, int64(len(names)), 1)
	for _, k := range names {
		if err := w.KeyValue([]byte(k), vals[k], KeyMeta{}, 0); err != nil {
			t.Fatal(err)
		}
	}
	w.SelectDB(3, 1, 0)
	w.KeyValue([]byte("in3"), new(keyspace.StrEntry([]byte("x"))), KeyMeta{LRU: true}, 0)
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	got := map[string]string{}
	var funcs []string
	var aux []string
	l := &Loader{Limits: DefaultLimits()}
	info, err := l.Load(bytes.NewReader(data), int64(len(data)), Handler{
		Aux:      func(k, v []byte) { aux = append(aux, string(k)+"="+string(v)) },
		Function: func(code []byte) error { funcs = append(funcs, string(code)); return nil },
		Key: func(db int, key []byte, ent *keyspace.Entry, m LoadedMeta) error {
			got[fmt.Sprintf("%d/%s", db, key)] = describe(ent) + fmt.Sprintf(" exp=%d idle=%d", ent.Expire, m.IdleSec)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.End != int64(len(data)) || info.Version != Version || len(funcs) != 1 || len(aux) != 2 {
		t.Fatalf("info %+v funcs %d aux %v", info, len(funcs), aux)
	}
	for _, k := range names {
		want := describe(vals[k]) + fmt.Sprintf(" exp=%d idle=-1", vals[k].Expire)
		if got["0/"+k] != want {
			t.Errorf("%s:\n got %s\nwant %s", k, got["0/"+k], want)
		}
	}
	if !strings.HasPrefix(got["3/in3"], "string:x exp=0 idle=") {
		t.Errorf("db 3: %q", got["3/in3"])
	}
	// A flipped byte anywhere is an error, never a panic or a hang.
	for i := 9; i < len(data); i += 7 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x5a
		if _, err := l.Load(bytes.NewReader(bad), int64(len(bad)), Handler{}); err == nil {
			t.Errorf("corruption at %d not detected", i)
		}
	}
	// Truncated files fail with an offset.
	for _, cut := range []int{5, 20, len(data) / 2, len(data) - 1} {
		_, err := l.Load(bytes.NewReader(data[:cut]), int64(cut), Handler{})
		if _, ok := err.(*Error); !ok {
			t.Errorf("cut %d: %v", cut, err)
		}
	}
}

func FuzzRestore(f *testing.F) {
	e := NewEncoder(Options{Compress: true})
	for _, ent := range testValues() {
		p, _ := e.Dump(nil, ent, 0)
		if len(p) < 4096 {
			f.Add(p)
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		if VerifyDump(p, true) {
			Restore(p, DefaultLimits())
		}
	})
}

func FuzzLoad(f *testing.F) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Options{}, false)
	w.Header()
	w.SelectDB(0, 2, 0)
	w.KeyValue([]byte("a"), new(keyspace.StrEntry([]byte("1"))), KeyMeta{}, 0)
	vals := testValues()
	w.KeyValue([]byte("z"), vals["zset-lp"], KeyMeta{}, 0)
	w.KeyValue([]byte("s"), vals["stream"], KeyMeta{}, 0)
	w.Finish()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		l := &Loader{Limits: DefaultLimits(), SkipChecksum: true}
		l.Load(bytes.NewReader(data), int64(len(data)), Handler{})
	})
}
