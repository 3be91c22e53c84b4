package acl

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/config"
)

// sameRules compares two descriptions as Redis prints them: the order of
// single-command rules follows Redis's randomly seeded dictionary, so
// "-@all +get +set" equals "-@all +set +get". Selectors are compared
// piecewise.
func sameRules(a, b string) bool { return normRules(a) == normRules(b) }

func normRules(s string) string {
	var parts []string
	for _, seg := range strings.Split(s, " (") {
		toks := strings.Fields(seg)
		// Flags, passwords, keys, channels and categories keep their
		// order; trailing single-command rules are sorted.
		i := len(toks)
		for i > 0 {
			t := toks[i-1]
			if (t[0] == '+' || t[0] == '-') && !strings.HasPrefix(t[1:], "@") {
				i--
				continue
			}
			break
		}
		tail := append([]string(nil), toks[i:]...)
		sort.Strings(tail)
		parts = append(parts, strings.Join(append(toks[:i:i], tail...), " "))
	}
	return strings.Join(parts, " (")
}

func setUser(t *testing.T, r *Registry, name string, ops ...string) *User {
	t.Helper()
	ch, err := r.SetUser(name, ops)
	if err != nil {
		t.Fatalf("SETUSER %s %q: %v", name, ops, err)
	}
	return ch.User
}

// Expected descriptions were taken from redis-server 7.0.15.
var describeCases = []struct {
	rules string
	want  string
}{
	{"on >p1 +@read ~foo", "on #PASS ~foo resetchannels -@all +@read"},
	{"+@all -@dangerous ~key:*", "off ~key:* resetchannels +@all -@dangerous"},
	{"+@string +@hash -hset", "off resetchannels -@all +@string +@hash -hset"},
	{"-@all +config|get +config|set", "off resetchannels -@all +config|get +config|set"},
	{"+config -config|set", "off resetchannels -@all +config -config|set"},
	{"-@all +select|0 +select|1", "off resetchannels -@all +select|0 +select|1"},
	{"+@all -debug +debug|digest", "off resetchannels +@all -debug +debug|digest"},
	{"nocommands +@fast", "off resetchannels -@all +@fast"},
	{"+@admin", "off resetchannels -@all +@admin"},
	{"allcommands -@pubsub +publish", "off resetchannels +@all -@pubsub +publish"},
	{"%R~r* %W~w* %RW~rw* ~x", "off %R~r* %W~w* ~rw* ~x resetchannels -@all"},
	{"&chan:* &other", "off resetchannels &chan:* &other -@all"},
	{"allchannels", "off &* -@all"},
	{"(+get ~k1) (+set %W~k2)", "off resetchannels -@all (~k1 resetchannels -@all +get) (%W~k2 resetchannels -@all +set)"},
	{"+@all -@read", "off resetchannels +@all -@read"},
	{"+@slow", "off resetchannels -@all +@slow"},
	{"+@keyspace +@stream -xadd", "off resetchannels -@all +@keyspace +@stream -xadd"},
	{"+@all -client +client|id", "off resetchannels +@all -client +client|id"},
	{"skip-sanitize-payload", "off skip-sanitize-payload resetchannels -@all"},
	{"reset on nopass", "on nopass sanitize-payload resetchannels -@all"},
	{"+@geo +@sortedset", "off resetchannels -@all +@sortedset +@geo"},
	{"+@bitmap -@write", "off resetchannels -@all +@bitmap -bitfield -setbit -bitop"},
	{"+acl", "off resetchannels -@all +acl"},
	{"-@all +@all -@all", "off resetchannels -@all"},
	{"+@read +@write -@keyspace", "off resetchannels -@all +@sortedset +@string +@hash +@geo +@bitmap +@hyperloglog +@list +@stream +@set +memory|usage +function|flush +function|restore +function|load +function|delete -xgroup|help +lolwut -xinfo|help -pfselftest"},
	{"%R", "off %R~ resetchannels -@all"},
	{"%R~c %W~c", "off ~c resetchannels -@all"},
}

func TestDescribe(t *testing.T) {
	r := NewRegistry()
	for i, tc := range describeCases {
		u := setUser(t, r, "u"+string(rune('a'+i)), strings.Fields(tc.rules)...)
		got := u.Rules().Describe()
		want := strings.ReplaceAll(tc.want, "PASS", HashPassword([]byte("p1")))
		if !sameRules(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.rules, got, want)
		}
	}
	if got := r.Default.Rules().Describe(); got != "on nopass ~* &* +@all" {
		t.Errorf("default: %s", got)
	}
}

func TestSetUserErrors(t *testing.T) {
	r := NewRegistry()
	cases := []struct{ op, msg string }{
		{"%~x", "Syntax error"},
		{"foo", "Syntax error"},
		{"+nosuch", "Unknown command or category name in ACL"},
		{"+@nosuch", "Unknown command or category name in ACL"},
		{"-get|x", "Unknown command or category name in ACL"},
		{"+config|get|x", "Allowing first-arg of a subcommand is not supported"},
		{"+select|", "Syntax error"},
		{"#abc", "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"},
		{"<nope", "The password you are trying to remove from the user does not exist"},
		{"~a b", "Syntax error"},
	}
	for _, tc := range cases {
		_, err := r.SetUser("x", []string{tc.op})
		want := "ERR Error in ACL SETUSER modifier '" + tc.op + "': " + tc.msg
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v want %s", tc.op, err, want)
		}
	}
	if _, err := r.SetUser("x", []string{"~*", "~a"}); err == nil || !strings.Contains(err.Error(), "'allkeys' flag") {
		t.Errorf("after ~*: %v", err)
	}
	if _, err := r.SetUser("x", []string{"(+get", "~a"}); err == nil || err.Error() != "ERR Unmatched parenthesis in acl selector starting at '(+get'." {
		t.Errorf("unmatched: %v", err)
	}
	if r.Get("x") != nil {
		t.Error("failed SETUSER created the user")
	}
}

