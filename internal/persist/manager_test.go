package persist_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redwingdb/redwing"
	"github.com/redwingdb/redwing/internal/testkit"
)

func do(t *testing.T, c *testkit.Client, args ...string) testkit.Value {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

// TestSnapshotsUnderConcurrentWrites runs snapshots (BGSAVE, BGREWRITEAOF)
// while clients write every type through single commands, transactions
// and scripts, then reloads both files and checks transactional
// invariants. Run it with -race.
func TestSnapshotsUnderConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	srv, err := redwing.Start(redwing.Config{Dir: dir, Directives: map[string]string{"save": "", "appendonly": "yes", "appendfsync": "always"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := testkit.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i++ {
		do(t, c, "SET", "fill:"+strconv.Itoa(i), strings.Repeat("v", i%200))
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			cc, err := testkit.Dial(srv.Addr())
			if err != nil {
				return
			}
			defer cc.Close()
			for n := 0; !stop.Load(); n++ {
				k := strconv.Itoa((n*7 + w) % 50)
				switch n % 6 {
				case 0:
					cc.Do("MULTI")
					cc.Do("INCRBY", "a:"+k, "2")
					cc.Do("DECRBY", "b:"+strconv.Itoa(n%31), "2")
					cc.Do("EXEC")
				case 1:
					cc.Do("EVAL", "redis.call('INCRBY', KEYS[1], 1); redis.call('DECRBY', KEYS[2], 1)", "2", "a:"+k, "b:"+k)
				case 2:
					cc.Do("RPUSH", "list:"+k, strconv.Itoa(n))
				case 3:
					cc.Do("HSET", "hash:"+k, "f"+strconv.Itoa(n%300), "v")
				case 4:
					cc.Do("ZADD", "z:"+k, strconv.Itoa(n), "m"+strconv.Itoa(n%200))
				case 5:
					cc.Do("DEL", "fill:"+strconv.Itoa(n%3000))
					cc.Do("SET", "fill:"+strconv.Itoa(n%3000), "again")
				}
			}
		}(w)
	}
	for i := 0; i < 3; i++ {
		for {
			v := do(t, c, "BGSAVE")
			if v.Type == '+' {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		for {
			v := do(t, c, "BGREWRITEAOF")
			if v.Type == '+' {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for do(t, c, "SAVE").Type != '+' {
		time.Sleep(5 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	want := map[string]string{}
	for _, k := range []string{"list:1", "hash:2", "z:3", "a:4", "b:5"} {
		want[k] = fmt.Sprint(do(t, c, "DUMP", k).Str)
	}
	c.Close()
	srv.Close()

	check := func(name string, directives map[string]string) {
		s, err := redwing.Start(redwing.Config{Dir: dir, Directives: directives})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer s.Close()
		cc, _ := testkit.Dial(s.Addr())
		defer cc.Close()
		sum := int64(0)
		for i := 0; i < 50; i++ {
			for _, p := range []string{"a:", "b:"} {
				v := do(t, cc, "GET", p+strconv.Itoa(i))
				n, _ := strconv.ParseInt(v.Str, 10, 64)
				sum += n
			}
		}
		if sum != 0 {
			t.Errorf("%s: transactions torn (sum %d)", name, sum)
		}
		if name == "aof" {
			// The AOF has everything: compare with the final state.
			for k, d := range want {
				if got := do(t, cc, "DUMP", k).Str; got != d {
					t.Errorf("aof: %s differs", k)
				}
			}
		}
	}
	check("aof", map[string]string{"save": "", "appendonly": "yes"})
	check("rdb", map[string]string{"save": ""})
}

// TestDebugReload checks what the differential test cannot: DEBUG RELOAD
// is atomic for other clients (a writer never sees the keyspace empty or
// half loaded), and NOFLUSH without MERGE over a key the file repeats is
// a load error that leaves the server running (Redis exits).
func TestDebugReload(t *testing.T) {
	srv, err := redwing.Start(redwing.Config{Dir: t.TempDir(), Directives: map[string]string{"save": "", "enable-debug-command": "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := testkit.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 2000; i++ {
		do(t, c, "SET", "k:"+strconv.Itoa(i), strconv.Itoa(i))
	}
	var stop atomic.Bool
	var bad atomic.Value
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		cc, err := testkit.Dial(srv.Addr())
		if err != nil {
			bad.Store(err.Error())
			return
		}
		defer cc.Close()
		for !stop.Load() {
			v, err := cc.Do("DBSIZE")
			if err != nil || v.Int != 2000 {
				bad.Store(fmt.Sprintf("DBSIZE during reloads: %v %v", v, err))
				return
			}
		}
	}()
	for i := 0; i < 5; i++ {
		if v := do(t, c, "DEBUG", "RELOAD"); v.Str != "OK" {
			t.Fatalf("DEBUG RELOAD: %v", v)
		}
	}
	stop.Store(true)
	wg.Wait()
	if b := bad.Load(); b != nil {
		t.Fatal(b)
	}
	v := do(t, c, "DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")
	if v.Type != '-' || v.Str != "ERR Error trying to load the RDB dump, check server logs." {
		t.Fatalf("NOFLUSH over the same keys: %v", v)
	}
	if v := do(t, c, "GET", "k:1999"); v.Str != "1999" {
		t.Fatalf("after the failed load: %v", v)
	}
}
