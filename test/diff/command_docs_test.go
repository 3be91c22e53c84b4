package diff

import (
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/testkit"
)

// COMMAND DOCS reply shape: clients read the entries as maps, so the field
// names, their order and which fields are present must be Redis's. The
// texts of summary, complexity and history entries are our own words and
// are only required to be present where Redis has them. The per-command
// test in command_test.go compares everything else exactly.

// cdFields returns the field names of a docs map, and its subcommand docs.
func cdFields(v testkit.Value) (names []string, subs map[string]testkit.Value) {
	subs = map[string]testkit.Value{}
	for i := 0; i+1 < len(v.Elems); i += 2 {
		k := v.Elems[i].Str
		names = append(names, k)
		if k == "subcommands" {
			sv := v.Elems[i+1]
			for j := 0; j+1 < len(sv.Elems); j += 2 {
				subs[sv.Elems[j].Str] = sv.Elems[j+1]
			}
		}
	}
	return names, subs
}

// cdCompareShape compares the field names of two docs entries of the same
// command, recursing into the subcommands both servers have, and returns
// the number of entries compared.
func cdCompareShape(t *testing.T, proto int, name string, ours, redis testkit.Value) int {
	t.Helper()
	if ours.Type != redis.Type {
		t.Errorf("RESP%d COMMAND DOCS %s: reply type %c, redis %c", proto, name, ours.Type, redis.Type)
		return 1
	}
	a, asubs := cdFields(ours)
	b, bsubs := cdFields(redis)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("RESP%d COMMAND DOCS %s fields\n redwing: %s\n   redis: %s", proto, name, a, b)
	}
	for _, k := range []string{"summary", "complexity"} {
		if v, ok := ciMapGet(ours, k); ok && (v.Type != '$' || v.Str == "") {
			t.Errorf("RESP%d COMMAND DOCS %s: %s %q", proto, name, k, v.Raw)
		}
	}
	n := 1
	for sub, sv := range asubs {
		if rv, ok := bsubs[sub]; ok {
			n += cdCompareShape(t, proto, sub, sv, rv)
		} else if !ciRedis72Subs[sub] {
			t.Errorf("COMMAND DOCS %s: subcommand %s unknown to redis", name, sub)
		}
	}
	return n
}

func TestCommandDocsShape(t *testing.T) {
	p := newPair(t)
	for _, proto := range []int{2, 3} {
		if proto == 3 {
			p.resp3()
		}
		a, b := p.both("COMMAND", "DOCS")
		_, ours := cdFields(ciWrapSubs(a))
		_, redis := cdFields(ciWrapSubs(b))
		compared, newer := 0, 0
		for name, av := range ours {
			bv, ok := redis[name]
			if !ok {
				if !ciNewerThanOracle(name) {
					t.Errorf("COMMAND DOCS: redwing has %s, redis does not", name)
				}
				newer++
				if _, ok := ciMapGet(av, "complexity"); !ok {
					t.Errorf("RESP%d COMMAND DOCS %s (newer than the oracle) has no complexity", proto, name)
				}
				continue
			}
			compared += cdCompareShape(t, proto, name, av, bv)
		}
		if compared < 200 || newer == 0 {
			t.Errorf("RESP%d: compared only %d entries (%d newer)", proto, compared, newer)
		}
	}
}

// ciWrapSubs presents a whole COMMAND DOCS reply as the subcommands field
// of a docs entry, so that cdFields can split it by name.
func ciWrapSubs(v testkit.Value) testkit.Value {
	return testkit.Value{Type: v.Type, Elems: []testkit.Value{{Type: '$', Str: "subcommands"}, v}}
}

func TestCommandDocsComplexity(t *testing.T) {
	p := newPair(t)
	all, _ := ciRegistered(t, p)
	// Complexity is reported exactly where Redis reports it: commands
	// with one, containers, subcommands, and the few without one (those
	// Redwing has registered).
	for _, list := range [][]string{
		{"get", "set", "zrange", "del", "xread"},
		{"client", "config", "object", "xinfo"},
		{"client|list", "config|get", "object|encoding", "xinfo|stream", "command|docs"},
		{"lolwut", "monitor", "sync", "psync"},
	} {
		var names []string
		for _, n := range list {
			if all[n] {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			continue
		}
		for _, proto := range []int{2, 3} {
			if proto == 3 {
				p.resp3()
			}
			a, b := p.both(append([]string{"COMMAND", "DOCS"}, names...)...)
			if len(a.Elems) != len(b.Elems) {
				t.Errorf("RESP%d COMMAND DOCS %q: %d / %d entries", proto, names, len(a.Elems), len(b.Elems))
				continue
			}
			for i := 0; i+1 < len(a.Elems); i += 2 {
				if a.Elems[i].Str != b.Elems[i].Str {
					t.Errorf("RESP%d COMMAND DOCS %q: entry %s / %s", proto, names, a.Elems[i].Str, b.Elems[i].Str)
					continue
				}
				_, x := ciMapGet(a.Elems[i+1], "complexity")
				_, y := ciMapGet(b.Elems[i+1], "complexity")
				if x != y {
					t.Errorf("RESP%d COMMAND DOCS %s: complexity present %t, redis %t", proto, a.Elems[i].Str, x, y)
				}
			}
		}
		p = newPair(t)
	}
	// Subcommands newer than the oracle have one too.
	v, err := p.rw.Do("COMMAND", "DOCS", "client|setinfo", "client|no-touch", "hexpire", "httl", "hpersist")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Elems) != 10 {
		t.Fatalf("COMMAND DOCS of newer commands: %q", v.Raw)
	}
	for i := 0; i+1 < len(v.Elems); i += 2 {
		if c, ok := ciMapGet(v.Elems[i+1], "complexity"); !ok || c.Str == "" {
			t.Errorf("COMMAND DOCS %s has no complexity", v.Elems[i].Str)
		}
	}
}
