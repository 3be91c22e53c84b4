package lua

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestTableNextMatchesModel drives a table with random stores and deletes
// of string, integer and other keys, against a map as the model, and checks
// after every step that RawGet agrees and that Next visits each live key
// exactly once: string keys keep their slot when deleted and set again, and
// the key index Next uses is built lazily.
func TestTableNextMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		tb := newLTable(0, 0)
		model := map[LValue]LValue{}
		keys := []LValue{LBool(true), LNumber(0.5), LNumber(-3)}
		for i := 0; i < 12; i++ {
			keys = append(keys, LString("k"+strconv.Itoa(i)), LNumber(i+1))
		}
		for step := 0; step < 60; step++ {
			k := keys[r.IntN(len(keys))]
			var v LValue = LNil
			if r.IntN(3) != 0 {
				v = LNumber(r.IntN(100) + 1)
			}
			tb.RawSet(k, v)
			if v == LNil {
				delete(model, k)
			} else {
				model[k] = v
			}
			for mk, mv := range model {
				if got := tb.RawGet(mk); got != mv {
					t.Fatalf("round %d step %d: RawGet(%v) = %v, want %v", round, step, mk, got, mv)
				}
			}
			if r.IntN(4) == 0 || step == 59 {
				seen := map[LValue]bool{}
				for k, v := tb.Next(LNil); k != LNil; k, v = tb.Next(k) {
					if seen[k] {
						t.Fatalf("round %d step %d: Next visited %v twice", round, step, k)
					}
					seen[k] = true
					if model[k] != v {
						t.Fatalf("round %d step %d: Next gave %v = %v, want %v", round, step, k, v, model[k])
					}
				}
				if len(seen) != len(model) {
					t.Fatalf("round %d step %d: Next visited %d keys, want %d", round, step, len(seen), len(model))
				}
			}
		}
	}
}

func TestNewTableIsSmall(t *testing.T) {
	L := NewState()
	defer L.Close()
	allocs := testing.AllocsPerRun(100, func() {
		tb := L.NewTable()
		tb.RawSetString("a", LTrue)
	})
	// The table, its map and the key list: upstream allocated a 32-slot
	// array and a 32-entry map up front, and a second map for Next.
	if allocs > 4 {
		t.Fatalf("a table with one string field takes %v allocations", allocs)
	}
}