func TestCheck(t *testing.T) {
	r := NewRegistry()
	u := setUser(t, r, "u", "on", "nopass", "+@all", "-@dangerous", "%R~r*", "%W~w*", "~k*", "&news.*")
	rl := u.Rules()
	argv := func(s string) [][]byte {
		var out [][]byte
		for _, f := range strings.Fields(s) {
			out = append(out, []byte(f))
		}
		return out
	}
	check := func(cmdline string, want, wantPos int) {
		t.Helper()
		a := argv(cmdline)
		spec := command.LookupBytes(a[0])
		if spec.IsContainer() {
			spec = spec.SubBytes(a[1])
		}
		res, pos := rl.Check(spec, a)
		if res != want || (res != OK && pos != wantPos) {
			t.Errorf("%s: got %d@%d want %d@%d", cmdline, res, pos, want, wantPos)
		}
	}
	check("get k1", OK, 0)
	check("get r1", OK, 0)
	check("get w1", DeniedKey, 1)
	check("set w1 v", OK, 0)
	check("set r1 v", DeniedKey, 1)
	check("set k1 v get", OK, 0)
	check("set w1 v get", DeniedKey, 1)
	check("copy r1 w1", OK, 0)
	check("copy w1 r1", DeniedKey, 1)
	check("flushall", DeniedCmd, 0)
	check("publish news.x m", OK, 0)
	check("publish other m", DeniedChannel, 1)
	check("subscribe news.a other", DeniedChannel, 2)
	check("psubscribe news.*", OK, 0)
	check("psubscribe news.a", DeniedChannel, 1)
	check("auth x", OK, 0)
	check("mset k1 a x b", DeniedKey, 3)
}

func TestLogGrouping(t *testing.T) {
	r := NewRegistry()
	r.AddLog(DeniedCmd, CtxToplevel, "get", "u", "a")
	r.AddLog(DeniedCmd, CtxToplevel, "get", "u", "b")
	r.AddLog(DeniedKey, CtxToplevel, "k", "u", "c")
	es := r.LogEntries(10)
	if len(es) != 2 || es[0].Object != "k" || es[1].Count != 2 || es[1].ClientInfo != "b" {
		t.Fatalf("%+v", es)
	}
	r.AddLog(DeniedCmd, CtxToplevel, "get", "u", "d")
	es = r.LogEntries(10)
	if es[0].Object != "get" || es[0].Count != 3 {
		t.Fatalf("%+v", es)
	}
	r.LogMaxLen.Store(1)
	r.AddLog(DeniedAuth, CtxToplevel, "AUTH", "x", "")
	if es = r.LogEntries(10); len(es) != 1 {
		t.Fatalf("%+v", es)
	}
}

func TestSplitArgs(t *testing.T) {
	// Selectors are split with config.SplitArgs (Redis's sdssplitargs).
	got, err := config.SplitArgs(` a "b c" 'd\'e' "\x41\n" `)
	if err != nil || strings.Join(got, "|") != "a|b c|d'e|A\n" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := config.SplitArgs(`"abc`); err == nil {
		t.Fatal("unbalanced accepted")
	}
}

var rwStar = regexp.MustCompile(`(?i)%(rw|wr)~\*(\s|$)`)

func FuzzSetUser(f *testing.F) {
	for _, tc := range describeCases {
		f.Add(tc.rules)
	}
	f.Add("(+get ~k) %RW~x &c >p <p #0123 !x clearselectors reset")
	f.Fuzz(func(t *testing.T, rules string) {
		r := NewRegistry()
		ops := strings.Split(rules, " ")
		ch, err := r.SetUser("f", ops)
		if err != nil {
			return
		}
		d := ch.User.Rules().Describe()
		rl := ch.User.Rules()
		for _, name := range []string{"get", "set", "publish", "psubscribe", "mset"} {
			rl.Check(command.Lookup(name), [][]byte{[]byte(name), []byte("k"), []byte("v")})
		}
		if strings.ContainsAny(rules, "()") {
			return // patterns with parentheses do not round-trip (in Redis neither)
		}
		if rwStar.MatchString(rules) {
			// "%RW~*" is the pattern "*", printed "~*", which reads back as
			// allkeys and drops the other patterns: Redis 7.0 prints
			// "%R~ ~*" for "%r %RW~*" and reads that back as "~*" too.
			return
		}
		// A description must be accepted back and describe the same user.
		r2 := NewRegistry()
		args, _, ok := mergeSelectorArgs(strings.Split(d, " "))
		if !ok {
			t.Fatalf("describe %q has unbalanced selectors", d)
		}
		ch2, err := r2.SetUser("f", args)
		if err != nil && strings.Contains(err.Error(), "Adding a pattern after the * pattern") {
			return // "%RW~*" prints as "~*", which Redis cannot read back either
		}
		if err != nil {
			t.Fatalf("describe %q not accepted: %v", d, err)
		}
		if d2 := ch2.User.Rules().Describe(); d2 != d {
			t.Fatalf("round trip:\n%s\n%s", d, d2)
		}
	})
}
