package snapshot_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	_ "github.com/redwingdb/redwing/internal/commands"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/persist/snapshot"
	"github.com/redwingdb/redwing/internal/types"
)

// textFormat renders "db key value" records.
type textFormat struct{}

func (textFormat) AppendKey(dst []byte, db int, key []byte, ent *keyspace.Entry, now int64) []byte {
	v := string(ent.Str())
	if l, ok := ent.Obj().(*types.List); ok {
		var parts []string
		l.ForEach(func(b []byte) bool { parts = append(parts, string(b)); return true })
		v = "[" + strings.Join(parts, ",") + "]"
	}
	return fmt.Appendf(dst, "%d %s %s\n", db, key, v)
}

type collect struct {
	mu   sync.Mutex
	recs []string
	dbs  []int
}

func (c *collect) BeginDB(db int, size, expires int64) error { c.dbs = append(c.dbs, db); return nil }
func (c *collect) Records(p []byte) error {
	for _, l := range strings.Split(strings.TrimSuffix(string(p), "\n"), "\n") {
		if l != "" {
			c.recs = append(c.recs, l)
		}
	}
	return nil
}

func setup(t *testing.T) (*engine.Engine, func(args ...string) string) {
	t.Helper()
	ks := keyspace.New(16, clock.Real{})
	e, err := engine.New(ks, config.New())
	if err != nil {
		t.Fatal(err)
	}
	c := e.NewClient(nil, "", "", -1)
	c.Authed = true
	run := func(args ...string) string {
		argv := make([][]byte, len(args))
		for i, a := range args {
			argv[i] = []byte(a)
		}
		c.W.Reset()
		e.Exec(c, argv)
		return string(c.W.Buf)
	}
	return e, run
}

func TestSnapshotIsPointInTime(t *testing.T) {
	e, run := setup(t)
	for i := 0; i < 200; i++ {
		run("SET", fmt.Sprintf("k%d", i), "old")
	}
	run("RPUSH", "list", "a", "b")
	run("SELECT", "2")
	run("SET", "in2", "x")
	run("SELECT", "0")
	var want []string
	for i := 0; i < 200; i++ {
		want = append(want, fmt.Sprintf("0 k%d old", i))
	}
	want = append(want, "0 list [a,b]", "2 in2 x")
	sort.Strings(want)

	atStart := false
	s := snapshot.Begin(e, snapshot.Options{Format: textFormat{}, AtStart: func() { atStart = true }})
	if !atStart {
		t.Fatal("AtStart not run")
	}
	// Writes after T0 through every path.
	for i := 0; i < 200; i += 2 {
		run("SET", fmt.Sprintf("k%d", i), "new")
	}
	run("DEL", "k1", "k3")
	run("SET", "created", "later")
	run("RPUSH", "list", "c")
	run("MULTI")
	run("SET", "k5", "tx")
	run("DEL", "k7")
	run("EXEC")
	run("EVAL", "redis.call('SET', 'k9', 'script'); redis.call('DEL', 'k11'); return 1", "0")
	run("RENAME", "k13", "renamed")
	run("MOVE", "k15", "2")
	run("SWAPDB", "0", "5") // drains every unsaved shard first
	run("FLUSHALL")
	out := &collect{}
	if err := s.Write(out); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out.recs)
	if strings.Join(out.recs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("snapshot is not the T0 state:\n got %d records %v\nwant %d", len(out.recs), out.recs[:min(8, len(out.recs))], len(want))
	}
	if fmt.Sprint(out.dbs) != "[0 2]" {
		t.Fatalf("databases %v", out.dbs)
	}
	// After the snapshot, writes cost nothing and the guard is gone.
	run("SET", "after", "1")
	if s.PeakCOW() <= 0 {
		t.Fatal("no copy-on-write accounted")
	}
}

func TestSnapshotPreImagesOnly(t *testing.T) {
	e, run := setup(t)
	for i := 0; i < 1000; i++ {
		run("SET", fmt.Sprintf("k%d", i), strings.Repeat("v", 100))
	}
	s := snapshot.Begin(e, snapshot.Options{Format: textFormat{}})
	for i := 0; i < 1000; i += 10 {
		run("SET", fmt.Sprintf("k%d", i), "new")
	}
	// 100 pre-images of ~110 bytes (+ accounting overhead) at most.
	if p := s.PeakCOW(); p <= 0 || p > 100*(120+64) {
		t.Fatalf("peak copy-on-write %d", p)
	}
	out := &collect{}
	s.Write(out)
	if len(out.recs) != 1000 {
		t.Fatal(len(out.recs))
	}
	for _, r := range out.recs {
		if strings.HasSuffix(r, " new") {
			t.Fatalf("post-T0 value in snapshot: %s", r)
		}
	}
}
