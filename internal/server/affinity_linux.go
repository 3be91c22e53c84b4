//go:build linux

package server

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"
)

// applyServerCPUList pins the process to server_cpulist's CPUs, as Redis
// pins its main and I/O threads. A malformed list or a set of no usable
// CPU is ignored (logged), as Redis ignores it.
func (s *Server) applyServerCPUList() {
	if list := s.Cfg.String("server_cpulist"); list != "" {
		if err := pinProcess(list); err != nil {
			s.Log.Printf("server_cpulist '%s': %v: CPU affinity unchanged", list, err)
		}
	}
}

var errCPUList = errors.New("not a valid CPU list")

// pinProcess sets the CPU affinity of every thread of the process: any
// thread may run any goroutine. A thread started later inherits the set
// from the one that starts it; a second pass covers threads started
// during the first.
func pinProcess(list string) error {
	cpus, ok := parseCPUList(list)
	if !ok {
		return errCPUList
	}
	var mask [maxCPUs / 64]uint64
	for _, c := range cpus {
		mask[c/64] |= 1 << (c % 64)
	}
	done := map[int]bool{}
	for pass := 0; pass < 3; pass++ {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil { // no /proc: this thread only, and those it starts
			if err := setAffinity(0, &mask); err != nil {
				return err
			}
			break
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			done[tid], fresh = true, true
			if err := setAffinity(tid, &mask); err != nil && err != syscall.ESRCH { // ESRCH: it ended
				return err
			}
		}
		if !fresh {
			break
		}
	}
	// The runtime sizes GOMAXPROCS by the affinity mask and rereads it now
	// and then; now, so that the event loops are sized by it (startLoops).
	// An explicit GOMAXPROCS setting stays.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.SetDefaultGOMAXPROCS()
	}
	return nil
}

func setAffinity(tid int, mask *[maxCPUs / 64]uint64) error {
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid), unsafe.Sizeof(*mask), uintptr(unsafe.Pointer(mask)))
	if errno != 0 {
		return errno
	}
	return nil
}
