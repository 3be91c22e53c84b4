package diff

import (
	"github.com/redwingdb/redwing/internal/command"
	"sort"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/testkit"
)

// COMMAND and its subcommands. Redwing describes only the commands it has
// registered, so whole-table replies are compared per registered command:
// COMMAND INFO exactly (except Redis's key-spec notes, prose the command
// table does not keep), COMMAND DOCS exactly except for the summary,
// complexity and history texts (our own words), which are compared by
// presence and position only. Subcommands are compared as sets restricted
// to those Redwing registered (Redis lists them in hash order).

// ciRedis72Subs are subcommands Redwing has from Redis 7.2 that the 7.0
// oracle lacks.
var ciRedis72Subs = map[string]bool{"client|setinfo": true, "client|no-touch": true}

// ciRegistered returns Redwing's registered names (COMMAND LIST): all of
// them, and the top-level ones.
func ciRegistered(t *testing.T, p *pair) (all map[string]bool, top []string) {
	t.Helper()
	v, err := p.rw.Do("COMMAND", "LIST")
	if err != nil {
		t.Fatal(err)
	}
	all = map[string]bool{}
	for _, e := range v.Elems {
		all[e.Str] = true
		if !strings.Contains(e.Str, "|") {
			top = append(top, e.Str)
		}
	}
	sort.Strings(top)
	return all, top
}

// ciDropKeys returns map v (RESP3 map or RESP2 flat array) without the
// given keys.
func ciDropKeys(v testkit.Value, keys ...string) testkit.Value {
	out := v
	out.Elems = nil
	for i := 0; i+1 < len(v.Elems); i += 2 {
		drop := false
		for _, k := range keys {
			if v.Elems[i].Str == k {
				drop = true
			}
		}
		if !drop {
			out.Elems = append(out.Elems, v.Elems[i], v.Elems[i+1])
		}
	}
	return out
}

// ciMapGet returns the value of key in map v.
func ciMapGet(v testkit.Value, key string) (testkit.Value, bool) {
	for i := 0; i+1 < len(v.Elems); i += 2 {
		if v.Elems[i].Str == key {
			return v.Elems[i+1], true
		}
	}
	return testkit.Value{}, false
}

// ciInfoNorm renders a COMMAND INFO entry without key-spec notes and with
// its subcommands filtered by keep and sorted.
func ciInfoNorm(v testkit.Value, keep func(string) bool) string {
	if v.Null || v.Type != '*' || len(v.Elems) != 10 {
		return cnRender(v)
	}
	var b strings.Builder
	for i := 0; i < 8; i++ {
		b.WriteString(cnRender(v.Elems[i]))
		b.WriteByte(' ')
	}
	ks := v.Elems[8]
	b.WriteString(string(ks.Type))
	b.WriteString("[")
	for _, spec := range ks.Elems {
		b.WriteString(cnRender(ciDropKeys(spec, "notes")))
		b.WriteByte(',')
	}
	b.WriteString("] ")
	subs := v.Elems[9]
	var parts []string
	for _, sc := range subs.Elems {
		if len(sc.Elems) > 0 && keep(sc.Elems[0].Str) {
			parts = append(parts, ciInfoNorm(sc, keep))
		}
	}
	sort.Strings(parts)
	b.WriteString(string(subs.Type))
	b.WriteString("[" + strings.Join(parts, ",") + "]")
	return b.String()
}

// ciSubNames returns the subcommand names of a COMMAND INFO entry.
func ciSubNames(v testkit.Value) []string {
	var out []string
	if len(v.Elems) == 10 {
		for _, sc := range v.Elems[9].Elems {
			if len(sc.Elems) > 0 {
				out = append(out, sc.Elems[0].Str)
			}
		}
	}
	return out
}

// ciCompareInfo compares COMMAND INFO entries for one command.
func ciCompareInfo(t *testing.T, name string, a, b testkit.Value) {
	t.Helper()
	redisSubs := map[string]bool{}
	for _, s := range ciSubNames(b) {
		redisSubs[s] = true
	}
	ours := map[string]bool{}
	for _, s := range ciSubNames(a) {
		ours[s] = true
		if !redisSubs[s] && !ciRedis72Subs[s] {
			t.Errorf("COMMAND INFO %s: redwing lists subcommand %s that redis lacks", name, s)
		}
	}
	x := ciInfoNorm(a, func(s string) bool { return redisSubs[s] })
	y := ciInfoNorm(b, func(s string) bool { return ours[s] })
	if x != y {
		t.Errorf("COMMAND INFO %s\n redwing: %s\n   redis: %s", name, x, y)
	}
}

