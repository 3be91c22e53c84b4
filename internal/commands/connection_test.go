package commands

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Unit tests of the connection, transaction and COMMAND families with an
// in-process engine: what the differential tests cannot see (Redwing-only
// fields and flags, propagation, deterministic expiry, races).

type cnEnv struct {
	t    *testing.T
	clk  *clock.Fake
	cfg  *config.Config
	e    *engine.Engine
	sink *cnSink
}

type cnSink struct {
	mu      sync.Mutex
	batches []string
}

func (s *cnSink) Write(batch []engine.Effect) {
	var parts []string
	for _, ef := range batch {
		args := make([]string, len(ef.Argv))
		for i, a := range ef.Argv {
			args[i] = string(a)
		}
		parts = append(parts, strings.Join(args, " "))
	}
	s.mu.Lock()
	s.batches = append(s.batches, strings.Join(parts, " | "))
	s.mu.Unlock()
}

func (s *cnSink) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.batches
	s.batches = nil
	return out
}

func newCnEnv(t *testing.T, directives ...string) *cnEnv {
	t.Helper()
	x := &cnEnv{t: t, clk: clock.NewFake(1_700_000_000_000), cfg: config.New(), sink: &cnSink{}}
	if len(directives) > 0 {
		if err := x.cfg.Set(directives...); err != nil {
			t.Fatal(err)
		}
	}
	e, err := engine.New(keyspace.New(16, x.clk), x.cfg)
	if err != nil {
		t.Fatal(err)
	}
	x.e = e
	e.AddSink(x.sink)
	return x
}

func (x *cnEnv) client() *engine.Client {
	c := x.e.NewClient(nil, "127.0.0.1:5000", "127.0.0.1:6379", 7)
	x.t.Cleanup(func() { x.e.RemoveClient(c) })
	return c
}

func cnRun(e *engine.Engine, c *engine.Client, args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	c.W.Reset()
	e.Exec(c, argv)
	return string(c.W.Buf)
}

func (x *cnEnv) expect(c *engine.Client, want string, args ...string) {
	x.t.Helper()
	if got := cnRun(x.e, c, args...); got != want {
		x.t.Errorf("%q: got %q, want %q", args, got, want)
	}
}

func TestConnHelloReply(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	id := strconv.FormatInt(c.ID, 10)
	v := engine.RedisVersion
	x.expect(c, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$"+strconv.Itoa(len(v))+"\r\n"+v+
		"\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:"+id+"\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n", "HELLO", "3")
	if c.Proto != 3 || c.W.Proto != 3 {
		t.Fatalf("HELLO 3 left proto %d / writer %d", c.Proto, c.W.Proto)
	}
	x.expect(c, "_\r\n", "CLIENT", "GETNAME")
	x.expect(c, "+RESET\r\n", "RESET")
	if c.Proto != 2 || c.W.Proto != 2 {
		t.Fatalf("RESET left proto %d / writer %d", c.Proto, c.W.Proto)
	}
	x.expect(c, "$-1\r\n", "CLIENT", "GETNAME")
}

