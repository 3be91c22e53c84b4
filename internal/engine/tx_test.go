package engine

import (
	"testing"
	"time"
)

// Minimal transaction handlers for the engine's own tests (the commands
// package is not linked in): EXEC registered NoLock calls ExecTx, which
// takes the world lock exclusively, so any lock held around a NoLock
// handler would deadlock.
func init() {
	Register("multi", func(c *Ctx) { c.C.Multi = &MultiState{}; c.W.OK() })
	Register("watch", func(c *Ctx) {
		for _, k := range c.Argv[1:] {
			c.E.Watch(c.C, c.DB.ID, string(k))
		}
		c.W.OK()
	})
	Register("exec", func(c *Ctx) {
		m := c.C.Multi
		if m == nil {
			c.ErrString("ERR EXEC without MULTI")
			return
		}
		if m.Aborted {
			c.E.DiscardTx(c.C)
			c.ErrString("EXECABORT Transaction discarded because of previous errors.")
			return
		}
		c.E.ExecTx(c.C, m.Queue)
	}, NoLock)
}

func runTimeout(t *testing.T, e *Engine, c *Client, args ...string) string {
	t.Helper()
	done := make(chan string, 1)
	go func() { done <- run(e, c, args...) }()
	select {
	case out := <-done:
		return out
	case <-time.After(5 * time.Second):
		t.Fatalf("%q deadlocked", args)
		return ""
	}
}

func TestNoLockExec(t *testing.T) {
	e, clk := newTestEngine(t, settings{})
	if cmd := e.Lookup([]byte("exec")); cmd == nil || !cmd.NoLock {
		t.Fatal("exec is not NoLock")
	}
	if cmd := e.Lookup([]byte("get")); cmd.NoLock {
		t.Fatal("get is NoLock")
	}
	c := e.NewClient(nil, "", "", 0)
	other := e.NewClient(nil, "", "", 0)
	run(e, c, "multi")
	run(e, c, "set", "k", "1")
	run(e, c, "incr", "k")
	if got := runTimeout(t, e, c, "exec"); got != "*2\r\n+OK\r\n:2\r\n" {
		t.Fatalf("exec: %q", got)
	}
	if c.Multi != nil || e.Watching(c) {
		t.Fatal("ExecTx did not end the transaction")
	}
	// A touched watch fails the transaction with the null array.
	run(e, c, "watch", "k")
	run(e, other, "set", "k", "x")
	run(e, c, "multi")
	run(e, c, "set", "k", "mine")
	if got := runTimeout(t, e, c, "exec"); got != "*-1\r\n" {
		t.Fatalf("exec after touch: %q", got)
	}
	if got := run(e, c, "get", "k"); got != "$1\r\nx\r\n" {
		t.Fatalf("failed transaction ran: %q", got)
	}
	// A watched key that expires before EXEC fails it too.
	run(e, c, "expire", "k", "1") // the test handler always sets 1s
	run(e, c, "watch", "k")
	clk.Advance(2 * time.Second)
	run(e, c, "multi")
	run(e, c, "ping")
	if got := runTimeout(t, e, c, "exec"); got != "*-1\r\n" {
		t.Fatalf("exec after expiry: %q", got)
	}
}

func TestRejectedExecAborts(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	c := e.NewClient(nil, "", "", 0)
	run(e, c, "multi")
	run(e, c, "set", "k", "v")
	if got := run(e, c, "EXEC", "x"); got != "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n" {
		t.Fatalf("EXEC x: %q", got)
	}
	if c.Multi != nil {
		t.Fatal("rejected EXEC left the transaction open")
	}
	e2, _ := newTestEngine(t, settings{"requirepass": "pw"})
	c2 := e2.NewClient(nil, "", "", 0)
	if got := run(e2, c2, "exec"); got != "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n" {
		t.Fatalf("EXEC before AUTH: %q", got)
	}
	if got := run(e2, c2, "get", "k"); got != "-NOAUTH Authentication required.\r\n" {
		t.Fatalf("GET before AUTH: %q", got)
	}
}

func TestUnknownCommandText(t *testing.T) {
	long := func(c byte, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = c
		}
		return string(b)
	}
	cases := []struct {
		argv []string
		want string
	}{
		{[]string{"nosuch", long('a', 100), long('b', 100)}, "ERR unknown command 'nosuch', with args beginning with: '" + long('a', 100) + "' '" + long('b', 25) + "' "},
		{[]string{"x\x00y", "a\x00b"}, "ERR unknown command 'x', with args beginning with: 'a' "},
		{[]string{long('z', 200)}, "ERR unknown command '" + long('z', 128) + "', with args beginning with: "},
	}
	for _, tc := range cases {
		argv := make([][]byte, len(tc.argv))
		for i, a := range tc.argv {
			argv[i] = []byte(a)
		}
		if got := unknownCommand(argv); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.argv, got, tc.want)
		}
	}
}

func TestSecurityAttackCloses(t *testing.T) {
	e, _ := newTestEngine(t, settings{})
	c := e.NewClient(nil, "", "", 0)
	run(e, c, "ping")
	e.Exec(c, [][]byte{[]byte("Host:"), []byte("x")})
	if !c.Closing || c.W.Len() != 0 {
		t.Fatalf("Host: closing %v pending %q", c.Closing, c.W.Buf)
	}
}
