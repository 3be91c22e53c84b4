package commands

import (
	"testing"
)

// TestBlockingServedEffects blocks one client, serves it from another
// client's push and checks the reply and the propagated effects: a served
// BLPOP is propagated as LPOP, BLMOVE as LMOVE, BLMPOP as LPOP key count.
func TestBlockingServedEffects(t *testing.T) {
	x := newHxEnv(t)
	a := x.c
	b := x.e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", -1)
	defer x.e.RemoveClient(b)
	exec := func(c2 string, args ...string) string {
		argv := make([][]byte, len(args))
		for i, s := range args {
			argv[i] = []byte(s)
		}
		cl := a
		if c2 == "b" {
			cl = b
		}
		cl.W.Reset()
		x.e.Exec(cl, argv)
		return string(cl.W.Buf)
	}
	closed := make(chan struct{})
	for _, tc := range []struct {
		block  []string
		push   []string
		reply  string
		effect []string
	}{
		{[]string{"BLPOP", "k", "0"}, []string{"RPUSH", "k", "v"}, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n", []string{"RPUSH k v", "LPOP k"}},
		{[]string{"BRPOP", "k", "k2", "0"}, []string{"LPUSH", "k2", "v", "w"}, "*2\r\n$2\r\nk2\r\n$1\r\nv\r\n", []string{"LPUSH k2 v w", "RPOP k2"}},
		{[]string{"BLMOVE", "s", "d", "RIGHT", "LEFT", "0"}, []string{"RPUSH", "s", "1", "2"}, "$1\r\n2\r\n", []string{"RPUSH s 1 2", "LMOVE s d RIGHT LEFT"}},
		{[]string{"BRPOPLPUSH", "s2", "d", "0"}, []string{"RPUSH", "s2", "3"}, "$1\r\n3\r\n", []string{"RPUSH s2 3", "RPOPLPUSH s2 d"}},
		{[]string{"BLMPOP", "0", "2", "m1", "m2", "LEFT", "COUNT", "3"}, []string{"RPUSH", "m2", "a", "b"}, "*2\r\n$2\r\nm2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n", []string{"RPUSH m2 a b", "LPOP m2 2"}},
	} {
		x.take()
		if got := exec("a", tc.block...); got != "" || !a.Blocked() {
			t.Fatalf("%v: did not block (%q)", tc.block, got)
		}
		if got := x.e.BlockedClients(); got != 1 {
			t.Fatalf("BlockedClients = %d", got)
		}
		exec("b", tc.push...)
		a.W.Reset()
		if !x.e.WaitBlocked(a, closed) {
			t.Fatalf("%v: wait cancelled", tc.block)
		}
		if got := string(a.W.Buf); got != tc.reply {
			t.Errorf("%v: reply %q, want %q", tc.block, got, tc.reply)
		}
		_, effects := x.take()
		kxLike(t, "effects", effects, tc.effect)
		if got := x.e.BlockedClients(); got != 0 {
			t.Fatalf("BlockedClients after serving = %d", got)
		}
	}
	// A closed connection cancels the wait; the push then stays in the list.
	exec("a", "BLPOP", "gone", "0")
	close(closed)
	if x.e.WaitBlocked(a, closed) {
		t.Fatal("wait not cancelled")
	}
	exec("b", "RPUSH", "gone", "v")
	if got := exec("b", "LLEN", "gone"); got != ":1\r\n" {
		t.Fatalf("LLEN gone = %q", got)
	}
}
