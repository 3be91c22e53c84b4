package config

import (
	"strings"
	"testing"
)

// FuzzLoadConfig parses arbitrary config text. It must never panic; a
// successful load must survive a rewrite and reload with the same values,
// and a failed load must leave the configuration unchanged.
func FuzzLoadConfig(f *testing.F) {
	for _, seed := range []string{
		"port 7000\nsave 1 1\nsave \"\"\n",
		"requirepass \"a\\x41\\n b\"\nmasterauth 'it\\'s'\n",
		"client-output-buffer-limit normal 1mb 2mb 3 replica 0 0 0\n",
		"notify-keyspace-events KEA\nlatency-tracking-info-percentiles 0x10 1e1\n",
		"bind 127.0.0.1 -::1\nreplicaof 127.0.0.1 6380\n",
		"shutdown-on-sigint nosave now\noom-score-adj-values -1 0 1\n",
		"maxmemory-clients 10%\nunixsocketperm 0700\nhz 9999\n",
		"include /nonexistent\nrename-command a b\nuser x on\nmod.x 1\n",
		"save 1 2180065408\n", "bogus\n", "port \"1\n", "\x00\xff\"'\\", "# only a comment\n\n\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 2048 {
			t.Skip("long inputs make minimisation slow")
		}
		// Directive names are case-insensitive: "inCluDe /*/*10" once
		// globbed its way to /dev/tty10 and blocked reading it (the corpus
		// keeps it).
		if lower := strings.ToLower(text); strings.Contains(lower, "include") || strings.Contains(lower, "logfile") || strings.Contains(lower, "dir") {
			t.Skip("touches the filesystem")
		}
		c := New()
		if err := c.LoadReader(strings.NewReader(text)); err != nil {
			for _, p := range c.params {
				if p.cur.Load() != p.def {
					t.Fatalf("failed load changed %s", p.spec.Name)
				}
			}
			return
		}
		if strings.Contains(c.String("save"), "-") {
			return // Redis quirk: save changes are truncated to an int and may rewrite as invalid
		}
		content := c.RewriteText(text)
		c2 := New()
		if err := c2.LoadReader(strings.NewReader(content)); err != nil {
			t.Fatalf("reload of rewritten text failed: %v\n%s", err, content)
		}
		for i, p := range c.params {
			if p.spec.Name == "dir" {
				continue
			}
			if g, w := c2.params[i].String(), p.String(); g != w {
				t.Fatalf("%s: %q after rewrite+reload, want %q\n%s", p.spec.Name, g, w, content)
			}
		}
	})
}

// FuzzSplitArgs checks that Quote and SplitArgs round-trip.
func FuzzSplitArgs(f *testing.F) {
	f.Add("plain")
	f.Add("a \"b\" \\x41 \x00 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		SplitArgs(s)
		if strings.IndexByte(s, 0) >= 0 {
			return
		}
		got, err := SplitArgs("x " + Quote(s))
		if err != nil || len(got) != 2 || got[1] != s {
			t.Fatalf("Quote(%q) read back as %q, %v", s, got, err)
		}
	})
}
