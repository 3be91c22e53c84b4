package diff

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

// Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO and
// the CLIENT container. Helpers shared by the connection, transaction,
// COMMAND and protocol tests are prefixed cn.

// cnRender renders a reply canonically, nested elements included (the
// testkit keeps raw bytes only for the top level).
func cnRender(v testkit.Value) string {
	var b strings.Builder
	cnRenderTo(&b, v)
	return b.String()
}

func cnRenderTo(b *strings.Builder, v testkit.Value) {
	b.WriteByte(v.Type)
	switch {
	case v.Null:
		b.WriteString("null")
	case v.Type == ':':
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case v.Type == '*' || v.Type == '~' || v.Type == '%' || v.Type == '>':
		fmt.Fprintf(b, "%d[", len(v.Elems))
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			cnRenderTo(b, e)
		}
		b.WriteByte(']')
	default:
		b.WriteString(strconv.Quote(v.Str))
	}
}

// cnDo sends args to both servers and returns both replies without
// comparing them.
func (p *pair) cnDo(args ...string) (testkit.Value, testkit.Value) {
	p.t.Helper()
	return p.both(args...)
}

var (
	cnHelloVersion = regexp.MustCompile(`\$7\r\nversion\r\n\$\d+\r\n[^\r]*\r\n`)
	cnHelloID      = regexp.MustCompile(`\$2\r\nid\r\n:\d+\r\n`)
)

// cnHelloNorm masks the fields of a HELLO reply that differ by design
// (version) or by connection history (id).
func cnHelloNorm(raw []byte) string {
	s := cnHelloVersion.ReplaceAllString(string(raw), "$$7\r\nversion\r\n<ver>\r\n")
	return cnHelloID.ReplaceAllString(s, "$$2\r\nid\r\n<id>\r\n")
}

// cnHello sends a HELLO to both and compares the replies with version and
// id masked.
func (p *pair) cnHello(args ...string) {
	p.t.Helper()
	a, b := p.both(append([]string{"HELLO"}, args...)...)
	if cnHelloNorm(a.Raw) != cnHelloNorm(b.Raw) {
		p.t.Errorf("HELLO %q\n redwing: %q\n   redis: %q", args, a.Raw, b.Raw)
	}
}

// cnVolatile are CLIENT LIST fields whose values depend on the connection,
// timing or memory layout.
var cnVolatile = map[string]bool{
	"id": true, "addr": true, "laddr": true, "fd": true, "age": true, "idle": true,
	"qbuf": true, "qbuf-free": true, "rbs": true, "rbp": true, "obl": true, "oll": true,
	"omem": true, "tot-mem": true, "events": true,
}

// cnRedis72Fields are the CLIENT LIST fields Redis 7.2 added to 7.0's.
var cnRedis72Fields = map[string]bool{"lib-name": true, "lib-ver": true}