func TestConnAuthRequirePass(t *testing.T) {
	x := newCnEnv(t, "requirepass", "s3cret")
	c := x.client()
	x.expect(c, "-NOAUTH Authentication required.\r\n", "GET", "k")
	x.expect(c, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n", "HELLO", "3")
	x.expect(c, "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n", "EXEC")
	x.expect(c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "bad")
	x.expect(c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "other", "s3cret")
	x.expect(c, "+OK\r\n", "AUTH", "s3cret")
	x.expect(c, "$-1\r\n", "GET", "k")
	x.expect(c, "+RESET\r\n", "RESET")
	x.expect(c, "-NOAUTH Authentication required.\r\n", "GET", "k")
	x.expect(c, "+OK\r\n", "AUTH", "default", "s3cret")
	if c.User == nil || c.User.Name != "default" || !c.Authed {
		t.Fatalf("after AUTH: user %v authed %v", c.User, c.Authed)
	}
}

// cnInfoLine returns the CLIENT LIST line of target as seen by c.
func (x *cnEnv) cnInfoLine(c, target *engine.Client) string {
	x.t.Helper()
	out := cnRun(x.e, c, "CLIENT", "LIST", "ID", strconv.FormatInt(target.ID, 10))
	_, body, ok := strings.Cut(out, "\r\n")
	if !ok {
		x.t.Fatalf("CLIENT LIST: %q", out)
	}
	return strings.TrimSuffix(strings.TrimSuffix(body, "\r\n"), "\n")
}

func cnField(line, name string) string {
	for _, f := range strings.Fields(line) {
		if k, v, _ := strings.Cut(f, "="); k == name {
			return v
		}
	}
	return "<absent>"
}

func TestConnClientListFormat(t *testing.T) {
	x := newCnEnv(t)
	a, b := x.client(), x.client()
	line := x.cnInfoLine(a, b)
	var keys []string
	for _, f := range strings.Fields(line) {
		k, _, _ := strings.Cut(f, "=")
		keys = append(keys, k)
	}
	want := "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp lib-name lib-ver"
	if strings.Join(keys, " ") != want {
		t.Fatalf("CLIENT LIST fields:\n got %s\nwant %s", strings.Join(keys, " "), want)
	}
	for k, v := range map[string]string{"addr": "127.0.0.1:5000", "laddr": "127.0.0.1:6379", "fd": "7", "flags": "N", "multi": "-1", "cmd": "NULL", "user": "default", "redir": "-1", "resp": "2", "db": "0"} {
		if got := cnField(line, k); got != v {
			t.Errorf("%s=%s, want %s (%s)", k, got, v, line)
		}
	}
	// Another client's transaction, name, library and modes.
	cnRun(x.e, b, "CLIENT", "SETNAME", "bee")
	cnRun(x.e, b, "CLIENT", "SETINFO", "LIB-NAME", "lib")
	cnRun(x.e, b, "CLIENT", "SETINFO", "LIB-VER", "1.2")
	cnRun(x.e, b, "SELECT", "3")
	cnRun(x.e, b, "CLIENT", "NO-EVICT", "on")
	cnRun(x.e, b, "CLIENT", "NO-TOUCH", "on")
	cnRun(x.e, b, "WATCH", "w")
	cnRun(x.e, b, "MULTI")
	cnRun(x.e, b, "SET", "k", "v")
	cnRun(x.e, b, "GET", "k")
	cnRun(x.e, a, "SELECT", "3")
	cnRun(x.e, a, "SET", "w", "touched")
	line = x.cnInfoLine(a, b)
	for k, v := range map[string]string{"name": "bee", "db": "3", "flags": "xdeT", "multi": "2", "multi-mem": strconv.Itoa(3 + 1 + 1 + 8*3 + 3 + 1 + 8*2), "cmd": "get", "lib-name": "lib", "lib-ver": "1.2"} {
		if got := cnField(line, k); got != v {
			t.Errorf("%s=%s, want %s (%s)", k, got, v, line)
		}
	}
	// A client that was killed is no longer listed.
	x.expect(a, ":1\r\n", "CLIENT", "KILL", "ID", strconv.FormatInt(b.ID, 10))
	if !b.Killed() {
		t.Fatal("CLIENT KILL did not kill the client")
	}
	if out := cnRun(x.e, a, "CLIENT", "LIST", "ID", strconv.FormatInt(b.ID, 10)); out != "$0\r\n\r\n" {
		t.Fatalf("killed client still listed: %q", out)
	}
	x.expect(a, ":0\r\n", "CLIENT", "KILL", "ID", strconv.FormatInt(b.ID, 10))
	// Killing oneself (SKIPME no) closes after the reply.
	x.expect(a, ":1\r\n", "CLIENT", "KILL", "ID", strconv.FormatInt(a.ID, 10), "SKIPME", "no")
	if !a.Closing {
		t.Fatal("CLIENT KILL of oneself did not set Closing")
	}
}

func TestConnClientListUnixSocket(t *testing.T) {
	x := newCnEnv(t)
	a := x.client()
	u := x.e.NewClient(nil, "@", "/tmp/redwing.sock", 9)
	t.Cleanup(func() { x.e.RemoveClient(u) })
	line := x.cnInfoLine(a, u)
	if cnField(line, "addr") != "/tmp/redwing.sock:0" || cnField(line, "laddr") != "/tmp/redwing.sock:0" || cnField(line, "flags") != "U" {
		t.Fatalf("unix socket client: %s", line)
	}
	x.expect(a, ":1\r\n", "CLIENT", "KILL", "ADDR", "/tmp/redwing.sock:0")
}

func TestConnClientReplyModes(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	x.expect(c, "", "CLIENT", "REPLY", "OFF")
	x.expect(c, "", "PING")
	x.expect(c, "", "CLIENT", "REPLY", "SKIP")
	x.expect(c, "+OK\r\n", "CLIENT", "REPLY", "ON")
	x.expect(c, "", "CLIENT", "REPLY", "SKIP")
	x.expect(c, "", "PING")
	x.expect(c, "+PONG\r\n", "PING")
	x.expect(c, "", "CLIENT", "REPLY", "OFF")
	x.expect(c, "+RESET\r\n", "RESET")
	x.expect(c, "+PONG\r\n", "PING")
}

func TestConnSeams(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	old := connSubscriptions
	t.Cleanup(func() { connSubscriptions = old })
	connSubscriptions = func(cl *engine.Client) (int, int, int) {
		if cl == c {
			return 2, 1, 0
		}
		return 0, 0, 0
	}
	x.expect(c, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
	x.expect(c, "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", "PING", "hi")
	line := x.cnInfoLine(c, c)
	if cnField(line, "flags") != "P" || cnField(line, "sub") != "2" || cnField(line, "psub") != "1" {
		t.Fatalf("subscribed client: %s", line)
	}
	other := x.client()
	x.expect(other, ":1\r\n", "CLIENT", "KILL", "TYPE", "pubsub")
	cnRun(x.e, c, "HELLO", "3")
	x.expect(c, "+PONG\r\n", "PING") // RESP3: a plain reply
	ran := false
	connResetHooks = append(connResetHooks, func(*engine.Ctx) { ran = true })
	t.Cleanup(func() { connResetHooks = connResetHooks[:len(connResetHooks)-1] })
	cnRun(x.e, other, "RESET")
	if !ran {
		t.Fatal("RESET did not run the reset hooks")
	}
}

func TestConnSecurityAttack(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	c.W.Reset()
	x.e.Exec(c, [][]byte{[]byte("PING")})
	x.e.Exec(c, [][]byte{[]byte("POST"), []byte("/")})
	if !c.Closing || c.W.Len() != 0 {
		t.Fatalf("POST: closing %v, pending %q", c.Closing, c.W.Buf)
	}
}

// With enable-module-command allowing it, MODULE LOAD and UNLOAD fail as
// Redis's do for a library that cannot be loaded and an absent module.
func TestModuleCommandsWhenEnabled(t *testing.T) {
	x := newCnEnv(t)
	if err := x.cfg.SetInternal("enable-module-command", "yes"); err != nil { // immutable: as from the config file
		t.Fatal(err)
	}
	c := x.client()
	x.expect(c, "-ERR Error loading the extension. Please check the server logs.\r\n", "MODULE", "LOAD", "/nonexistent.so")
	x.expect(c, "-ERR Error loading the extension. Please check the server logs.\r\n", "MODULE", "LOADEX", "/nonexistent.so", "ARGS", "a")
	x.expect(c, "-ERR Error unloading module: no such module with that name\r\n", "MODULE", "UNLOAD", "foo")
	x.expect(c, "*0\r\n", "MODULE", "LIST")
}

// A handler that panics (a bug) costs its command an error reply, not the
// server: the locks it held are released (the next commands on the same
// keys run), a partial reply is dropped, and it is not propagated.
func TestHandlerPanicIsContained(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	var logged []string
	x.e.SetLogf(func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) })
	for _, name := range []string{"get", "mset", "flushall"} { // shard locks, several shards, the world lock
		cmd := x.e.Lookup([]byte(name))
		orig := cmd.Proc
		cmd.Proc = func(c *engine.Ctx) {
			c.W.Array(2) // a partial reply
			panic("boom")
		}
		var args []string
		switch name {
		case "get":
			args = []string{"GET", "k"}
		case "mset":
			args = []string{"MSET", "a", "1", "b", "2", "c", "3"}
		default:
			args = []string{"FLUSHALL"}
		}
		x.expect(c, "-ERR internal error while executing '"+name+"', see the server log\r\n", args...)
		cmd.Proc = orig
		x.expect(c, "+OK\r\n", "MSET", "k", "v", "a", "1", "b", "2", "c", "3")
		x.expect(c, "$1\r\nv\r\n", "GET", "k")
		x.expect(c, "+OK\r\n", "MULTI")
		x.expect(c, "+QUEUED\r\n", "GET", "k")
		x.expect(c, "*1\r\n$1\r\nv\r\n", "EXEC")
	}
	if len(logged) != 3 || !strings.Contains(logged[0], "panicked: boom") {
		t.Fatalf("log: %q", logged)
	}
	for _, w := range x.sink.take() {
		if strings.HasPrefix(w, "FLUSHALL") {
			t.Fatalf("a panicked command was propagated: %q", w)
		}
	}
}
