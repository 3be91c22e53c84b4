package config

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file compares the package against a real redis-server (the oracle).
// Tests skip only when redis-server is not installed.

func redisServerPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// oracle is a redis-server child process and a connection to it.
type oracle struct {
	conn net.Conn
	r    *bufio.Reader
	dir  string
	port int
}

// startOracle runs redis-server [file] --port P --daemonize no [extra...] in
// a temporary working directory and connects to it. It is killed (no save)
// when the test ends.
func startOracle(t *testing.T, dir, file string, extra ...string) *oracle {
	t.Helper()
	bin := redisServerPath(t)
	if dir == "" {
		dir = t.TempDir()
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		var args []string
		if file != "" {
			args = append(args, file)
		}
		args = append(args, "--port", strconv.Itoa(port), "--daemonize", "no")
		args = append(args, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 200*time.Millisecond)
			if err == nil {
				t.Cleanup(func() {
					c.Close()
					cmd.Process.Kill()
					<-exited
				})
				return &oracle{conn: c, r: bufio.NewReader(c), dir: dir, port: port}
			}
			lastErr = err
			select {
			case <-exited:
				deadline = time.Time{}
				lastErr = fmt.Errorf("redis-server exited: %s", stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
		}
		cmd.Process.Kill()
		<-exited
	}
	t.Fatalf("redis-server did not start: %v", lastErr)
	return nil
}

// respError is an error reply.
type respError string

func (e respError) Error() string { return string(e) }

// do sends a command and returns its reply: string, int64, []any, nil, or
// a respError.
func (o *oracle) do(t *testing.T, args ...string) any {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	o.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(o.conn, b.String()); err != nil {
		t.Fatal(err)
	}
	v, err := readReply(o.r)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readReply(r *bufio.Reader) (any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return respError(line[1:]), nil
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = readReply(r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("bad reply line %q", line)
}

// configGet returns the oracle's CONFIG GET reply as pairs.
func (o *oracle) configGet(t *testing.T, patterns ...string) [][2]string {
	t.Helper()
	rep, ok := o.do(t, append([]string{"CONFIG", "GET"}, patterns...)...).([]any)
	if !ok {
		t.Fatalf("CONFIG GET %v: unexpected reply", patterns)
	}
	var out [][2]string
	for i := 0; i+1 < len(rep); i += 2 {
		out = append(out, [2]string{rep[i].(string), rep[i+1].(string)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// envSpecific are parameters whose value depends on how and where the
// server was started, left out of default comparisons.
var envSpecific = map[string]bool{
	"port": true, "dir": true, "pidfile": true, "logfile": true, "daemonize": true,
	"unixsocket": true, "unixsocketperm": true, "bind-source-addr": true, "supervised": true,
}

func TestDefaultsMatchRedis(t *testing.T) {
	o := startOracle(t, "", "")
	c := New()
	compared := 0
	for _, name := range c.allNames() {
		if envSpecific[name] {
			continue
		}
		want := o.configGet(t, name)
		if len(want) == 0 {
			p := c.Param(name)
			if newerThanOracle[p.spec.Name] || redwingOnly[p.spec.Name] {
				continue
			}
			t.Errorf("%s: the oracle does not know it", name)
			continue
		}
		got := c.Get(name)
		if len(got) != 1 || got[0] != want[0] {
			t.Errorf("CONFIG GET %s: got %q, redis %q", name, got, want[0])
		}
		compared++
	}
	// Every parameter Redis has must be in the table.
	for _, kv := range o.configGet(t, "*") {
		if c.Param(kv[0]) == nil {
			t.Errorf("parameter %q (redis default %q) is missing from the table", kv[0], kv[1])
		}
	}
	t.Logf("compared %d parameter names", compared)
}

// allNames returns every name and alias, hidden ones included.
func (c *Config) allNames() []string {
	var out []string
	for n := range c.index {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// setCases are CONFIG SET argument lists sent to both the oracle and the
// package, in order (successful ones change both states alike).
var setCases = [][]string{
	// Unknown names, arity.
	{"foo", "bar"},
	{"foo", "bar", "port", "x"},
	{"maxmemory", "1mb", "foo", "bar"},
	{"maxmemory", "1mb", "maxmemory-policy"},
	{"maxmemory"},
	// Immutable and protected.
	{"daemonize", "no"},
	{"databases", "1"},
	{"unixsocketperm", "777"},
	{"appendfilename", "x.aof"},
	{"replicaof", "127.0.0.1 1"},
	{"slaveof", "no one"},
	{"enable-debug-command", "yes"},
	{"dir", "/tmp"},
	{"dbfilename", "x.rdb"},
	{"daemonize", "yes", "foo", "bar"},
	{"maxmemory", "x", "daemonize", "yes"},
	// Integers.
	{"timeout", "abc"},
	{"timeout", ""},
	{"timeout", " 7"},
	{"timeout", "+7"},
	{"timeout", "07"},
	{"timeout", "-0"},
	{"timeout", "1e3"},
	{"timeout", "0x10"},
	{"timeout", "-1"},
	{"timeout", "2147483648"},
	{"timeout", "99999999999999999999"},
	{"timeout", "7"},
	{"maxclients", "0"},
	{"maxclients", "-1"},
	{"maxclients", "4294967296"},
	{"maxclients", "5000"},
	{"slowlog-log-slower-than", "-2"},
	{"slowlog-log-slower-than", "-1"},
	{"list-max-listpack-size", "9999999999"},
	{"list-max-ziplist-size", "-5"},
	{"repl-backlog-size", "0"},
	{"repl-backlog-size", "1k"},
	{"repl-backlog-size", "16383"},
	{"activedefrag", "yes"},
	{"activedefrag", "no"},
	{"hash-max-listpack-entries", "-1"},
	{"hash-max-ziplist-entries", "300"},
	{"busy-reply-threshold", "-1"},
	{"lua-time-limit", "-1"},
	{"lua-time-limit", "1000"},
	{"hz", "1000"},
	{"hz", "0"},
	{"hz", "-1"},
	{"hz", "20"},
	{"maxmemory-eviction-tenacity", "101"},
	{"active-expire-effort", "0"},
	{"rdb-key-save-delay", "x"},
	{"key-load-delay", "-5"},
	{"loading-process-events-interval-bytes", "1"},
	// Memory.
	{"maxmemory", "10x"},
	{"maxmemory", "1.5gb"},
	{"maxmemory", "-1"},
	{"maxmemory", "-0"},
	{"maxmemory", "+1"},
	{"maxmemory", " 1"},
	{"maxmemory", "1 "},
	{"maxmemory", "1kib"},
	{"maxmemory", "0x1"},
	{"maxmemory", "1k"},
	{"maxmemory", "1KB"},
	{"maxmemory", "3m"},
	{"maxmemory", "3Mb"},
	{"maxmemory", "2g"},
	{"maxmemory", "2GB"},
	{"maxmemory", "7b"},
	{"maxmemory", ""},
	{"maxmemory", "k"},
	{"maxmemory", "18446744073709551615"},
	{"maxmemory", "99999999999999999999999"},
	{"maxmemory", "20000000000gb"},
	{"maxmemory", "0"},
	{"proto-max-bulk-len", "100"},
	{"proto-max-bulk-len", "9223372036854775808"},
	{"proto-max-bulk-len", "2mb"},
	{"client-query-buffer-limit", "1000"},
	{"client-query-buffer-limit", "2gb"},
	{"hash-max-listpack-value", "9223372036854775808"},
	{"hash-max-ziplist-value", "1kb"},
	{"active-defrag-ignore-bytes", "0"},
	{"maxmemory-clients", "200%"},
	{"maxmemory-clients", "-5%"},
	{"maxmemory-clients", "abc"},
	{"maxmemory-clients", "%"},
	{"maxmemory-clients", "10%"},
	{"maxmemory-clients", "0%"},
	{"maxmemory-clients", "1mb"},
	{"maxmemory-clients", "9223372036854775808"},
	{"auto-aof-rewrite-min-size", "1gb"},
	// Bools and enums.
	{"appendonly", "maybe"},
	{"appendonly", ""},
	{"protected-mode", "NO"},
	{"protected-mode", "Yes"},
	{"use-exit-on-panic", "x"},
	{"slave-read-only", "no"},
	{"maxmemory-policy", "foo"},
	{"maxmemory-policy", "ALLKEYS-LRU"},
	{"loglevel", "bogus"},
	{"loglevel", "WARNING"},
	{"oom-score-adj", "x"},
	{"tls-auth-clients", "x"},
	{"acl-pubsub-default", "allchannels"},
	{"appendfsync", "always"},
	{"repl-diskless-load", "on-empty-db"},
	{"sanitize-dump-payload", "maybe"},
	{"cluster-preferred-endpoint-type", "hostname"},
	{"propagation-error-behavior", "panic-on-replicas"},
	{"shutdown-on-sigint", "save now"},
	{"shutdown-on-sigint", "now force nosave"},
	{"shutdown-on-sigint", "save nosave"},
	{"shutdown-on-sigint", "bogus"},
	{"shutdown-on-sigint", ""},
	{"shutdown-on-sigint", "NOW  force"},
	{"shutdown-on-sigterm", "default now"},
	{"shutdown-on-sigterm", "default"},
	// Strings.
	{"cluster-announce-hostname", "a b"},
	{"cluster-announce-hostname", strings.Repeat("a", 256)},
	{"cluster-announce-hostname", "host-1.example"},
	{"proc-title-template", "{foo}"},
	{"proc-title-template", "{title"},
	{"proc-title-template", "{server-mode}"},
	{"proc-title-template", "{{x}} {title}"},
	{"proc-title-template", "{title} {port}"},
	{"masteruser", "bob"},
	{"replica-announce-ip", ""},
	{"ignore-warnings", "ARM64-COW-BUG"},
	// Specials.
	{"save", "1 2 3"},
	{"save", "0 1"},
	{"save", "a 1"},
	{"save", "10 -1"},
	{"save", "  "},
	{"save", "x"},
	{"save", "100 1 50 2"},
	{"save", "0100 01"},
	{"save", ""},
	{"save", "3600 1 300 100 60 10000"},
	{"notify-keyspace-events", "Q"},
	{"notify-keyspace-events", "KEA"},
	{"notify-keyspace-events", "nmKEA"},
	{"notify-keyspace-events", "Ex$lshzxetdgnm"},
	{"notify-keyspace-events", "g$lshzxetd"},
	{"notify-keyspace-events", "g$lshzxet"},
	{"notify-keyspace-events", "n"},
	{"notify-keyspace-events", "a"},
	{"notify-keyspace-events", ""},
	{"client-output-buffer-limit", "normal 1 2"},
	{"client-output-buffer-limit", "master 1 2 3"},
	{"client-output-buffer-limit", "bogus 1 2 3"},
	{"client-output-buffer-limit", "normal 0 0 -3"},
	{"client-output-buffer-limit", "normal 1x 0 3"},
	{"client-output-buffer-limit", "normal 0 0 1x"},
	{"client-output-buffer-limit", "normal 1k 2mb 3 pubsub 1gb 0 0"},
	{"client-output-buffer-limit", "replica 1 1 1"},
	{"client-output-buffer-limit", "NORMAL 5 5 5"},
	{"client-output-buffer-limit", "normal 0 0 "},
	{"client-output-buffer-limit", ""},
	{"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
	{"oom-score-adj-values", "1 2"},
	{"oom-score-adj-values", "1 2 x"},
	{"oom-score-adj-values", "1 2 3000"},
	{"latency-tracking-info-percentiles", "50 abc"},
	{"latency-tracking-info-percentiles", "101"},
	{"latency-tracking-info-percentiles", "-1"},
	{"latency-tracking-info-percentiles", "1.5 99.99999 0 100 50.0"},
	{"latency-tracking-info-percentiles", "1e1 0x10"},
	{"latency-tracking-info-percentiles", ""},
	{"latency-tracking-info-percentiles", "50 99 99.9"},
	// Several at once: duplicates, aliases, case.
	{"timeout", "1", "timeout", "2"},
	{"timeout", "1", "TIMEOUT", "2"},
	{"lua-time-limit", "1", "busy-reply-threshold", "2"},
	{"Timeout", "3", "MAXMEMORY", "1mb"},
	{"timeout", "4", "maxmemory", "bad"},
	{"maxmemory", "bad", "timeout", "bad"},
	{"timeout", "0", "maxmemory", "0", "hz", "10"},
}

func TestSetMatchesRedis(t *testing.T) {
	o := startOracle(t, "", "", "--save", "")
	c := New()
	if err := c.Set("save", ""); err != nil {
		t.Fatal(err)
	}
	for _, args := range setCases {
		want := o.do(t, append([]string{"CONFIG", "SET"}, args...)...)
		err := c.Set(args...)
		switch w := want.(type) {
		case respError:
			if err == nil || err.Error() != string(w) {
				t.Errorf("CONFIG SET %q:\n got %v\nwant %s", args, err, w)
			}
		case string:
			if err != nil {
				t.Errorf("CONFIG SET %q: got %v, redis %s", args, err, w)
			}
		default:
			t.Fatalf("CONFIG SET %q: unexpected oracle reply %#v", args, want)
		}
		// The values of every named parameter must agree afterwards.
		for i := 0; i+1 < len(args); i += 2 {
			name := args[i]
			if c.Param(name) == nil || envSpecific[strings.ToLower(name)] {
				continue
			}
			w := o.configGet(t, name)
			g := c.Get(name)
			if len(w) != len(g) || (len(w) == 1 && w[0][1] != g[0][1]) {
				t.Errorf("after CONFIG SET %q: CONFIG GET %s = %q, redis %q", args, name, g, w)
			}
		}
	}
}

func TestGetPatternsMatchRedis(t *testing.T) {
	o := startOracle(t, "", "")
	c := New()
	patterns := [][]string{
		{"*"}, {"max*"}, {"MAX*"}, {"maxmemory-[cp]*"}, {"maxmemory-[^p]*"}, {"maxmemory-[a-d]*"},
		{"maxmemory-[d-a]*"}, {"maxmemory-?amples"}, {"maxmemory\\-clients"}, {"maxmemory-\\c*"},
		{"*-max-*-entries"}, {"*ziplist*"}, {"*slave*"}, {"port"}, {"PORT"}, {"po*"}, {"PO*"},
		{"port", "PORT", "p*"}, {"PORT", "po*"}, {"LUA*", "busy-reply-threshold"}, {"lua-time-limit"},
		{"watchdog*"}, {"watchdog-period"}, {"rdb-key*"}, {"key-load-delay"}, {"nosuch"}, {"["},
		{"[a"}, {"*[*"}, {"h[z]"}, {"?z"}, {"tls-*"}, {"***"}, {"a*b*c*d*e*f*"}, {"[\\]]*"},
		{"hz", "hz"}, {"save", "client-output-buffer-limit"},
	}
	for _, pats := range patterns {
		want := withoutEnv(withoutNewer(o.configGet(t, pats...)))
		got := withoutEnv(withoutNewer(c.GetMulti(pats...)))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("CONFIG GET %q:\n got %q\nwant %q", pats, got, want)
		}
	}
}

func withoutEnv(kv [][2]string) [][2]string {
	var out [][2]string
	for _, p := range kv {
		if envSpecific[strings.ToLower(p[0])] {
			p[1] = "<env>"
		}
		out = append(out, p)
	}
	return out
}

func withoutNewer(kv [][2]string) [][2]string {
	var out [][2]string
	for _, p := range kv {
		if !newerThanOracle[p[0]] {
			out = append(out, p)
		}
	}
	return out
}

// TestLoadErrorsMatchRedis starts redis-server with bad arguments or files
// and compares its fatal error report with ApplyArgs's.
func TestLoadErrorsMatchRedis(t *testing.T) {
	bin := redisServerPath(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inc := write("inc.conf", "maxmemory-samples 7\nbogus line\n")
	cases := [][]string{
		{"--port", "1", "2"},
		{"--foo", "bar"},
		{"--maxmemory", "foo"},
		{"--loglevel", "bogus"},
		{"--include"},
		{"--notify-keyspace-events", "a", "b"},
		{"--save", "0", "1"},
		{"--replicaof", "a", "b", "c"},
		{"--enable-debug-command", "maybe"},
		{"--socket-mark-id", "-1"},
		{"--shutdown-on-sigint"},
		{"--unixsocketperm", "999"},
		{"--unixsocketperm", "abc"},
		{"--appendfilename", ""},
		{"--dbfilename", "a/b"},
		{"--timeout", "1", "--hz", "x"},
		{"--requirepass", "a\"b'c\n\x01", "--port", "x"},
		{"--a.b", "1", "--c.d"},
		{write("s.conf", "sentinel\nsentinel monitor x\n")},
		{"--list-max-ziplist-entries", "1", "--lua-replicate-commands", "yes", "--list-max-ziplist-value"},
		{"--save", "--port", "x"},
		{"--dir", "/nonexistent-dir"},
		{"--slaveof", "host", "99999"},
		{"--bind", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q"},
		{"--client-output-buffer-limit", "normal", "1", "2"},
		{"--oom-score-adj-values", "1", "2"},
		{"--latency-tracking-info-percentiles", "200"},
		{"--maxmemory-clients", "101%"},
		{"--cluster-announce-hostname", "a_b"},
		{"--port 7000 7001"},
		{write("q.conf", "port 1\nrequirepass \"abc\n"), "--port", "2"},
		{write("q2.conf", "\n\n  requirepass \"abc\"x  \n")},
		{write("q3.conf", "port 1\nmaxmemory 1mb\n"), "--timeout", "-1"},
		{write("q4.conf", "port 1\ninclude "+inc+"\nhz x\n")},
		{write("q5.conf", "# comment\n\tloglevel 'warning' extra\n")},
		{write("q6.conf", "cluster-enabled yes\nreplicaof 127.0.0.1 6379\n")},
	}
	for _, args := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil {
			t.Errorf("redis-server %q started", args)
			continue
		}
		want := strings.TrimSpace(string(out))
		if i := strings.Index(want, "*** FATAL"); i >= 0 {
			want = want[i:]
		}
		want = strings.Replace(want, "(Redis 7.0.15)", "(Redis "+RedisVersion+")", 1)
		c := New()
		gerr := c.ApplyArgs(args)
		if gerr == nil {
			t.Errorf("ApplyArgs(%q) succeeded; redis says %s", args, want)
			continue
		}
		if gerr.Error() != want {
			t.Errorf("ApplyArgs(%q):\n got %q\nwant %q", args, gerr.Error(), want)
		}
	}
}

// TestRewriteMatchesRedis loads the same file in the oracle and here,
// applies the same CONFIG SETs and compares the CONFIG REWRITE results.
func TestRewriteMatchesRedis(t *testing.T) {
	redisServerPath(t)
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("maxmemory-samples 7\n"), 0o644)
	text := "# top comment\n" +
		"daemonize no\n" +
		"include " + inc + "\n" +
		"rename-command FLUSHALL \"\"\n" +
		"save 100 1\n" +
		"save 200 2\n" +
		"\n\n\n" +
		"hash-max-ziplist-entries 100\n" +
		"maxmemory 1mb\n" +
		"maxmemory 2mb\n" +
		"dbfilename \"dump.rdb\"\n" +
		"logfile \"\"\n" +
		"   loglevel    warning   \n" +
		"notify-keyspace-events Ex\n" +
		"lua-replicate-commands yes\n" +
		"slave-read-only yes\n" +
		"bind 127.0.0.1\n" +
		"timeout 10\n" +
		"unixsocketperm 700\n" +
		"client-output-buffer-limit pubsub 32mb 8mb 60\n" +
		"# trailing comment\n"
	ofile := filepath.Join(dir, "oracle.conf")
	gfile := filepath.Join(dir, "ours.conf")
	os.WriteFile(ofile, []byte(text), 0o644)
	os.WriteFile(gfile, []byte(text), 0o644)

	o := startOracle(t, dir, ofile)
	c := New()
	if err := c.ApplyArgs([]string{gfile, "--port", strconv.Itoa(o.port), "--daemonize", "no"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("dir", dir); err == nil {
		t.Fatal("dir is protected")
	}
	c.Param("dir").cur.Store(&value{s: o.configGet(t, "dir")[0][1]})
	steps := [][]string{
		{"maxmemory", "3mb", "timeout", "0", "hz", "20"},
		{"client-output-buffer-limit", "normal 1mb 0 0"},
		{"requirepass", "x\"y"},
		{"save", "300 3"},
		{"hash-max-listpack-entries", "512"},
		{"maxmemory-clients", "5%"},
		{"latency-tracking-info-percentiles", "99.5"},
		{"notify-keyspace-events", ""},
	}
	for _, s := range steps {
		if r := o.do(t, append([]string{"CONFIG", "SET"}, s...)...); r != "OK" {
			t.Fatalf("oracle CONFIG SET %q: %v", s, r)
		}
		if err := c.Set(s...); err != nil {
			t.Fatal(err)
		}
	}
	o.do(t, "AUTH", "x\"y")
	for round := 0; round < 2; round++ {
		if r := o.do(t, "CONFIG", "REWRITE"); r != "OK" {
			t.Fatalf("oracle CONFIG REWRITE: %v", r)
		}
		if err := c.Rewrite(); err != nil {
			t.Fatal(err)
		}
		wb, _ := os.ReadFile(ofile)
		gb, _ := os.ReadFile(gfile)
		w := strings.Replace(string(wb), "port "+strconv.Itoa(o.port)+"\n", "", 1)
		g := strings.Replace(string(gb), "port "+strconv.Itoa(o.port)+"\n", "", 1)
		wHead, wTail, _ := strings.Cut(w, rewriteSignature)
		gHead, gTail, _ := strings.Cut(g, rewriteSignature)
		if wHead != gHead {
			t.Errorf("round %d: rewritten file differs before the signature:\n--- ours\n%s\n--- redis\n%s", round, gHead, wHead)
		}
		// Appended lines come in Redis's hash order; compare them as sets,
		// without the user lines that the ACL package writes.
		norm := func(s string) []string {
			var out []string
			for _, l := range strings.Split(s, "\n") {
				if !strings.HasPrefix(l, "user ") {
					out = append(out, l)
				}
			}
			sort.Strings(out)
			return out
		}
		if fmt.Sprint(norm(wTail)) != fmt.Sprint(norm(gTail)) {
			t.Errorf("round %d: appended lines differ:\n--- ours\n%s\n--- redis\n%s", round, gTail, wTail)
		}
	}
}