// cnClientFields splits one CLIENT LIST line into its fields, in order.
func cnClientFields(line string) [][2]string {
	var out [][2]string
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// cnClientLineNorm renders a CLIENT LIST line with volatile values masked
// and the 7.2-only fields dropped.
func cnClientLineNorm(line string) string {
	var parts []string
	for _, kv := range cnClientFields(line) {
		if cnRedis72Fields[kv[0]] {
			continue
		}
		if cnVolatile[kv[0]] {
			parts = append(parts, kv[0]+"=*")
		} else {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}

// cnClientInfo compares CLIENT INFO (or a CLIENT LIST reply with one line)
// of both servers, masking volatile fields.
func (p *pair) cnClientInfo(args ...string) {
	p.t.Helper()
	a, b := p.both(args...)
	if a.Type != b.Type {
		p.t.Errorf("%q: reply types differ\n redwing: %q\n   redis: %q", args, a.Raw, b.Raw)
		return
	}
	if a.Type == '-' {
		if a.Str != b.Str {
			p.t.Errorf("%q:\n redwing: %q\n   redis: %q", args, a.Raw, b.Raw)
		}
		return
	}
	as := strings.TrimPrefix(a.Str, "txt:")
	bs := strings.TrimPrefix(b.Str, "txt:")
	al, bl := strings.Split(strings.TrimSuffix(as, "\n"), "\n"), strings.Split(strings.TrimSuffix(bs, "\n"), "\n")
	if len(al) != len(bl) || strings.HasSuffix(as, "\n") != strings.HasSuffix(bs, "\n") {
		p.t.Errorf("%q: line counts differ\n redwing: %q\n   redis: %q", args, as, bs)
		return
	}
	for i := range al {
		if x, y := cnClientLineNorm(al[i]), cnClientLineNorm(bl[i]); x != y {
			p.t.Errorf("%q line %d:\n redwing: %s\n   redis: %s", args, i, x, y)
		}
		// Redwing's line is 7.0's plus lib-name and lib-ver at the end.
		f := cnClientFields(al[i])
		if al[i] != "" && (len(f) < 2 || f[len(f)-2][0] != "lib-name" || f[len(f)-1][0] != "lib-ver") {
			p.t.Errorf("%q: redwing line lacks lib-name/lib-ver at the end: %s", args, al[i])
		}
	}
}

// cnIDs returns the client IDs of both connections of the pair.
func (p *pair) cnIDs() (string, string) {
	p.t.Helper()
	a, b := p.both("CLIENT", "ID")
	return strconv.FormatInt(a.Int, 10), strconv.FormatInt(b.Int, 10)
}

// cnBoth sends different arguments to each server (e.g. their own client
// IDs) and compares the replies.
func (p *pair) cnBoth(rw, rd []string) testkit.Value {
	p.t.Helper()
	a, err := p.rw.Do(rw...)
	if err != nil {
		p.t.Fatalf("redwing %q: %v", rw, err)
	}
	b, err := p.rd.Do(rd...)
	if err != nil {
		p.t.Fatalf("redis %q: %v", rd, err)
	}
	if string(a.Raw) != string(b.Raw) {
		p.t.Errorf("%s / %s\n redwing: %s\n   redis: %s", show(rw), show(rd), a, b)
	}
	return a
}

// cnClosed requires both connections of the pair to have been closed by
// the servers (after reading any pending reply).
func (p *pair) cnClosed(what string) {
	p.t.Helper()
	for _, s := range []struct {
		name string
		c    *testkit.Client
	}{{"redwing", p.rw}, {"redis", p.rd}} {
		v, err := s.c.ReadTimeout(2 * time.Second)
		if err == nil {
			p.t.Errorf("%s: %s did not close the connection, sent %q", what, s.name, v.Raw)
		} else if strings.Contains(err.Error(), "timeout") {
			p.t.Errorf("%s: %s kept the connection open", what, s.name)
		}
	}
}

// cnPipe sends raw bytes to both servers and compares the next n replies.
func (p *pair) cnPipe(raw string, n int) {
	p.t.Helper()
	if err := p.rw.Send([]byte(raw)); err != nil {
		p.t.Fatal(err)
	}
	if err := p.rd.Send([]byte(raw)); err != nil {
		p.t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		a, errA := p.rw.ReadTimeout(2 * time.Second)
		b, errB := p.rd.ReadTimeout(2 * time.Second)
		if (errA == nil) != (errB == nil) || string(a.Raw) != string(b.Raw) {
			p.t.Errorf("pipeline %q reply %d\n redwing: %q (%v)\n   redis: %q (%v)", cnShort(raw), i, a.Raw, errA, b.Raw, errB)
			return
		}
	}
}

func cnShort(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

func TestConnPing(t *testing.T) {
	p := newPair(t)
	p.do("PING")
	p.do("ping")
	p.do("PING", "hello")
	p.do("PING", "")
	p.do("PING", "bin\x00ary\r\n")
	p.do("PING", "a", "b")
	p.do("ECHO", "hello")
	p.do("ECHO", "")
	p.do("ECHO", "x\x00y\r\nz")
	p.do("ECHO")
	p.do("ECHO", "a", "b")
	p.resp3()
	p.do("PING")
	p.do("PING", "x")
	p.do("ECHO", "x")
}

func TestConnSelect(t *testing.T) {
	p := newPair(t)
	p.do("SELECT", "1")
	p.do("SET", "k", "db1")
	p.do("SELECT", "0")
	p.do("GET", "k")
	p.do("SET", "k", "db0")
	p.do("SELECT", "15")
	p.do("GET", "k")
	p.do("SELECT", "1")
	p.do("GET", "k")
	for _, bad := range []string{"16", "-1", "abc", "01", " 1", "1 ", "+1", "1.0", "", "4294967296", "-2147483649", "2147483647", "9223372036854775808"} {
		p.do("SELECT", bad)
	}
	p.do("GET", "k") // still in db 1
	p.do("SELECT")
	p.do("SELECT", "1", "2")
	p.do("SELECT", "0")
}

func TestConnAuthNoPassword(t *testing.T) {
	p := newPair(t)
	p.do("AUTH", "x")
	p.do("AUTH", "default", "anything")
	p.do("AUTH", "DEFAULT", "anything")
	p.do("AUTH", "nouser", "x")
	p.do("AUTH", "a", "b", "c")
	p.do("AUTH")
	p.do("PING")
}

func TestConnHello(t *testing.T) {
	p := newPair(t)
	p.cnHello()
	p.cnHello("2")
	for _, bad := range [][]string{
		{"4"}, {"1"}, {"0"}, {"-1"}, {"x"}, {"3.0"}, {"99999999999999999999"},
		{"3", "foo"}, {"3", "AUTH"}, {"3", "AUTH", "a"}, {"3", "SETNAME"},
		{"3", "SETNAME", "a b"}, {"3", "SETNAME", "a\nb"}, {"2", "AUTH", "nouser", "x"},
		{"2", "SETNAME", "x", "bogus"},
	} {
		p.do(append([]string{"HELLO"}, bad...)...)
	}
	p.do("PING") // still RESP2
	// SETNAME before a failing AUTH in the same HELLO still applies.
	p.do("HELLO", "2", "SETNAME", "first", "AUTH", "u", "p")
	p.do("CLIENT", "GETNAME")
	p.cnHello("2", "AUTH", "default", "whatever", "SETNAME", "second")
	p.do("CLIENT", "GETNAME")
	p.cnHello("3", "setname", "third")
	p.do("CLIENT", "GETNAME")
	// RESP3 from now on.
	p.do("GET", "missing")
	p.do("SET", "k", "v")
	p.do("GET", "k")
	p.do("CLIENT", "GETNAME")
	p.cnHello() // no argument: reports the current protocol
	p.cnHello("3", "SETNAME", "")
	p.do("CLIENT", "GETNAME")
	p.cnHello("2")
	p.do("GET", "missing")
}

func TestConnQuit(t *testing.T) {
	p := newPair(t)
	p.do("QUIT")
	p.cnClosed("QUIT")

	p = connectPair(t)
	p.do("QUIT", "with", "args")
	p.cnClosed("QUIT with args")

	// Replies before QUIT in a pipeline are delivered; commands after it
	// are not run.
	p = connectPair(t)
	p.cnPipe("SET quitk 1\r\nQUIT\r\nSET quitk 2\r\n", 2)
	p.cnClosed("pipelined QUIT")
	p = newPair(t)
	p.do("GET", "quitk")
}

func TestConnReset(t *testing.T) {
	p := newPair(t)
	p.do("RESET")
	p.do("SELECT", "3")
	p.do("SET", "k", "in3")
	p.do("CLIENT", "SETNAME", "named")
	// (RESET also turns NO-EVICT off, as Redis 7.2 does and 7.0 does not:
	// see TestConnRedis72Client.)
	p.do("WATCH", "k")
	p.cnHello("3")
	p.do("MULTI")
	p.do("SET", "k", "queued")
	p.do("RESET")
	p.do("EXEC")                     // the transaction was discarded
	p.do("GET", "missing")           // RESP2 again
	p.do("GET", "k")                 // db 0
	p.do("CLIENT", "GETNAME")        // name cleared
	p.cnClientInfo("CLIENT", "INFO") // flags N, db 0, resp 2
	p.do("SELECT", "3")
	p.do("GET", "k")
	p.do("RESET", "x")
	// RESET with replies turned off turns them back on.
	p.sendRaw("CLIENT REPLY OFF\r\nPING\r\nRESET\r\n")
	p.do("PING")
}

func TestConnClientBasics(t *testing.T) {
	p := newPair(t)
	a, b := p.both("CLIENT", "ID")
	if a.Type != ':' || b.Type != ':' || a.Int <= 0 {
		t.Errorf("CLIENT ID: %q / %q", a.Raw, b.Raw)
	}
	p.do("CLIENT")
	p.do("CLIENT", "nosuch")
	p.do("CLIENT", "ID", "x")
	p.do("CLIENT", "GETNAME")
	p.do("CLIENT", "GETNAME", "x")
	p.do("CLIENT", "SETNAME")
	p.do("CLIENT", "SETNAME", "a", "b")
	p.do("CLIENT", "SETNAME", "my-name_1")
	p.do("CLIENT", "GETNAME")
	for _, bad := range []string{"a b", "a\nb", "a\rb", "\x7f", "é", "\x00", "tab\there", " "} {
		p.do("CLIENT", "SETNAME", bad)
	}
	p.do("CLIENT", "GETNAME")
	p.do("CLIENT", "SETNAME", "!~{}[]")
	p.do("CLIENT", "GETNAME")
	p.do("CLIENT", "SETNAME", "")
	p.do("CLIENT", "GETNAME")
	p.do("CLIENT", "GETREDIR")
	p.do("CLIENT", "GETREDIR", "x")
	p.do("CLIENT", "NO-EVICT", "on")
	p.do("CLIENT", "NO-EVICT", "OFF")
	p.do("CLIENT", "NO-EVICT", "maybe")
	p.do("CLIENT", "NO-EVICT")
	p.do("CLIENT", "REPLY")
	p.do("CLIENT", "REPLY", "maybe")
	p.do("CLIENT", "REPLY", "ON")
	p.do("CLIENT", "INFO", "x")
	p.do("CLIENT", "UNPAUSE")
	p.do("CLIENT", "UNPAUSE", "x")
	p.resp3()
	p.do("CLIENT", "GETNAME")
	p.do("CLIENT", "SETNAME", "r3")
	p.do("CLIENT", "GETNAME")
}

func TestConnClientHelp(t *testing.T) {
	p := newPair(t)
	a, b := p.both("CLIENT", "HELP")
	// Redwing's help is Redis 7.2's (SETINFO, NO-TOUCH) plus KILL MAXAGE.
	extra := map[string]bool{
		"SETINFO <option> <value>":                                         true,
		"    Set client meta attr. Options are:":                           true,
		"    * LIB-NAME: the client lib name.":                             true,
		"    * LIB-VER: the client lib version.":                           true,
		"NO-TOUCH (ON|OFF)":                                                true,
		"    Will not touch LRU/LFU stats when this mode is on.":           true,
		"    * MAXAGE <maxage>":                                            true,
		"      Kill connections older than the specified age, in seconds.": true,
	}
	var got []string
	for _, e := range a.Elems {
		if !extra[e.Str] {
			got = append(got, cnRender(e))
		}
	}
	var want []string
	for _, e := range b.Elems {
		want = append(want, cnRender(e))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("CLIENT HELP differs:\n redwing: %q\n   redis: %q", got, want)
	}
	p.do("CLIENT", "HELP", "x")
}

func TestConnClientInfoList(t *testing.T) {
	p := newPair(t)
	p.cnClientInfo("CLIENT", "INFO")
	p.do("CLIENT", "SETNAME", "lister")
	p.do("SELECT", "2")
	p.do("CLIENT", "NO-EVICT", "on")
	p.cnClientInfo("CLIENT", "INFO")
	rw, rd := p.cnIDs()
	// CLIENT LIST restricted to this connection.
	a, err := p.rw.Do("CLIENT", "LIST", "ID", rw)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.rd.Do("CLIENT", "LIST", "ID", rd)
	if err != nil {
		t.Fatal(err)
	}
	if x, y := cnClientLineNorm(strings.TrimSpace(a.Str)), cnClientLineNorm(strings.TrimSpace(b.Str)); x != y || !strings.HasSuffix(a.Str, "\n") {
		t.Errorf("CLIENT LIST ID self:\n redwing: %q\n   redis: %q", a.Str, b.Str)
	}
	p.do("CLIENT", "LIST", "ID", "999999999")
	p.do("CLIENT", "LIST", "ID", "0")
	p.do("CLIENT", "LIST", "ID", "abc")
	p.do("CLIENT", "LIST", "ID", "-5")
	p.do("CLIENT", "LIST", "ID")
	p.do("CLIENT", "LIST", "foo")
	p.do("CLIENT", "LIST", "TYPE")
	p.do("CLIENT", "LIST", "TYPE", "bogus")
	p.do("CLIENT", "LIST", "TYPE", "normal", "x")
	p.do("CLIENT", "LIST", "TYPE", "pubsub")
	p.do("CLIENT", "LIST", "TYPE", "MASTER")
	p.do("CLIENT", "LIST", "TYPE", "replica")
	p.do("CLIENT", "LIST", "TYPE", "slave")
	// The normal type includes this connection.
	for _, s := range []struct {
		c  *testkit.Client
		id string
	}{{p.rw, rw}, {p.rd, rd}} {
		v, err := s.c.Do("CLIENT", "LIST", "TYPE", "normal")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.TrimPrefix(v.Str, "txt:"), "id="+s.id+" ") {
			t.Errorf("CLIENT LIST TYPE normal lacks self: %q", v.Str)
		}
	}
	// Another connection's view: name, db, flags and last command.
	q := p.another()
	q.do("CLIENT", "SETNAME", "other")
	q.do("SELECT", "4")
	q.do("MULTI")
	q.do("PING")
	q.do("SET", "x", "1")
	qa, qb := q.cnIDs()
	_ = qa
	_ = qb
	p.cnBothInfo([]string{"CLIENT", "LIST", "ID", qa}, []string{"CLIENT", "LIST", "ID", qb})
	q.do("DISCARD")
	q.do("WATCH", "wk")
	p.do("SELECT", "4")
	p.do("SET", "wk", "touched")
	p.cnBothInfo([]string{"CLIENT", "LIST", "ID", qa}, []string{"CLIENT", "LIST", "ID", qb})
	p.resp3()
	p.cnClientInfo("CLIENT", "INFO")
	a, b = p.both("CLIENT", "INFO")
	if a.Type != '=' || b.Type != '=' {
		t.Errorf("RESP3 CLIENT INFO is not verbatim: %q / %q", a.Raw, b.Raw)
	}
}

// cnBothInfo compares CLIENT LIST replies for per-server arguments.
func (p *pair) cnBothInfo(rw, rd []string) {
	p.t.Helper()
	a, err := p.rw.Do(rw...)
	if err != nil {
		p.t.Fatal(err)
	}
	b, err := p.rd.Do(rd...)
	if err != nil {
		p.t.Fatal(err)
	}
	x := cnClientLineNorm(strings.TrimSpace(strings.TrimPrefix(a.Str, "txt:")))
	y := cnClientLineNorm(strings.TrimSpace(strings.TrimPrefix(b.Str, "txt:")))
	if x != y || a.Type != b.Type {
		p.t.Errorf("%s:\n redwing: %s\n   redis: %s", show(rw), x, y)
	}
}

func TestConnClientKill(t *testing.T) {
	p := newPair(t)
	for _, args := range [][]string{
		{"CLIENT", "KILL"},
		{"CLIENT", "KILL", "1.2.3.4:5"},
		{"CLIENT", "KILL", "ID", "0"},
		{"CLIENT", "KILL", "ID", "-1"},
		{"CLIENT", "KILL", "ID", "abc"},
		{"CLIENT", "KILL", "ID", "999999999"},
		{"CLIENT", "KILL", "TYPE", "foo"},
		{"CLIENT", "KILL", "TYPE", "pubsub"},
		{"CLIENT", "KILL", "TYPE", "master"},
		{"CLIENT", "KILL", "USER", "nosuchuser"},
		{"CLIENT", "KILL", "SKIPME", "maybe"},
		{"CLIENT", "KILL", "foo", "bar"},
		{"CLIENT", "KILL", "ID", "5", "SKIPME"},
		{"CLIENT", "KILL", "ADDR", "1.2.3.4:5"},
		{"CLIENT", "KILL", "LADDR", "1.2.3.4:5"},
		{"CLIENT", "KILL", "ADDR", "1.2.3.4:5", "ID", "1", "TYPE", "normal", "USER", "default", "SKIPME", "yes"},
		{"CLIENT", "KILL", "a", "b", "c"},
		{"CLIENT", "KILL", "ID", "1", "ID"},
	} {
		p.do(args...)
	}

	// Kill another connection by ID.
	q := p.another()
	qa, qb := q.cnIDs()
	p.cnBoth([]string{"CLIENT", "KILL", "ID", qa}, []string{"CLIENT", "KILL", "ID", qb})
	q.cnClosed("CLIENT KILL ID")
	p.cnBoth([]string{"CLIENT", "KILL", "ID", qa}, []string{"CLIENT", "KILL", "ID", qb}) // gone: 0
	p.cnBoth([]string{"CLIENT", "LIST", "ID", qa}, []string{"CLIENT", "LIST", "ID", qb})

	// Kill by address, old and new form.
	for _, newForm := range []bool{false, true} {
		q = p.another()
		q.do("PING") // both servers have accepted the connection
		aAddr := q.rw.Conn.LocalAddr().String()
		bAddr := q.rd.Conn.LocalAddr().String()
		if newForm {
			p.cnBoth([]string{"CLIENT", "KILL", "ADDR", aAddr, "SKIPME", "yes"}, []string{"CLIENT", "KILL", "ADDR", bAddr, "SKIPME", "yes"})
		} else {
			p.cnBoth([]string{"CLIENT", "KILL", aAddr}, []string{"CLIENT", "KILL", bAddr})
		}
		q.cnClosed("CLIENT KILL addr")
	}

	// Kill by local address and user: only other connections with SKIPME.
	q = p.another()
	qa, qb = q.cnIDs()
	aL := q.rw.Conn.RemoteAddr().String()
	bL := q.rd.Conn.RemoteAddr().String()
	p.cnBoth([]string{"CLIENT", "KILL", "LADDR", aL, "ID", qa}, []string{"CLIENT", "KILL", "LADDR", bL, "ID", qb})
	q.cnClosed("CLIENT KILL LADDR")
	q = p.another()
	qa, qb = q.cnIDs()
	p.cnBoth([]string{"CLIENT", "KILL", "USER", "default", "ID", qa, "TYPE", "normal"}, []string{"CLIENT", "KILL", "USER", "default", "ID", qb, "TYPE", "normal"})
	q.cnClosed("CLIENT KILL USER")

	// SKIPME yes (the default) spares the caller; SKIPME no kills it after
	// the reply.
	pa, pb := p.cnIDs()
	p.cnBoth([]string{"CLIENT", "KILL", "ID", pa}, []string{"CLIENT", "KILL", "ID", pb})
	p.do("PING")
	p.cnBoth([]string{"CLIENT", "KILL", "ID", pa, "SKIPME", "no"}, []string{"CLIENT", "KILL", "ID", pb, "SKIPME", "no"})
	p.cnClosed("CLIENT KILL self")

	// The old form kills the caller too.
	p = connectPair(t)
	p.cnBoth([]string{"CLIENT", "KILL", p.rw.Conn.LocalAddr().String()}, []string{"CLIENT", "KILL", p.rd.Conn.LocalAddr().String()})
	p.cnClosed("CLIENT KILL own addr")
}

func TestConnClientReply(t *testing.T) {
	p := newPair(t)
	p.sendRaw("CLIENT REPLY OFF\r\nPING\r\nSET rk 1\r\nCLIENT REPLY ON\r\n")
	p.do("GET", "rk")
	p.sendRaw("CLIENT REPLY SKIP\r\nPING\r\nECHO after\r\n")
	// SKIP while OFF does nothing; ON answers.
	p.sendRaw("CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nECHO hidden\r\nCLIENT REPLY ON\r\n")
	p.do("ECHO", "visible")
	// Errors are suppressed too.
	p.sendRaw("CLIENT REPLY OFF\r\nNOSUCHCOMMAND\r\nGET\r\nCLIENT REPLY ON\r\n")
	// SKIP skips exactly the next command, even an error.
	p.sendRaw("CLIENT REPLY SKIP\r\nNOSUCHCOMMAND\r\nECHO next\r\n")
	// Bad argument while OFF: the error is not sent either.
	p.sendRaw("CLIENT REPLY OFF\r\nCLIENT REPLY bogus\r\nCLIENT REPLY ON\r\n")
}

func TestConnClientPause(t *testing.T) {
	p := newPair(t)
	for _, args := range [][]string{
		{"CLIENT", "PAUSE"},
		{"CLIENT", "PAUSE", "abc"},
		{"CLIENT", "PAUSE", "-1"},
		{"CLIENT", "PAUSE", "1.5"},
		{"CLIENT", "PAUSE", "10", "foo"},
		{"CLIENT", "PAUSE", "abc", "foo"},
		{"CLIENT", "PAUSE", "10", "WRITE", "x"},
		{"CLIENT", "PAUSE", "1", "2", "3", "4"},
	} {
		p.do(args...)
	}
	// A write pause holds back writes of other clients but not reads.
	p.do("SET", "pk", "before")
	q := p.another()
	p.do("CLIENT", "PAUSE", "250", "WRITE")
	start := time.Now()
	q.do("GET", "pk")
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("read held back by PAUSE WRITE for %v", d)
	}
	start = time.Now()
	q.do("SET", "pk", "during")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("write not held back by PAUSE WRITE (%v)", d)
	}
	p.do("GET", "pk")
	// UNPAUSE (not a write) goes through a write pause and ends it.
	p.do("CLIENT", "PAUSE", "100000", "WRITE")
	p.do("CLIENT", "UNPAUSE")
	start = time.Now()
	q.do("SET", "pk", "after")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("UNPAUSE did not end the pause (%v)", d)
	}
	p.do("CLIENT", "PAUSE", "0")
	q.do("PING")
}