// ciDocsNorm renders a COMMAND DOCS entry with its prose (summary,
// complexity, the descriptions of history entries: our own words) reduced
// to its reply type, so that field names, their order and presence, and
// everything else are compared exactly; subcommands are filtered by keep
// and sorted.
func ciDocsNorm(v testkit.Value, keep func(string) bool) string {
	d := v
	var b strings.Builder
	b.WriteString(string(d.Type))
	for i := 0; i+1 < len(d.Elems); i += 2 {
		k, val := d.Elems[i].Str, d.Elems[i+1]
		b.WriteString(k + "=")
		switch k {
		case "summary", "complexity":
			b.WriteString(ciProse(val))
		case "history":
			b.WriteString(string(val.Type) + "[")
			for _, h := range val.Elems {
				b.WriteString(string(h.Type) + "(")
				if len(h.Elems) == 2 {
					b.WriteString(cnRender(h.Elems[0]) + "," + ciProse(h.Elems[1]))
				} else {
					b.WriteString(cnRender(h))
				}
				b.WriteString(")")
			}
			b.WriteString("]")
		case "arguments":
			b.WriteString(ciArgsNorm(val))
		case "subcommands":
			var parts []string
			for j := 0; j+1 < len(val.Elems); j += 2 {
				if keep(val.Elems[j].Str) {
					parts = append(parts, val.Elems[j].Str+":"+ciDocsNorm(val.Elems[j+1], keep))
				}
			}
			sort.Strings(parts)
			b.WriteString(string(val.Type) + "{" + strings.Join(parts, ",") + "}")
		default:
			b.WriteString(cnRender(val))
		}
		b.WriteByte(';')
	}
	return b.String()
}

// ciProse renders a documentation text by its reply type only, noting an
// empty text (which neither server sends).
func ciProse(v testkit.Value) string {
	if v.Str == "" {
		return cnRender(v)
	}
	return string(v.Type) + "<text>"
}

// ciArgsNorm renders an arguments array without argument summaries.
func ciArgsNorm(v testkit.Value) string {
	var b strings.Builder
	b.WriteString(string(v.Type) + "[")
	for _, a := range v.Elems {
		a = ciDropKeys(a, "summary")
		b.WriteString(string(a.Type) + "{")
		for i := 0; i+1 < len(a.Elems); i += 2 {
			b.WriteString(a.Elems[i].Str + "=")
			if a.Elems[i].Str == "arguments" {
				b.WriteString(ciArgsNorm(a.Elems[i+1]))
			} else {
				b.WriteString(cnRender(a.Elems[i+1]))
			}
			b.WriteByte(';')
		}
		b.WriteString("}")
	}
	b.WriteString("]")
	return b.String()
}

// ciNewerThanOracle reports commands added after Redis 7.0 (hash field
// expiry), which the oracle does not know.
func ciNewerThanOracle(name string) bool {
	spec := command.Lookup(name)
	return spec != nil && command.IsNewerThanOracle(spec)
}

func TestCommandInfoPerCommand(t *testing.T) {
	p := newPair(t)
	_, top := ciRegistered(t, p)
	if len(top) < 10 {
		t.Fatalf("too few registered commands: %q", top)
	}
	for _, proto := range []int{2, 3} {
		if proto == 3 {
			p.resp3()
		}
		for _, name := range top {
			if ciNewerThanOracle(name) {
				continue
			}
			a, b := p.both("COMMAND", "INFO", name)
			if len(a.Elems) != 1 || len(b.Elems) != 1 || a.Type != b.Type {
				t.Errorf("RESP%d COMMAND INFO %s: %q / %q", proto, name, a.Raw, b.Raw)
				continue
			}
			ciCompareInfo(t, name, a.Elems[0], b.Elems[0])
		}
	}
}

func TestCommandInfoNames(t *testing.T) {
	p := newPair(t)
	// Unknown names give nulls; full names of subcommands work; lookups
	// ignore case.
	p.do("COMMAND", "INFO", "nosuchcommand")
	p.do("COMMAND", "INFO", "get|x")
	p.do("COMMAND", "INFO", "client|")
	p.do("COMMAND", "INFO", "|get")
	p.do("COMMAND", "INFO", "client||list")
	p.do("COMMAND", "INFO", "client|list|x")
	p.do("COMMAND", "INFO", "")
	p.do("COMMAND", "INFO", "client|nosuch")
	p.do("COMMAND", "INFO", "GET", "nosuch", "Client|LIST", "get")
	p.do("COMMAND", "INFO", "client|id", "CLIENT|KILL", "command|info", "command|getkeysandflags")
	p.resp3()
	p.do("COMMAND", "INFO", "nosuchcommand", "get")
	p.do("COMMAND", "INFO", "client|list")
}

