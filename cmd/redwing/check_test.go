package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCheckToolExitCodes runs the subcommands' entry point: 0 for valid
// or fixed files, 1 otherwise.
func TestCheckToolExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := "*1\r\n$4\r\nPING\r\n"
	p := filepath.Join(dir, "appendonly.aof")
	if err := os.WriteFile(p, []byte(good+"*1\r\n$4\r\nPI"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout, _ = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer func() { os.Stdout = stdout }()
	for _, tc := range []struct {
		tool string
		args []string
		want int
	}{
		{"check-aof", []string{p}, 1},
		{"check-aof", []string{"--fix", p}, 0},
		{"check-aof", []string{p}, 0},
		{"check-aof", nil, 1},
		{"check-aof", []string{p, p}, 1},
		{"check-aof", []string{filepath.Join(dir, "missing")}, 1},
		{"check-rdb", []string{p}, 1}, // not an RDB file
		{"check-rdb", nil, 1},
	} {
		if got := checkTool(tc.tool, tc.args); got != tc.want {
			t.Errorf("%s %v: exit %d, want %d", tc.tool, tc.args, got, tc.want)
		}
	}
}
