package command

import (
	"strconv"
	"strings"
	"testing"
)

// noComplexity lists the commands for which Redis documents no time
// complexity; COMMAND DOCS omits the field for them.
var noComplexity = map[string]bool{"lolwut": true, "monitor": true, "psync": true, "sync": true}

// allNames returns every command and subcommand name of the table.
func allNames() map[string]*Spec {
	out := map[string]*Spec{}
	var add func(s *Spec)
	add = func(s *Spec) {
		out[s.Name] = s
		for _, sub := range s.Subs {
			add(sub)
		}
	}
	for _, s := range All() {
		add(s)
	}
	return out
}

func TestCommandComplexityNames(t *testing.T) {
	names := allNames()
	for name, text := range complexities {
		if names[name] == nil {
			t.Errorf("complexity for unknown command %q", name)
		}
		if noComplexity[name] {
			t.Errorf("%s has a complexity but Redis documents none", name)
		}
		if strings.TrimSpace(text) != text || text == "" {
			t.Errorf("%s: badly formed complexity %q", name, text)
		}
	}
	for name, h := range histories {
		if names[name] == nil {
			t.Errorf("history for unknown command %q", name)
		}
		if len(h) == 0 {
			t.Errorf("%s: empty history", name)
		}
	}
}

func TestCommandComplexityEverySpec(t *testing.T) {
	for name, s := range allNames() {
		switch {
		case noComplexity[name] && s.Complexity != "":
			t.Errorf("%s: complexity %q, Redis documents none", name, s.Complexity)
		case !noComplexity[name] && s.Complexity == "":
			t.Errorf("%s: no complexity", name)
		}
		for _, h := range s.History {
			if h.Version == "" || h.Change == "" {
				t.Errorf("%s: incomplete history entry %q", name, h)
			}
		}
		for i := 1; i < len(s.History); i++ {
			if versionLess(s.History[i].Version, s.History[i-1].Version) {
				t.Errorf("%s: history not in version order", name)
			}
		}
	}
}

// versionLess compares dotted version numbers such as "2.8.12".
func versionLess(a, b string) bool {
	x, y := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(x) && i < len(y); i++ {
		m, _ := strconv.Atoi(x[i])
		n, _ := strconv.Atoi(y[i])
		if m != n {
			return m < n
		}
	}
	return len(x) < len(y)
}