func TestCommandAll(t *testing.T) {
	p := newPair(t)
	all, top := ciRegistered(t, p)
	// COMMAND, COMMAND INFO without names and COMMAND COUNT agree with
	// COMMAND LIST; each entry equals the per-command COMMAND INFO.
	cnt, err := p.rw.Do("COMMAND", "COUNT")
	if err != nil {
		t.Fatal(err)
	}
	if int(cnt.Int) != len(top) {
		t.Errorf("COMMAND COUNT %d, COMMAND LIST has %d top-level commands", cnt.Int, len(top))
	}
	for _, form := range [][]string{{"COMMAND"}, {"COMMAND", "INFO"}} {
		v, err := p.rw.Do(form...)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Elems) != len(top) {
			t.Errorf("%q has %d entries, want %d", form, len(v.Elems), len(top))
		}
		for _, e := range v.Elems {
			name := e.Elems[0].Str
			one, err := p.rw.Do("COMMAND", "INFO", name)
			if err != nil {
				t.Fatal(err)
			}
			if cnRender(one.Elems[0]) != cnRender(e) {
				t.Errorf("%q entry for %s differs from COMMAND INFO %s", form, name, name)
			}
			for _, s := range ciSubNames(e) {
				if !all[s] {
					t.Errorf("%s listed by COMMAND but not by COMMAND LIST", s)
				}
			}
		}
	}
	// COMMAND DOCS without names covers the same commands.
	d, err := p.rw.Do("COMMAND", "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Elems) != 2*len(top) {
		t.Errorf("COMMAND DOCS has %d entries, want %d", len(d.Elems)/2, len(top))
	}
	p.do("COMMAND", "COUNT", "x")
	p.do("COMMAND", "nosuch")
	p.do("COMMAND", "HELP")
	p.do("COMMAND", "HELP", "x")
	p.do("COMMAND", "GETKEYS")
	p.do("COMMAND", "GETKEYS", "get")
	p.do("COMMAND", "GETKEYSANDFLAGS", "get")
}

func TestCommandDocsPerCommand(t *testing.T) {
	p := newPair(t)
	all, top := ciRegistered(t, p)
	keepOurs := func(s string) bool { return all[s] }
	for _, proto := range []int{2, 3} {
		if proto == 3 {
			p.resp3()
		}
		for _, name := range top {
			if ciNewerThanOracle(name) {
				continue
			}
			a, b := p.both("COMMAND", "DOCS", name)
			if len(a.Elems) != 2 || len(b.Elems) != 2 || a.Type != b.Type || a.Elems[0].Str != b.Elems[0].Str {
				t.Errorf("RESP%d COMMAND DOCS %s: %q / %q", proto, name, a.Raw, b.Raw)
				continue
			}
			redisSubs := map[string]bool{}
			if sv, ok := ciMapGet(b.Elems[1], "subcommands"); ok {
				for i := 0; i < len(sv.Elems); i += 2 {
					redisSubs[sv.Elems[i].Str] = true
				}
			}
			x := ciDocsNorm(a.Elems[1], func(s string) bool { return redisSubs[s] })
			y := ciDocsNorm(b.Elems[1], keepOurs)
			if x != y {
				t.Errorf("RESP%d COMMAND DOCS %s\n redwing: %s\n   redis: %s", proto, name, x, y)
			}
			if s, ok := ciMapGet(a.Elems[1], "summary"); !ok || s.Str == "" {
				t.Errorf("COMMAND DOCS %s has no summary", name)
			}
		}
	}
	p.resp3()
	p.do("COMMAND", "DOCS", "nosuchcommand")
	p.do("COMMAND", "DOCS", "nosuch", "client|nosuch", "get|x")
	a, b := p.both("COMMAND", "DOCS", "nosuch", "GET", "nosuch2", "client|LIST")
	if len(a.Elems) != len(b.Elems) || len(a.Elems) != 4 || a.Elems[0].Str != "get" || a.Elems[2].Str != "client|list" {
		t.Errorf("COMMAND DOCS with unknown names: %q / %q", a.Raw, b.Raw)
	}
}

