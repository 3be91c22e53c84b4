package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: "", want: nil},
		{in: "   \t ", want: nil},
		{in: "port 6379", want: []string{"port", "6379"}},
		{in: "  a   b\tc  ", want: []string{"a", "b", "c"}},
		{in: `requirepass "a b"`, want: []string{"requirepass", "a b"}},
		{in: `x "\x41\x4a\n\r\t\b\a\"\\\q"`, want: []string{"x", "AJ\n\r\t\b\a\"\\q"}},
		{in: `x "\x4"`, want: []string{"x", "x4"}},
		{in: `x 'it\'s' '\n'`, want: []string{"x", "it's", `\n`}},
		{in: `x foo"bar baz"`, want: []string{"x", "foobar baz"}},
		{in: `x ""`, want: []string{"x", ""}},
		{in: `x '' ""`, want: []string{"x", "", ""}},
		{in: `x "abc`, bad: true},
		{in: `x 'abc`, bad: true},
		{in: `x "abc"d`, bad: true},
		{in: `x 'abc'd`, bad: true},
		{in: "x \"a\x00b\"", bad: true},
		{in: "a\x00b c", want: []string{"a"}},
	}
	for _, tc := range cases {
		got, err := SplitArgs(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("SplitArgs(%q) = %q, want error", tc.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "a b", `"quoted"`, `back\slash`, "tab\tnl\ncr\r", "\x00\x01\xff\x7f", "ünïcode", "'"} {
		q := Quote(s)
		got, err := SplitArgs("x " + q)
		if err != nil || len(got) != 2 || got[1] != s {
			t.Errorf("Quote(%q) = %s reads back as %q, %v", s, q, got, err)
		}
	}
	if got := Quote("a\"b\\c\n\x01é"); got != `"a\"b\\c\n\x01\xc3\xa9"` {
		t.Errorf("Quote = %s", got)
	}
}

func TestParseMemory(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"", 0, true}, {"123", 123, true}, {"1b", 1, true}, {"1B", 1, true},
		{"1k", 1000, true}, {"1K", 1000, true}, {"1kb", 1024, true}, {"1KB", 1024, true}, {"1kB", 1024, true},
		{"2m", 2000000, true}, {"2mb", 2 << 20, true}, {"3g", 3000000000, true}, {"3gb", 3 << 30, true},
		{"gb", 0, true}, {"18446744073709551615", math.MaxUint64, true},
		{"99999999999999999999", math.MaxUint64, true},
		{"-1", 0, false}, {"-0", 0, false}, {"+1", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"1.5gb", 0, false}, {"1kib", 0, false}, {"0x10", 0, false}, {"1tb", 0, false},
	}
	for _, tc := range cases {
		got, ok := ParseMemory(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		in   uint64
		want string
	}{{0, "0"}, {1, "1"}, {1000, "1000"}, {1024, "1kb"}, {3 << 20, "3mb"}, {5 << 30, "5gb"}, {1025, "1025"}, {math.MaxUint64, "18446744073709551615"}} {
		if got := formatMemory(tc.in); got != tc.want {
			t.Errorf("formatMemory(%d) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		pat, s string
		nocase bool
		want   bool
	}{
		{"*", "anything", false, true},
		{"*", "", false, false}, // Redis quirk: the loop never runs
		{"", "", false, true},
		{"h?llo", "hello", false, true},
		{"h?llo", "hllo", false, false},
		{"h*llo", "heeeello", false, true},
		{"h[ae]llo", "hallo", false, true},
		{"h[ae]llo", "hillo", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hbllo", false, true},
		{"h[A-B]llo", "hbllo", true, true},
		{"h[A-B]llo", "hbllo", false, false},
		{`h\*llo`, "h*llo", false, true},
		{`h\*llo`, "hello", false, false},
		{`h[\]]llo`, "h]llo", false, true},
		{"h[", "h[", false, false},
		{"h[", "ha", false, false},
		{"HELLO", "hello", true, true},
		{"HELLO", "hello", false, false},
		{"a*b*c*d*e*f*g", "aXbXcXdXeXfXh", false, false},
		{"**a", "ba", false, true},
		{"a\\", "a\\", false, true},
	}
	for _, tc := range cases {
		if got := Match(tc.pat, tc.s, tc.nocase); got != tc.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tc.pat, tc.s, tc.nocase, got, tc.want)
		}
	}
}

func TestGet(t *testing.T) {
	c := New()
	if got := c.Get("maxmemory-p*"); !reflect.DeepEqual(got, [][2]string{{"maxmemory-policy", "noeviction"}}) {
		t.Errorf("Get(maxmemory-p*) = %q", got)
	}
	// Exact names answer under the spelling asked for, aliases included.
	if got := c.Get("LUA-TIME-LIMIT"); !reflect.DeepEqual(got, [][2]string{{"LUA-TIME-LIMIT", "5000"}}) {
		t.Errorf("Get(LUA-TIME-LIMIT) = %q", got)
	}
	// Globs see names and aliases, not hidden parameters.
	got := c.Get("*-max-ziplist-entries")
	if len(got) != 2 || got[0][0] != "hash-max-ziplist-entries" || got[1][0] != "zset-max-ziplist-entries" {
		t.Errorf("Get(*-max-ziplist-entries) = %q", got)
	}
	if got := c.Get("key-load-*"); len(got) != 0 {
		t.Errorf("hidden parameter matched a glob: %q", got)
	}
	if got := c.Get("key-load-delay"); len(got) != 1 {
		t.Errorf("hidden parameter not found by exact name: %q", got)
	}
	if got := c.GetMulti("port", "PORT", "p*"); got[0][0] != "pidfile" || len(got) != 6 {
		t.Errorf("GetMulti(port PORT p*) = %q", got)
	}
	all := c.Get("*")
	for i := 1; i < len(all); i++ {
		if all[i-1][0] >= all[i][0] {
			t.Fatalf("Get(*) not sorted at %q", all[i][0])
		}
	}
	if got := c.Get("nosuch"); got != nil {
		t.Errorf("Get(nosuch) = %q", got)
	}
}

func TestDefaultsAndTypedReads(t *testing.T) {
	c := New()
	checks := map[string]string{
		"save":                              "3600 1 300 100 60 10000",
		"client-output-buffer-limit":        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
		"bind":                              "* -::*",
		"proto-max-bulk-len":                "536870912",
		"appendonly":                        "no",
		"maxmemory-policy":                  "noeviction",
		"notify-keyspace-events":            "",
		"latency-tracking-info-percentiles": "50 99 99.9",
		"unixsocketperm":                    "0",
		"shutdown-on-sigterm":               "default",
	}
	for k, want := range checks {
		if got := c.String(k); got != want {
			t.Errorf("String(%s) = %q, want %q", k, got, want)
		}
	}
	if got := c.Int("proto-max-bulk-len"); got != 512<<20 {
		t.Errorf("Int(proto-max-bulk-len) = %d", got)
	}
	if !c.Bool("protected-mode") || c.Bool("appendonly") || c.Bool("requirepass") {
		t.Error("Bool defaults wrong")
	}
	if c.Int("nosuch") != 0 || c.String("nosuch") != "" || c.Bool("nosuch") {
		t.Error("unknown names must read as zero values")
	}
	if got := c.Int("PORT"); got != 6379 {
		t.Errorf("Int(PORT) = %d", got)
	}
	must(t, c.Set("maxmemory", "18446744073709551615", "maxmemory-clients", "10%",
		"notify-keyspace-events", "KEA", "maxmemory-policy", "allkeys-lru", "timeout", "5"))
	if got := c.Int("maxmemory"); got != math.MaxInt64 {
		t.Errorf("Int(maxmemory) = %d, want clamp", got)
	}
	if got := c.Uint("maxmemory"); got != math.MaxUint64 {
		t.Errorf("Uint(maxmemory) = %d", got)
	}
	if got := c.Int("maxmemory-clients"); got != -10 {
		t.Errorf("Int(maxmemory-clients) = %d, want -10 (percent)", got)
	}
	if got := c.Int("notify-keyspace-events"); got != NotifyAll|NotifyKeyspace|NotifyKeyevent {
		t.Errorf("Int(notify-keyspace-events) = %b", got)
	}
	if got := c.Int("maxmemory-policy"); got != 4 {
		t.Errorf("Int(maxmemory-policy) = %d", got)
	}
	p := c.Param("timeout")
	if p.Int() != 5 || p.String() != "5" || !p.Bool() || p.Name() != "timeout" {
		t.Errorf("Param(timeout) = %d %q", p.Int(), p.String())
	}
	if got := c.SaveParams(); !reflect.DeepEqual(got, []SaveParam{{3600, 1}, {300, 100}, {60, 10000}}) {
		t.Errorf("SaveParams = %v", got)
	}
	if got := c.OutputBufferLimits(); got[ClassReplica] != (BufferLimit{256 << 20, 64 << 20, 60}) {
		t.Errorf("OutputBufferLimits = %v", got)
	}
	if got := c.BindAddrs(); !reflect.DeepEqual(got, []string{"*", "-::*"}) {
		t.Errorf("BindAddrs = %q", got)
	}
	if got := c.LatencyPercentiles(); !reflect.DeepEqual(got, []float64{50, 99, 99.9}) {
		t.Errorf("LatencyPercentiles = %v", got)
	}
	if _, _, ok := c.ReplicaOf(); ok {
		t.Error("ReplicaOf set by default")
	}
	if n, ok := c.Canonical("SLAVEOF"); !ok || n != "replicaof" {
		t.Errorf("Canonical(SLAVEOF) = %q", n)
	}
	if !c.IsSensitive("requirepass") || c.IsSensitive("port") {
		t.Error("IsSensitive wrong")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSetAtomicRollback(t *testing.T) {
	c := New()
	var calls []string
	c.OnChange("timeout", func(v string) error { calls = append(calls, "timeout="+v); return nil })
	c.OnChange("port", func(v string) error {
		calls = append(calls, "port="+v)
		if v == "1" {
			return errors.New("Unable to listen on this port. Check server logs.")
		}
		return nil
	})
	err := c.Set("timeout", "9", "maxmemory", "1mb", "port", "1", "hz", "50")
	want := "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."
	if err == nil || err.Error() != want {
		t.Fatalf("Set = %v", err)
	}
	for k, v := range map[string]string{"timeout": "0", "maxmemory": "0", "port": "6379", "hz": "10"} {
		if got := c.String(k); got != v {
			t.Errorf("%s = %q after rollback, want %q", k, got, v)
		}
	}
	wantCalls := []string{"timeout=9", "port=1", "timeout=0", "port=6379"}
	if !reflect.DeepEqual(calls, wantCalls) {
		t.Errorf("hook calls = %q, want %q", calls, wantCalls)
	}
	// A parse error late in the list also restores earlier values.
	calls = nil
	err = c.Set("timeout", "3", "maxmemory", "bad")
	if err == nil || !strings.Contains(err.Error(), "'maxmemory') - argument must be a memory value") {
		t.Fatalf("Set = %v", err)
	}
	if c.String("timeout") != "0" || len(calls) != 0 {
		t.Errorf("timeout = %s, calls %q", c.String("timeout"), calls)
	}
	// Hooks run only when the value changes.
	must(t, c.Set("timeout", "0"))
	must(t, c.Set("port", "6380"))
	if !reflect.DeepEqual(calls, []string{"port=6380"}) {
		t.Errorf("calls = %q", calls)
	}
	// A hook error without text.
	c.OnChange("hz", func(string) error { return errors.New("") })
	if err := c.Set("hz", "11"); err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'hz')" {
		t.Errorf("Set(hz) = %v", err)
	}
}

func TestSetProtectedAndLoading(t *testing.T) {
	dir := t.TempDir()
	c := New()
	must(t, c.LoadReader(strings.NewReader("enable-protected-configs local\n")))
	if err := c.Set("dir", dir); err == nil || !strings.Contains(err.Error(), "can't set protected config") {
		t.Errorf("remote Set(dir) = %v", err)
	}
	must(t, c.SetWith(SetOptions{LocalClient: true}, "dir", dir, "dbfilename", "x.rdb"))
	if got, _ := filepath.EvalSymlinks(dir); c.String("dir") != got {
		t.Errorf("dir = %q, want %q", c.String("dir"), got)
	}
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	must(t, c.SetWith(SetOptions{LocalClient: true}, "dir", "sub"))
	if !strings.HasSuffix(c.String("dir"), "/sub") {
		t.Errorf("relative dir = %q", c.String("dir"))
	}
	err := c.SetWith(SetOptions{LocalClient: true}, "dir", "/nonexistent-dir-xyz")
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory" {
		t.Errorf("Set(dir missing) = %v", err)
	}
	c.SetLoading(true)
	if err := c.Set("appendonly", "yes"); err == nil || err.Error() != "LOADING Redis is loading the dataset in memory" {
		t.Errorf("Set(appendonly) while loading = %v", err)
	}
	must(t, c.Set("timeout", "1"))
	c.SetLoading(false)
	must(t, c.Set("appendonly", "yes"))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFileRewriteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "redis.conf")
	writeFile(t, path, "# Redwing test config\n"+
		"port 7000\n"+
		"save 900 1\nsave 300 10\n"+
		"maxmemory 100mb\n"+
		"requirepass \"se cret\"\n"+
		"hash-max-ziplist-entries 64\n"+
		"loglevel verbose\n"+
		"\n\n\n"+
		"lua-replicate-commands yes\n"+
		"rename-command CONFIG \"\"\n"+
		"dir "+dir+"\n"+
		"# the end\n")
	c := New()
	must(t, c.LoadFile(path))
	if c.ConfigFile() != path {
		t.Errorf("ConfigFile = %q", c.ConfigFile())
	}
	for k, v := range map[string]string{"port": "7000", "save": "900 1 300 10", "maxmemory": "104857600",
		"requirepass": "se cret", "hash-max-listpack-entries": "64", "loglevel": "verbose"} {
		if got := c.String(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if d := c.Directives(); len(d) != 1 || d[0].Name != "rename-command" || d[0].Line != 13 || d[0].File != path {
		t.Errorf("Directives = %+v", d)
	}
	if w := c.Warnings(); len(w) != 2 {
		t.Errorf("Warnings = %q", w)
	}

	must(t, c.Set("maxmemory", "2gb", "timeout", "30", "loglevel", "notice", "save", "60 5",
		"notify-keyspace-events", "Kx", "client-output-buffer-limit", "pubsub 64mb 16mb 90",
		"maxmemory-clients", "7%", "requirepass", "", "hz", "600"))
	must(t, c.Rewrite())
	got, _ := os.ReadFile(path)
	want := "# Redwing test config\n" +
		"port 7000\n" +
		"save 60 5\n" +
		"\n" +
		"maxmemory 2gb\n" +
		"\n" +
		"hash-max-listpack-entries 64\n" +
		"loglevel notice\n" +
		"\n" +
		"# ??? lua-replicate-commands yes\n" +
		"rename-command CONFIG \"\"\n" +
		"dir " + Quote(c.String("dir")) + "\n" +
		"# the end\n" +
		"\n" +
		"# Generated by CONFIG REWRITE\n"
	if !strings.HasPrefix(string(got), want) {
		t.Fatalf("rewritten file:\n%s\nwant prefix:\n%s", got, want)
	}
	tail := strings.Split(strings.TrimPrefix(string(got), want), "\n")
	wantTail := []string{"timeout 30", "hz 500", "maxmemory-clients 7%", "notify-keyspace-events \"xK\"",
		"client-output-buffer-limit pubsub 64mb 16mb 90", "latency-tracking-info-percentiles 50 99 99.9", ""}
	if !sameSet(tail, wantTail) {
		t.Errorf("appended lines = %q, want (any order) %q", tail, wantTail)
	}

	// Loading the rewritten file gives the same configuration.
	c2 := New()
	must(t, c2.LoadFile(path))
	for _, kv := range c.Get("*") {
		if g := c2.String(kv[0]); g != kv[1] {
			t.Errorf("reloaded %s = %q, want %q", kv[0], g, kv[1])
		}
	}
	// Rewriting reaches a fixed point (client-output-buffer-limit lines
	// settle into class order after a few rounds, as in Redis).
	var prev string
	for round := 0; ; round++ {
		must(t, c2.Rewrite())
		b, _ := os.ReadFile(path)
		if string(b) == prev {
			break
		}
		if round == 4 {
			t.Fatalf("rewrite not stable:\n%s\n---\n%s", prev, b)
		}
		prev = string(b)
	}
	if strings.Count(prev, rewriteSignature) != 1 {
		t.Errorf("signature repeated:\n%s", prev)
	}
	// Lines that exist are kept even at default values; parameters set and
	// reset between rewrites never appear; an emptied nullable string goes.
	must(t, c2.Set("timeout", "0", "slowlog-max-len", "5", "masteruser", "bob"))
	must(t, c2.Set("slowlog-max-len", "128"))
	must(t, c2.Rewrite())
	must(t, c2.Set("masteruser", ""))
	must(t, c2.Rewrite())
	b4, _ := os.ReadFile(path)
	if !strings.Contains(string(b4), "\ntimeout 0\n") || strings.Contains(string(b4), "slowlog") || strings.Contains(string(b4), "masteruser") {
		t.Errorf("unexpected file:\n%s", b4)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v", fi.Mode())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestRewriteErrorsAndHooks(t *testing.T) {
	c := New()
	if err := c.Rewrite(); err == nil || err.Error() != "ERR The server is running without a config file" {
		t.Errorf("Rewrite without file = %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.conf")
	writeFile(t, path, "user alice on >pw ~* +@all\nuser bob off\nport 1234\n")
	must(t, c.LoadFile(path))
	if len(c.Directives()) != 2 {
		t.Fatalf("Directives = %+v", c.Directives())
	}
	// Without a rewriter, user lines stay as they are.
	must(t, c.Rewrite())
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "user alice on >pw ~* +@all\nuser bob off\nport 1234\n") {
		t.Errorf("file = %q", b)
	}
	c.RewriteDirective("user", func() []string { return []string{"user carol on nopass ~* +@all"} })
	must(t, c.Rewrite())
	b, _ = os.ReadFile(path)
	if !strings.HasPrefix(string(b), "user carol on nopass ~* +@all\n\nport 1234\n") {
		t.Errorf("file = %q", b)
	}
	// A missing file is created.
	os.Remove(path)
	must(t, c.Rewrite())
	b, _ = os.ReadFile(path)
	if !strings.HasPrefix(string(b), rewriteSignature+"\n") || !strings.Contains(string(b), "\nport 1234\n") {
		t.Errorf("file = %q", b)
	}
	// An unreadable location fails with strerror text.
	c.mu.file = filepath.Join(dir, "nodir", "x.conf")
	if err := c.Rewrite(); err == nil || !strings.HasPrefix(err.Error(), "ERR Rewriting config file: ") {
		t.Errorf("Rewrite = %v", err)
	}
}

func TestApplyArgs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.conf")
	writeFile(t, path, "port 7000\nsave 10 1\nmaxmemory 1mb\n")
	c := New()
	must(t, c.ApplyArgs([]string{path, "--port", "7001", "--save", "20", "2", "--requirepass", "--odd value",
		"--maxmemory 2mb", "--bind", "127.0.0.1", "::1", "--io-threads", "4"}))
	for k, v := range map[string]string{"port": "7001", "save": "10 1 20 2", "requirepass": "--odd value",
		"maxmemory": "2097152", "bind": "127.0.0.1 ::1", "io-threads": "4"} {
		if got := c.String(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	abs, _ := filepath.Abs(path)
	if c.ConfigFile() != abs {
		t.Errorf("ConfigFile = %q", c.ConfigFile())
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "io-threads") {
		t.Errorf("Warnings = %q", w)
	}
	// --save with no value clears, also before another option.
	for _, args := range [][]string{{"--save"}, {"--save", "--port", "7002"}, {"--save", ""}} {
		c := New()
		must(t, c.ApplyArgs(args))
		if c.String("save") != "" {
			t.Errorf("ApplyArgs(%q): save = %q", args, c.String("save"))
		}
	}
	c = New()
	must(t, c.ApplyArgs(nil))
	if c.ConfigFile() != "" || c.String("port") != "6379" {
		t.Error("ApplyArgs(nil) changed something")
	}
	err := New().ApplyArgs([]string{filepath.Join(dir, "missing.conf")})
	var oe *OpenError
	if !errors.As(err, &oe) || !strings.HasSuffix(err.Error(), "missing.conf': No such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

func TestLoadIsAtomic(t *testing.T) {
	c := New()
	err := c.LoadReader(strings.NewReader("timeout 5\nsave 1 1\nmaxmemory 1mb\nbogus\n"))
	var le *LoadError
	if !errors.As(err, &le) || le.Line != 4 || le.Text != "bogus" || le.Message != "Bad directive or wrong number of arguments" {
		t.Fatalf("err = %#v", err)
	}
	if c.String("timeout") != "0" || c.String("maxmemory") != "0" || c.String("save") != "3600 1 300 100 60 10000" {
		t.Error("failed load changed values")
	}
	// The save rule restarts because the failed load was rolled back.
	must(t, c.LoadReader(strings.NewReader("save 1 1\n")))
	if c.String("save") != "1 1" {
		t.Errorf("save = %q", c.String("save"))
	}
	must(t, c.LoadReader(strings.NewReader("save 2 2\n")))
	if c.String("save") != "1 1 2 2" {
		t.Errorf("save = %q", c.String("save"))
	}
}

func TestIncludeAndDirectives(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "conf.d"), 0o755)
	writeFile(t, filepath.Join(dir, "conf.d", "a.conf"), "timeout 11\n")
	writeFile(t, filepath.Join(dir, "conf.d", "b.conf"), "timeout 12\nloadmodule /x.so arg\n")
	writeFile(t, filepath.Join(dir, "one.conf"), "maxmemory 5mb\n")
	main := filepath.Join(dir, "main.conf")
	writeFile(t, main, "dir "+dir+"\ninclude conf.d/*.conf\ninclude conf.d/none*.conf\ninclude one.conf\n"+
		"user default on nopass\nmymod.opt 5\nsentinel\n")
	c := New()
	var users []Directive
	c.HandleDirective("user", func(d Directive) error { users = append(users, d); return nil })
	must(t, c.LoadFile(main))
	if c.String("timeout") != "12" || c.String("maxmemory") != "5242880" {
		t.Errorf("timeout=%s maxmemory=%s", c.String("timeout"), c.String("maxmemory"))
	}
	if len(users) != 1 || !reflect.DeepEqual(users[0].Args, []string{"default", "on", "nopass"}) {
		t.Errorf("user handler saw %+v", users)
	}
	ds := c.Directives()
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	if !reflect.DeepEqual(names, []string{"loadmodule", "user", "mymod.opt"}) {
		t.Errorf("directives = %q", names)
	}
	if w := c.Warnings(); len(w) != 2 {
		t.Errorf("warnings = %q", w)
	}
	// A handler error is a fatal config error on that line.
	c2 := New()
	c2.HandleDirective("rename-command", func(d Directive) error { return errors.New("No such command in rename-command") })
	err := c2.LoadReader(strings.NewReader("\nrename-command nosuch x\n"))
	if err == nil || !strings.HasSuffix(err.Error(), "at line 2\n>>> 'rename-command nosuch x'\nNo such command in rename-command") {
		t.Errorf("err = %v", err)
	}
	// Missing include.
	err = New().LoadReader(strings.NewReader("include /nonexistent/x.conf\n"))
	if err == nil || err.Error() != "Fatal error, can't open config file '/nonexistent/x.conf': No such file or directory" {
		t.Errorf("err = %v", err)
	}
	// Self include is bounded.
	loop := filepath.Join(dir, "loop.conf")
	writeFile(t, loop, "include "+loop+"\n")
	if err := New().LoadFile(loop); err == nil || !strings.Contains(err.Error(), "include nesting too deep") {
		t.Errorf("err = %v", err)
	}
}

func TestLoadErrorText(t *testing.T) {
	err := New().LoadReader(strings.NewReader("port 1\nmaxmemory lots\n"))
	want := "*** FATAL CONFIG FILE ERROR (Redis " + RedisVersion + ") ***\n" +
		"Reading the configuration file, at line 2\n" +
		">>> 'maxmemory lots'\n" +
		"argument must be a memory value"
	if err == nil || err.Error() != want {
		t.Errorf("err = %q", err)
	}
}

func TestConcurrentReadsAndSets(t *testing.T) {
	c := New()
	p := c.Param("maxmemory")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if v := p.Int(); v != 0 && v != 1000 && v != 2000 {
					panic(fmt.Sprint("torn value ", v))
				}
				_ = c.String("save")
				_ = c.Get("max*")
			}
		}()
	}
	for i := 0; i < 2000; i++ {
		v := []string{"1k", "2k"}[i%2]
		if err := c.Set("maxmemory", v, "save", fmt.Sprintf("%d 1", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func BenchmarkInt(b *testing.B) {
	c := New()
	for i := 0; i < b.N; i++ {
		_ = c.Int("proto-max-bulk-len")
	}
}

func BenchmarkParamInt(b *testing.B) {
	p := New().Param("proto-max-bulk-len")
	for i := 0; i < b.N; i++ {
		_ = p.Int()
	}
}

func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = New()
	}
}

func TestSetInternal(t *testing.T) {
	c := New()
	must(t, c.SetInternal("replicaof", "10.0.0.1", "6380"))
	if h, p, ok := c.ReplicaOf(); !ok || h != "10.0.0.1" || p != 6380 || c.String("slaveof") != "10.0.0.1 6380" {
		t.Errorf("ReplicaOf = %s %d %v", h, p, ok)
	}
	must(t, c.SetInternal("SLAVEOF", "no", "one"))
	if _, _, ok := c.ReplicaOf(); ok {
		t.Error("replicaof not cleared")
	}
	if err := c.SetInternal("replicaof", "h", "99999"); err == nil || err.Error() != "Invalid master port" {
		t.Errorf("err = %v", err)
	}
	if err := c.SetInternal("port", "1", "2"); err == nil || err.Error() != "wrong number of arguments" {
		t.Errorf("err = %v", err)
	}
	if err := c.SetInternal("nosuch", "1"); err == nil {
		t.Error("unknown name accepted")
	}
	must(t, c.SetInternal("daemonize", "yes"))
	if !c.Bool("daemonize") {
		t.Error("daemonize not set")
	}
}
