package main

import (
	"bytes"
	"context"
	"strings"
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
	for _, want := range []string{"alice read 3 orders", "bob processed 5 orders", "pending: 3 (alice=3)", "bob recovered 3 orders with XAUTOCLAIM", "processed orders [1 2 3 4 5 6 7 8]; pending now 0"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}