func TestCommandList(t *testing.T) {
	p := newPair(t)
	all, _ := ciRegistered(t, p)
	for _, args := range [][]string{
		{"COMMAND", "LIST", "FILTERBY"},
		{"COMMAND", "LIST", "x"},
		{"COMMAND", "LIST", "FILTERBY", "pattern"},
		{"COMMAND", "LIST", "FILTERBY", "pattern", "a", "b"},
		{"COMMAND", "LIST", "FILTERBY", "foo", "a"},
		{"COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule"},
		{"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcategory"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"},
	} {
		p.do(args...)
	}
	for _, filter := range [][]string{
		{},
		{"FILTERBY", "PATTERN", "cl*"},
		{"FILTERBY", "PATTERN", "*|*"},
		{"FILTERBY", "PATTERN", "GET*"},
		{"FILTERBY", "PATTERN", "[a-c]*"},
		{"FILTERBY", "PATTERN", "client|?et*"},
		{"FILTERBY", "ACLCAT", "connection"},
		{"FILTERBY", "aclcat", "STRING"},
		{"FILTERBY", "ACLCAT", "transaction"},
		{"FILTERBY", "ACLCAT", "keyspace"},
		{"FILTERBY", "ACLCAT", "admin"},
		{"FILTERBY", "ACLCAT", "fast"},
	} {
		a, b := p.both(append([]string{"COMMAND", "LIST"}, filter...)...)
		redis := map[string]bool{}
		for _, e := range b.Elems {
			redis[e.Str] = true
		}
		var got, want []string
		for _, e := range a.Elems {
			got = append(got, e.Str)
			if !redis[e.Str] && !ciRedis72Subs[e.Str] && !ciNewerThanOracle(e.Str) {
				t.Errorf("COMMAND LIST %q: redwing lists %s, redis does not", filter, e.Str)
			}
		}
		for _, e := range b.Elems {
			if all[e.Str] {
				want = append(want, e.Str)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		var gotNo72 []string
		for _, g := range got {
			if !ciRedis72Subs[g] && !ciNewerThanOracle(g) {
				gotNo72 = append(gotNo72, g)
			}
		}
		if strings.Join(gotNo72, " ") != strings.Join(want, " ") {
			t.Errorf("COMMAND LIST %q\n redwing: %q\n   redis: %q", filter, gotNo72, want)
		}
	}
}

// ciKeyCases are command lines for COMMAND GETKEYS and GETKEYSANDFLAGS;
// those whose command Redwing has not registered are skipped.
var ciKeyCases = [][]string{
	{"get", "k"},
	{"get"},
	{"get", "a", "b"},
	{"set", "k", "v"},
	{"set", "k", "v", "GET"},
	{"set", "k", "v", "get", "EX", "10"},
	{"set", "k", "v", "EX", "10"},
	{"set", "k", "v", "getx"},
	{"mset", "a", "1", "b", "2"},
	{"mset", "a", "1", "b"},
	{"mget", "a", "b", "c"},
	{"msetnx", "a", "1", "b", "2"},
	{"del", "a", "b"},
	{"exists", "a"},
	{"rename", "a", "b"},
	{"copy", "a", "b", "DB", "1"},
	{"lcs", "a", "b"},
	{"getex", "k", "PERSIST"},
	{"incr", "k"},
	{"append", "k", "v"},
	{"bitop", "AND", "dest", "a", "b"},
	{"bitfield", "k", "GET", "u8", "0"},
	{"bitfield", "k", "SET", "u8", "0", "1"},
	{"bitfield", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1"},
	{"bitfield", "k", "OVERFLOW", "SAT", "GET", "u8", "0"},
	{"bitfield", "k", "bogus"},
	{"bitfield_ro", "k", "GET", "u8", "0"},
	{"bitcount", "k"},
	{"zunionstore", "d", "2", "a", "b"},
	{"zunionstore", "d", "0", "a"},
	{"zunionstore", "d", "3", "a", "b"},
	{"zunionstore", "d", "x", "a"},
	{"zunion", "2", "a", "b", "WITHSCORES"},
	{"zinterstore", "d", "1", "a", "WEIGHTS", "2"},
	{"zdiff", "2", "a", "b"},
	{"sintercard", "2", "a", "b", "LIMIT", "1"},
	{"lmpop", "2", "a", "b", "LEFT"},
	{"blmpop", "0", "2", "a", "b", "LEFT"},
	{"zmpop", "1", "a", "MIN"},
	{"eval", "return 1", "2", "a", "b", "c"},
	{"eval", "return 1", "0"},
	{"eval", "return 1", "-1"},
	{"evalsha", "abc", "1", "k"},
	{"fcall", "f", "1", "k", "arg"},
	{"sort", "k"},
	{"sort", "k", "BY", "w_*", "GET", "o_*", "STORE", "d"},
	{"sort", "k", "LIMIT", "0", "1", "STORE", "d1", "STORE", "d2"},
	{"sort_ro", "k", "BY", "x"},
	{"migrate", "h", "6379", "k", "0", "100"},
	{"migrate", "h", "6379", "", "0", "100", "KEYS", "a", "b"},
	{"migrate", "h", "6379", "", "0", "100", "AUTH", "pw", "KEYS", "a"},
	{"xread", "STREAMS", "s1", "s2", "0", "0"},
	{"xread", "COUNT", "2", "STREAMS", "s1", "0"},
	{"xread", "STREAMS", "s1", "s2", "0"},
	{"xreadgroup", "GROUP", "g", "c", "STREAMS", "s1", ">"},
	{"xadd", "s", "*", "f", "v"},
	{"georadius", "k", "0", "0", "1", "km", "STORE", "d"},
	{"georadius", "k", "0", "0", "1", "km", "STOREDIST", "d"},
	{"georadiusbymember", "k", "m", "1", "km", "STORE", "d"},
	{"geosearchstore", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"},
	{"object", "encoding", "k"},
	{"object", "help"},
	{"object", "nosuch", "k"},
	{"memory", "usage", "k"},
	{"debug", "object", "k"},
	{"lpush", "l", "a"},
	{"blpop", "a", "b", "0"},
	{"brpoplpush", "a", "b", "0"},
	{"hset", "h", "f", "v"},
	{"pfcount", "a", "b"},
	{"pfmerge", "d", "a", "b"},
	{"spublish", "ch", "msg"},
	{"ssubscribe", "a", "b"},
	{"publish", "ch", "msg"},
	{"watch", "a", "b"},
	{"ping"},
	{"ping", "x"},
	{"client", "list"},
	{"client", "nosuch", "x"},
	{"command", "info", "x"},
	{"multi"},
	{"nosuchcommand", "x"},
	{"keys", "*"},
	{"scan", "0"},
	{"flushall"},
	{"swapdb", "0", "1"},
	{"move", "k", "1"},
	{"expire", "k", "10"},
	{"touch", "a", "b"},
	{"unlink", "a"},
	{"randomkey"},
	{"dbsize"},
}

func TestCommandGetKeys(t *testing.T) {
	p := newPair(t)
	all, _ := ciRegistered(t, p)
	ran := 0
	for _, sub := range []string{"GETKEYS", "GETKEYSANDFLAGS"} {
		for _, line := range ciKeyCases {
			if !ciRegisteredLine(all, line) {
				continue
			}
			ran++
			p.do(append([]string{"COMMAND", sub}, line...)...)
		}
	}
	if ran < 40 {
		t.Errorf("only %d GETKEYS cases ran", ran)
	}
	p.resp3()
	for _, line := range ciKeyCases {
		if ciRegisteredLine(all, line) {
			p.do(append([]string{"COMMAND", "GETKEYSANDFLAGS"}, line...)...)
		}
	}
}

// ciRegisteredLine reports whether the command a line names is one
// Redwing registered (or an unknown one, which both reject alike).
func ciRegisteredLine(all map[string]bool, line []string) bool {
	name := strings.ToLower(line[0])
	if known := ciRedisKnows(name); !known {
		return true
	}
	if !all[name] {
		return false
	}
	if len(line) > 1 {
		sub := name + "|" + strings.ToLower(line[1])
		hasSubs := false
		for k := range all {
			if strings.HasPrefix(k, name+"|") {
				hasSubs = true
				break
			}
		}
		if hasSubs && !all[sub] && ciRedisKnows(sub) {
			return false
		}
	}
	return true
}

// ciRedisKnows reports whether redis-server 7.0 has the command or
// subcommand (the cases above use few unknown names).
func ciRedisKnows(name string) bool {
	switch name {
	case "nosuchcommand", "client|nosuch", "object|nosuch":
		return false
	}
	return true
}
