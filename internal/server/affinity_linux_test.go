//go:build linux

package server

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// threadCPUs returns each thread's allowed CPUs as /proc lists them.
func threadCPUs(t *testing.T) map[string]string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Skip("no /proc/self/task")
	}
	out := map[string]string{}
	for _, task := range tasks {
		data, err := os.ReadFile("/proc/self/task/" + task.Name() + "/status")
		if err != nil {
			continue // the thread ended
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
				out[task.Name()] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// server_cpulist pins every thread of the server (here the test binary's)
// to the CPUs it lists; a malformed list leaves them alone.
func TestServerCPUListPinsEveryThread(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: nothing to pin to")
	}
	before := threadCPUs(t)
	var orig string
	for _, v := range before {
		orig = v
	}
	t.Cleanup(func() {
		if err := pinProcess(orig); err != nil { // the test binary's CPUs back
			t.Error(err)
		}
	})

	s := startServerPlain(t, "--server_cpulist", "0-1:2x")
	s.Close()
	for tid, cpus := range threadCPUs(t) {
		if cpus != orig {
			t.Fatalf("malformed list: thread %s allowed on %q, want %q unchanged", tid, cpus, orig)
		}
	}

	allowed, ok := parseCPUList(orig)
	if !ok || len(allowed) < 2 {
		t.Skipf("allowed CPUs %q", orig)
	}
	one := strconv.Itoa(allowed[0]) // a CPU this process may use
	startServerPlain(t, "--server_cpulist", one)
	after := threadCPUs(t)
	if len(after) < 2 {
		t.Fatalf("%d threads", len(after))
	}
	for tid, cpus := range after {
		if cpus != one {
			t.Fatalf("thread %s allowed on %q, want %q (before: %v)", tid, cpus, one, before)
		}
	}
}
