package rdb

import (
	"strconv"
	"testing"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

// ttlHash builds a hash of n fields; field i has TTL ttl(i) (0 = none).
func ttlHash(n int, ttl func(i int) int64) *types.Hash {
	h := types.NewHash()
	for i := 0; i < n; i++ {
		f := []byte("f" + strconv.Itoa(i))
		h.Set(f, []byte("v"+strconv.Itoa(i)), false, 128, 64)
		if at := ttl(i); at != 0 {
			h.SetFieldExpire(f, at)
		}
	}
	return h
}

func fieldTTLs(h *types.Hash) map[string]int64 {
	out := map[string]int64{}
	h.ForEachTTL(func(f, v []byte, at int64) bool {
		out[string(f)+"="+string(v)] = at
		return true
	})
	return out
}

// TestHashFieldTTLRoundTrip: hashes with field TTLs are written as
// TypeHashMetadata and come back with the same fields and TTLs; fields
// expired at save time are left out, and at load time (file loads) too.
func TestHashFieldTTLRoundTrip(t *testing.T) {
	const now = 1_700_000_000_000
	for _, n := range []int{3, 300} { // listpack and hashtable encodings
		h := ttlHash(n, func(i int) int64 {
			switch i % 3 {
			case 0:
				return 0
			case 1:
				return now + int64(1000*i)
			}
			if i%2 == 0 {
				return now - 5 // already expired at save time
			}
			return now + 10 // expires between save and load
		})
		e := NewEncoder(Options{Version: 11})
		ent := new(keyspace.ObjEntry(h))
		if typ, _ := e.ValueType(ent); typ != TypeHashMetadata {
			t.Fatalf("type %d", typ)
		}
		body, err := e.AppendValue(nil, ent, now)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{}
		for k, at := range fieldTTLs(h) {
			if at == 0 || at > now {
				want[k] = at
			}
		}
		for _, loadNow := range []int64{0, now + 20} {
			d := &decoder{src: newBytesSource(body[1:]), lim: DefaultLimits(), now: loadNow}
			var got keyspace.Entry
			if err := d.readValue(body[0], &got); err != nil {
				t.Fatal(err)
			}
			gh := got.Obj().(*types.Hash)
			g := fieldTTLs(gh)
			for k, at := range want {
				live := loadNow == 0 || at == 0 || at > loadNow
				if gat, ok := g[k]; ok != live || (ok && gat != at) {
					t.Errorf("n=%d loadNow=%d field %s: got %d,%v want %d,%v", n, loadNow, k, gat, ok, at, live)
				}
			}
			for k := range g {
				if _, ok := want[k]; !ok {
					t.Errorf("n=%d: unexpected field %s", n, k)
				}
			}
		}
	}
}

// TestHashListpackExLoad reads the listpack forms (types 23 and 25): field,
// value, expiry triples, 0 meaning no TTL; 25 has a minExpire prefix.
func TestHashListpackExLoad(t *testing.T) {
	for _, typ := range []byte{TypeHashListpackExPreGA, TypeHashListpackEx} {
		e := NewEncoder(Options{Version: 11})
		e.lp.reset(nil)
		for _, s := range []string{"a", "1", "0", "b", "2", "1800000000000"} {
			e.lp.append([]byte(s))
		}
		lp := e.lp.finish()
		var body []byte
		if typ == TypeHashListpackEx {
			body = append(body, 0, 0xD0, 0xED, 0x57, 0xA3, 0x01, 0, 0) // any minExpire
		}
		body = e.AppendString(body, lp)
		d := &decoder{src: newBytesSource(body), lim: DefaultLimits()}
		var got keyspace.Entry
		if err := d.readValue(typ, &got); err != nil {
			t.Fatal(err)
		}
		g := fieldTTLs(got.Obj().(*types.Hash))
		if len(g) != 2 || g["a=1"] != 0 || g["b=2"] != 1800000000000 {
			t.Fatalf("type %d: %v", typ, g)
		}
	}
	// A count not a multiple of three is corrupt, not a panic.
	e := NewEncoder(Options{Version: 11})
	e.lp.reset(nil)
	e.lp.append([]byte("a"))
	e.lp.append([]byte("1"))
	d := &decoder{src: newBytesSource(e.AppendString(nil, e.lp.finish())), lim: DefaultLimits()}
	var got keyspace.Entry
	if err := d.readValue(TypeHashListpackExPreGA, &got); err == nil {
		t.Fatal("accepted a truncated triple")
	}
}
