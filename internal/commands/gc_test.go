package commands

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/testkit"
)

// TestValuesSurviveCollections edits values with every command that
// grows a string out of its arena record or re-boxes an object (APPEND,
// SETRANGE, SETBIT, INCRBY, PFADD, SADD, RPUSH, HSET past the listpack
// limit), then runs a collection, fills freed memory with garbage, and
// checks that every value still reads the same: a value kept alive only
// through the keyspace's unscanned chunks (not pinned) would be freed and
// overwritten.
func TestValuesSurviveCollections(t *testing.T) {
	x := newHxEnv(t)
	r := rand.New(rand.NewPCG(3, 5))
	const keys = 300
	read := func(k string) string {
		switch x.do("TYPE", k) {
		case "+string\r\n":
			return x.do("GET", k)
		case "+set\r\n":
			return x.do("SCARD", k) + x.do("SISMEMBER", k, "m1")
		case "+list\r\n":
			return x.do("LRANGE", k, "0", "-1")
		case "+hash\r\n":
			return x.do("HLEN", k) + x.do("HGET", k, "f1")
		}
		return "none"
	}
	for round := 0; round < 10; round++ {
		for i := 0; i < 400; i++ {
			k := "k" + strconv.Itoa(r.IntN(keys))
			v := strings.Repeat(strconv.Itoa(i), 1+r.IntN(300))
			switch r.IntN(9) {
			case 0:
				x.do("SET", k, v)
			case 1:
				x.do("APPEND", k, v)
			case 2:
				x.do("SETRANGE", k, strconv.Itoa(r.IntN(2000)), v)
			case 3:
				x.do("SETBIT", k, strconv.Itoa(r.IntN(20000)), "1")
			case 4:
				x.do("SET", k, strconv.Itoa(r.IntN(100)))
				x.do("INCRBY", k, "123456789012345")
			case 5:
				x.do("PFADD", k, v, v+"x", strconv.Itoa(i))
			case 6:
				x.do("SADD", k, "m"+strconv.Itoa(r.IntN(3)), v)
			case 7:
				x.do("RPUSH", k, v)
			default:
				x.do("HSET", k, "f"+strconv.Itoa(r.IntN(200)), v)
			}
		}
		before := make([]string, keys)
		for i := range before {
			before[i] = read("k" + strconv.Itoa(i))
		}
		testkit.CollectAndScribble()
		for i, want := range before {
			if got := read("k" + strconv.Itoa(i)); got != want {
				t.Fatalf("round %d: k%d read %.80q before a collection, %.80q after", round, i, want, got)
			}
		}
	}
}
