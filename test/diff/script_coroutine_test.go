package diff

import (
	"runtime"
	"testing"
	"time"
)

// TestScriptCoroutinesDoNotLeak: a Lua coroutine derives a Go context from
// the script run's; each run's context must be released when the run ends,
// or every coroutine a script creates leaves a goroutine behind (the
// embedded Redwing shares this process, so its goroutines are counted).
func TestScriptCoroutinesDoNotLeak(t *testing.T) {
	p := newPair(t)
	// The coroutine is left suspended, as scripts that stop iterating a
	// generator early leave theirs.
	script := `local co = coroutine.wrap(function(a) coroutine.yield(a + 1) return a + 2 end)
return co(1)`
	p.do("EVAL", script, "0") // warm up
	time.Sleep(50 * time.Millisecond)
	before := runtime.NumGoroutine()
	const runs = 200
	for i := 0; i < runs; i++ {
		p.do("EVAL", script, "0")
	}
	var after int
	for i := 0; i < 50; i++ { // watchers exit asynchronously
		if after = runtime.NumGoroutine(); after < before+runs/4 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("goroutines grew from %d to %d over %d script runs with a coroutine", before, after, runs)
}
