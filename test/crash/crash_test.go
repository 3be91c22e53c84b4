// Package crash runs a real redwing binary and kills it with SIGKILL under
// write load, then restarts it and checks what survived: every write
// acknowledged under appendfsync always (and, since replies wait for the
// write(2), under everysec too), transactions all-or-nothing, snapshots
// point-in-time consistent, torn AOF tails truncated, corrupt AOFs refused.
package crash

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

var bin string

func TestMain(m *testing.M) {
	var err error
	if bin, err = testkit.BuildRedwing("redwing-crash-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(filepath.Dir(bin))
	os.Exit(code)
}

type proc = testkit.Proc

// start runs redwing in dir with extra arguments; it returns once the
// server accepts connections, or the process's exit and output.
func start(t *testing.T, dir string, args ...string) (*proc, error) {
	t.Helper()
	return startProc(t, dir, true, args...)
}

// startProc is start; loaded false returns as soon as the server accepts
// connections, possibly while it still loads its dataset.
func startProc(t *testing.T, dir string, loaded bool, args ...string) (*proc, error) {
	t.Helper()
	p, err := testkit.StartRedwing(bin, dir, loaded, 30*time.Second, args...)
	if errors.Is(err, testkit.ErrStartTimeout) {
		t.Fatal(err)
	}
	if err == nil {
		t.Cleanup(p.Kill)
	}
	return p, err
}

func mustStart(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	p, err := start(t, dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func dial(t *testing.T, p *proc) *testkit.Client {
	t.Helper()
	c, err := testkit.Dial(p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func do(t *testing.T, c *testkit.Client, args ...string) testkit.Value {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

// load runs writers for d, then kills the server. Each writer increments
// its own counter and records the last value acknowledged; every tenth
// write is a transaction moving one unit between two keys (sum zero).
func load(t *testing.T, p *proc, writers int, d time.Duration) []int64 {
	acked := make([]int64, writers)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, err := testkit.Dial(p.Addr)
			if err != nil {
				return
			}
			defer c.Close()
			key := "ctr:" + strconv.Itoa(w)
			for !stop.Load() {
				v, err := c.Do("INCR", key)
				if err != nil || v.Type != ':' {
					return
				}
				atomic.StoreInt64(&acked[w], v.Int)
				if v.Int%10 == 0 {
					a, b := "pair:a:"+strconv.Itoa(int(v.Int)%17), "pair:b:"+strconv.Itoa(int(v.Int)%13)
					c.Send(testkit.Encode("MULTI"))
					c.Send(testkit.Encode("INCRBY", a, "5"))
					c.Send(testkit.Encode("DECRBY", b, "5"))
					c.Send(testkit.Encode("EXEC"))
					for i := 0; i < 4; i++ {
						if _, err := c.Read(); err != nil {
							return
						}
					}
				}
			}
		}(w)
	}
	time.Sleep(d)
	p.Kill()
	stop.Store(true)
	wg.Wait()
	return acked
}

func checkCounters(t *testing.T, c *testkit.Client, acked []int64, slack int64) {
	t.Helper()
	lost := int64(0)
	for w, a := range acked {
		v := do(t, c, "GET", "ctr:"+strconv.Itoa(w))
		got := int64(0)
		if !v.Null {
			got, _ = strconv.ParseInt(v.Str, 10, 64)
		}
		if got < a {
			lost += a - got
		}
		if got > a+1 {
			t.Errorf("writer %d: %d > acknowledged %d + 1", w, got, a)
		}
	}
	if lost > slack {
		t.Errorf("lost %d acknowledged writes (allowed %d)", lost, slack)
	}
	checkPairs(t, c)
}

// checkPairs verifies transactions are all-or-nothing: the pair keys sum
// to zero.
func checkPairs(t *testing.T, c *testkit.Client) {
	t.Helper()
	sum := int64(0)
	for i := 0; i < 17; i++ {
		v := do(t, c, "GET", "pair:a:"+strconv.Itoa(i))
		n, _ := strconv.ParseInt(v.Str, 10, 64)
		sum += n
	}
	for i := 0; i < 13; i++ {
		v := do(t, c, "GET", "pair:b:"+strconv.Itoa(i))
		n, _ := strconv.ParseInt(v.Str, 10, 64)
		sum += n
	}
	if sum != 0 {
		t.Errorf("transactions torn: pair sum %d", sum)
	}
}

func TestKillAOFAlways(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--appendfsync", "always")
	acked := load(t, p, 16, 1500*time.Millisecond)
	total := int64(0)
	for _, a := range acked {
		total += a
	}
	if total < 100 {
		t.Fatalf("too few writes (%d)", total)
	}
	p2 := mustStart(t, dir, "--appendonly", "yes", "--appendfsync", "always")
	checkCounters(t, dial(t, p2), acked, 0)
	t.Logf("%d acknowledged writes, all present", total)
}

func TestKillAOFEverysec(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--appendfsync", "everysec")
	const run = 4 * time.Second
	acked := load(t, p, 16, run)
	p2 := mustStart(t, dir, "--appendonly", "yes")
	// Replies wait for the write(2), except while a background fsync is
	// running (writes are then postponed, at most two seconds, as Redis
	// does): a process crash loses at most that window.
	total := int64(0)
	for _, a := range acked {
		total += a
	}
	checkCounters(t, dial(t, p2), acked, total*int64(2*time.Second)/int64(run))
}

func TestKillDuringRewrite(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "yes")
	c := dial(t, p)
	for i := 0; i < 2000; i++ {
		do(t, c, "SET", "pre:"+strconv.Itoa(i), strings.Repeat("x", i%100))
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		for i := 0; i < 5; i++ {
			cc, err := testkit.Dial(p.Addr)
			if err != nil {
				return
			}
			cc.Do("BGREWRITEAOF")
			cc.Close()
			time.Sleep(150 * time.Millisecond)
		}
	}()
	acked := load(t, p, 8, 1500*time.Millisecond)
	p2 := mustStart(t, dir, "--appendonly", "yes")
	c2 := dial(t, p2)
	checkCounters(t, c2, acked, 0)
	if v := do(t, c2, "GET", "pre:1999"); v.Str != strings.Repeat("x", 99) {
		t.Fatalf("pre-existing data lost: %s", v)
	}
}

func TestTornAOFTail(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--appendfsync", "always")
	c := dial(t, p)
	do(t, c, "SET", "a", "1")
	do(t, c, "SET", "b", "2")
	p.Kill()
	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	f, err := os.OpenFile(incr, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$2\r\n3") // torn last command
	f.Close()
	p2 := mustStart(t, dir, "--appendonly", "yes")
	c2 := dial(t, p2)
	if v := do(t, c2, "GET", "b"); v.Str != "2" {
		t.Fatal(v)
	}
	if v := do(t, c2, "EXISTS", "c"); v.Int != 0 {
		t.Fatal("torn command applied")
	}
	if !strings.Contains(p2.Output(), "Truncating the AOF") {
		t.Fatalf("no truncation log: %s", p2.Output())
	}
	// aof-load-truncated no refuses the torn file.
	p2.Kill()
	f, _ = os.OpenFile(incr, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("*1\r\n$4\r\nPI")
	f.Close()
	if _, err := start(t, dir, "--appendonly", "yes", "--aof-load-truncated", "no"); err == nil || !strings.Contains(err.Error(), "Unexpected end of file") {
		t.Fatalf("torn file accepted with aof-load-truncated no: %v", err)
	}
}

func TestCorruptAOFRefused(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--appendfsync", "always")
	c := dial(t, p)
	do(t, c, "SET", "a", "1")
	do(t, c, "SET", "b", "2")
	p.Kill()
	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	data, _ := os.ReadFile(incr)
	// Damage the second command's array header.
	i := strings.Index(string(data[1:]), "*3") + 1
	data[i] = '!'
	os.WriteFile(incr, data, 0o644)
	_, err := start(t, dir, "--appendonly", "yes")
	if err == nil {
		t.Fatal("corrupt AOF accepted")
	}
	want := fmt.Sprintf("file appendonly.aof.1.incr.aof, offset %d", i)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error does not name file and offset (%s): %v", want, err)
	}
}

func TestBGSaveConsistentUnderLoad(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir)
	c := dial(t, p)
	// Enough keys that the snapshot takes a while.
	for i := 0; i < 200; i++ {
		args := []string{"MSET"}
		for j := 0; j < 100; j++ {
			args = append(args, fmt.Sprintf("fill:%d:%d", i, j), strings.Repeat("v", 50))
		}
		do(t, c, args...)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			cc, err := testkit.Dial(p.Addr)
			if err != nil {
				return
			}
			defer cc.Close()
			for n := 0; !stop.Load(); n++ {
				a, b := "pair:a:"+strconv.Itoa((n+w)%17), "pair:b:"+strconv.Itoa((n*7+w)%13)
				cc.Send(testkit.Encode("MULTI"))
				cc.Send(testkit.Encode("INCRBY", a, "3"))
				cc.Send(testkit.Encode("DECRBY", b, "3"))
				cc.Send(testkit.Encode("EXEC"))
				for i := 0; i < 4; i++ {
					if _, err := cc.Read(); err != nil {
						return
					}
				}
			}
		}(w)
	}
	time.Sleep(200 * time.Millisecond)
	for i := 0; i < 3; i++ {
		for {
			v := do(t, c, "BGSAVE")
			if v.Type == '+' {
				break
			}
			if !strings.Contains(v.Str, "already in progress") {
				t.Fatal(v)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	for { // SAVE waits for the background save to end first
		v := do(t, c, "SAVE")
		if v.Type == '+' {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	p.Kill()
	p2 := mustStart(t, dir)
	c2 := dial(t, p2)
	checkPairs(t, c2)
	if v := do(t, c2, "DBSIZE"); v.Int < 20000 {
		t.Fatalf("dbsize %d", v.Int)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestShutdownSaveAndSigterm(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir)
	c := dial(t, p)
	do(t, c, "SET", "k", "v1")
	c.Send(testkit.Encode("SHUTDOWN", "SAVE"))
	c.ReadTimeout(2 * time.Second)
	waitFor(t, "dump.rdb", func() bool { _, err := os.Stat(filepath.Join(dir, "dump.rdb")); return err == nil })
	p.Kill()
	p2 := mustStart(t, dir)
	c2 := dial(t, p2)
	if v := do(t, c2, "GET", "k"); v.Str != "v1" {
		t.Fatalf("after SHUTDOWN SAVE: %v", v)
	}
	// SIGTERM saves when save points are configured.
	p2.Kill()
	os.Remove(filepath.Join(dir, "dump.rdb"))
	p3 := mustStart(t, dir, "--save", "3600", "1")
	c3 := dial(t, p3)
	do(t, c3, "SET", "k", "v2")
	p3.Signal(syscall.SIGTERM)
	waitFor(t, "exit", func() bool { return p3.Exited() || strings.Contains(p3.Output(), "DB saved on disk") })
	time.Sleep(100 * time.Millisecond)
	p4 := mustStart(t, dir)
	if v := do(t, dial(t, p4), "GET", "k"); v.Str != "v2" {
		t.Fatalf("after SIGTERM: %v\n%s", v, p3.Output())
	}
}

func TestSavePoint(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--save", "1", "2")
	c := dial(t, p)
	do(t, c, "SET", "a", "1")
	do(t, c, "SET", "b", "2")
	waitFor(t, "save point", func() bool { _, err := os.Stat(filepath.Join(dir, "dump.rdb")); return err == nil })
	if !strings.Contains(p.Output(), "2 changes in 1 seconds. Saving...") {
		t.Fatalf("no save point log: %s", p.Output())
	}
}

func TestAppendOnlyAtRuntime(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir)
	c := dial(t, p)
	for i := 0; i < 100; i++ {
		do(t, c, "RPUSH", "list", strconv.Itoa(i))
	}
	if v := do(t, c, "CONFIG", "SET", "appendonly", "yes"); v.Str != "OK" {
		t.Fatal(v)
	}
	do(t, c, "SET", "after", "yes")
	waitFor(t, "AOF rewrite", func() bool { return strings.Contains(p.Output(), "Background AOF rewrite finished") })
	do(t, c, "SET", "later", "yes")
	p.Kill()
	p2 := mustStart(t, dir, "--appendonly", "yes")
	c2 := dial(t, p2)
	if v := do(t, c2, "LLEN", "list"); v.Int != 100 {
		t.Fatalf("LLEN %v", v)
	}
	for _, k := range []string{"after", "later"} {
		if v := do(t, c2, "GET", k); v.Str != "yes" {
			t.Fatalf("%s: %v", k, v)
		}
	}
	// Turning it off stops appending.
	do(t, c2, "CONFIG", "SET", "appendonly", "no")
	time.Sleep(100 * time.Millisecond)
	do(t, c2, "SET", "unlogged", "1")
	p2.Kill()
	p3 := mustStart(t, dir, "--appendonly", "yes")
	if v := do(t, dial(t, p3), "EXISTS", "unlogged"); v.Int != 0 {
		t.Fatal("write after appendonly no was logged")
	}
}

func TestAutoRewrite(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--auto-aof-rewrite-min-size", "10000", "--auto-aof-rewrite-percentage", "100")
	c := dial(t, p)
	for i := 0; i < 500; i++ {
		do(t, c, "SET", "k", strings.Repeat("x", 100))
	}
	waitFor(t, "automatic rewrite", func() bool { return strings.Contains(p.Output(), "Starting automatic rewriting of AOF") })
	waitFor(t, "rewrite end", func() bool { return strings.Contains(p.Output(), "Background AOF rewrite finished") })
	man, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if !strings.Contains(string(man), "appendonly.aof.2.base.rdb") {
		t.Fatalf("manifest after rewrite:\n%s", man)
	}
	p.Kill()
	p2 := mustStart(t, dir, "--appendonly", "yes")
	if v := do(t, dial(t, p2), "STRLEN", "k"); v.Int != 100 {
		t.Fatal(v)
	}
}

func TestRewriteWithoutPreamble(t *testing.T) {
	dir := t.TempDir()
	p := mustStart(t, dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--aof-timestamp-enabled", "yes")
	c := dial(t, p)
	do(t, c, "RPUSH", "l", "a", "b")
	do(t, c, "SADD", "s", "x", "y")
	do(t, c, "ZADD", "z", "1.5", "m")
	do(t, c, "HSET", "h", "f", "v")
	do(t, c, "SET", "e", "v", "EX", "1000")
	do(t, c, "XADD", "st", "1-1", "f", "v")
	do(t, c, "XGROUP", "CREATE", "st", "g", "0")
	do(t, c, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "st", ">")
	do(t, c, "SELECT", "2")
	do(t, c, "SET", "in2", "x")
	do(t, c, "BGREWRITEAOF")
	waitFor(t, "rewrite end", func() bool { return strings.Contains(p.Output(), "Background AOF rewrite finished") })
	base, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.2.base.aof"))
	if !strings.HasPrefix(string(base), "#TS:") || !strings.Contains(string(base), "XCLAIM") {
		t.Fatalf("base:\n%q", base)
	}
	p.Kill()
	p2 := mustStart(t, dir, "--appendonly", "yes")
	c2 := dial(t, p2)
	for _, tc := range [][]string{{"LLEN", "l"}, {"SCARD", "s"}, {"ZCARD", "z"}, {"HLEN", "h"}, {"XLEN", "st"}} {
		if v := do(t, c2, tc...); v.Int < 1 {
			t.Fatalf("%v: %v", tc, v)
		}
	}
	if v := do(t, c2, "TTL", "e"); v.Int < 900 {
		t.Fatalf("TTL %v", v)
	}
	if v := do(t, c2, "XPENDING", "st", "g"); v.Elems[0].Int != 1 {
		t.Fatalf("XPENDING %v", v)
	}
	do(t, c2, "SELECT", "2")
	if v := do(t, c2, "GET", "in2"); v.Str != "x" {
		t.Fatal(v)
	}
}

// TestLoadingPhase: the server listens while it loads its dataset, answers
// commands not allowed while loading with -LOADING (as Redis), reports
// loading:1 and the loading_* fields in INFO persistence, and serves the
// full dataset once loaded. key-load-delay stretches the load out.
func TestLoadingPhase(t *testing.T) {
	for _, mode := range []string{"rdb", "aof"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			var args []string
			if mode == "aof" {
				// An RDB-preamble base is what a rewrite leaves; key-load-delay applies to it.
				args = []string{"--appendonly", "yes"}
			}
			p := mustStart(t, dir, args...)
			c := dial(t, p)
			const n = 1500
			for i := 0; i < n; i += 100 {
				argv := []string{"MSET"}
				for j := i; j < i+100; j++ {
					argv = append(argv, "k"+strconv.Itoa(j), strconv.Itoa(j))
				}
				do(t, c, argv...)
			}
			if mode == "aof" {
				do(t, c, "BGREWRITEAOF")
				waitFor(t, "rewrite", func() bool {
					v := do(t, c, "INFO", "persistence")
					return strings.Contains(v.Str, "aof_rewrite_in_progress:0") && strings.Contains(v.Str, "aof_rewrites:1")
				})
				do(t, c, "SET", "tail", "t") // replayed from the incr file after the base
			} else {
				do(t, c, "SAVE")
			}
			p.Kill()

			p2, err := startProc(t, dir, false, append(args, "--key-load-delay", "1000")...)
			if err != nil {
				t.Fatal(err)
			}
			c2 := dial(t, p2)
			if v := do(t, c2, "GET", "k1"); v.Type != '-' || v.Str != "LOADING Redis is loading the dataset in memory" {
				t.Fatalf("GET while loading: %+v", v)
			}
			// INFO may run while loading and shows the progress fields.
			info := do(t, c2, "INFO", "persistence")
			for _, f := range []string{"loading:1", "loading_start_time:", "loading_total_bytes:", "loading_loaded_perc:", "loading_eta_seconds:"} {
				if !strings.Contains(info.Str, f) {
					t.Fatalf("INFO while loading lacks %q:\n%s", f, info.Str)
				}
			}
			// A transaction queuing a command refused while loading is aborted.
			do(t, c2, "MULTI")
			if v := do(t, c2, "GET", "k1"); v.Type != '-' {
				t.Fatalf("GET queued while loading: %+v", v)
			}
			if v := do(t, c2, "EXEC"); v.Type != '-' || !strings.HasPrefix(v.Str, "EXECABORT") {
				t.Fatalf("EXEC after a refused command: %+v", v)
			}
			waitFor(t, "loaded", func() bool {
				v := do(t, c2, "PING")
				return v.Type == '+'
			})
			if v := do(t, c2, "DBSIZE"); v.Int != int64(n+len(args)/2) {
				t.Fatalf("DBSIZE after loading: %+v", v)
			}
			if v := do(t, c2, "GET", "k1499"); v.Str != "1499" {
				t.Fatalf("GET after loading: %+v", v)
			}
			if info := do(t, c2, "INFO", "persistence"); !strings.Contains(info.Str, "loading:0") || strings.Contains(info.Str, "loading_start_time") {
				t.Fatalf("INFO after loading:\n%s", info.Str)
			}
		})
	}
}
