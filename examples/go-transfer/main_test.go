package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/redwingdb/redwing"
)

func TestRun(t *testing.T) {
	srv, err := redwing.Start(redwing.Config{Directives: map[string]string{"save": ""}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var out bytes.Buffer
	if err := run(context.Background(), "redis://"+srv.Addr(), &out); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	for _, re := range []string{`WATCH: 100 concurrent transfers, \d+ retries after conflicts, \d+ refused, total 300`, `Lua: \d+ of 100 transfers done, the rest refused; total 300`} {
		if !regexp.MustCompile(re).Match(out.Bytes()) {
			t.Fatalf("output does not match %q:\n%s", re, out.String())
		}
	}
}
