package commands

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/command"
)

// cmdinfoSpecKeys must find the same keys as command.AppendKeys (which the
// dispatcher uses for locking) whenever the key specs apply.
func TestCommandSpecKeysAgreeWithAppendKeys(t *testing.T) {
	x := newCnEnv(t)
	rng := rand.New(rand.NewSource(1))
	words := []string{"k", "0", "1", "2", "3", "-1", "STORE", "STREAMS", "KEYS", "BY", "GET", "LIMIT", "WEIGHTS", "x"}
	checked := 0
	for _, cmd := range x.e.Commands() {
		specs := []*command.Spec{cmd.Spec}
		for _, sc := range cmd.Subs {
			specs = append(specs, sc.Spec)
		}
		for _, s := range specs {
			for n := 0; n < 200; n++ {
				argv := [][]byte{[]byte(s.Name)}
				top := cmd.Spec
				if strings.Contains(s.Name, "|") {
					_, sub, _ := strings.Cut(s.Name, "|")
					argv = append(argv, []byte(sub))
				}
				for i := rng.Intn(9); i > 0; i-- {
					argv = append(argv, []byte(words[rng.Intn(len(words))]))
				}
				if !s.CheckArity(len(argv)) || !s.HasKeys() {
					continue
				}
				refs, ok := cmdinfoSpecKeys(s, argv)
				if !ok {
					continue
				}
				varFlags := false
				for _, ks := range s.KeySpecs {
					varFlags = varFlags || cmdinfoHasFlag(ks.Flags, "variable_flags")
				}
				if varFlags {
					continue
				}
				pos, err := command.AppendKeys(nil, top, argv)
				if err != nil && len(refs) > 0 {
					t.Errorf("%q: AppendKeys error %v, spec keys %v", argv, err, refs)
					continue
				}
				var got []string
				for _, r := range refs {
					got = append(got, strconv.Itoa(r.pos))
				}
				var want []string
				for _, p := range pos {
					want = append(want, strconv.Itoa(p))
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%q: spec keys %v, AppendKeys %v", argv, got, want)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d command lines checked", checked)
	}
}

func TestCommandIntrospectionRegistered(t *testing.T) {
	x := newCnEnv(t)
	c := x.client()
	x.expect(c, ":"+strconv.Itoa(len(x.e.Commands()))+"\r\n", "COMMAND", "COUNT")
	out := cnRun(x.e, c, "COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*")
	// Sorted, with the Redis 7.2 subcommands.
	if !strings.Contains(out, "client|no-evict\r\n$15\r\nclient|no-touch\r\n") || !strings.Contains(out, "client|setinfo\r\n$14\r\nclient|setname\r\n") {
		t.Fatalf("COMMAND LIST client|*: %q", out)
	}
	out = cnRun(x.e, c, "COMMAND", "INFO", "client|setinfo")
	if !strings.HasPrefix(out, "*1\r\n*10\r\n$14\r\nclient|setinfo\r\n:4\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n") {
		t.Fatalf("COMMAND INFO client|setinfo: %q", out)
	}
	// Every registered command documents itself with our own summary.
	cnRun(x.e, c, "HELLO", "3")
	for name, cmd := range x.e.Commands() {
		if cmd.Spec.Summary == "" {
			t.Errorf("%s has no summary", name)
		}
		for sub, sc := range cmd.Subs {
			if sc.Spec.Summary == "" {
				t.Errorf("%s|%s has no summary", name, sub)
			}
		}
		out := cnRun(x.e, c, "COMMAND", "DOCS", name)
		if !strings.HasPrefix(out, "%1\r\n$"+strconv.Itoa(len(name))+"\r\n"+name+"\r\n%") {
			t.Errorf("COMMAND DOCS %s: %q", name, out)
		}
	}
}
