//go:build linux

package server

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func oomScoreNow(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(oomScoreFile)
	if err != nil {
		t.Skip("no oom_score_adj:", err)
	}
	v, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return v
}

// oom-score-adj sets this process's OOM-killer score from
// oom-score-adj-values at start and on CONFIG SET, relative to the score
// it had first or absolute, and "no" puts that score back.
func TestOOMScoreAdj(t *testing.T) {
	base := oomScoreNow(t)
	t.Cleanup(func() { os.WriteFile(oomScoreFile, []byte(strconv.Itoa(base)), 0) })
	if base != 0 && os.Geteuid() != 0 {
		// Below a score it was given, only a privileged process may go.
		t.Skipf("oom_score_adj already %d, not root", base)
	}
	if base > 500 {
		t.Skipf("oom_score_adj already %d", base)
	}
	s := startServerPlain(t, "--oom-score-adj", "relative", "--oom-score-adj-values", "100", "200", "800")
	if got := oomScoreNow(t); got != base+100 {
		t.Fatalf("at start: oom_score_adj %d, want %d+100", got, base)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2})
	defer c.Close()
	ctx := context.Background()
	for _, step := range []struct {
		args []any
		want int
	}{
		{[]any{"config", "set", "oom-score-adj-values", "300 400 900"}, base + 300},
		{[]any{"config", "set", "oom-score-adj", "absolute"}, 300},
		{[]any{"config", "set", "oom-score-adj-values", "2000 0 0"}, 1000}, // clamped
		{[]any{"config", "set", "oom-score-adj", "no"}, base},
		{[]any{"config", "set", "oom-score-adj-values", "600 0 0"}, base}, // off: no effect
		{[]any{"config", "set", "oom-score-adj", "yes"}, base + 600},
	} {
		if err := c.Do(ctx, step.args...).Err(); err != nil {
			t.Fatalf("%v: %v", step.args, err)
		}
		if got := oomScoreNow(t); got != step.want {
			t.Fatalf("after %v: oom_score_adj %d, want %d", step.args, got, step.want)
		}
	}
}