func TestConnClientUnblock(t *testing.T) {
	p := newPair(t)
	p.do("CLIENT", "UNBLOCK")
	p.do("CLIENT", "UNBLOCK", "abc")
	p.do("CLIENT", "UNBLOCK", "1", "foo")
	p.do("CLIENT", "UNBLOCK", "abc", "foo")
	p.do("CLIENT", "UNBLOCK", "abc", "timeout")
	p.do("CLIENT", "UNBLOCK", "999999", "error")
	p.do("CLIENT", "UNBLOCK", "999999", "TIMEOUT")
	p.do("CLIENT", "UNBLOCK", "1", "timeout", "x")
	q := p.another()
	qa, qb := q.cnIDs()
	p.cnBoth([]string{"CLIENT", "UNBLOCK", qa}, []string{"CLIENT", "UNBLOCK", qb}) // not blocked
	q.do("PING")
}

// Redwing-only: CLIENT SETINFO and CLIENT NO-TOUCH come from Redis 7.2,
// which the 7.0 oracle lacks; expectations are from the 7.2 documentation.
func TestConnRedis72Client(t *testing.T) {
	cl, err := testkit.Dial(redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	expect := func(want string, args ...string) {
		t.Helper()
		v, err := cl.Do(args...)
		if err != nil {
			t.Fatal(err)
		}
		if string(v.Raw) != want {
			t.Errorf("%q: got %q want %q", args, v.Raw, want)
		}
	}
	expect("+OK\r\n", "CLIENT", "SETINFO", "LIB-NAME", "redis-py")
	expect("+OK\r\n", "CLIENT", "SETINFO", "lib-ver", "5.0.1")
	expect("-ERR Unrecognized option 'lib-bogus'\r\n", "CLIENT", "SETINFO", "lib-bogus", "x")
	expect("-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n", "CLIENT", "SETINFO", "LIB-NAME", "a b")
	expect("-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n", "CLIENT", "SETINFO", "lib-ver", "1\n2")
	expect("-ERR wrong number of arguments for 'client|setinfo' command\r\n", "CLIENT", "SETINFO", "lib-name")
	v, _ := cl.Do("CLIENT", "INFO")
	if !strings.HasSuffix(v.Str, " lib-name=redis-py lib-ver=5.0.1\n") {
		t.Errorf("CLIENT INFO after SETINFO: %q", v.Str)
	}
	expect("+OK\r\n", "CLIENT", "SETINFO", "lib-name", "")
	v, _ = cl.Do("CLIENT", "INFO")
	if !strings.HasSuffix(v.Str, " lib-name= lib-ver=5.0.1\n") {
		t.Errorf("CLIENT INFO after clearing lib-name: %q", v.Str)
	}
	expect("+OK\r\n", "CLIENT", "NO-TOUCH", "on")
	v, _ = cl.Do("CLIENT", "INFO")
	if !strings.Contains(v.Str, " flags=T ") {
		t.Errorf("CLIENT INFO after NO-TOUCH on: %q", v.Str)
	}
	expect("+OK\r\n", "CLIENT", "NO-EVICT", "on")
	v, _ = cl.Do("CLIENT", "INFO")
	if !strings.Contains(v.Str, " flags=eT ") {
		t.Errorf("CLIENT INFO with NO-EVICT and NO-TOUCH: %q", v.Str)
	}
	expect("+OK\r\n", "CLIENT", "NO-TOUCH", "OFF")
	expect("-ERR syntax error\r\n", "CLIENT", "NO-TOUCH", "maybe")
	expect("-ERR wrong number of arguments for 'client|no-touch' command\r\n", "CLIENT", "NO-TOUCH")
	expect("+OK\r\n", "CLIENT", "NO-TOUCH", "on")
	expect("+RESET\r\n", "RESET")
	v, _ = cl.Do("CLIENT", "INFO")
	if !strings.Contains(v.Str, " flags=N ") || !strings.Contains(v.Str, " lib-ver=5.0.1\n") {
		t.Errorf("RESET must clear NO-TOUCH/NO-EVICT and keep the library info: %q", v.Str)
	}
	// CLIENT KILL MAXAGE (Redis 7.4): a fresh connection is not older than 100s.
	other, err := testkit.Dial(redwingAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	idv, _ := other.Do("CLIENT", "ID")
	id := strconv.FormatInt(idv.Int, 10)
	expect(":0\r\n", "CLIENT", "KILL", "ID", id, "MAXAGE", "100")
	expect("-ERR value is not an integer or out of range\r\n", "CLIENT", "KILL", "MAXAGE", "x")
	expect(":1\r\n", "CLIENT", "KILL", "ID", id, "MAXAGE", "0")
	if _, err := other.ReadTimeout(time.Second); err == nil {
		t.Error("CLIENT KILL MAXAGE did not close the connection")
	}
	// COMMAND INFO and DOCS describe the 7.2 subcommands.
	v, _ = cl.Do("COMMAND", "INFO", "client|setinfo", "client|no-touch")
	if len(v.Elems) != 2 || v.Elems[0].Elems[0].Str != "client|setinfo" || v.Elems[0].Elems[1].Int != 4 || v.Elems[1].Elems[1].Int != 3 {
		t.Errorf("COMMAND INFO client|setinfo client|no-touch: %q", v.Raw)
	}
}

// cnHas reports whether Redwing has registered the command (full name),
// for tests that need commands of other families.
func (p *pair) cnHas(name string) bool {
	p.t.Helper()
	v, err := p.rw.Do("COMMAND", "INFO", name)
	if err != nil {
		p.t.Fatal(err)
	}
	return len(v.Elems) == 1 && !v.Elems[0].Null
}

// cnSortedStrings returns the bulk strings of an array reply, sorted.
func cnSortedStrings(v testkit.Value) []string {
	var out []string
	for _, e := range v.Elems {
		out = append(out, e.Str)
	}
	sort.Strings(out)
	return out
}
