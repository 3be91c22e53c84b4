package commands

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Unit tests of what the differential tests cannot see: the effects the
// sorted set, geo, HyperLogLog and SORT commands propagate.

type ztSink struct {
	mu      sync.Mutex
	effects []string
}

func (s *ztSink) Write(batch []engine.Effect) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range batch {
		parts := make([]string, len(e.Argv))
		for i, a := range e.Argv {
			parts[i] = string(a)
		}
		s.effects = append(s.effects, strings.Join(parts, " "))
	}
}

func (s *ztSink) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.effects
	s.effects = nil
	return out
}

type ztEnv struct {
	t    *testing.T
	e    *engine.Engine
	c    *engine.Client
	sink *ztSink
}

func newZtEnv(t *testing.T) *ztEnv {
	t.Helper()
	ks := keyspace.New(16, clock.NewFake(1_700_000_000_000))
	e, err := engine.New(ks, config.New())
	if err != nil {
		t.Fatal(err)
	}
	x := &ztEnv{t: t, e: e, sink: &ztSink{}}
	e.AddSink(x.sink)
	x.c = e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", -1)
	t.Cleanup(func() { e.RemoveClient(x.c) })
	return x
}

func (x *ztEnv) do(args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	x.c.W.Reset()
	x.e.Exec(x.c, argv)
	return string(x.c.W.Buf)
}

// effects runs a command and checks what it propagated.
func (x *ztEnv) effects(want []string, args ...string) {
	x.t.Helper()
	x.sink.take()
	reply := x.do(args...)
	got := x.sink.take()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		x.t.Errorf("%q (reply %q): propagated %q, want %q", args, reply, got, want)
	}
}

func TestZSetPropagation(t *testing.T) {
	x := newZtEnv(t)
	x.effects([]string{"ZADD z 1 a 2 b 3 c 4 d 5 e"}, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
	x.effects(nil, "ZADD", "z", "1", "a")
	x.effects(nil, "ZADD", "z", "NX", "9", "a")
	x.effects(nil, "ZREM", "z", "nosuch")
	x.effects(nil, "ZRANDMEMBER", "z", "2")
	x.effects(nil, "ZINCRBY", "z", "x", "a")
	x.effects([]string{"ZINCRBY z 1 a"}, "ZINCRBY", "z", "1", "a")
	x.effects([]string{"ZPOPMIN z"}, "ZPOPMIN", "z")
	x.effects([]string{"ZPOPMAX z"}, "BZPOPMAX", "z", "0")
	x.effects([]string{"ZPOPMIN z 2"}, "ZMPOP", "1", "z", "MIN", "COUNT", "2")
	x.effects([]string{"ZPOPMAX z 1"}, "BZMPOP", "0", "2", "nokey", "z", "MAX", "COUNT", "10")
	x.effects(nil, "ZMPOP", "1", "z", "MIN")
	x.effects(nil, "BZPOPMIN", "z", "0.01")
	x.effects([]string{"zadd g 3479099956230698 p"}, "GEOADD", "g", "13.361389", "38.115556", "p")
	x.effects(nil, "GEOADD", "g", "13.361389", "38.115556", "p")
	x.effects(nil, "GEOADD", "g", "13.361389", "100", "q")
	x.effects([]string{"GEORADIUS g 13 38 100 km STORE d"}, "GEORADIUS", "g", "13", "38", "100", "km", "STORE", "d")
	x.effects(nil, "ZUNIONSTORE", "nothing", "1", "nokey")
	x.effects([]string{"PFADD h a"}, "PFADD", "h", "a")
	x.effects([]string{"PFCOUNT h"}, "PFCOUNT", "h")
	x.effects(nil, "PFCOUNT", "h")
	x.effects(nil, "PFADD", "h", "a")
	x.effects([]string{"RPUSH l b a"}, "RPUSH", "l", "b", "a")
	x.effects(nil, "SORT", "l", "ALPHA")
	x.effects([]string{"SORT l ALPHA STORE s"}, "SORT", "l", "ALPHA", "STORE", "s")
}

// TestZSetServedPopPropagation checks that a blocked pop served by a later
// write is propagated as ZPOPMIN/ZPOPMAX after the write.
func TestZSetServedPopPropagation(t *testing.T) {
	x := newZtEnv(t)
	blocked := x.e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", -1)
	defer x.e.RemoveClient(blocked)
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"BZPOPMIN", "k", "0"}, "ZPOPMIN k"},
		{[]string{"BZMPOP", "0", "1", "k", "MAX", "COUNT", "5"}, "ZPOPMAX k 2"},
	} {
		argv := make([][]byte, len(tc.cmd))
		for i, a := range tc.cmd {
			argv[i] = []byte(a)
		}
		blocked.W.Reset()
		x.e.Exec(blocked, argv)
		if !blocked.Blocked() {
			t.Fatalf("%v did not block", tc.cmd)
		}
		done := make(chan bool)
		go func() { done <- x.e.WaitBlocked(blocked, nil) }()
		x.sink.take()
		x.do("ZADD", "k", "1", "a", "2", "b")
		<-done
		got := x.sink.take()
		want := []string{"ZADD k 1 a 2 b", tc.want}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v: propagated %q, want %q", tc.cmd, got, want)
		}
		x.do("DEL", "k")
	}
}
